"""What ``crmplay check`` tells a consultant besides the data problems: which chapters each
table enables, which chapters will be skipped for want of data, and which sections of the
consultant's commentary no longer match a heading of the report.

Reads the step registry (or a custom playbook's steps); knows no chapter by name.

Example
-------
>>> from crmplay.core.steps import Step
>>> from pathlib import Path
>>> steps = [Step("nps", "NPS", Path("n.ipynb"), requires=("nps_responses",)),
...          Step("needs", "Needs", Path("m.ipynb"), requires_any=("interviews", "complaints"))]
>>> [(c.table, c.supplied, c.chapters) for c in table_coverage(steps, {"complaints"}) if c.chapters]
[('complaints', True, ('needs',)), ('interviews', False, ('needs',)), ('nps_responses', False, ('nps',))]
>>> [(s.step, s.missing) for s in skipped_chapters(steps, {"complaints"})]
[('nps', ('nps_responses',))]
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from crmplay.core.config import CANONICAL_TABLES
from crmplay.core.steps import Step


@dataclass(frozen=True)
class TableCoverage:
    """One canonical table: supplied or not, and the chapters that need it (or one like it)."""

    table: str
    supplied: bool
    chapters: tuple[str, ...]


@dataclass(frozen=True)
class SkippedChapter:
    """A chapter that will be skipped: its id, title and the tables it lacks."""

    step: str
    title: str
    missing: tuple[str, ...]
    any_of: bool  # True: it needs one of ``missing``; False: all of them


def table_coverage(steps: Sequence[Step], supplied: Iterable[str]) -> list[TableCoverage]:
    """Every canonical table (supplied first), with the chapters whose data it is."""
    have = set(supplied)
    rows = []
    for table in CANONICAL_TABLES:
        chapters = tuple(s.id for s in steps if table in s.requires or table in s.requires_any)
        rows.append(TableCoverage(table, table in have, chapters))
    return sorted(rows, key=lambda r: (not r.supplied, r.table))


def skipped_chapters(steps: Sequence[Step], supplied: Iterable[str], lang: str = "en") -> list[SkippedChapter]:
    """The chapters that a run will skip because their data is absent (the runner's rule)."""
    have = set(supplied)
    out = []
    for step in steps:
        missing = tuple(t for t in step.requires if t not in have)
        if missing:
            out.append(SkippedChapter(step.id, step.title_for(lang), missing, False))
        elif step.requires_any and not have.intersection(step.requires_any):
            out.append(SkippedChapter(step.id, step.title_for(lang), tuple(step.requires_any), True))
    return out


def commentary_report(config, reports_root: str | Path | None = None) -> tuple[int, list[str]]:
    """``(sections, headings not found)`` for the client's ``commentary.md``.

    The headings a section may name are those of the client's last ``report.html`` (under
    ``reports_root``) and the static ``#``/``##`` headings of the chapter notebooks in the
    client's language, with the chapter titles.
    """
    from crmplay.engine.commentary import page_headings, read_commentary, unplaced_sections

    sections = read_commentary(config.root)
    if not sections:
        return 0, []
    headings: list[tuple[str, str]] = []
    if reports_root is not None:
        report = Path(reports_root) / config.id / "report.html"
        if report.is_file():
            headings += page_headings(report.read_text(encoding="utf-8"))
    headings += notebook_headings(config.language)
    return len(sections), [s.heading for s in unplaced_sections(sections, headings)]


def notebook_headings(lang: str) -> list[tuple[str, str]]:
    """``(level, text)`` of every chapter title and every ``#``/``##`` heading written in the
    chapter notebooks' markdown cells for ``lang`` (cells of the other language left out)."""
    import re

    import nbformat

    from crmplay.chapters.registry import steps

    pattern = re.compile(r"^\s{0,3}(#{1,2})\s+(.+?)\s*#*\s*$", re.MULTILINE)
    out: list[tuple[str, str]] = []
    for step in steps():
        out.append(("h1", step.title_for(lang)))
        try:
            nb = nbformat.read(str(step.notebook), as_version=4)
        except (OSError, ValueError):
            continue
        for cell in nb.cells:
            tags = set(cell.get("metadata", {}).get("tags", []))
            if cell.cell_type != "markdown" or any(t.startswith("lang-") and t != f"lang-{lang}" for t in tags):
                continue
            for hashes, text in pattern.findall(cell.source):
                plain = re.sub(r"[*_`]", "", text)
                out.append(("h1" if len(hashes) == 1 else "h2", plain))
    return out


def coverage_lines(config, supplied: Sequence[str], steps: Sequence[Step],
                   reports_root: str | Path | None = None) -> tuple[list[str], list[SkippedChapter]]:
    """The lines ``crmplay check`` prints after the data problems: which chapters each table
    enables, a loud warning per chapter that will be skipped, and the commentary sections whose
    heading is gone. Returns ``(lines, skipped chapters)``."""
    rows = [(c.table, "yes" if c.supplied else "no", ", ".join(c.chapters) or "(read when present)")
            for c in table_coverage(steps, supplied)]
    widths = [max(len(r[i]) for r in rows + [("table", "supplied", "chapters")]) for i in range(3)]
    lines = ["", "Which chapters each table enables:"]
    for row in [("table", "supplied", "chapters"), tuple("-" * w for w in widths)] + rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    skipped = skipped_chapters(steps, supplied)
    if skipped:
        lines += ["", f"WARNING: {len(skipped)} of {len(steps)} chapter(s) WILL BE SKIPPED for want of data:"]
        for s in skipped:
            need = ("one of " if s.any_of and len(s.missing) > 1 else "") + ", ".join(s.missing)
            lines.append(f"  !! {s.step} ({s.title}): needs {need}")
    count, unplaced = commentary_report(config, reports_root)
    if count:
        lines += ["", f"commentary.md: {count} section(s)"
                  + (f"; {len(unplaced)} match no heading of the report and will not be shown:" if unplaced else ".")]
        lines += [f"  !! ## {heading}" for heading in unplaced]
    return lines, skipped


__all__ = ["TableCoverage", "SkippedChapter", "table_coverage", "skipped_chapters", "coverage_lines", "commentary_report",
           "notebook_headings"]
