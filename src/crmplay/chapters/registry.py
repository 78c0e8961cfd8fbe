"""The step registry: the one list of the engagement's chapters.

Each entry says everything the engine needs to know about a chapter: its id and titles, its
notebook and guide page, the canonical tables it reads (``requires``: all of them;
``requires_any``: at least one), the steps it depends on, the dataclass that validates its
``[steps.<id>]`` options and its typed results record. The engine, the CLI and the notebooks read
this module; nothing else lists the chapters.

Adding a chapter: one package under ``crmplay/chapters/``, one notebook, one entry below (see
ARCHITECTURE.md).

Example
-------
>>> [s.id for s in steps()]
['data_overview', 'needs', 'nps', 'loyalty', 'dimensions', 'summary']
>>> step("nps").requires
('nps_responses',)
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from crmplay.core.resources import notebooks_dir
from crmplay.core.results import ResultsRecord, ResultsVersionError, read_record
from crmplay.core.config import CANONICAL_TABLES, ClientConfig, load_config
from crmplay.core.steps import PlaybookError, Step, check_steps, load_playbook

from crmplay.chapters.dimensions.options import Options as DimensionsOptions
from crmplay.chapters.dimensions.results import DimensionsResults
from crmplay.chapters.loyalty.options import Options as LoyaltyOptions
from crmplay.chapters.loyalty.results import LoyaltyResults
from crmplay.chapters.needs.options import Options as NeedsOptions
from crmplay.chapters.needs.results import NeedsResults
from crmplay.chapters.nps.options import Options as NpsOptions
from crmplay.chapters.nps.results import NpsResults
from crmplay.chapters.overview.results import OverviewResults
from crmplay.chapters.summary.results import SummaryResults

_NEEDS_TABLES = ("assessment", "needs_ratings", "kano_responses", "interviews", "complaints")
#: client.toml sections every chapter's pages depend on (name, language, branding).
_PAGE = ("client", "branding")


def _entries(notebooks: Path) -> tuple[Step, ...]:
    return (
        Step(id="data_overview", title="Data overview", title_fa="مرور داده‌ها",
             notebook=notebooks / "00_data_overview.ipynb", guide="00_data_overview.md",
             results=OverviewResults, reads=CANONICAL_TABLES, settings=(*_PAGE, "privacy")),
        Step(id="needs", title="Customer-needs audit", title_fa="ممیزی نیازهای مشتری",
             notebook=notebooks / "01_needs_audit.ipynb", guide="01_needs_audit.md",
             requires_any=_NEEDS_TABLES, options=NeedsOptions, results=NeedsResults,
             reads=(*_NEEDS_TABLES, "customers"), settings=(*_PAGE, "economics", "survey", "privacy")),
        Step(id="nps", title="Net Promoter Score", title_fa="شاخص خالص ترویج‌کنندگان",
             notebook=notebooks / "02_nps.ipynb", guide="02_nps.md",
             requires=("nps_responses",), options=NpsOptions, results=NpsResults,
             reads=("nps_responses", "customers", "transactions"),
             settings=(*_PAGE, "economics", "survey", "privacy")),
        Step(id="loyalty", title="Loyalty program design", title_fa="طراحی برنامه‌ی وفاداری",
             notebook=notebooks / "03_loyalty_program.ipynb", guide="03_loyalty_program.md",
             requires=("transactions",), options=LoyaltyOptions, results=LoyaltyResults,
             reads=("transactions", "customers"), settings=(*_PAGE, "economics", "privacy")),
        Step(id="dimensions", title="Attract, delight, retain", title_fa="جذب، خوشنودی، حفظ",
             notebook=notebooks / "04_attract_delight_retain.ipynb", guide="04_attract_delight_retain.md",
             depends_on=("needs", "nps", "loyalty"), options=DimensionsOptions, results=DimensionsResults,
             reads=("nps_responses", "complaints", "transactions", "customers", "assessment"),
             settings=(*_PAGE, "survey", "steps.needs")),
        Step(id="summary", title="Executive summary", title_fa="خلاصه‌ی مدیریتی",
             notebook=notebooks / "05_executive_summary.ipynb", guide="05_executive_summary.md",
             depends_on=("needs", "nps", "loyalty", "dimensions"), results=SummaryResults,
             reads=(), settings=_PAGE),
    )


@cache
def _steps() -> tuple[Step, ...]:
    entries = _entries(notebooks_dir())
    check_steps(entries, "the step registry")
    return entries


def steps() -> list[Step]:
    """Every chapter, in engagement order."""
    return list(_steps())


def step(step_id: str) -> Step:
    """One chapter by id.

    Raises
    ------
    PlaybookError
        naming the known ids when ``step_id`` is not one of them.
    """
    for s in _steps():
        if s.id == step_id:
            return s
    raise PlaybookError(f"unknown step {step_id!r}; the steps are {', '.join(s.id for s in _steps())}")


def options_classes() -> dict[str, type]:
    """``{step id: options dataclass}`` for every chapter that takes options (for client.toml)."""
    return {s.id: s.options for s in _steps() if s.options is not None}


def load_client_config(client_dir: str | Path) -> ClientConfig:
    """``client.toml`` read with every chapter's options class (see :func:`load_config`)."""
    return load_config(client_dir, options_classes())


def chosen_steps(playbook: str | Path | None = None) -> list[Step]:
    """The registry's chapters, or the steps of a custom playbook file when one is given."""
    return steps() if playbook is None else load_playbook(playbook)


def read_results(reports_root: str | Path, client: str,
                 wanted: Mapping[str, Any] | None = None) -> dict[str, ResultsRecord | None]:
    """Every chapter's typed results record for ``client`` (``None`` where a step wrote none)."""
    chosen = [s for s in _steps() if s.results is not None and (wanted is None or s.id in wanted)]
    return {s.id: _read_current(reports_root, client, s.results) for s in chosen}


def _read_current(reports_root: str | Path, client: str, record: type[ResultsRecord]) -> ResultsRecord | None:
    """A step's record, or ``None`` when it wrote none or wrote it with another schema version
    (an older crmplay's file: the step runs again before anything trusts it)."""
    try:
        return read_record(reports_root, client, record)
    except ResultsVersionError:
        return None


__all__ = ["steps", "step", "options_classes", "load_client_config", "chosen_steps", "read_results"]
