"""Offline HTML reports from executed step notebooks (nbconvert ``HTMLExporter``, in-process).

Three renderings of the same executed notebooks:

- **stakeholder** (``reports/<client>/<step>.html``): no code, no parameter cells, no cells
  tagged ``remove``, no error outputs or stderr, only the prose of the report's language
  (markdown cells tagged ``lang-en`` / ``lang-fa``);
- **combined** (``reports/<client>/report.html``): the stakeholder chapters in one
  self-contained file for emailing, the executive summary first, then the other steps in
  playbook order, then a short list of the chapters that could not be produced. It is
  assembled from the chapters' stakeholder pages already rendered (their ``<main>``), not
  converted again (:func:`write_combined_report`);
- **consultant** (``reports/<client>/consultant/<step>.html``): the same with the code, its
  prompts, errors and stderr kept.

The template (``templates/crmplay_report``) extends nbconvert's ``lab`` template and loads
nothing from the network: no scripts at all, inlined CSS, charts as inline SVG, images as
``data:`` URIs and a Content-Security-Policy that blocks any remote resource. After rendering
(:mod:`crmplay.engine.html`) a table of contents is built from the ``h1``/``h2`` headings, the
consultant's commentary (``client_data/<client>/commentary.md``, :mod:`crmplay.engine.commentary`)
is placed under its headings and every table cell is labelled for the stacked phone layout.

The combined report travels with an Excel copy of its tables (``report.xlsx``,
:mod:`crmplay.engine.workbook`) and can be printed to ``report.pdf`` (:mod:`crmplay.engine.pdf`).
The index pages (per client, the consultant's, and the batch portfolio) live in
:mod:`crmplay.engine.pages`.
"""
from __future__ import annotations

import copy
import logging
import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import nbformat
from nbformat import NotebookNode

from crmplay import __version__  # noqa: F401 - export.__version__ is part of the module's surface
from crmplay.core.fileio import write_text
from crmplay.core.i18n import LANGUAGES, t
from crmplay.core.privacy import escape
from crmplay.core.resources import templates_dir
from crmplay.engine.html import (NBCONVERT_GENERIC_ALT, URL_ATTRIBUTES, ChartStash, drop_outside_urls,
                                 finish_page, finish_soup, is_inside_url, parse)
from crmplay.engine.report_context import ReportContext, logo_data_uri, make_context

TEMPLATE_NAME = "crmplay_report"
VARIANTS = ("stakeholder", "consultant")
#: Cell tags the stakeholder rendering drops (besides the other language's prose).
STAKEHOLDER_DROP_TAGS = frozenset({"remove", "parameters", "injected-parameters", "papermill-error-cell-tag"})
#: The step shown first in the combined report (the playbook's executive summary).
LEAD_STEP = "summary"

_LOG = logging.getLogger("crmplay.engine.export")


@dataclass(frozen=True)
class Chapter:
    """One chapter of the combined report: the step's stakeholder ``page`` (``<step>.html``,
    used when it exists and is in the report's language), else its executed notebook (``nb``,
    or read from ``notebook``) rendered anew."""

    step: str
    title: str
    nb: NotebookNode | None = field(default=None, repr=False)
    page: Path | None = None
    notebook: Path | None = None

    def executed(self) -> NotebookNode:
        """The executed notebook (read from :attr:`notebook` when :attr:`nb` is not given)."""
        if self.nb is not None:
            return self.nb
        if self.notebook is None:
            raise ValueError(f"chapter {self.step!r} has neither a notebook nor a page")
        return nbformat.read(str(self.notebook), as_version=4)


# --------------------------------------------------------------------------------------------
# Cell selection


