"""The Excel copy of a report: ``report.xlsx``, one sheet per stakeholder table.

Written by openpyxl from the rendered ``report.html``, so the workbook holds exactly the tables
a stakeholder sees, with the headers in the report's language. A cell that carries the
unformatted number (``data-value``, set by :func:`crmplay.notebook.table_html`) is written as a
number; every other cell as the text shown. Each sheet is named after the table's caption or
the nearest heading above it (at most 31 characters, unique), and its first rows say which
chapter and section the table comes from. Persian workbooks are right-to-left.

Example
-------
>>> html = ('<main><h1>NPS</h1><h2>By plan</h2><table><thead><tr><th>plan</th><th>n</th></tr></thead>'
...         '<tbody><tr><td>Gold</td><td data-value="12">12</td></tr></tbody></table></main>')
>>> [(s.name, s.header, s.rows) for s in tables_of(html)]
[('By plan', ['plan', 'n'], [['Gold', 12]])]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

#: Characters Excel refuses in a sheet name.
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass
class SheetTable:
    """One rendered table: where it was (chapter, section), its header and rows."""

    name: str
    chapter: str = ""
    section: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)


def tables_of(html) -> list[SheetTable]:
    """The tables of a rendered report page (inside ``<main>``), in page order. ``html`` is the
    page's text or its tree already parsed (BeautifulSoup: the page is then not parsed again)."""
    if isinstance(html, str):
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(html, "html.parser")
    else:
        soup = html
    main = soup.find("main") or soup
    out = []
    for table in main.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        h1 = table.find_previous("h1")
        section = table.find_previous(["h2", "h3", "h4"])
        caption = table.find("caption")
        chapter = h1.get_text(" ", strip=True) if h1 else ""
        section_text = section.get_text(" ", strip=True) if section else ""
        name = (caption.get_text(" ", strip=True) if caption else "") or section_text or chapter or "Table"
        rows = table.find_all("tr")
        header: list[str] = []
        if rows and rows[0].find("th") is not None and not rows[0].find("td"):
            header = [c.get_text(" ", strip=True) for c in rows[0].find_all(["th", "td"])]
            rows = rows[1:]
        body = [[_value(c) for c in tr.find_all(["td", "th"])] for tr in rows]
        out.append(SheetTable(name, chapter, section_text, header, [r for r in body if r]))
    return out


def _value(cell):
    raw = cell.get("data-value")
    if raw is not None:
        try:
            number = float(raw)
        except ValueError:
            number = None
        if number is not None:
            return int(number) if number.is_integer() and "." not in raw and "e" not in raw.lower() else number
    return cell.get_text(" ", strip=True)


def sheet_name(text: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (at most 31 characters) for ``text``.

    >>> used = set(); sheet_name("Net Promoter Score: by plan / region", used), sheet_name("Net Promoter Score: by plan / region", used)
    ('Net Promoter Score by plan  reg', 'Net Promoter Score by plan  (2)')
    """
    base = _BAD_SHEET_CHARS.sub("", " ".join(str(text).split())).strip("'") or "Table"
    candidate, n = base[:31], 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate = base[:31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.casefold())
    return candidate


def write_workbook(html, path: str | Path, lang: str = "en") -> Path | None:
    """Write the tables of ``html`` (text or parsed tree, see :func:`tables_of`) to ``path`` (xlsx, written atomically). Returns the path,
    or ``None`` (and nothing written, an older copy removed) when the page holds no table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from crmplay.core.fileio import write_bytes

    path = Path(path)
    tables = tables_of(html)
    if not tables:
        path.unlink(missing_ok=True)
        return None
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(sheet_name(table.name, used))
        sheet.sheet_view.rightToLeft = lang == "fa"
        where = " · ".join(p for p in (table.chapter, table.section) if p)
        if where:
            sheet.append([where])
            sheet["A1"].font = Font(bold=True, size=12)
            sheet.append([])
        if table.header:
            _append(sheet, table.header)
            for cell in sheet[sheet.max_row]:
                cell.font = bold
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        first_data_row = sheet.max_row + 1
        for row in table.rows:
            _append(sheet, row)
        sheet.freeze_panes = sheet.cell(row=first_data_row, column=1)
        for i, column in enumerate(sheet.iter_cols(min_row=first_data_row - 1 if table.header else 1), start=1):
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    import io

    buffer = io.BytesIO()
    book.save(buffer)
    return write_bytes(path, buffer.getvalue())


def _append(sheet, values) -> None:
    """Append a row; text is always text (a cell starting with ``=`` is never a formula)."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"


__all__ = ["SheetTable", "tables_of", "sheet_name", "write_workbook"]
