"""What a step notebook needs, in one object: the client's config and data, the report
language, display helpers that escape and localise, and the step's results file.

A notebook's first code cell holds the parameters; the second is::

    from crmplay.notebook import start
    ctx = start("nps", client, data_root, reports_root, lang)

and every later cell is a few lines calling tested functions and ``ctx`` helpers. Nothing here
knows about NPS or tiers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from crmplay import __version__
from crmplay.chapters.registry import load_client_config
from crmplay.core.config import ClientConfig
from crmplay.core.i18n import Translator
from crmplay.core.markdown import escape_markdown
from crmplay.core.privacy import escape, safe_quote
from crmplay.core.results import ResultsRecord, read_results, write_record, write_results


def _display(obj: Any) -> None:
    from IPython.display import display

    display(obj)


@dataclass
class StepContext:
    """The running step's view of the engagement. Create it with :func:`start`."""

    step: str
    client: str
    data_root: Path
    reports_root: Path
    config: ClientConfig
    lang: str
    tr: Translator
    _tables: dict[str, pd.DataFrame | None] = field(default_factory=dict, repr=False)

    # -- data -------------------------------------------------------------------------------
    def has(self, table: str) -> bool:
        """True when the client configured the table and its file exists."""
        return self.config.has_table(table)

    def table(self, name: str) -> pd.DataFrame | None:
        """The canonical table (validated; cached), or ``None`` when the client has none.

        Raises :class:`crmplay.data.DataError` when the file exists but is bad.
        """
        if name not in self._tables:
            if not self.has(name):
                self._tables[name] = None
            else:
                from crmplay.data import load_table

                self._tables[name] = load_table(self.config, name)
        return self._tables[name]

    @property
    def currency(self) -> str:
        return self.config.client.currency

    @property
    def person_names(self) -> list[str]:
        """Customer names found in the customers table (to mask in quotes), if any."""
        customers = self.table("customers") if self.has("customers") else None
        if customers is None or "name" not in customers.columns:
            return []
        return [str(n) for n in customers["name"].dropna().unique()]

    # -- results ----------------------------------------------------------------------------
    def write_results(self, record: ResultsRecord | Mapping[str, Any]) -> Path:
        """Write this step's typed results record to ``results/<step>.json``."""
        if isinstance(record, ResultsRecord):
            return write_record(self.reports_root, self.client, record)
        return write_results(self.reports_root, self.client, self.step, dict(record))

    def read_results(self, step: str) -> dict[str, Any] | None:
        """Another step's results, or ``None`` if that step wrote none."""
        return read_results(self.reports_root, self.client, step)

    def consultant_path(self, filename: str) -> Path:
        """A path under ``reports/<client>/consultant/`` for consultant-only files (never linked
        from the stakeholder report). Write to it atomically (``crmplay.core.fileio``)."""
        path = self.reports_root / self.client / "consultant" / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    # -- display ----------------------------------------------------------------------------
    def say(self, key: str, /, **values: Any) -> None:
        """Show a catalogue message as markdown. Text values are HTML-escaped and their Markdown
        link and image syntax neutralised (``[``, ``]``, ``!``, backticks), so text from client data
        stays text; format numbers first."""
        from IPython.display import Markdown

        safe = {k: escape_markdown(v) if isinstance(v, str) else v for k, v in values.items()}
        _display(Markdown(self.tr(key, **safe)))

    def html(self, fragment: str) -> None:
        """Show an HTML fragment built by crmplay code (escape any customer text in it first)."""
        from IPython.display import HTML

        _display(HTML(fragment))

    def quote(self, text: Any) -> str:
        """Customer text ready for the report: personal data masked (unless allowed), escaped."""
        return safe_quote(text, self.person_names, self.config.privacy.show_personal_data)

    def show_table(
        self,
        df: pd.DataFrame,
        headers: Mapping[str, str] | None = None,
        formats: Mapping[str, Callable[[Any], str] | str] | None = None,
        caption: str | None = None,
        index: bool = False,
    ) -> None:
        """Show a table: headers translated (``headers`` maps column -> catalogue key or text),
        values formatted per language (``formats`` maps column -> callable or one of
        ``number``, ``number1``, ``number2``, ``percent``, ``money``, ``signed``, ``date``),
        all text escaped."""
        self.html(self.table_html(df, headers, formats, caption, index))

    def table_html(self, df, headers=None, formats=None, caption=None, index=False) -> str:
        tr = self.tr
        named = {
            "number": lambda v: tr.number(v),
            "number1": lambda v: tr.number(v, 1),
            "number2": lambda v: tr.number(v, 2),
            "percent": lambda v: tr.percent(v),
            "signed": lambda v: tr.signed(v),
            "money": lambda v: tr.money(v, self.currency),
            "date": lambda v: tr.date(v),
        }
        out = df.copy()
        if index:
            out = out.reset_index()
        for col, fmt in (formats or {}).items():
            if col in out.columns:
                fn = named[fmt] if isinstance(fmt, str) else fmt
                out[col] = out[col].map(fn).astype(object)
        for col in out.columns:
            if (formats is None or col not in formats) and pd.api.types.is_numeric_dtype(out[col]):
                out[col] = out[col].map(lambda v: tr.number(v, 2 if isinstance(v, float) and not float(v).is_integer() else 0)).astype(object)
        rename = {}
        for col in out.columns:
            key = (headers or {}).get(col, col)
            rename[col] = tr(key) if isinstance(key, str) and "." in key and _has_key(key, self.lang) else str(key)
        out = out.rename(columns=rename)
        body = out.to_html(index=False, escape=True, border=0, classes="crm-table", na_rep="–")
        if caption:
            body = body.replace('<table border="0" class="dataframe crm-table">',
                                f'<table class="dataframe crm-table"><caption>{escape(caption)}</caption>', 1)
        return body

    def show_figure(self, fig: Any, alt: str | None = None) -> None:
        """Show a matplotlib figure once and free it.

        ``alt`` is the chart's text description (read by screen readers, shown when the image
        cannot be); by default :func:`figure_description`, the figure's titles. It travels in
        the output metadata as ``{"image/png": {"alt": ...}}``, which the crmplay report
        template writes into the page's ``<img alt>``.
        """
        import matplotlib.pyplot as plt
        from IPython.display import display

        description = figure_description(fig) if alt is None else " ".join(str(alt).split())
        if description:
            display(fig, metadata={"image/png": {"alt": description}, "image/jpeg": {"alt": description}})
        else:
            _display(fig)
        plt.close(fig)

    def show_assumptions(self) -> None:
        """The economic assumptions in force, each with its source (client.toml or a default)."""
        rows = pd.DataFrame(self.config.assumptions())
        rows["key"] = rows["key"].map(lambda k: self.tr(f"core.assumption.{k}") if _has_key(f"core.assumption.{k}", self.lang) else k)
        rows["value"] = rows["value"].map(lambda v: self.tr("core.not_set") if v is None else self.tr.number(v, 2))
        self.show_table(rows, headers={"key": "core.assumption_header", "value": "core.value_header", "source": "core.source_header"})


