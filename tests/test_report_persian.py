"""Persian parity (issue 12, item 1): every stakeholder page of the Persian demo reads in Persian.

The test walks every stakeholder page of ``demo_fa`` (``reports/demo_fa/*.html``, not the
``consultant/`` folder) and fails on any Latin-script word outside a short allow-list (units,
method names a manager meets in any Persian CRM text, the client's own Latin names). The same
walk fails, in both demos, on the internal names a stakeholder must never see: the domain
notes' "seed 00x" article numbers, option keys such as ``tier_shares`` or
``economics.gross_margin``, and the ``client.toml`` file name.

The visible text is the page's text nodes outside ``<script>``, ``<style>`` and drawn charts,
plus what a screen reader or a tooltip shows (``alt``, ``title``, ``aria-label`` and each
chart's ``<title>``). Customers' own words (``class="crm-verbatim"``: quoted comments, as the
customer wrote them, in any language) are not the report's strings and are left out; so are
the client's own names (its name, branding, the file names it supplied).

Run on any reports folder without the session fixture::

    python tests/test_report_persian.py /tmp/cs-reports/demo_fa
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

#: Latin words a Persian stakeholder page may carry: currency and measurement units, the names
#: of methods and scores as Persian CRM texts write them, and the report's own product name.
#: Compared case-sensitively, so "NPS" passes and "nps" (a step id) does not.
ALLOWED_LATIN = frozenset({
    "IRT", "IRR", "USD", "EUR",  # currency codes
    "NPS", "CRM", "RFM", "KPI", "SLA", "IPA", "CLV", "ROI", "Kano",  # scores and methods
    "BG", "NBD", "crmplay", "PDF", "Excel",
    # one-letter symbols of statistics and formulas (p-value, correlation r, R², t test, CLV's
    # m, r, d) and Kano's answer categories M/O/A/I/R/Q, as Persian texts print them
    "p", "r", "t", "m", "d", "n", "T", "R", "M", "O", "A", "I", "Q",
})
#: Internal names no stakeholder page shows, in either language.
INTERNAL_NAMES = (
    re.compile(r"\bseed\s*0\d\d\b", re.I),
    re.compile(r"\btier_shares\b"),
    re.compile(r"\beconomics\.[a-z_]+\b"),
    re.compile(r"\bclient\.toml\b"),
    re.compile(r"\[steps\.[a-z_]+\]"),
)
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
SKIPPED_TAGS = ("script", "style", "svg", "noscript", "template")
#: Elements holding customers' own words (quoted as written: not the report's strings).
VERBATIM_CLASS = "crm-verbatim"
TEXT_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")


def stakeholder_pages(client_dir: Path) -> list[Path]:
    """Every HTML page a stakeholder may receive (not the consultant/ folder)."""
    return sorted(client_dir.glob("*.html"))


def visible_text(page: str) -> list[str]:
    """The text a reader of ``page`` (HTML) sees or hears: text nodes outside scripts, styles
    and drawn charts, plus ``alt``/``title``/``aria-label`` attributes and chart titles."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    chunks: list[str] = []
    for svg in soup.find_all("svg"):
        title = svg.find("title")
        if title is not None:
            chunks.append(title.get_text(" "))
    for tag in soup.find_all(True):
        for attr in TEXT_ATTRIBUTES:
            value = tag.get(attr)
            if isinstance(value, str) and value.strip():
                chunks.append(value)
    for tag in soup.find_all(SKIPPED_TAGS) + soup.find_all(class_=VERBATIM_CLASS):
        tag.decompose()
    chunks.extend(s for s in soup.stripped_strings)
    return chunks


def stray_latin(chunks: list[str], allowed: frozenset[str] = ALLOWED_LATIN) -> list[tuple[str, str]]:
    """``(word, the text it sits in)`` for every Latin-script word not in ``allowed``.

    >>> stray_latin(["امتیاز NPS برابر ۱۲ است", "the score"])
    [('the', 'the score'), ('score', 'the score')]
    """
    out = []
    for chunk in chunks:
        for match in LATIN_WORD.finditer(chunk):
            word = match.group(0).strip("'’-")
            if word and word not in allowed:
                out.append((word, " ".join(chunk.split())[:160]))
    return out


