"""Hostile client data: one planted problem per case, in a copy of a small client (issue 13).

Each case builds a small client in ``tmp_path`` (``clients/acme``) beside a folder ``outside``
holding a secret, plants one problem, then runs ``load_config`` + ``check_client`` +
``load_client`` and asserts

- the outcome: a config error naming the key, or the problem (kind, severity) naming the
  file, the row and the column where they apply, or no error at all;
- every file under the client folder is byte-identical afterwards (sha256, links included);
- nothing outside the client folder was opened (a Python audit hook watches ``open``), and the
  planted secret appears in no message;
- client text comes back as plain one-line text (payloads literal, control characters escaped).
"""
from __future__ import annotations

import codecs
import hashlib
import os
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import openpyxl
import pytest

from crmplay.core.config import ConfigError, load_config
from crmplay.data import DataError, check_client, load_client

SECRET = "TOP-SECRET-7f3a"

TOML = '''[client]
name = "Acme"
currency = "IRT"
{branding}
[tables.customers]
file = "{customers}"
[tables.customers.columns]
"Customer ID" = "customer_id"
"Full Name" = "name"
"Signup Date" = "signup_date"
"Status" = "status"
"Referrals" = "referrals"

[tables.transactions]
file = "transactions.csv"
[tables.transactions.columns]
"Customer ID" = "customer_id"
"Date" = "date"
"Amount" = "amount"

[tables.nps_responses]
file = "nps_responses.csv"

[tables.complaints]
file = "complaints.csv"
dates = "jalali"

[tables.assessment]
file = "{assessment}"
'''
CUSTOMERS = ("Customer ID,Full Name,Signup Date,Status,Referrals\n"
             "C1,Ali Rezaei,2024-01-15,active,1\nC2,Sara Ahmadi,2024-02-01,churned,0\nC3,Reza Karimi,2024-03-10,active,2\n")
TX = "Customer ID,Date,Amount\nC1,2025-01-05,120000\nC2,2025-01-06,85000\nC3,2025-02-01,40000\n"
NPS = ("response_id,customer_id,date,score,comment,rating_price\n"
       "R1,C1,2025-03-01,9,Great service,4\nR2,C2,2025-03-02,3,Bills are confusing,2\nR3,C3,2025-03-03,7,ok,3\n")
COMPLAINTS = ("complaint_id,customer_id,opened_at,resolved_at,category,transfers,compensation\n"
              "T1,C1,1403/01/10 09:30,1403/01/11 10:00,billing,1,0\nT2,C2,1403/02/01 12:00,,network,0,5000\n")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# --- watching what is opened ------------------------------------------------------------------
_WATCH: dict[str, object] = {"dir": None, "opened": []}


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _WATCH["dir"] and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        real = os.path.realpath(path)
        if real.startswith(str(_WATCH["dir"])):
            _WATCH["opened"].append(real)  # type: ignore[union-attr]


sys.addaudithook(_audit)


# --- the client ---------------------------------------------------------------------------------
def write_toml(root: Path, customers: str = "customers.csv", assessment: str = "assessment.xlsx",
               branding: str = "") -> None:
    text = TOML.format(customers=customers.replace("\\", "\\\\"), assessment=assessment, branding=branding)
    (root / "client.toml").write_text(text, encoding="utf-8")


def workbook(path: Path, rows: list[list], title: str = "Scores") -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return wb


ASSESSMENT = [["framework", "item", "score", "target", "evidence"], ["aspects", "complaints", 2, 4, "no SLA"],
              ["aspects", "retention", 3, 4, "ok"], ["behaviours", "listen", 2, 3, "x"]]


