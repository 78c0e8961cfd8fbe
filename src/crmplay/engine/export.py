"""Offline HTML reports from executed step notebooks (nbconvert ``HTMLExporter``, in-process).

Three renderings of the same executed notebooks:

- **stakeholder** (``reports/<client>/<step>.html``): no code, no parameter cells, no cells
  tagged ``remove``, no error outputs or stderr, only the prose of the report's language
  (markdown cells tagged ``lang-en`` / ``lang-fa``);
- **combined** (``reports/<client>/report.html``): the stakeholder chapters in one
  self-contained file for emailing, the executive summary first, then the other steps in
  playbook order, then a short list of the chapters that could not be produced;
- **consultant** (``reports/<client>/consultant/<step>.html``): the same with the code, its
  prompts, errors and stderr kept.

The template (``templates/crmplay_report``) extends nbconvert's ``lab`` template and loads
nothing from the network: no scripts at all, inlined CSS, images as ``data:`` URIs and a
Content-Security-Policy that blocks any remote resource. A table of contents is built from the
``h1``/``h2`` headings after rendering; every table is wrapped so it scrolls sideways on a phone.

The index pages (per client and the batch portfolio) live in :mod:`crmplay.engine.pages`.
"""
from __future__ import annotations

import base64
import copy
import logging
import mimetypes
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import nbformat
from nbformat import NotebookNode

from crmplay import __version__
from crmplay.core.fileio import write_text
from crmplay.core.i18n import LANGUAGES, direction, fmt_date, t
from crmplay.core.privacy import escape
from crmplay.core.resources import templates_dir

TEMPLATE_NAME = "crmplay_report"
VARIANTS = ("stakeholder", "consultant")
#: Cell tags the stakeholder rendering drops (besides the other language's prose).
STAKEHOLDER_DROP_TAGS = frozenset({"remove", "parameters", "injected-parameters", "papermill-error-cell-tag"})
#: The step shown first in the combined report (the playbook's executive summary).
LEAD_STEP = "summary"

_LOG = logging.getLogger("crmplay.engine.export")


@dataclass(frozen=True)
class ReportContext:
    """What every page of one client's report shows besides the notebook: picklable, so the
    runner can hand it to worker processes.

    Attributes
    ----------
    client_id : str
        Folder name of the client.
    client_name : str
        The client's display name (``[client] name``).
    lang : str
        Report language (``en`` or ``fa``).
    colour : str
        Brand colour ``#rrggbb``.
    logo : str
        The client's logo as a ``data:`` URI, or ``""``.
    run_date : str
        The run's date, formatted for the report language (Jalali for ``fa``).
    version : str
        crmplay version that produced the report.
    """

    client_id: str
    client_name: str
    lang: str = "en"
    colour: str = "#1f4e79"
    logo: str = ""
    run_date: str = ""
    version: str = __version__

    @property
    def dir(self) -> str:
        return direction(self.lang)

    def label(self, key: str, **values: object) -> str:
        """A ``report`` catalogue string in the report language."""
        return t(f"report.{key}", self.lang, **values)


@dataclass(frozen=True)
class Chapter:
    """One executed step notebook to place in the combined report."""

    step: str
    title: str
    nb: NotebookNode = field(repr=False)


def make_context(config, lang: str | None = None, run_started=None) -> ReportContext:
    """Build the :class:`ReportContext` for a client from its ``ClientConfig``.

    ``lang`` empty or ``None`` means the client's configured language; ``run_started`` is a
    ``datetime`` (default: now).
    """
    import datetime as _dt

    lang = lang or config.language
    run_started = run_started or _dt.datetime.now(_dt.timezone.utc)
    logo = ""
    if config.branding.logo:
        logo = logo_data_uri(config.root / config.branding.logo)
    return ReportContext(
        client_id=config.id, client_name=config.client.name, lang=lang,
        colour=config.branding.colour, logo=logo, run_date=fmt_date(run_started, lang),
    )


def logo_data_uri(path: str | Path) -> str:
    """A logo file as a ``data:`` URI (PNG, JPEG, GIF, WebP or SVG), so the report needs no
    other file. An unreadable file gives ``""`` (the header then shows the name only)."""
    path = Path(path)
    mime = mimetypes.guess_type(path.name)[0] or ""
    if not mime.startswith("image/"):
        return ""
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


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
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
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
           back_link: str | None = None) -> str:
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
    return _render_selected(chosen, ctx, title=title, variant=variant, back_link=back_link)


def _render_selected(nb: NotebookNode, ctx: ReportContext, *, title: str, variant: str,
                     back_link: str | None) -> str:
    resources = {
        "crmplay": {
            "variant": variant, "lang": ctx.lang, "dir": ctx.dir, "title": title,
            "client_name": ctx.client_name, "colour": ctx.colour, "logo": ctx.logo,
            "run_date": ctx.run_date, "version": ctx.version, "back_link": back_link or "",
            "labels": {
                "run_date": ctx.label("run_date"),
                "made_with": ctx.label("made_with", version=ctx.version),
                "contents": ctx.label("contents"),
                "back": ctx.label("back_to_index"),
            },
        },
    }
    body, _ = _exporter(variant).from_notebook_node(nb, resources=resources)
    return finish_page(body)