def select_cells(nb: NotebookNode, lang: str, variant: str = "stakeholder") -> NotebookNode:
    """A copy of ``nb`` holding what the ``variant`` shows in ``lang``.

    Both variants drop markdown (and other) cells tagged ``lang-<other language>``. The
    stakeholder variant also drops cells tagged ``remove``, ``parameters`` and
    ``injected-parameters`` (and papermill's error markers), error outputs, stderr streams,
    outputs that are only a plain-text repr, and code cells left with no output.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown report variant {variant!r}; expected one of {', '.join(VARIANTS)}")
    other = {f"lang-{code}" for code in LANGUAGES if code != lang}
    out = copy.deepcopy(nb)
    kept = []
    for cell in out.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & other:
            continue
        if variant == "stakeholder":
            if tags & STAKEHOLDER_DROP_TAGS:
                continue
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.get("outputs", []) if not _is_noise(o)]
                if not cell.outputs:
                    continue
                cell.source = ""  # the stakeholder file must not carry code, even hidden
        kept.append(cell)
    out.cells = kept
    return out


def _is_noise(output: NotebookNode) -> bool:
    """Error outputs, stderr, and results that are only a plain-text repr (``<Figure ...>``,
    ``PosixPath(...)``): never meant for a stakeholder."""
    kind = output.get("output_type")
    if kind == "error":
        return True
    if kind == "stream":
        return output.get("name") == "stderr"
    if kind in ("execute_result", "display_data"):
        return set(output.get("data", {})) <= {"text/plain"}
    return False


def has_heading(nb: NotebookNode, level: int = 1) -> bool:
    """True when a markdown cell of ``nb`` holds a heading of ``level`` (``# Title``)."""
    pattern = re.compile(rf"^\s{{0,3}}#{{{level}}}\s+\S", re.MULTILINE)
    return any(c.cell_type == "markdown" and pattern.search(c.source) for c in nb.cells)


def _title_cell(title: str) -> NotebookNode:
    return nbformat.v4.new_markdown_cell(f"<h1>{escape(title)}</h1>")


# --------------------------------------------------------------------------------------------
# Rendering


@lru_cache(maxsize=None)
def _exporter(variant: str):
    from crmplay.engine.page_exporter import PageExporter

    exporter = PageExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(templates_dir())],
        exclude_anchor_links=True,
        embed_images=True,
        sanitize_html=False,
    )
    if variant == "stakeholder":
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    quiet = logging.getLogger("crmplay.engine.export.nbconvert")
    quiet.setLevel(logging.ERROR)
    exporter.log = quiet
    return exporter


def render(nb: NotebookNode, ctx: ReportContext, *, title: str, variant: str = "stakeholder",
           back_link: str | None = None, combined: bool = False) -> str:
    """Render an executed notebook to one self-contained HTML page.

    Parameters
    ----------
    nb : NotebookNode
        The executed notebook (all cells; :func:`select_cells` is applied here).
    ctx : ReportContext
        Client name, branding, language, run date.
    title : str
        Page title (the step's title in the report language).
    variant : {"stakeholder", "consultant"}
    back_link : str, optional
        Relative link to the client's index page shown in the header.
    """
    chosen = select_cells(nb, ctx.lang, variant)
    if not has_heading(chosen):
        chosen.cells.insert(0, _title_cell(title))
    return _render_selected(chosen, ctx, title=title, variant=variant, back_link=back_link, combined=combined)


def _render_selected(nb: NotebookNode, ctx: ReportContext, *, title: str, variant: str,
                     back_link: str | None, combined: bool = False) -> str:
    """Convert ``nb`` (cells already selected; changed in place) and finish the page: one
    parse of the page, with the inside of its charts set aside (:class:`ChartStash`)."""
    stash = ChartStash()
    stash.hide_notebook(nb)
    soup = parse(_convert(nb, ctx, title=title, variant=variant, back_link=back_link, combined=combined))
    if finish_soup(soup):
        _place_commentary(soup, ctx)
    return stash.restore(str(soup))


def _convert(nb: NotebookNode, ctx: ReportContext, *, title: str, variant: str, back_link: str | None,
             combined: bool) -> str:
    """nbconvert's HTML for ``nb`` with the crmplay template (not yet finished)."""
    resources = {
        "crmplay": {
            "variant": variant, "combined": combined, "lang": ctx.lang, "dir": ctx.dir, "title": title,
            "client_name": ctx.client_name, "colour": ctx.colour, "logo": ctx.logo,
            "run_date": ctx.run_date, "version": ctx.version, "back_link": back_link or "",
            "firm": ctx.firm, "author": ctx.author, "cover_note": ctx.cover_note,
            "data_supplied": ctx.data_supplied,
            "labels": {
                "run_date": ctx.label("run_date"),
                "made_with": ctx.label("made_with", version=ctx.version),
                "contents": ctx.label("contents"),
                "back": ctx.label("back_to_index"),
                "prepared_by": ctx.label("prepared_by"),
                "no_data_title": ctx.label("no_data_title"),
                "no_data_body": ctx.label("no_data_body"),
            },
        },
    }
    body, _ = _exporter(variant).from_notebook_node(nb, resources=resources)
    return body