def make_client(base: Path, name: str = "acme") -> tuple[Path, Path]:
    outside = base / "outside"
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.txt").write_text(SECRET + "\n")
    (outside / "secret.csv").write_text(f"Customer ID,{SECRET}\nC1,{SECRET}\n")
    (outside / "secret.png").write_bytes(PNG + SECRET.encode())
    root = base / "clients" / name
    root.mkdir(parents=True)
    write_toml(root)
    (root / "customers.csv").write_text(CUSTOMERS)
    (root / "transactions.csv").write_text(TX)
    (root / "nps_responses.csv").write_text(NPS)
    (root / "complaints.csv").write_text(COMPLAINTS)
    workbook(root / "assessment.xlsx", ASSESSMENT)
    return root, outside


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``; symbolic links by their target text (not followed)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                out[rel] = "link:" + os.readlink(p)
            else:
                with open(p, "rb") as fh:
                    out[rel] = hashlib.sha256(fh.read()).hexdigest()
    return out


def append(path: Path, text: str) -> None:
    path.write_bytes(path.read_bytes() + text.encode("utf-8"))


# --- cases ----------------------------------------------------------------------------------------
@dataclass
class Case:
    id: str
    plant: Callable[[Path, Path], None]
    config_key: str | None = None  # a ConfigError naming this key
    kind: str | None = None  # else a problem of this kind (None: no error at all)
    severity: str = "error"
    file: str | None = None
    row: int | None = None
    column: str | None = None
    text: str | None = None  # appears in str(problem)
    forbid: str | None = None  # must not appear in any message (raw payloads)


def _link(target: Path, link: Path) -> None:
    if link.exists() or link.is_symlink():
        link.unlink()
    link.symlink_to(target)


def _toml_customers(value: str) -> Callable[[Path, Path], None]:
    return lambda root, out: write_toml(root, customers=value.replace("{outside}", str(out)))