def figure_description(fig: Any) -> str:
    """A matplotlib figure's text description: its suptitle and its axes' titles (left, centre
    and right titles, in axes order), joined with " · "; "" when the figure has no title."""
    parts: list[str] = []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text().strip():
        parts.append(suptitle.get_text())
    for ax in fig.get_axes():
        for loc in ("left", "center", "right"):
            parts.append(ax.get_title(loc=loc))
    cleaned = [" ".join(p.split()) for p in parts]
    return " · ".join(dict.fromkeys(p for p in cleaned if p))


def _has_key(key: str, lang: str) -> bool:
    from crmplay.core.i18n import has

    try:
        return has(key, lang)
    except KeyError:
        return False


def start(step: str, client: str, data_root: str | Path, reports_root: str | Path, lang: str | None = None) -> StepContext:
    """Open a step for ``client``: read its config, set the chart style, bind the language.

    ``lang`` empty or ``None`` means the client's configured language.
    """
    from crmplay import charts

    data_root = Path(data_root)
    reports_root = Path(reports_root)
    config = load_client_config(data_root / client)
    lang = lang or config.language
    charts.apply_style(config.branding.colour)
    return StepContext(step=step, client=client, data_root=data_root, reports_root=reports_root,
                       config=config, lang=lang, tr=Translator(lang))


__all__ = ["StepContext", "start", "__version__"]
