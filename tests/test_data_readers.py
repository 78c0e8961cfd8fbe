"""Reading client files as text: encodings, delimiters, XLSX header rows, Parquet, row numbers.

Fixture bytes are written in each test (tmp_path), so every encoding case states exactly the
bytes it feeds in.
"""
from __future__ import annotations

import codecs
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmplay.chapters.registry import load_client_config as load_config
from crmplay.data import DataError, detect_encoding, load_table, read_table, source_info


def write_client(root: Path, tables: dict[str, dict], files: dict[str, bytes], survey: dict | None = None,
                 currency: str = "IRR") -> object:
    """Write ``client.toml`` and data files under ``root`` and return the loaded config."""
    root.mkdir(parents=True, exist_ok=True)
    lines = ['[client]', 'name = "Test client"', f'currency = "{currency}"']
    if survey:
        lines.append("[survey]")
        lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in survey.items()]
    for name, spec in tables.items():
        lines.append(f"[tables.{name}]")
        for k, v in spec.items():
            if k != "columns":
                lines.append(f"{k} = {json.dumps(v, ensure_ascii=False)}")
        if spec.get("columns"):
            lines.append(f"[tables.{name}.columns]")
            lines += [f"{json.dumps(k, ensure_ascii=False)} = {json.dumps(v)}" for k, v in spec["columns"].items()]
    (root / "client.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for fname, data in files.items():
        (root / fname).write_bytes(data)
    return load_config(root)


PERSIAN_CSV = (
    "شناسه مشتری,تاریخ,مبلغ,شرح\n"
    "ك۱,1403/01/01,۱۲۰٬۰۰۰,شارژ کارت\n"
    "C2,1403/12/30,85000,پرداخت قبض\n"
)
MAPPING = {"شناسه مشتری": "customer_id", "تاریخ": "date", "مبلغ": "amount"}


def _encoded(encoding: str) -> bytes:
    text = PERSIAN_CSV
    if encoding == "cp1256":
        # Windows-1256 has no Persian ye (U+06CC) and no Persian digits: Persian Windows
        # exports carry the Arabic ye and ASCII digits.
        text = text.replace("ی", "ي").replace("۱۲۰٬۰۰۰", "120000").replace("۱", "1")
    if encoding == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    if encoding == "utf-8-bom":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    return text.encode(encoding)


@pytest.mark.parametrize("encoding, label", [
    ("utf-8", "UTF-8"),
    ("utf-8-bom", "UTF-8 with BOM"),
    ("utf-16-le-bom", "UTF-16 LE"),
    ("utf-16-be-bom", "UTF-16 BE"),
    ("utf-16-le", "UTF-16 LE"),  # no BOM: recognised by its zero bytes
    ("cp1256", "Windows-1256"),
])
def test_each_encoding_is_detected_and_read(tmp_path, encoding, label):
    cfg = write_client(tmp_path / "c", {"transactions": {"file": "tx.csv", "dates": "jalali", "columns": MAPPING}},
                       {"tx.csv": _encoded(encoding)})
    table = read_table(cfg, "transactions")
    assert table.problems == []
    assert table.source()["encoding"] == label
    df = table.frame
    # Arabic kaf folded to Persian kaf in the id, Persian digits to ASCII
    assert df["customer_id"].tolist() == ["ک1", "C2"]
    assert df["amount"].tolist() == [120000.0, 85000.0]
    assert df["date"].tolist() == [pd.Timestamp("2024-03-20"), pd.Timestamp("2025-03-20")]
    assert table.rows.tolist() == [2, 3]
    assert "شرح" in df.columns  # the extra column is kept under its header


def test_windows_1252_latin_export_is_not_taken_for_persian(tmp_path):
    data = "customer_id,date,amount,city\nC1,2025-01-02,10,Málaga\nC2,2025-01-03,12,Zürich\n".encode("cp1252")
    assert detect_encoding(data) == "cp1252"
    cfg = write_client(tmp_path / "c", {"transactions": {"file": "t.csv"}}, {"t.csv": data})
    assert load_table(cfg, "transactions")["city"].tolist() == ["Málaga", "Zürich"]


def test_windows_1256_with_a_single_persian_word_among_ascii(tmp_path):
    data = "customer_id,date,amount,نام\nC1,2025-01-02,10,علي\n".encode("cp1256")
    assert detect_encoding(data) == "cp1256"


def test_declared_encoding_overrides_detection(tmp_path):
    data = _encoded("cp1256")
    cfg = write_client(tmp_path / "a", {"transactions": {"file": "tx.csv", "encoding": "cp1256", "dates": "jalali",
                                                         "columns": MAPPING}}, {"tx.csv": data})
    assert read_table(cfg, "transactions").source()["encoding"] == "Windows-1256"
    # Declared wrongly: a clear error naming the declared encoding, not a silent mis-read.
    cfg = write_client(tmp_path / "b", {"transactions": {"file": "tx.csv", "encoding": "utf-8", "columns": MAPPING}},
                       {"tx.csv": data})
    with pytest.raises(DataError) as info:
        load_table(cfg, "transactions")
    (p,) = info.value.problems
    assert (p.file, p.row, p.kind) == ("tx.csv", None, "unreadable_file")
    assert "encoding utf-8" in p.expected


def test_undecodable_file_is_a_clear_error(tmp_path):
    rng = np.random.default_rng(7)
    garbage = bytes(rng.integers(0, 256, 5000, dtype=np.uint8))
    cfg = write_client(tmp_path / "c", {"transactions": {"file": "tx.csv"}}, {"tx.csv": garbage})
    (p,) = read_table(cfg, "transactions").problems
    assert p.kind == "unreadable_file" and p.severity == "error"
    assert "UTF-8, UTF-16, Windows-1256 or Windows-1252" in p.expected


def test_xlsx_saved_with_a_csv_name_is_named_as_such(tmp_path):
    cfg = write_client(tmp_path / "c", {"transactions": {"file": "tx.csv"}}, {"tx.csv": b"PK\x03\x04rest-of-zip"})
    (p,) = read_table(cfg, "transactions").problems
    assert "name it .xlsx" in p.expected


def test_missing_file_is_reported(tmp_path):
    cfg = write_client(tmp_path / "c", {"transactions": {"file": "nowhere.csv"}}, {})
    with pytest.raises(DataError) as info:
        load_table(cfg, "transactions")
    assert [(p.file, p.kind) for p in info.value.problems] == [("nowhere.csv", "missing_file")]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    text = delimiter.join(["customer_id", "date", "amount"]) + "\n"
    text += delimiter.join(["C1", "2025-01-01", '"1,250.5"' if delimiter == "," else "1,250.5"]) + "\n"
    cfg = write_client(tmp_path / "c", {"transactions": {"file": "t.csv"}}, {"t.csv": text.encode()})
    table = read_table(cfg, "transactions")
    assert table.delimiter == delimiter
    assert table.frame["amount"].tolist() == [1250.5]


def test_rows_are_counted_as_the_file_shows_them(tmp_path):
    # Row 1 a title, row 2 blank, header on row 3; a quoted value spans two lines (one record),
    # a blank line at row 6 and a row with a stray delimiter at row 8.
    data = (b"Export of 2025-03-01\n\ncustomer_id,date,amount\nC1,2025-01-01,10\n\"C\n2\",2025-01-02,x\n\n"
            b"C3,2025-01-03,12\nC4,2025-01-04,1,5\nC5,2025-01-05,bad\n")
    cfg = write_client(tmp_path / "c", {"transactions": {"file": "t.csv", "header_row": 3}}, {"t.csv": data})
    table = read_table(cfg, "transactions")
    assert table.rows.tolist() == [4, 5, 7, 9]
    found = sorted((p.row, p.column, p.kind) for p in table.problems)
    assert found == [(5, "amount", "bad_number"), (8, "", "bad_row"), (9, "amount", "bad_number")]


def _workbook(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover["A1"] = "Nothing here"
    ws = wb.create_sheet("Payments")
    ws["A1"] = "Payments export, March 2025"
    ws.append([])
    ws.append(["Customer", "Paid on", "Amount"])                 # row 3: header
    ws.append(["C1", dt.datetime(2025, 3, 21), 120000])          # row 4: a real date cell
    ws.append(["C2", 45658, "۸۵٬۰۰۰"])                          # row 5: a serial date, Persian digits
    ws.append([None, None, None])                                # row 6: blank
    ws.append(["C3", "2025-02-30", 10])                          # row 7: no such date
    ws.append(["C4", "1403/12/30", "12x"])                       # row 8: Jalali in an ISO column; bad number
    wb.save(path)


def test_xlsx_with_header_on_row_3_reports_excel_rows(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    _workbook(root / "payments.xlsx")
    cfg = write_client(root, {"transactions": {"file": "payments.xlsx", "sheet": "Payments", "header_row": 3,
                                               "columns": {"Customer": "customer_id", "Paid on": "date"}}}, {})
    table = read_table(cfg, "transactions")
    assert table.file_format == "xlsx" and table.sheet == "Payments"
    assert table.rows.tolist() == [4, 5, 7, 8]
    df = table.frame
    # Excel serial 45658 is 2025-01-01 (Excel's 1900 date system: day 1 = 1900-01-01, with the
    # fictitious 1900-02-29, so serials count from 1899-12-30; DATEVALUE("2025-01-01") = 45658).
    assert df["date"].tolist()[:2] == [pd.Timestamp("2025-03-21"), pd.Timestamp("2025-01-01")]
    assert df["amount"].tolist()[:2] == [120000.0, 85000.0]
    problems = sorted((p.row, p.column, p.canonical, p.kind) for p in table.problems)
    assert problems == [(7, "Paid on", "date", "bad_date"), (8, "Amount", "amount", "bad_number"),
                        (8, "Paid on", "date", "bad_date")]
    jalali_hint = next(p for p in table.problems if p.row == 8 and p.canonical == "date")
    assert 'dates = "jalali"' in jalali_hint.expected


def test_xlsx_unknown_sheet_lists_the_sheets(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    _workbook(root / "payments.xlsx")
    cfg = write_client(root, {"transactions": {"file": "payments.xlsx", "sheet": "Paymnts"}}, {})
    (p,) = read_table(cfg, "transactions").problems
    assert p.kind == "unreadable_file"
    assert "Cover, Payments" in p.expected


def test_parquet_is_read_and_rows_are_records(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    pd.DataFrame({"customer_id": ["C1", "C2", "C3"],
                  "date": pd.to_datetime(["2025-01-01", "2025-01-02", None]),
                  "amount": [10.5, None, -3.0]}).to_parquet(root / "t.parquet")
    cfg = write_client(root, {"transactions": {"file": "t.parquet"}}, {})
    table = read_table(cfg, "transactions")
    assert table.file_format == "parquet"
    assert sorted((p.row, p.canonical, p.kind) for p in table.problems) == [(2, "amount", "missing_value"),
                                                                     (3, "date", "missing_value")]
    assert table.frame["amount"].tolist()[0] == 10.5


def test_source_info_describes_each_file(tmp_path):
    data = _encoded("utf-8-bom")
    cfg = write_client(tmp_path / "c", {"transactions": {"file": "tx.csv", "dates": "jalali", "columns": MAPPING}},
                       {"tx.csv": data})
    (info,) = source_info(cfg)
    import hashlib

    assert info["sha256"] == hashlib.sha256(data).hexdigest()
    assert info["bytes"] == len(data)
    assert info["rows"] == 2 and info["encoding"] == "UTF-8 with BOM" and info["delimiter"] == ","
    assert info["columns"] == {"شناسه مشتری": "customer_id", "تاریخ": "date", "مبلغ": "amount", "شرح": "شرح"}


def test_rows_are_counted_on_the_fast_path_too(tmp_path):
    # Same layout without irregular rows: read by the Arrow reader, numbering must not change.
    data = (b"Export of 2025-03-01\n\ncustomer_id,date,amount\nC1,2025-01-01,10\n\"C\n2\",2025-01-02,x\n\n"
            b"C3,2025-01-03,12\n,,\nC5,2025-01-05,bad\n")
    cfg = write_client(tmp_path / "c", {"transactions": {"file": "t.csv", "header_row": 3}}, {"t.csv": data})
    table = read_table(cfg, "transactions")
    assert table.rows.tolist() == [4, 5, 7, 9]
    assert table.frame["customer_id"].tolist() == ["C1", "C 2", "C3", "C5"]  # a key: line break collapsed
    assert sorted((p.row, p.kind) for p in table.problems) == [(5, "bad_number"), (9, "bad_number")]


def test_declared_utf16_is_labelled(tmp_path):
    data = "customer_id,date,amount\nC1,2025-01-01,10\n".encode("utf-16")  # with the platform BOM
    cfg = write_client(tmp_path / "c", {"transactions": {"file": "t.csv", "encoding": "utf-16"}}, {"t.csv": data})
    assert read_table(cfg, "transactions").source()["encoding"] == "UTF-16"
    assert load_table(cfg, "transactions")["amount"].tolist() == [10.0]
