"""Finishing a rendered report page (after nbconvert): ids and the table of contents, tables
that fit any screen, charts that describe themselves, and the last gate against outside URLs.
(The consultant's commentary is placed afterwards: :func:`crmplay.engine.commentary.add_commentary`.)

:func:`finish_page` is applied to every report page (:mod:`crmplay.engine.export`).

Charts are most of a page (about 85 % of the demo's ``report.html`` is SVG: letters drawn as
paths), and none of the finishing concerns what is inside a chart. :class:`ChartStash` sets the
inside of crmplay's charts aside (a token in its place) while a page is parsed and finished,
and puts it back, unchanged, in the finished text: each page is parsed once, small.
"""
from __future__ import annotations

import re
import secrets

from crmplay.core.i18n import t

#: The alt text nbconvert's HTML exporter puts on every image that has none.
NBCONVERT_GENERIC_ALT = "No description has been provided for this image"

#: Attributes that make a browser fetch or follow a URL.
URL_ATTRIBUTES = ("src", "href", "srcset", "poster", "action", "formaction", "xlink:href", "background", "data")


def parse(html: str):
    """``html`` as a BeautifulSoup tree (``html.parser``, as every page has always been parsed)."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def finish_page(html: str) -> str:
    """Post-process a rendered page (see :func:`finish_soup`); the inside of crmplay's charts
    is set aside while the page is parsed (:class:`ChartStash`)."""
    stash = ChartStash()
    soup = parse(stash.hide(html))
    if not finish_soup(soup):
        return html
    return stash.restore(str(soup))


def finish_soup(soup) -> bool:
    """Post-process a parsed page in place; False (nothing done) when it has no ``<main>``.

    - unique ids on ``h1``/``h2`` (a heading keeps its id unless an earlier heading or another
      element holds it) and the table of contents in ``nav.crm-toc``; ``crm-first`` on the
      first ``h1`` (no page break before it when printing);
    - every table wrapped in a ``crm-scroll`` box (a safety net: tables reflow rather than
      scroll, see the stylesheet), every cell labelled with its column header (``data-label``,
      for the stacked phone layout);
    - charts without a description described by their section
      (see :func:`describe_unlabelled_charts`);
    - every URL leading outside the report removed (:func:`drop_outside_urls`).
    """
    from bs4 import Comment

    nbconvert_touches(soup)
    main = soup.find("main")
    nav = soup.find("nav", class_="crm-toc")
    if main is None:
        return False
    headings = []
    for heading in main.find_all(["h1", "h2"]):
        for anchor in heading.select("a.anchor-link"):
            anchor.decompose()
        text = heading.get_text(" ", strip=True)
        if text:
            headings.append((heading, text))
    mine = {id(h) for h, _ in headings}
    used = {tag["id"] for tag in soup.find_all(id=True) if id(tag) not in mine}
    entries: list[tuple[str, str, str]] = []
    first_h1 = True
    for heading, text in headings:
        hid = _unique_id(heading.get("id") or _slug(text), used)
        heading["id"] = hid
        entries.append((heading.name, hid, text))
        if heading.name == "h1" and first_h1:
            heading["class"] = list(heading.get("class", [])) + ["crm-first"]
            first_h1 = False
    describe_unlabelled_charts(soup, main)
    drop_outside_urls(soup)
    for table in main.find_all("table"):
        label_cells(table)
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
    return True


def nbconvert_touches(soup) -> None:
    """What nbconvert's ``HTMLExporter`` adds to a page after its template (crmplay's exporter
    leaves it here, see :mod:`crmplay.engine.page_exporter`): a generic ``alt`` on every image
    without one, ``tabindex="0"`` on cell inputs and outputs. Doing it twice changes nothing."""
    for img in soup.find_all("img", alt=False):
        img.attrs["alt"] = NBCONVERT_GENERIC_ALT
    for notebook in soup.find_all(class_="jp-Notebook"):
        for elem in notebook.find_all("div", class_=("jp-Cell-inputWrapper", "jp-OutputArea-output")):
            elem.attrs["tabindex"] = "0"


# --------------------------------------------------------------------------------------------
# Charts set aside while a page is parsed

#: A chart drawn by :func:`crmplay.charts.figure_svg` (its opening tag, inside, closing tag).
_CHART_SVG = re.compile(r'(<svg\b[^>]*\bdata-crmplay-chart="1"[^>]*>)(.*?)(</svg>)', re.S)
#: What finishing a page may change or read inside an element: such an inside is never set aside.
_PAGE_WORK = re.compile(r"<\s*(?:svg|h[1-6]|table|img|main|nav|aside|a|script|iframe|object|embed)\b", re.I)
_URL_VALUE = re.compile(r"\s(" + "|".join(re.escape(a) for a in URL_ATTRIBUTES)
                        + r")\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
_ID_PREFIX = re.compile(r'\bid="(c[0-9a-f]{8}(?:_\d+)?)-')


class ChartStash:
    """Sets the inside of crmplay's charts aside while a page is parsed, and puts it back.

    :meth:`hide` replaces the inside of every chart ``<svg ... data-crmplay-chart="1">`` with a
    token (its opening tag stays: the page's finishing still describes it and checks its
    URLs); :meth:`restore` puts the insides back, byte for byte, except that a chart whose id
    prefix an earlier chart of the page already used (the same drawing twice) gets a new one,
    so ids stay unique on the page. An inside holding anything the finishing works on (a
    heading, table, image, link, nested SVG...) or a URL leading outside the report is never
    set aside.
    """

    def __init__(self) -> None:
        self._token = f"crmplay-chart-{secrets.token_hex(6)}-"
        self._insides: list[str] = []

    def hide(self, html: str) -> str:
        """``html`` with the inside of each chart replaced by a token."""
        def swap(match: re.Match) -> str:
            inside = match.group(2)
            if not _opaque(inside):
                return match.group(0)
            self._insides.append(inside)
            return f"{match.group(1)}{self._token}{len(self._insides) - 1}{match.group(3)}"

        return _CHART_SVG.sub(swap, html) if "data-crmplay-chart" in html else html

    def hide_notebook(self, nb) -> None:
        """Set aside, in place, the charts in the outputs of ``nb`` (a copy: see
        :func:`crmplay.engine.export.select_cells`)."""
        for cell in nb.cells:
            for output in cell.get("outputs", ()):
                data = output.get("data") or {}
                svg = data.get("image/svg+xml")
                if isinstance(svg, str) and svg.startswith("<svg") and 'data-crmplay-chart="1"' in svg[:400]:
                    data["image/svg+xml"] = self.hide(svg)

    def restore(self, html: str) -> str:
        """``html`` with every token replaced by the inside it stands for."""
        if not self._insides:
            return html
        seen: set[str] = set()

        def back(match: re.Match) -> str:
            return _unique_prefix(self._insides[int(match.group(1))], seen)

        return re.sub(re.escape(self._token) + r"(\d+)", back, html)


def _opaque(inside: str) -> bool:
    if _PAGE_WORK.search(inside):
        return False
    for match in _URL_VALUE.finditer(inside):
        value = next(v for v in match.groups()[1:] if v is not None)
        if not is_inside_url(value, match.group(1).lower()):
            return False
    return True


def _unique_prefix(inside: str, seen: set[str]) -> str:
    """``inside`` (a chart's) with its id prefix renamed if an earlier chart used it."""
    found = _ID_PREFIX.search(inside)
    if found is None:
        return inside
    prefix = found.group(1)
    if prefix not in seen:
        seen.add(prefix)
        return inside
    n = 2
    while f"{prefix}_{n}" in seen:
        n += 1
    new = f"{prefix}_{n}"
    seen.add(new)
    return re.sub(r'(\bid="|url\(#|href="#)' + re.escape(prefix) + "-", lambda m: f"{m.group(1)}{new}-", inside)


def label_cells(table) -> None:
    """Give every body cell of ``table`` without one a ``data-label``: the text of its column's
    header (first header row), so CSS can stack the row as "header: value" lines on a phone."""
    header_row = table.find("tr")
    if header_row is None or not header_row.find("th"):
        return
    names: list[str] = []
    for th in header_row.find_all(["th", "td"], recursive=False):
        span = int(th.get("colspan", 1) or 1) if str(th.get("colspan", "1")).isdigit() else 1
        names += [th.get_text(" ", strip=True)] * max(span, 1)
    body_rows = [tr for tr in table.find_all("tr") if tr is not header_row]
    for tr in body_rows:
        for i, cell in enumerate(tr.find_all(["td", "th"], recursive=False)):
            if i < len(names) and not cell.has_attr("data-label"):
                cell["data-label"] = names[i]


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


def describe_unlabelled_charts(soup, main) -> None:
    """Charts shown with a description (``StepContext.show_figure``) keep it; the others would
    carry nbconvert's generic text or none: they get "Chart: <the heading above them>" in the
    page's language instead (or just "Chart" when no heading precedes them). Images get ``alt``,
    inline SVG charts ``role="img"`` and ``aria-label``."""
    lang = (soup.html.get("lang") if soup.html else None) or "en"

    def description(node) -> str:
        heading = node.find_previous(["h1", "h2", "h3", "h4"])
        section = heading.get_text(" ", strip=True) if heading is not None else ""
        try:
            return t("report.chart_in_section", lang, section=section) if section else t("report.chart", lang)
        except KeyError:  # a language without the strings: better the heading than nothing
            return section or NBCONVERT_GENERIC_ALT

    for img in main.find_all("img"):
        if not img.get("alt") or img["alt"] == NBCONVERT_GENERIC_ALT:
            img["alt"] = description(img)
    for svg in main.find_all("svg"):
        if svg.find_parent("svg") is not None:
            continue
        if not svg.get("aria-label"):
            svg["role"] = "img"
            svg["aria-label"] = description(svg)


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


__all__ = ["finish_page", "finish_soup", "nbconvert_touches", "parse", "ChartStash", "label_cells", "is_inside_url", "drop_outside_urls", "describe_unlabelled_charts",
           "NBCONVERT_GENERIC_ALT", "URL_ATTRIBUTES"]
