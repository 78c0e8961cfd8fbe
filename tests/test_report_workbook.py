"""The Excel copy of the report (``report.xlsx``): one sheet per stakeholder table."""
from __future__ import annotations

import openpyxl
import pandas as pd

import crmplay.engine.export as report
from crmplay.core.i18n import Translator
from crmplay.engine.workbook import sheet_name, tables_of, write_workbook
from crmplay.notebook import table_html

from test_report import CTX, _code, _html_out, _md, executed_notebook


def _notebook(lang="en"):
    tr = Translator(lang)
    df = pd.DataFrame({"plan": ["Gold", "=cmd()"], "revenue": [200_699_545.0, 1_500.0], "share": [0.25, 0.75]})
    table = table_html(df, tr, "IRT", headers={"plan": "Plan", "revenue": "Revenue", "share": "Share"},
                       formats={"revenue": "money", "share": "percent"})
    nb = executed_notebook()
    nb.cells += [_md("## Revenue by plan", f"lang-{lang}"), _code("show()", [_html_out(table)])]
    return nb


def test_the_combined_report_has_an_excel_copy_with_one_sheet_per_table(tmp_path):
    report.write_combined_report([report.Chapter("nps", "NPS", _notebook())], CTX, tmp_path)
    book = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert book.sheetnames == ["What it means", "Revenue by plan"]
    sheet = book["Revenue by plan"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Net result · Revenue by plan", None, None]
    assert rows[2] == ["Plan", "Revenue", "Share"]
    assert rows[3] == ["Gold", 200699545, 0.25]  # numbers, not "IRT 200.7 M"
    assert rows[4][0] == "=cmd()" and sheet.cell(row=5, column=1).data_type == "s"  # text, never a formula
    assert not sheet.sheet_view.rightToLeft


def test_persian_headers_and_right_to_left_sheets(tmp_path):
    from dataclasses import replace

    ctx = replace(CTX, lang="fa")
    report.write_combined_report([report.Chapter("nps", "NPS", _notebook("fa"))], ctx, tmp_path)
    book = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert all(book[name].sheet_view.rightToLeft for name in book.sheetnames)


def test_a_page_without_tables_gives_no_workbook_and_removes_an_old_one(tmp_path):
    old = tmp_path / "report.xlsx"
    old.write_bytes(b"old")
    assert write_workbook("<main><p>nothing</p></main>", old) is None and not old.exists()


def test_a_new_report_removes_a_pdf_printed_from_the_old_one(tmp_path):
    (tmp_path / "report.pdf").write_bytes(b"%PDF old")
    report.write_combined_report([report.Chapter("nps", "NPS", _notebook())], CTX, tmp_path)
    assert not (tmp_path / "report.pdf").exists()


def test_sheet_names_are_valid_and_unique():
    used: set[str] = set()
    names = [sheet_name(text, used) for text in ["a/b:c?", "A/B:C?", "x" * 40, ""]]
    assert names == ["abc", "ABC (2)", "x" * 31, "Table"]
    assert all(len(n) <= 31 for n in names)


def test_tables_of_uses_the_caption_first():
    html = "<main><h1>T</h1><h2>S</h2><table><caption>Cap</caption><tr><th>a</th></tr><tr><td>1</td></tr></table></main>"
    [table] = tables_of(html)
    assert (table.name, table.header, table.rows) == ("Cap", ["a"], [["1"]])
