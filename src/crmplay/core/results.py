"""Step results: the headline figures each step writes to ``reports/<client>/results/<step>.json``.

Each chapter declares one typed record (a frozen dataclass deriving from :class:`ResultsRecord`,
in its ``results.py``); :func:`write_record` writes it and :func:`read_record` is the one way to
read it back. Every field is declared with :func:`figure`, which carries its meaning and unit;
``RESULTS.md`` at the repository root is generated from these declarations
(``python -m crmplay.engine.results_doc``).

The executive summary and the batch roll-up read these files, never a notebook's cells. Every
file carries ``step``, ``client``, ``crmplay_version`` and ``written_at`` beside the step's own
documented keys. Missing values (NaN, infinities) are written as ``null`` so the files are
strict JSON.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from crmplay import __version__
from crmplay.core.fileio import write_json


def results_dir(reports_root: str | Path, client: str) -> Path:
    """``<reports_root>/<client>/results``."""
    return Path(reports_root) / client / "results"


def clean(obj: Any) -> Any:
    """Make ``obj`` strict-JSON-ready: NaN/inf -> None, numpy/pandas scalars -> Python."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if hasattr(obj, "to_dict") and hasattr(obj, "columns"):  # DataFrame
        return clean(obj.to_dict(orient="records"))
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)) and getattr(obj, "ndim", 0) == 0:
        obj = obj.item()
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if obj is not None and not isinstance(obj, (str, int, float, bool, list, dict)):
        if hasattr(obj, "isoformat"):
            try:
                if obj != obj:  # NaT
                    return None
            except (TypeError, ValueError):
                pass
            return obj.isoformat()
    return obj


def write_results(reports_root: str | Path, client: str, step: str, figures: dict[str, Any]) -> Path:
    """Write one step's results atomically; returns the file path."""
    payload = {
        "step": step,
        "client": client,
        "crmplay_version": __version__,
        "written_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        **clean(figures),
    }
    return write_json(results_dir(reports_root, client) / f"{step}.json", payload)


def read_results(reports_root: str | Path, client: str, step: str) -> dict[str, Any] | None:
    """One step's results, or ``None`` when the step has not written any."""
    path = results_dir(reports_root, client) / f"{step}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# Typed records

R = TypeVar("R", bound="ResultsRecord")


def figure(doc: str, unit: str = "", default: Any = None, *, factory: Any = None) -> Any:
    """Declare one field of a results record with its meaning and unit (for RESULTS.md).

    ``factory`` builds a fresh default (for lists and dicts); otherwise ``default`` is used.
    """
    meta = {"doc": doc, "unit": unit}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


@dataclasses.dataclass(frozen=True)
class ResultsRecord:
    """Base of every step's results record.

    Subclasses set ``STEP`` (the step id, also the file name) and ``SCHEMA_VERSION`` (raised
    whenever a key changes meaning or disappears), and declare their fields with :func:`figure`.
    """

    STEP: ClassVar[str] = ""
    SCHEMA_VERSION: ClassVar[int] = 1

    def to_json(self) -> dict[str, Any]:
        """The record as strict-JSON-ready data (NaN -> None, numpy scalars -> Python)."""
        return clean({f.name: getattr(self, f.name) for f in dataclasses.fields(self)})

    @classmethod
    def from_json(cls: type[R], payload: Mapping[str, Any]) -> R:
        """Build the record from a results file's payload; keys the record does not declare
        (``step``, ``client``, ``written_at``...) are left out, missing ones take their default."""
        names = {f.name for f in dataclasses.fields(cls) if f.init}
        return cls(**{k: v for k, v in payload.items() if k in names})

    @property
    def written_at(self) -> str | None:
        """When the file this record was read from was written (ISO 8601), else ``None``."""
        return self.__dict__.get("_written_at")

    def get(self, key: str, default: Any = None) -> Any:
        """Mapping-style access to one figure (``None`` values give ``default``)."""
        value = getattr(self, key, None)
        return default if value is None else value


class ResultsVersionError(ValueError):
    """A results file written with another schema version of its record."""


def write_record(reports_root: str | Path, client: str, record: ResultsRecord) -> Path:
    """Write a step's typed record to ``results/<step>.json`` (atomically), with its schema version."""
    if not record.STEP:
        raise ValueError(f"{type(record).__name__} does not name its step (STEP)")
    return write_results(reports_root, client, record.STEP,
                         {"schema_version": record.SCHEMA_VERSION, **record.to_json()})


def read_record(reports_root: str | Path, client: str, cls: type[R]) -> R | None:
    """The one way to read a step's results: ``None`` when the step wrote none.

    Raises
    ------
    ResultsVersionError
        when the file was written with another ``schema_version`` than ``cls`` declares
        (rerun the step to refresh it). An unreadable file reads as ``None``.
    """
    try:
        payload = read_results(reports_root, client, cls.STEP)
    except (OSError, ValueError):  # unreadable or not JSON: as if the step had written nothing
        return None
    if not isinstance(payload, dict):
        return None
    version = payload.get("schema_version", 1)
    if version != cls.SCHEMA_VERSION:
        raise ResultsVersionError(
            f"results/{cls.STEP}.json has schema version {version}, crmplay expects {cls.SCHEMA_VERSION}: "
            f"run the {cls.STEP} step again")
    record = cls.from_json(payload)
    object.__setattr__(record, "_written_at", payload.get("written_at"))
    return record