def finish_page(html: str) -> str:
    """Post-process a rendered page: unique ids on ``h1``/``h2``, the table of contents in
    ``nav.crm-toc``, ``crm-first`` on the first ``h1`` (no page break before it when printing),
    every table wrapped in a sideways-scrolling box, and charts without a description (see
    :func:`_describe_unlabelled_images`) described by their section."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main")
    nav = soup.find("nav", class_="crm-toc")
    if main is None:
        return html
    used = {tag["id"] for tag in soup.find_all(id=True)}
    entries: list[tuple[str, str, str]] = []
    first_h1 = True
    for heading in main.find_all(["h1", "h2"]):
        for anchor in heading.select("a.anchor-link"):
            anchor.decompose()
        text = heading.get_text(" ", strip=True)
        if not text:
            continue
        current = heading.get("id")
        if current:
            used.discard(current)
        hid = _unique_id(current or _slug(text), used)
        heading["id"] = hid
        entries.append((heading.name, hid, text))
        if heading.name == "h1" and first_h1:
            heading["class"] = list(heading.get("class", [])) + ["crm-first"]
            first_h1 = False
    _describe_unlabelled_images(soup, main)
    drop_outside_urls(soup)
    for table in main.find_all("table"):
        parent = table.parent
        if parent is not None and "crm-scroll" in (parent.get("class") or []):
            continue
        table.wrap(soup.new_tag("div", attrs={"class": "crm-scroll"}))
    if nav is not None:
        for node in nav.find_all(string=lambda s: isinstance(s, Comment)):
            node.extract()
        if entries:
            ol = soup.new_tag("ol")
            for level, hid, text in entries:
                li = soup.new_tag("li", attrs={"class": f"crm-toc-{level}"})
                a = soup.new_tag("a", href=f"#{hid}")
                a.string = text
                li.append(a)
                ol.append(li)
            nav.append(ol)
        else:
            nav.decompose()
    return str(soup)


#: The alt text nbconvert's HTML exporter puts on every image that has none.
NBCONVERT_GENERIC_ALT = "No description has been provided for this image"


#: Attributes that make a browser fetch or follow a URL.
URL_ATTRIBUTES = ("src", "href", "srcset", "poster", "action", "formaction", "xlink:href", "background", "data")


def is_inside_url(url: str, attribute: str) -> bool:
    """True for a URL a stakeholder page may carry: a ``data:`` URI (for ``src``-like attributes),
    a same-page anchor (``#...``) or a relative link with no scheme and no host."""
    value = "".join(str(url).split()).lower()
    if value.startswith("data:"):
        return attribute != "href"
    if value.startswith("//") or value.startswith("\\"):
        return False
    head = value.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return ":" not in head


def drop_outside_urls(soup) -> int:
    """Remove every URL that would load from, or lead to, outside the report (and every
    ``javascript:`` link): an image goes (its alt text stays), a link keeps its text. Text from
    client data can reach a page as Markdown; this is the last gate. Returns how many went."""
    dropped = 0
    for tag in soup.find_all(True):
        for attribute in URL_ATTRIBUTES:
            value = tag.get(attribute)
            if value is None or is_inside_url(value if isinstance(value, str) else " ".join(value), attribute):
                continue
            dropped += 1
            if tag.name in ("img", "image", "iframe", "embed", "object", "video", "audio", "source", "script"):
                tag.replace_with(tag.get("alt", "") or "")
                break
            del tag[attribute]
    return dropped


def _describe_unlabelled_images(soup, main) -> None:
    """Charts shown with a description (``StepContext.show_figure``) keep it; the others would
    carry nbconvert's generic text: they get "Chart: <the heading above them>" in the page's
    language instead (or just "Chart" when no heading precedes them)."""
    lang = (soup.html.get("lang") if soup.html else None) or "en"
    for img in main.find_all("img"):
        if img.get("alt") and img["alt"] != NBCONVERT_GENERIC_ALT:
            continue
        heading = img.find_previous(["h1", "h2", "h3", "h4"])
        section = heading.get_text(" ", strip=True) if heading is not None else ""
        try:
            img["alt"] = t("report.chart_in_section", lang, section=section) if section else t("report.chart", lang)
        except KeyError:  # a language without the strings: better the heading than nothing
            img["alt"] = section or NBCONVERT_GENERIC_ALT


def _slug(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-").lower()
    return slug[:60] or "section"


def _unique_id(base: str, used: set[str]) -> str:
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base}-{n}"
        n += 1
    used.add(candidate)
    return candidate


# --------------------------------------------------------------------------------------------
# Files


def write_step_pages(nb: NotebookNode, ctx: ReportContext, client_dir: str | Path, step: str,
                     title: str) -> dict[str, str]:
    """Write ``<step>.html`` (stakeholder) and ``consultant/<step>.html`` atomically.

    Returns the written paths relative to ``client_dir`` keyed by variant.
    """
    client_dir = Path(client_dir)
    stakeholder = render(nb, ctx, title=title, variant="stakeholder", back_link="index.html")
    consultant = render(nb, ctx, title=title, variant="consultant", back_link="../index.html")
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
        chosen = select_cells(chapter.nb, lang, "stakeholder")
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
        combined.metadata = copy.deepcopy(chapters[0].nb.metadata)
    return combined


def write_combined_report(chapters: Sequence[Chapter], ctx: ReportContext, client_dir: str | Path,
                          missing: Iterable[tuple[str, str, str]] = ()) -> Path:
    """Write ``report.html``: every chapter in one self-contained stakeholder file."""
    nb = combined_notebook(chapters, ctx.lang, missing)
    # No link back to the index: the file is meant to travel alone (e-mail).
    html = _render_selected(nb, ctx, title=ctx.label("report_title"), variant="stakeholder",
                            back_link=None)
    return write_text(Path(client_dir) / "report.html", html)


__all__ = [
    "ReportContext", "Chapter", "make_context", "logo_data_uri", "select_cells", "render",
    "finish_page", "write_step_pages", "combined_order", "combined_notebook",
    "write_combined_report", "LEAD_STEP",
]