def _place_commentary(soup, ctx: ReportContext) -> None:
    if ctx.commentary:
        from crmplay.engine.commentary import place_commentary

        place_commentary(soup, soup.find("main"), ctx.commentary, ctx.label("commentary"))


# --------------------------------------------------------------------------------------------
# Files


def write_step_pages(nb: NotebookNode, ctx: ReportContext, client_dir: str | Path, step: str,
                     title: str) -> dict[str, str]:
    """Write ``<step>.html`` (stakeholder) and ``consultant/<step>.html`` atomically.

    Returns the written paths relative to ``client_dir`` keyed by variant.
    """
    client_dir = Path(client_dir)
    stakeholder = render(nb, ctx, title=title, variant="stakeholder", back_link="index.html")
    consultant = render(nb, ctx, title=title, variant="consultant", back_link="index.html")
    write_text(client_dir / f"{step}.html", stakeholder)
    write_text(client_dir / "consultant" / f"{step}.html", consultant)
    return {"stakeholder": f"{step}.html", "consultant": f"consultant/{step}.html"}


def combined_order(chapters: Sequence[Chapter], lead: str = LEAD_STEP) -> list[Chapter]:
    """The executive summary (``lead``) first, then the rest in the given (playbook) order."""
    return [c for c in chapters if c.step == lead] + [c for c in chapters if c.step != lead]


def combined_notebook(chapters: Sequence[Chapter], lang: str,
                      missing: Iterable[tuple[str, str, str]] = ()) -> NotebookNode:
    """One notebook holding every chapter's stakeholder cells (see :func:`combined_order`).

    Each chapter opens with an anchor ``step-<id>`` (and its title when the notebook has no
    ``# Title``). ``missing`` lists ``(title, status, reason)`` of the chapters not produced;
    they close the report.
    """
    cells: list[NotebookNode] = []
    for chapter in combined_order(chapters):
        chosen = select_cells(chapter.executed(), lang, "stakeholder")
        cells.append(nbformat.v4.new_markdown_cell(
            f'<div id="step-{escape(chapter.step)}" class="crm-chapter"></div>'))
        if not has_heading(chosen):
            cells.append(_title_cell(chapter.title))
        cells.extend(chosen.cells)
    for n, cell in enumerate(cells):  # chapters may share cell ids; ids must be unique
        cell["id"] = f"c{n}"
    missing = list(missing)
    if missing:
        items = "".join(
            f"<li><strong>{escape(title)}</strong>: {escape(t(f'report.status_name.{status}', lang))}"
            + (f" <span class=\"crm-reason\">({escape(reason)})</span>" if reason else "") + "</li>"
            for title, status, reason in missing
        )
        cells.append(nbformat.v4.new_markdown_cell(
            f'<div class="crm-missing"><h2>{escape(t("report.not_included", lang))}</h2><ul>{items}</ul></div>'))
    combined = nbformat.v4.new_notebook(cells=cells)
    if chapters:
        combined.metadata = copy.deepcopy(chapters[0].executed().metadata)
    return combined


def write_combined_report(chapters: Sequence[Chapter], ctx: ReportContext, client_dir: str | Path,
                          missing: Iterable[tuple[str, str, str]] = ()) -> Path:
    """Write ``report.html`` (every chapter in one self-contained stakeholder file, see
    :func:`combined_report`) and its Excel copy ``report.xlsx`` (one sheet per table,
    :func:`crmplay.engine.workbook.write_workbook`).

    A ``report.pdf`` printed from an earlier ``report.html`` is deleted (``crmplay pdf`` prints
    a new one). An Excel copy that cannot be written is logged, never fails the report.
    """
    from crmplay.engine.workbook import write_workbook

    client_dir = Path(client_dir)
    html, soup = combined_report(chapters, ctx, missing)
    path = write_text(client_dir / "report.html", html)
    (client_dir / "report.pdf").unlink(missing_ok=True)
    try:
        write_workbook(soup, client_dir / "report.xlsx", ctx.lang)
    except Exception as exc:  # noqa: BLE001 - the HTML report stands on its own
        _LOG.warning("report.xlsx could not be written: %s: %s", type(exc).__name__, exc)
    return path


