"""What a chapter's views may ask of the notebook they run in: the :class:`StepContext` protocol.

:func:`crmplay.notebook.start` builds the real context; the chapters type their ``ctx``
parameter with this protocol, so they depend on what a context offers, never on the notebook
module (which sits above them).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Protocol

if TYPE_CHECKING:
    import pandas as pd

    from crmplay.core.config import ClientConfig
    from crmplay.core.i18n import Translator
    from crmplay.core.privacy import PiiMask
    from crmplay.core.results import ResultsRecord


class StepContext(Protocol):
    """One step of one client, as a notebook sees it."""

    step: str
    client: str
    data_root: Path
    reports_root: Path
    config: ClientConfig
    lang: str
    tr: Translator

    @property
    def currency(self) -> str: ...

    @property
    def person_names(self) -> PiiMask: ...

    def has(self, table: str) -> bool: ...

    def table(self, name: str) -> pd.DataFrame | None: ...

    def write_results(self, record: ResultsRecord) -> Path: ...

    def consultant_path(self, filename: str) -> Path: ...

    def say(self, key: str, /, **values: Any) -> None: ...

    def html(self, fragment: str) -> None: ...

    def quote(self, text: Any) -> str: ...

    def show_table(self, df: pd.DataFrame, headers: Mapping[str, str] | None = None,
                   formats: Mapping[str, Any] | None = None, caption: str | None = None,
                   index: bool = False) -> None: ...

    def table_html(self, df: pd.DataFrame, headers: Mapping[str, str] | None = None,
                   formats: Mapping[str, Any] | None = None, caption: str | None = None,
                   index: bool = False) -> str: ...

    def show_figure(self, fig: Any, alt: str | None = None) -> None: ...

    def show_assumptions(self) -> None: ...


__all__ = ["StepContext"]