def _replace(name: str, old: str, new: str) -> Callable[[Path, Path], None]:
    def plant(root: Path, out: Path) -> None:
        p = root / name
        p.write_text(p.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return plant


def _bytes(name: str, data: bytes) -> Callable[[Path, Path], None]:
    return lambda root, out: (root / name).write_bytes(data)


def _symlink_folder(root: Path, out: Path) -> None:
    (root / "data").symlink_to(out)
    write_toml(root, customers="data/secret.csv")


def _symlink_inside(root: Path, out: Path) -> None:
    (root / "sub").mkdir()
    (root / "customers.csv").rename(root / "sub" / "customers.csv")
    (root / "customers.csv").symlink_to(Path("sub") / "customers.csv")


def _symlink_loop(root: Path, out: Path) -> None:
    (root / "customers.csv").unlink()
    (root / "loop_a.csv").symlink_to("loop_b.csv")
    (root / "loop_b.csv").symlink_to("loop_a.csv")
    write_toml(root, customers="loop_a.csv")


def _logo(link_to_secret: bool = False, data: bytes | None = None, logo: str = "logo.png"):
    def plant(root: Path, out: Path) -> None:
        if link_to_secret:
            (root / logo).symlink_to(out / "secret.png")
        elif data is not None:
            (root / logo).write_bytes(data)
        write_toml(root, branding=f'[branding]\nlogo = "{logo}"\n')
    return plant


def _toml_link(root: Path, out: Path) -> None:
    (out / "client.toml").write_text((root / "client.toml").read_text() + f"# {SECRET}\n")
    (root / "client.toml").unlink()
    (root / "client.toml").symlink_to(out / "client.toml")


def _folder_as_file(root: Path, out: Path) -> None:
    (root / "customers.csv").unlink()
    (root / "customers.csv").mkdir()


def _deep_odd_file(root: Path, out: Path) -> None:
    sub = root / "داده‌ها" / "a b" / "c;d$(x)" / ("d" * 60)
    sub.mkdir(parents=True)
    (root / "customers.csv").rename(sub / "مشتری (1) #2.csv")
    write_toml(root, customers=str((sub / "مشتری (1) #2.csv").relative_to(root)))


def _merged(root: Path, out: Path) -> None:
    wb = openpyxl.load_workbook(root / "assessment.xlsx")
    wb.active.merge_cells("A2:A3")
    wb.save(root / "assessment.xlsx")


def _formula_xlsx(root: Path, out: Path) -> None:
    rows = [r[:] for r in ASSESSMENT]
    rows[2][2] = '=HYPERLINK("http://evil.example/x","click")'
    workbook(root / "assessment.xlsx", rows)


def _corrupt_zip(root: Path, out: Path) -> None:
    data = (root / "assessment.xlsx").read_bytes()
    (root / "assessment.xlsx").write_bytes(data[: len(data) // 2])


def _zip_not_workbook(root: Path, out: Path) -> None:
    with zipfile.ZipFile(root / "assessment.xlsx", "w") as zf:
        zf.writestr("hello.txt", "not a workbook")


def _utf16(bom: bytes, codec: str, persian: bool = False) -> Callable[[Path, Path], None]:
    def plant(root: Path, out: Path) -> None:
        text = CUSTOMERS.replace("Ali Rezaei", "علی رضایی") if persian else CUSTOMERS
        (root / "customers.csv").write_bytes(bom + text.encode(codec))
    return plant


def _mixed(root: Path, out: Path) -> None:
    data = ("Customer ID,Full Name,Signup Date,Status,Referrals\nC1,علی رضایی,2024-01-15,active,1\n").encode()
    data += "C2,سارا احمدي,2024-02-01,churned,0\n".replace("ی", "ي").encode("cp1256")
    (root / "customers.csv").write_bytes(data + b"C3,Reza,2024-03-10,active,2\n")


def _mojibake(root: Path, out: Path) -> None:
    garbled = "علی رضایی".encode("utf-8").decode("latin-1")
    (root / "customers.csv").write_text(CUSTOMERS.replace("Sara Ahmadi", garbled), encoding="utf-8")


CASES = [
    # paths: config errors naming the key, nothing outside opened
    Case("table-absolute", _toml_customers("{outside}/secret.csv"), config_key="tables.customers.file"),
    Case("table-climbs-out", _toml_customers("../../outside/secret.csv"), config_key="tables.customers.file"),
    Case("table-climbs-out-windows", _toml_customers("..\\..\\outside\\secret.csv"), config_key="tables.customers.file"),
    Case("table-windows-drive", _toml_customers("C:\\outside\\secret.csv"), config_key="tables.customers.file"),
    Case("table-dotdot-inside", _toml_customers("sub/../customers.csv"), config_key="tables.customers.file"),
    Case("client-toml-symlink-out", _toml_link, config_key=""),
    Case("logo-symlink-out", _logo(link_to_secret=True), config_key="branding.logo"),
    Case("logo-absolute", lambda root, out: write_toml(root, branding=f'[branding]\nlogo = "{out}/secret.png"\n'),
         config_key="branding.logo"),
    Case("logo-not-an-image", _logo(data=b"MZ\x90\x00 this is an executable"), config_key="branding.logo"),
    Case("logo-too-big", _logo(data=PNG + b"\x00" * (3 * 1024 * 1024)), config_key="branding.logo"),
    Case("logo-html-as-svg", _logo(data=b"<html><script>alert(1)</script></html>", logo="logo.svg"),
         config_key="branding.logo"),
    Case("logo-svg-ok", _logo(data=b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', logo="l.svg")),
    Case("logo-png-ok", _logo(data=PNG)),
    # paths: data errors naming the file
    Case("data-file-symlink-out", lambda root, out: _link(out / "secret.csv", root / "customers.csv"),
         kind="outside_client_folder", file="customers.csv"),
    Case("data-folder-symlink-out", _symlink_folder, kind="outside_client_folder", file="data/secret.csv"),
    Case("data-symlink-loop", _symlink_loop, kind="outside_client_folder", file="loop_a.csv"),
    Case("data-symlink-inside-ok", _symlink_inside),
    Case("folder-where-file-expected", _folder_as_file, kind="missing_file", file="customers.csv", text="is a folder"),
    Case("file-missing", lambda root, out: (root / "customers.csv").unlink(), kind="missing_file", file="customers.csv"),
    Case("deep-odd-file-name", _deep_odd_file),
    # encodings and bytes
    Case("utf8-bom", _bytes("customers.csv", codecs.BOM_UTF8 + CUSTOMERS.encode())),
    Case("utf16-le-bom", _utf16(codecs.BOM_UTF16_LE, "utf-16-le", persian=True)),
    Case("utf16-be-bom", _utf16(codecs.BOM_UTF16_BE, "utf-16-be")),
    Case("utf32-bom", _utf16(codecs.BOM_UTF32_LE, "utf-32-le", persian=True)),
    Case("utf16-no-bom", _utf16(b"", "utf-16-le")),
    Case("utf16-no-bom-persian", _utf16(b"", "utf-16-le", persian=True)),
    Case("mixed-utf8-windows1256", _mixed, kind="mixed_encoding", file="customers.csv", row=3, text="line(s) 3 not UTF-8"),
    Case("mojibake", _mojibake, kind="mojibake", severity="warning", file="customers.csv", row=3, column="Full Name"),
    Case("nul-bytes", _bytes("customers.csv", CUSTOMERS.encode().replace(b"Sara", b"Sa\x00\x00ra")),
         kind="unreadable_file", file="customers.csv", text="NUL"),
    Case("ansi-escape-in-value", _replace("customers.csv", ",1\n", ",\x1b[2J\x1b[31m1\n"), kind="bad_number",
         file="customers.csv", row=2, column="Referrals", text="\\x1b[2J", forbid="\x1b"),
    Case("bidi-override-in-value", _replace("customers.csv", "active,1", "\u202eevitca,1"), kind="not_in_enum",
         file="customers.csv", row=2, column="Status", text="\\u202e", forbid="\u202e"),
    Case("control-chars-in-header", _replace("customers.csv", "Signup Date", "Signup\x07\x08 Date"),
         kind="mapped_column_not_found", severity="warning", file="customers.csv", text="\\x07", forbid="\x07"),
    # formulas, scripts and Markdown come back as literal text
    Case("formula-hyperlink-csv", _replace("transactions.csv", "85000", '"=HYPERLINK(""http://evil.example"",""x"")"'),
         kind="bad_number", file="transactions.csv", row=3, column="Amount", text='=HYPERLINK("http://evil.example"'),
    Case("formula-dde-csv", _replace("customers.csv", ",0\n", ",=cmd|' /C calc'!A0\n"), kind="bad_number",
         file="customers.csv", row=3, column="Referrals", text="=cmd|' /C calc'!A0"),
    Case("formula-cell-xlsx", _formula_xlsx, kind="missing_value", file="assessment.xlsx", row=3, column="score"),
    Case("script-in-value", _replace("transactions.csv", "40000", "<script>alert(1)</script>"), kind="bad_number",
         file="transactions.csv", row=4, column="Amount", text="<script>alert(1)</script>"),
    Case("markdown-image-in-header", _replace("transactions.csv", "Amount", "![p](https://host/p.png)"),
         kind="missing_column", file="transactions.csv", text="![p](https://host/p.png)"),
    Case("markdown-link-in-value", _replace("customers.csv", "active,1", "[x](javascript:alert(2)),1"),
         kind="not_in_enum", file="customers.csv", row=2, column="Status", text="[x](javascript:alert(2))"),
    # implausible values
    Case("amount-1e308", _replace("transactions.csv", "85000", "1e308"), kind="implausible_value",
         file="transactions.csv", row=3, column="Amount"),
    Case("amount-2e12-warning", _replace("transactions.csv", "85000", "2000000000000"), kind="implausible_value",
         severity="warning", file="transactions.csv", row=3, column="Amount"),
    Case("amount-inf", _replace("transactions.csv", "85000", "inf"), kind="bad_number", file="transactions.csv",
         row=3, column="Amount"),
    Case("amount-minus-inf", _replace("transactions.csv", "85000", "-Infinity"), kind="bad_number",
         file="transactions.csv", row=3, column="Amount"),
    Case("amount-nan", _replace("transactions.csv", "85000", "NaN"), kind="missing_value", file="transactions.csv",
         row=3, column="Amount"),
    Case("negative-count", _replace("customers.csv", ",2\n", ",-3\n"), kind="out_of_range", file="customers.csv",
         row=4, column="Referrals"),
    Case("huge-count", _replace("customers.csv", ",2\n", ",5000000\n"), kind="implausible_value",
         file="customers.csv", row=4, column="Referrals"),
    Case("compensation-1e308", _replace("complaints.csv", ",5000\n", ",1e308\n"), kind="implausible_value",
         file="complaints.csv", row=3, column="compensation"),
    Case("rating-out-of-scale", _replace("nps_responses.csv", ",2\n", ",7\n"), kind="out_of_range",
         file="nps_responses.csv", row=3, column="rating_price"),
    Case("nps-score-11", _replace("nps_responses.csv", ",9,", ",11,"), kind="out_of_range",
         file="nps_responses.csv", row=2, column="score"),
    Case("nps-score-fraction", _replace("nps_responses.csv", ",9,", ",8.5,"), kind="out_of_range",
         file="nps_responses.csv", row=2, column="score"),
    Case("date-year-9999", _replace("transactions.csv", "2025-01-06", "9999-12-31"), kind="bad_date",
         file="transactions.csv", row=3, column="Date", text="years 1678-2261"),
    Case("date-year-0001", _replace("transactions.csv", "2025-01-06", "0001-01-01"), kind="bad_date",
         file="transactions.csv", row=3, column="Date", text="years 1678-2261"),
    Case("date-year-2150-warning", _replace("transactions.csv", "2025-01-06", "2150-01-06"), kind="implausible_value",
         severity="warning", file="transactions.csv", row=3, column="Date"),
    Case("jalali-month-13", _replace("complaints.csv", "1403/02/01", "1403/13/40"), kind="bad_date",
         file="complaints.csv", row=3, column="opened_at"),
    Case("jalali-not-leap", _replace("complaints.csv", "1403/02/01", "1402/12/30"), kind="bad_date",
         file="complaints.csv", row=3, column="opened_at", text="does not"),
    Case("jalali-year-0001", _replace("complaints.csv", "1403/02/01", "0001/01/01"), kind="bad_date",
         file="complaints.csv", row=3, column="opened_at"),
    # structure
    Case("duplicate-headers", _replace("transactions.csv", "Customer ID,Date,Amount\n", "Customer ID,Date,Amount,Amount\n"),
         kind="duplicate_column", file="transactions.csv", column="Amount"),
    Case("empty-header", _replace("transactions.csv", "Customer ID,Date,Amount", "Customer ID,,Amount"),
         kind="missing_column", file="transactions.csv"),
    Case("header-only", _bytes("nps_responses.csv", NPS.splitlines()[0].encode() + b"\n"), kind="no_data_rows",
         severity="warning", file="nps_responses.csv", text="no data rows"),
    Case("empty-file", _bytes("nps_responses.csv", b""), kind="unreadable_file", file="nps_responses.csv"),
    Case("huge-single-line", _replace("nps_responses.csv", "Great service", "x" * 5_000_000)),
    Case("huge-header-field", _bytes("nps_responses.csv", b"score," + b"h" * 300_000 + b"\n9,a\n")),
    Case("unclosed-quote", lambda root, out: append(root / "transactions.csv", 'C1,2025-03-01,"12\nC2,2025-03-02,5\n'),
         kind="unclosed_quote", file="transactions.csv", row=5, text="starts on line 5"),
    Case("too-many-fields", lambda root, out: append(root / "transactions.csv", "C1,2025-03-01,5,6\n"),
         kind="bad_row", file="transactions.csv", row=5),
    Case("xlsx-that-is-text", _bytes("assessment.xlsx", b"framework,item\naspects,complaints\n"),
         kind="unreadable_file", file="assessment.xlsx", text="XLSX"),
    Case("xlsx-corrupt-zip", _corrupt_zip, kind="unreadable_file", file="assessment.xlsx"),
    Case("xlsx-password-protected", _bytes("assessment.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),
         kind="unreadable_file", file="assessment.xlsx"),
    Case("xlsx-zip-not-workbook", _zip_not_workbook, kind="unreadable_file", file="assessment.xlsx"),
    Case("xlsx-merged-cells", _merged, kind="merged_cells", severity="warning", file="assessment.xlsx", row=2,
         column="framework", text="A2:A3"),
    Case("csv-that-is-xlsx", lambda root, out: (root / "customers.csv").write_bytes((root / "assessment.xlsx").read_bytes()),
         kind="unreadable_file", file="customers.csv", text="XLSX"),
]


def _outcome(root: Path) -> tuple[ConfigError | None, list, DataError | None]:
    try:
        config = load_config(root)
    except ConfigError as exc:
        return exc, [], None
    problems = check_client(config)
    try:
        load_client(config)
        error = None
    except DataError as exc:
        error = exc
    return None, problems, error


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_case(case: Case, tmp_path: Path) -> None:
    root, outside = make_client(tmp_path)
    case.plant(root, outside)
    before = snapshot(root)
    outside_before = snapshot(outside)
    _WATCH["dir"], _WATCH["opened"] = str(outside.resolve()), []
    try:
        config_error, problems, data_error = _outcome(root)
    finally:
        opened, _WATCH["dir"] = list(_WATCH["opened"]), None  # type: ignore[arg-type]
    messages = "\n".join([str(config_error or "")] + [str(p) for p in problems] + [str(data_error or "")])

    assert snapshot(root) == before, "a file under the client folder changed"
    assert snapshot(outside) == outside_before
    assert opened == [], f"opened outside the client folder: {opened}"
    assert SECRET not in messages
    if case.forbid:
        assert case.forbid not in messages
    assert all("\n" not in str(p) for p in problems), "a problem is not one line"

    if case.config_key is not None:
        assert config_error is not None, messages
        keys = [k for k, _ in config_error.problems]
        assert case.config_key in keys, messages
        return
    assert config_error is None, messages
    errors = [p for p in problems if p.severity == "error"]
    if case.kind is None:
        assert errors == [], messages
        assert data_error is None
        return
    found = [p for p in problems if p.kind == case.kind and p.severity == case.severity]
    assert found, messages
    p = found[0]
    if case.file is not None:
        assert p.file == case.file
    if case.row is not None:
        assert p.row == case.row, messages
    if case.column is not None:
        assert p.column == case.column, messages
    if case.text is not None:
        assert case.text in str(p), str(p)
    if case.severity == "error":
        assert data_error is not None and p in data_error.problems


def test_suite_has_forty_cases():
    assert len(CASES) >= 40 and len({c.id for c in CASES}) == len(CASES)


def test_odd_client_folder_name(tmp_path: Path) -> None:
    root, _ = make_client(tmp_path, name="a b;$(x)'\"&<i>")
    before = snapshot(root)
    assert _outcome(root)[0] is None and not [p for p in _outcome(root)[1] if p.severity == "error"]
    assert snapshot(root) == before


def test_merged_cells_are_read_as_the_sheet_shows_them(tmp_path: Path) -> None:
    root, _ = make_client(tmp_path)
    _merged(root, tmp_path)
    frames = load_client(load_config(root))
    assert frames["assessment"]["framework"].tolist()[:2] == ["aspects", "aspects"]


def test_utf16_without_bom_reads_persian_names(tmp_path: Path) -> None:
    root, _ = make_client(tmp_path)
    _utf16(b"", "utf-16-le", persian=True)(root, tmp_path)
    frames = load_client(load_config(root))
    assert frames["customers"]["name"].iloc[0] == "علی رضایی"


def test_symlink_to_outside_is_not_a_supplied_table(tmp_path: Path) -> None:
    root, outside = make_client(tmp_path)
    _link(outside / "secret.csv", root / "customers.csv")
    config = load_config(root)
    assert not config.has_table("customers") and config.has_table("transactions")
