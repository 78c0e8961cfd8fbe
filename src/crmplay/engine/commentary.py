"""The consultant's own words: ``client_data/<client>/commentary.md``.

A consultant adds commentary without touching a notebook (editing a notebook would change the
chapter for every client). The file holds sections keyed to the report's headings::

    ## Net Promoter Score
    The board asked why the score fell in Tabriz: see the follow-up list.

    ## Net Promoter Score / What it means
    A section for the h2 "What it means" of the chapter whose h1 is "Net Promoter Score".

Each ``## <heading>`` (written as the heading appears in the report, in its language) is
matched to the first ``h1``/``h2`` of a page with that text (case, spacing, Arabic letter forms
and zero-width non-joiners aside); ``<h1 text> / <h2 text>`` picks an ``h2`` under a given
``h1``. The section is placed right under its heading, marked as the consultant's commentary.
Text before the first ``##`` is ignored.

The Markdown is rendered with the same safety as data text: raw HTML is escaped, images are
replaced by their description, and links that lead outside the report are removed (their
text stays). The file is read when the report is rendered, so it survives every rerun;
:func:`unplaced_sections` lists the sections whose heading no longer exists (``crmplay check``).

Example
-------
>>> sections = parse_commentary("intro\\n## Results\\nSee *this*.\\n## Results / Next\\n<b>x</b>")
>>> [(s.heading, s.markdown) for s in sections]
[('Results', 'See *this*.'), ('Results / Next', '<b>x</b>')]
>>> render_markdown("<b>x</b> [site](https://example.com)")
'<p>&lt;b&gt;x&lt;/b&gt; <a>site</a></p>'
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

#: The commentary file's name inside the client folder.
COMMENTARY_FILE = "commentary.md"
#: Largest commentary file read (bytes).
COMMENTARY_MAX_BYTES = 512 * 1024
#: Separator of ``<h1 text> / <h2 text>`` section keys.
PATH_SEPARATOR = " / "

_SECTION = re.compile(r"^##[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


@dataclass(frozen=True)
class Section:
    """One ``## heading`` section of the commentary file."""

    heading: str
    markdown: str

    @property
    def paths(self) -> list[tuple[str, ...]]:
        """Where the section may go, normalised (see :func:`heading_key`): ``(h1, h2)`` when
        the heading is written ``h1 / h2``, and always the whole heading as one ``(text,)``."""
        whole = (heading_key(self.heading),)
        if PATH_SEPARATOR not in self.heading:
            return [whole]
        h1, _, h2 = self.heading.partition(PATH_SEPARATOR)
        return [(heading_key(h1), heading_key(h2)), whole]


def heading_key(text: str) -> str:
    """A heading's text as it is matched: NFKC, Arabic ye/kaf as Persian, no zero-width
    non-joiner, whitespace collapsed, case folded.

    >>> heading_key("  Net   Promoter\\u200cScore ") == heading_key("net promoterscore")
    True
    """
    text = unicodedata.normalize("NFKC", str(text)).replace("\u064a", "\u06cc").replace("\u0643", "\u06a9")
    text = text.replace("\u200c", "").replace("\u200f", "").replace("\u200e", "")
    return " ".join(text.split()).casefold()


def parse_commentary(text: str) -> list[Section]:
    """The ``## heading`` sections of a commentary file, in order (empty sections dropped)."""
    matches = list(_SECTION.finditer(text))
    sections = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[match.end():end].strip()
        if body:
            sections.append(Section(match.group(1).strip(), body))
    return sections


def read_commentary(client_dir: str | Path) -> list[Section]:
    """The sections of ``<client_dir>/commentary.md``; ``[]`` when the file is absent, too
    large or unreadable (``crmplay check`` says why)."""
    path = Path(client_dir) / COMMENTARY_FILE
    try:
        if not path.is_file() or path.stat().st_size > COMMENTARY_MAX_BYTES:
            return []
        return parse_commentary(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return []


def render_markdown(text: str) -> str:
    """Commentary Markdown as safe HTML: raw HTML escaped, no images, no outside links."""
    import mistune
    from bs4 import BeautifulSoup

    from crmplay.engine.html import drop_outside_urls

    html = mistune.create_markdown(escape=True, plugins=["strikethrough", "table"])(text)
    soup = BeautifulSoup(html, "html.parser")
    for img in soup.find_all("img"):
        img.replace_with(img.get("alt", "") or "")
    drop_outside_urls(soup)
    for link in soup.find_all("a"):
        if not link.get("href"):
            link.attrs = {}
    return str(soup).strip()


def add_commentary(html: str, sections: Sequence[Section], label: str) -> str:
    """``html`` (a finished report page) with each section placed under its heading in
    ``<main>`` (see :func:`place_commentary`); unchanged when there is no section."""
    if not sections:
        return html
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main")
    if main is None:
        return html
    place_commentary(soup, main, sections, label)
    return str(soup)


def place_commentary(soup, main, sections: Sequence[Section], label: str) -> list[Section]:
    """Insert each section under its heading in ``main`` (a BeautifulSoup element), as
    ``<aside class="crm-commentary">`` headed by ``label``. Returns the sections not placed."""
    if not sections:
        return []
    headings = []  # (h1 key, own key, element)
    current_h1 = ""
    for heading in main.find_all(["h1", "h2"]):
        key = heading_key(heading.get_text(" ", strip=True))
        if heading.name == "h1":
            current_h1 = key
        headings.append((current_h1, key, heading))
    unplaced = []
    for section in sections:
        target = next((t for t in (_find(headings, p) for p in section.paths) if t is not None), None)
        if target is None:
            unplaced.append(section)
            continue
        aside = soup.new_tag("aside", attrs={"class": "crm-commentary", "aria-label": label})
        title = soup.new_tag("p", attrs={"class": "crm-commentary-label"})
        title.string = label
        aside.append(title)
        from bs4 import BeautifulSoup

        body = BeautifulSoup(render_markdown(section.markdown), "html.parser")
        aside.append(body)
        target.insert_after(aside)
    return unplaced


def _find(headings, path: tuple[str, ...]):
    if len(path) == 2:
        for h1, key, element in headings:
            if h1 == path[0] and key == path[1] and element.name == "h2":
                return element
        return None
    for _, key, element in headings:
        if key == path[0]:
            return element
    return None


def page_headings(html: str) -> list[tuple[str, str]]:
    """The ``(level, text)`` of every ``h1``/``h2`` inside ``<main>`` of a rendered page (the
    consultant's commentary boxes excluded)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup
    return [(h.name, h.get_text(" ", strip=True)) for h in main.find_all(["h1", "h2"])
            if h.find_parent("aside") is None]


def unplaced_sections(sections: Iterable[Section], headings: Iterable[tuple[str, str]]) -> list[Section]:
    """The sections whose heading is not among ``headings`` (``(level, text)`` pairs in page
    order, level ``h1`` or ``h2``)."""
    known: set[tuple[str, ...]] = set()
    current = ""
    for level, text in headings:
        key = heading_key(text)
        if level == "h1":
            current = key
        known.add((key,))
        if level == "h2":
            known.add((current, key))
    return [s for s in sections if not any(p in known for p in s.paths)]


__all__ = ["COMMENTARY_FILE", "Section", "heading_key", "parse_commentary", "read_commentary",
           "render_markdown", "add_commentary", "place_commentary", "page_headings", "unplaced_sections"]