def internal_names(chunks: list[str]) -> list[tuple[str, str]]:
    """``(name, the text it sits in)`` for every internal name (see :data:`INTERNAL_NAMES`).

    >>> internal_names(["source: seed 002", "fine"])
    [('seed 002', 'source: seed 002')]
    """
    out = []
    for chunk in chunks:
        for pattern in INTERNAL_NAMES:
            for match in pattern.finditer(chunk):
                out.append((match.group(0), " ".join(chunk.split())[:160]))
    return out


def client_latin_words(data_root: Path, client: str) -> frozenset[str]:
    """Latin words of the client's own names (client name, firm, author, the file names it
    supplied): allowed on its pages."""
    from crmplay.chapters.registry import load_client_config

    config = load_client_config(data_root / client)
    names = [getattr(config, "name", "")]
    branding = getattr(config, "branding", None)
    for attr in ("firm", "author"):
        names.append(getattr(branding, attr, "") or "")
    names += [getattr(spec, "file", "") or "" for spec in getattr(config, "tables", {}).values()]
    return frozenset(w for n in names for w in LATIN_WORD.findall(str(n)))


def _report(findings: dict[str, list[tuple[str, str]]]) -> str:
    lines = []
    for page, items in findings.items():
        counts = Counter(word for word, _ in items)
        lines.append(f"{page}: {len(items)} ({', '.join(f'{w} x{n}' for w, n in counts.most_common(12))})")
        seen = set()
        for word, context in items:
            if context not in seen and len(seen) < 8:
                seen.add(context)
                lines.append(f"    {context!r}")
    return "\n".join(lines)


@pytest.mark.e2e
def test_persian_pages_have_no_stray_latin_words(demo_reports):
    client_dir = Path(demo_reports["reports_root"]) / "demo_fa"
    pages = stakeholder_pages(client_dir)
    assert len(pages) >= 5, f"too few stakeholder pages in {client_dir}"
    allowed = ALLOWED_LATIN | client_latin_words(Path(demo_reports["data_root"]), "demo_fa")
    findings = {}
    for page in pages:
        found = stray_latin(visible_text(page.read_text(encoding="utf-8")), allowed)
        if found:
            findings[page.name] = found
    assert not findings, "Latin-script words on Persian stakeholder pages:\n" + _report(findings)


@pytest.mark.e2e
@pytest.mark.parametrize("client", ["demo", "demo_fa"])
def test_stakeholder_pages_show_no_internal_names(demo_reports, client):
    pages = stakeholder_pages(Path(demo_reports["reports_root"]) / client)
    assert pages
    findings = {}
    for page in pages:
        found = internal_names(visible_text(page.read_text(encoding="utf-8")))
        if found:
            findings[page.name] = found
    assert not findings, f"internal names on {client}'s stakeholder pages:\n" + _report(findings)


if __name__ == "__main__":  # a quick look at a reports folder: python tests/test_report_persian.py DIR
    folder = Path(sys.argv[1])
    total_latin = total_internal = 0
    for p in stakeholder_pages(folder):
        chunks = visible_text(p.read_text(encoding="utf-8"))
        allowed = ALLOWED_LATIN
        if folder.name.endswith("_fa"):
            allowed = allowed | client_latin_words(Path(__file__).resolve().parents[1] / "client_data", folder.name)
        latin = stray_latin(chunks, allowed) if folder.name.endswith("_fa") else []
        names = internal_names(chunks)
        total_latin += len(latin)
        total_internal += len(names)
        if latin or names:
            print(_report({p.name: latin + names}))
    print(f"stray Latin words: {total_latin}; internal names: {total_internal}")