def combined_report(chapters: Sequence[Chapter], ctx: ReportContext,
                    missing: Iterable[tuple[str, str, str]] = ()) -> tuple[str, object]:
    """The combined report's HTML, assembled from the chapters' stakeholder pages, and its
    parsed tree (the inside of the charts set aside: for the Excel copy).

    The frame (head, header, contents, footer, the ``step-<id>`` anchors and the list of the
    chapters not included) is the template's, converted from a notebook holding only those;
    each chapter's ``<main>`` is taken from its page (:func:`chapter_body`) without its
    commentary, its "no data" note and its ``crm-first`` mark. Then, once over the whole
    report: heading ids made unique and the contents built (:func:`finish_soup`), cell ids
    numbered, the commentary placed, and chart ids kept unique (:class:`ChartStash`).
    """
    stash = ChartStash()
    token = f"crmplay-chapter-{secrets.token_hex(6)}-"
    nb = combined_notebook([], ctx.lang, missing)
    bodies = []
    for n, chapter in enumerate(combined_order(chapters)):
        nb.cells.insert(2 * n, nbformat.v4.new_markdown_cell(
            f'<div id="step-{escape(chapter.step)}" class="crm-chapter"></div>'))
        nb.cells.insert(2 * n + 1, nbformat.v4.new_raw_cell(f"{token}{n}"))
        bodies.append(stash.hide(chapter_body(chapter, ctx)))
    frame = _convert(nb, ctx, title=ctx.label("report_title"), variant="stakeholder", back_link=None,
                     combined=True)
    html = re.sub(re.escape(token) + r"(\d+)", lambda m: bodies[int(m.group(1))], frame)
    soup = parse(html)
    main = soup.find("main")
    notes = main.find_all("div", class_="crm-no-data")
    for note in notes[0 if ctx.data_supplied else 1:]:  # the frame's own note comes first
        note.decompose()
    for aside in main.find_all("aside", class_="crm-commentary"):
        aside.decompose()
    for h1 in main.find_all("h1", class_="crm-first"):
        h1["class"] = [c for c in h1["class"] if c != "crm-first"] or None
        if h1["class"] is None:
            del h1["class"]
    for n, cell in enumerate(main.find_all(id=re.compile(r"^cell-id="))):
        cell["id"] = f"cell-id=c{n}"  # chapters may share cell ids; ids must be unique
    finish_soup(soup)
    _place_commentary(soup, ctx)
    return stash.restore(str(soup)), soup


_MAIN_OPEN = '<main class="crm-main">'
_PAGE_LANG = re.compile(r'<html\b[^>]*\blang="([^"]*)"')


def chapter_body(chapter: Chapter, ctx: ReportContext) -> str:
    """The inside of ``<main>`` of the chapter's stakeholder page: its ``page`` when that is a
    crmplay page in ``ctx.lang``, else its notebook rendered now (nothing written)."""
    text = ""
    if chapter.page is not None and Path(chapter.page).is_file():
        text = Path(chapter.page).read_text(encoding="utf-8")
        lang = _PAGE_LANG.search(text[:2000])
        if lang is None or lang.group(1) != ctx.lang:
            text = ""
    start, end = text.find(_MAIN_OPEN), text.rfind("</main>")
    if start < 0 or end < start:
        text = render(chapter.executed(), ctx, title=chapter.title, variant="stakeholder", back_link="index.html")
        start, end = text.find(_MAIN_OPEN), text.rfind("</main>")
    return text[start + len(_MAIN_OPEN):end]


def render_combined_notebook(chapters: Sequence[Chapter], ctx: ReportContext,
                             missing: Iterable[tuple[str, str, str]] = ()) -> str:
    """The combined report converted as one notebook (:func:`combined_notebook`): how it was
    made before it was assembled from the pages; kept as the reference the assembly is tested
    against (``tests/test_export_once.py``)."""
    nb = combined_notebook(chapters, ctx.lang, missing)
    return _render_selected(nb, ctx, title=ctx.label("report_title"), variant="stakeholder",
                            back_link=None, combined=True)


__all__ = [
    "ReportContext", "Chapter", "make_context", "logo_data_uri", "select_cells", "render",
    "finish_page", "write_step_pages", "combined_order", "combined_notebook",
    "write_combined_report", "combined_report", "chapter_body", "render_combined_notebook", "LEAD_STEP", "NBCONVERT_GENERIC_ALT", "URL_ATTRIBUTES", "drop_outside_urls",
    "is_inside_url",
]
