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
from crmplay.core.privacy import PiiMask, person_names, safe_quote
from crmplay.core.sources import cite
from crmplay.core.results import ResultsRecord, write_record


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
    _mask: PiiMask | None = field(default=None, repr=False)

    # -- data -------------------------------------------------------------------------------
    def has(self, table: str) -> bool:
        """True when the client configured the table and its file exists."""
        return self.config.has_table(table)

    def table(self, name: str) -> pd.DataFrame | None:
        """The canonical table (validated; cached), or ``None`` when the client has none.

        Read from the run's table cache (:mod:`crmplay.data.table_cache`, written by the run's
        prepare task) when the file and its settings are unchanged, else from the client's file
        (then cached); the frame is identical to :func:`crmplay.data.load_table`'s either way.
        A table converted for DuckDB (:meth:`table_source`) is read whole into memory here.

        Raises :class:`crmplay.data.DataError` when the file exists but is bad.
        """
        if name not in self._tables:
            if not self.has(name):
                self._tables[name] = None
            else:
                from crmplay.data.table_cache import load_table_cached

                self._tables[name] = load_table_cached(self.config, name, self.table_cache)
        return self._tables[name]

    def table_source(self, name: str) -> Any:
        """The table as the analysis should read it: a
        :class:`crmplay.data.parquet_cache.ParquetTable` (its Parquet in the table cache, never
        read into memory) for a transactions table routed to DuckDB
        (:func:`crmplay.data.parquet_cache.choose_engine` on ``[tables.transactions] engine``
        and the file's size), else the DataFrame of :meth:`table`; ``None`` when the client has
        no such table.

        Raises :class:`crmplay.data.DataError` when the file exists but is bad.
        """
        if not self.has(name):
            return None
        if name in self._tables and self._tables[name] is not None:
            return self._tables[name]
        from crmplay.data import DataError
        from crmplay.data.table_cache import table_intake

        intake = table_intake(self.config, name, self.table_cache, frame=False)
        if not intake.ok:
            raise DataError(intake.problems)
        if intake.large is not None:
            return intake.large
        self._tables[name] = intake.frame
        return intake.frame

    def intake(self) -> Any:
        """The client's whole intake (:class:`crmplay.data.ClientIntake`: every table, every
        problem), rebuilt from the run's table cache when it holds the files as they are (else
        the files are read, and cached): the data overview's input. A table too large for
        pandas (:mod:`crmplay.data.large_table`) comes as its Parquet copy (``large``), unread."""
        from crmplay.data.table_cache import inspect_cached

        return inspect_cached(self.config, self.table_cache, frames=False)

    @property
    def table_cache(self) -> Path:
        """The client's table cache, ``reports/<client>/.cache/tables`` (also while the step runs
        in the runner's stage, see :func:`client_reports_dir`)."""
        from crmplay.data.table_cache import cache_folder

        return cache_folder(client_reports_dir(self.reports_root, self.client))

    @property
    def currency(self) -> str:
        return self.config.client.currency

    @property
    def person_names(self) -> PiiMask:
        """The mask of every spelling of the customers' names in the customers table (every name
        column, first + last name), built once per step and shared by every quote."""
        if self._mask is None:
            customers = self.table("customers") if self.has("customers") else None
            self._mask = PiiMask(person_names(customers) if customers is not None else [])
        return self._mask

    # -- results ----------------------------------------------------------------------------
    def write_results(self, record: ResultsRecord) -> Path:
        """Write this step's typed results record to ``results/<step>.json``. Another step's
        figures are read through ``crmplay.chapters.registry.read_results`` (typed records)."""
        if not isinstance(record, ResultsRecord):
            raise TypeError(f"{self.step}: write_results takes the step's typed results record "
                            f"(a crmplay.core.results.ResultsRecord), not {type(record).__name__}")
        return write_record(self.reports_root, self.client, record)

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
        values formatted per language (``formats`` maps column -> callable or one of the kinds
        of :func:`crmplay.core.i18n.fmt_figure`: ``number``, ``number1``, ``number2``,
        ``percent``, ``money``, ``signed``, ``date``, ``month``), all text escaped. See
        :func:`table_html`."""
        self.html(self.table_html(df, headers, formats, caption, index))

    def table_html(self, df, headers=None, formats=None, caption=None, index=False) -> str:
        """The HTML of :meth:`show_table` (see :func:`table_html`)."""
        return table_html(df, self.tr, self.currency, headers, formats, caption, index)

    def show_figure(self, fig: Any, alt: str | None = None) -> None:
        """Show a matplotlib figure once, as an inline vector chart, and free it.

        ``alt`` is the chart's text description (read by screen readers, shown when the chart
        cannot be); by default :func:`figure_description`, the figure's titles. The chart is made
        readable on a phone and drawn as SVG by :func:`crmplay.charts.figure_svg` (letters as
        paths, ``role="img"``, the description as ``aria-label`` and ``<title>``); the output
        also carries ``{"image/svg+xml": {"alt": ...}}`` in its metadata.
        """
        import matplotlib.pyplot as plt
        from IPython.display import display

        from crmplay.charts import figure_svg

        description = figure_description(fig) if alt is None else " ".join(str(alt).split())
        try:
            svg = figure_svg(fig, description)
        finally:
            plt.close(fig)
        display({"image/svg+xml": svg, "text/plain": description or "chart"}, raw=True,
                metadata={"image/svg+xml": {"alt": description}} if description else {})

    def show_assumptions(self) -> None:
        """The economic assumptions in force, each with its source in plain words (the client's own
        figure, or the named source of the default)."""
        rows = pd.DataFrame(self.config.assumptions())
        rows["key"] = rows["key"].map(lambda k: self.tr(f"core.assumption.{k}") if _has_key(f"core.assumption.{k}", self.lang) else k)
        rows["value"] = [self.tr("core.not_set") if v is None else self.tr.figure(v, kind, self.currency)
                         for v, kind in zip(rows["value"], rows["kind"])]
        rows["source"] = rows["source"].map(lambda s: self.tr("core.client_figure") if s == "client" else cite(s, self.lang))
        self.show_table(rows[["key", "value", "source"]],
                        headers={"key": "core.assumption_header", "value": "core.value_header", "source": "core.source_header"})


#: Named formats of :func:`table_html`: the kinds of :func:`crmplay.core.i18n.fmt_figure`.
TABLE_FORMATS = ("number", "number1", "number2", "percent", "signed", "money", "date", "month")


def table_html(df: pd.DataFrame, tr: Translator, currency: str = "", headers=None, formats=None,
               caption: str | None = None, index: bool = False) -> str:
    """A table as HTML that fits any screen.

    Parameters
    ----------
    df : DataFrame
        The rows to show (the index too when ``index``).
    tr : Translator
        The report language.
    currency : str
        The client's currency code, for ``money`` columns.
    headers : mapping, optional
        Column -> catalogue key (translated) or text.
    formats : mapping, optional
        Column -> callable or a kind of :func:`crmplay.core.i18n.fmt_figure` (money in the units
        a reader uses: ``IRT 200.7 M``). Other numeric columns get no decimals when whole, else two.
    caption : str, optional

    Every cell is escaped and carries ``data-label`` (its column's header), so on a phone each
    row can become a card of "header: value" lines; a cell whose value is a number also carries
    ``data-value`` (the unformatted number, for the Excel copy of the report).

    >>> from crmplay.core.i18n import Translator
    >>> html = table_html(pd.DataFrame({"cost": [2_500_000.0], "n": [3]}), Translator("en"), "IRT",
    ...                   headers={"cost": "Cost <a>"}, formats={"cost": "money"})
    >>> 'data-label="Cost &lt;a&gt;" data-value="2500000.0">IRT 2.5 M</td>' in html
    True
    """
    from html import escape as _esc

    out = df.reset_index() if index else df
    columns = list(out.columns)
    labels = []
    for col in columns:
        key = (headers or {}).get(col, col)
        text = tr(key) if isinstance(key, str) and "." in key and _has_key(key, tr.lang) else str(key)
        labels.append(text)
    cells_by_column = []
    for col in columns:
        fmt = (formats or {}).get(col)
        values = out[col].tolist()
        if isinstance(fmt, str):
            if fmt not in TABLE_FORMATS:
                raise KeyError(f"unknown table format {fmt!r}; expected a callable or one of {', '.join(TABLE_FORMATS)}")
            texts = [tr.figure(v, fmt, currency) for v in values]
        elif fmt is not None:
            texts = [fmt(v) for v in values]
        elif pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            texts = [tr.number(v, 2 if isinstance(v, float) and not float(v).is_integer() else 0) for v in values]
        else:
            texts = values
        cells_by_column.append([(v, "–" if _blank(t) else str(t)) for v, t in zip(values, texts)])
    parts = ['<table class="dataframe crm-table">']
    if caption:
        parts.append(f"<caption>{_esc(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f"<th>{_esc(label)}</th>" for label in labels) + "</tr></thead><tbody>")
    for r in range(len(out)):
        row = []
        for label, cells in zip(labels, cells_by_column):
            raw, text = cells[r]
            value = _raw_number(raw)
            extra = f' data-value="{value!r}"' if value is not None else ""
            row.append(f'<td data-label="{_esc(label)}"{extra}>{_esc(text, quote=False)}</td>')
        parts.append("<tr>" + "".join(row) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _blank(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _raw_number(v: Any) -> float | int | None:
    """``v`` when it is a finite number (not a boolean), for ``data-value``."""
    import math
    import numbers

    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        return None
    if isinstance(v, numbers.Integral):
        return int(v)
    f = float(v)
    return f if math.isfinite(f) else None


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


#: Prefix of the runner's stage folders (``crmplay.engine.outputs.WORK_PREFIX``; the notebook
#: layer cannot import the engine, a test keeps the two equal).
STAGE_PREFIX = ".work-"


def client_reports_dir(reports_root: str | Path, client: str) -> Path:
    """``reports/<client>`` of the engagement, also when ``reports_root`` is a runner's stage.

    The runner executes a step against ``reports/<client>/.work-<step>-*/reports`` (see
    :mod:`crmplay.engine.outputs`); the client's own reports folder, where the table cache lives,
    is then two levels up. Any other ``reports_root`` is taken as it is.
    """
    reports_root = Path(reports_root)
    work = reports_root.parent
    if reports_root.name == "reports" and work.name.startswith(STAGE_PREFIX) and work.parent.name == client:
        return work.parent
    return reports_root / client


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


__all__ = ["StepContext", "start", "table_html", "figure_description", "client_reports_dir", "__version__"]
