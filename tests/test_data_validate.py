"""Validation: every problem kind with its exact file, row and column; one DataError for all;
the canonical dtypes; inputs never modified."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from crmplay.chapters.registry import load_client_config as load_config
from crmplay.data import (PROBLEM_KINDS, TABLE_SCHEMAS, DataError, check_client, inspect_client, load_client,
                          load_table, source_info)
from crmplay.data.problems import MESSAGE_LIMIT

FIXTURES = Path(__file__).parent / "fixtures" / "data"


def write_client(root: Path, toml: str, files: dict[str, str]) -> object:
    root.mkdir(parents=True, exist_ok=True)
    (root / "client.toml").write_text(toml, encoding="utf-8")
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return load_config(root)


def folder_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


BROKEN_TOML = """
[client]
name = "Broken client"
currency = "IRR"

[survey]
nps_scale = "1-10"
rating_min = 1
rating_max = 5

[tables.customers]
file = "customers.csv"
[tables.customers.columns]
Customer = "customer_id"
Joined = "signup_date"
Status = "status"
"Churned on" = "churn_date"

[tables.transactions]
file = "transactions.csv"

[tables.nps_responses]
file = "nps.csv"
jalali_columns = ["date"]

[tables.complaints]
file = "complaints.csv"

[tables.interviews]
file = "interviews.csv"
[tables.interviews.columns]
Sentiment = "polarity"

[tables.assessment]
file = "assessment.csv"
[tables.assessment.columns]
"Score (1-5)" = "score"
Notes = "evidence"
"""

BROKEN_FILES = {
    "customers.csv": (
        "Customer,Joined,Status,Churned on,referrals\n"
        "C1,2024-01-05,active,,0\n"                 # row 2: fine
        "C2,2024-02-30,churned,2024-06-01,1\n"      # row 3: no 30 February
        "C3,2024-03-01,paused,,2\n"                 # row 4: status not allowed
        "C1,2024-04-01,active,2024-09-01,-1\n"      # row 5: duplicate id, churn date while active, -1 referrals
        ",2024-05-01,active,,0\n"                   # row 6: no customer id
    ),
    "transactions.csv": (
        "customer_id,date,amount\n"
        "C1,2025-01-01,10\n"                        # row 2: fine
        "C9,2025-01-02,12\n"                        # row 3: unknown customer (error)
        "C2,2025-01-03,abc\n"                       # row 4: not a number
    ),
    "nps.csv": (
        "score,customer_id,date,rating_billing\n"
        "0,C1,1403/10/01,3\n"                       # row 2: 0 on a 1-10 survey
        "10,C7,2025-01-05,6\n"                      # row 3: unknown customer (warning), Gregorian in Jalali, rating 6 of 5
    ),
    "complaints.csv": (
        "complaint_id,opened_at,resolved_at,escalated\n"
        "T1,2025-01-02 10:00,2025-01-02 09:00,yes\n"  # row 2: resolved before opened
        "T2,2025-01-03 10:00,,perhaps\n"              # row 3: not yes/no
    ),
    "interviews.csv": (
        "respondent_id,statement,Feeling\n"
        "P1,Bills are confusing,dislike\n"
    ),
    "assessment.csv": (
        "framework,item,Score (1-5),score\n"
        "aspects,complaints,2,3\n"
        "aspects,billing,3,3\n"                      # row 3: not an aspects item id
    ),
}

EXPECTED = {
    # (file, row, client column, canonical, kind, severity)
    ("customers.csv", 3, "Joined", "signup_date", "bad_date", "error"),
    ("customers.csv", 4, "Status", "status", "not_in_enum", "error"),
    ("customers.csv", 5, "Customer", "customer_id", "duplicate_id", "error"),
    ("customers.csv", 5, "Churned on", "churn_date", "churn_date_active", "warning"),
    ("customers.csv", 5, "referrals", "referrals", "out_of_range", "error"),
    ("customers.csv", 6, "Customer", "customer_id", "missing_value", "error"),
    ("transactions.csv", 3, "customer_id", "customer_id", "unknown_customer", "error"),
    ("transactions.csv", 4, "amount", "amount", "bad_number", "error"),
    ("nps.csv", 2, "score", "score", "out_of_range", "error"),
    ("nps.csv", 3, "customer_id", "customer_id", "unknown_customer", "warning"),
    ("nps.csv", 3, "date", "date", "calendar_mismatch", "warning"),
    ("nps.csv", 3, "rating_billing", "rating_billing", "out_of_range", "error"),
    ("complaints.csv", 2, "resolved_at", "resolved_at", "resolved_before_opened", "error"),
    ("complaints.csv", 3, "escalated", "escalated", "bad_flag", "error"),
    ("interviews.csv", None, "Sentiment", "polarity", "missing_column", "error"),
    ("assessment.csv", None, "score", "score", "duplicate_column", "error"),
    ("assessment.csv", None, "Notes", "evidence", "mapped_column_not_found", "warning"),
    ("assessment.csv", 3, "item", "item", "not_in_enum", "error"),
}


@pytest.fixture
def broken(tmp_path):
    return write_client(tmp_path / "broken", BROKEN_TOML, BROKEN_FILES)


def test_every_problem_kind_with_file_row_and_column(broken):
    problems = check_client(broken)
    found = {(p.file, p.row, p.column, p.canonical, p.kind, p.severity) for p in problems}
    assert found == EXPECTED
    assert len(problems) == len(EXPECTED)


def test_problem_details_say_what_was_expected(broken):
    by = {(p.file, p.row, p.kind): p for p in check_client(broken)}
    assert by[("customers.csv", 5, "duplicate_id")].expected == "unique customer_id; also in row 2"
    assert by[("customers.csv", 5, "duplicate_id")].value == "C1"
    assert by[("customers.csv", 3, "bad_date")].value == "2024-02-30"
    assert by[("nps.csv", 2, "out_of_range")].expected == "a whole-number score 1-10"
    assert by[("nps.csv", 3, "out_of_range")].expected == "a rating 1-5"
    assert by[("transactions.csv", 4, "bad_number")].expected == "a number"
    assert by[("transactions.csv", 3, "unknown_customer")].expected == "a customer_id that is in customers.csv"
    assert by[("complaints.csv", 2, "resolved_before_opened")].expected == "a time after opened_at (2025-01-02 10:00)"
    assert by[("customers.csv", 4, "not_in_enum")].expected == "one of active, churned"
    assert by[("assessment.csv", 3, "not_in_enum")].expected.startswith("an item id of aspects: needs, response")
    missing = by[("interviews.csv", None, "missing_column")]
    assert 'headers found: "respondent_id", "statement", "Feeling"' in missing.expected
    assert set(PROBLEM_KINDS) >= {p.kind for p in check_client(broken)}


def test_load_client_raises_one_error_listing_everything(broken):
    with pytest.raises(DataError) as info:
        load_client(broken)
    err = info.value
    assert {(p.file, p.row, p.column, p.canonical, p.kind, p.severity) for p in err.problems} == EXPECTED
    message = str(err)
    assert message.startswith("14 error(s) and 4 warning(s) in ")
    assert 'transactions.csv, row 4, column "amount": "abc" - expected a number' in message
    assert 'customers.csv, row 3, column "Joined" (signup_date): "2024-02-30"' in message
    assert len(err.errors) == 14 and len(err.warnings) == 4


def test_load_table_raises_for_its_own_table_only(broken):
    with pytest.raises(DataError) as info:
        load_table(broken, "transactions")
    # the unknown customer is a cross-table check: load_client's, not load_table's
    assert [(p.row, p.kind) for p in info.value.problems] == [(4, "bad_number")]


def test_warnings_alone_do_not_raise(tmp_path):
    cfg = write_client(tmp_path / "w", BROKEN_TOML.split("[tables.transactions]")[0], {
        "customers.csv": "Customer,Joined,Status,Churned on\nC1,2024-01-05,active,2024-09-01\n"})
    df = load_table(cfg, "customers")
    assert df["churn_date"].tolist() == [pd.Timestamp("2024-09-01")]
    assert [p.kind for p in check_client(cfg)] == ["churn_date_active"]


def test_message_is_capped_but_problems_complete(tmp_path):
    rows = "".join(f"C{i},2025-01-01,bad{i}\n" for i in range(500))
    cfg = write_client(tmp_path / "many", '[client]\nname = "Many"\n[tables.transactions]\nfile = "t.csv"\n',
                       {"t.csv": "customer_id,date,amount\n" + rows})
    with pytest.raises(DataError) as info:
        load_table(cfg, "transactions")
    err = info.value
    assert len(err.problems) == 500
    assert [p.row for p in err.problems] == list(range(2, 502))
    message = str(err)
    assert message.count(" - expected a number") == MESSAGE_LIMIT
    assert f"... and {500 - MESSAGE_LIMIT} more" in message
    assert "     500  error   not a number" in message


def test_inputs_are_never_modified(broken):
    root = Path(broken.root)
    before = folder_digest(root)
    stat_before = {p: p.stat().st_mtime_ns for p in root.iterdir()}
    check_client(broken)
    source_info(broken)
    inspect_client(broken)
    with pytest.raises(DataError):
        load_client(broken)
    assert folder_digest(root) == before
    assert {p: p.stat().st_mtime_ns for p in root.iterdir()} == stat_before
    assert sorted(p.name for p in root.iterdir()) == sorted(["client.toml", *BROKEN_FILES])


@pytest.fixture
def mini(tmp_path):
    root = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", root)
    return load_config(root)


def test_clean_client_loads_with_canonical_dtypes(mini):
    tables = load_client(mini)
    assert set(tables) == {"customers", "transactions", "nps_responses"}
    cust = tables["customers"]
    assert list(cust.columns) == ["customer_id", "signup_date", "status", "churn_date", "plan", "نام"]
    assert str(cust["customer_id"].dtype) == "string" and cust["customer_id"].dtype.na_value is pd.NA
    assert str(cust["signup_date"].dtype) == "datetime64[ns]"
    assert cust["signup_date"].tolist()[0] == pd.Timestamp("2023-04-04")   # 1402/01/15
    assert cust["signup_date"].tolist()[-1] == pd.Timestamp("2025-03-20")  # 1403/12/30 (leap year)
    assert cust["status"].tolist() == ["active", "active", "churned", "active", "active"]
    assert cust["plan"].tolist() == ["طلایی", "basic", "basic", "طلایی", "basic"]  # Arabic ye folded
    tx = tables["transactions"]
    assert tx["amount"].tolist() == [120000.0, 120000.0, 85000.0, -15000.0, 250000.0, 99000.0]
    assert str(tx["amount"].dtype) == "float64"
    nps = tables["nps_responses"]
    assert list(nps.columns) == ["score", "response_id", "customer_id", "date", "comment", "touchpoint",
                                 "rating_billing", "rating_network", "plan"]
    assert nps["rating_network"].isna().tolist() == [False, False, False, False, True]
    assert nps["customer_id"].isna().tolist() == [False, False, False, False, True]
    assert check_client(mini) == []


def test_complaint_flags_and_times(tmp_path):
    cfg = write_client(tmp_path / "c", '[client]\nname = "C"\n[tables.complaints]\nfile = "c.csv"\n', {
        "c.csv": "complaint_id,opened_at,resolved_at,escalated,resolved_first_contact,transfers\n"
                 "T1,2025-01-02 10:00,2025-01-02 16:30,no,بله,0\nT2,2025-01-03 08:15,,yes,,3\n"})
    df = load_table(cfg, "complaints")
    assert df["opened_at"].tolist() == [pd.Timestamp("2025-01-02 10:00"), pd.Timestamp("2025-01-03 08:15")]
    assert pd.isna(df["resolved_at"][1])
    assert str(df["escalated"].dtype) == "boolean"
    assert df["resolved_first_contact"].tolist()[0] is True and pd.isna(df["resolved_first_contact"][1])
    assert df["transfers"].tolist() == [0.0, 3.0]


def test_schemas_are_introspectable():
    assert list(TABLE_SCHEMAS) == ["customers", "transactions", "nps_responses", "needs_ratings", "kano_responses",
                                   "interviews", "complaints", "assessment"]
    nps = TABLE_SCHEMAS["nps_responses"]
    assert [c.name for c in nps.required] == ["score"]
    assert nps.column("rating_value_for_money").kind == "score"
    assert nps.column("rating_") is None and nps.column("plan") is None

    class Survey:
        nps_scale, rating_min, rating_max = "1-10", 1.0, 7.0

    assert nps.column("score").bounds(Survey) == (1.0, 10.0)
    assert nps.column("rating_billing").bounds(Survey) == (1.0, 7.0)
    assert nps.column("score").bounds() == (0.0, 10.0)
    assert TABLE_SCHEMAS["assessment"].column("score").bounds() == (1.0, 5.0)
    assert TABLE_SCHEMAS["customers"].unique == (("customer_id",),)
    assert TABLE_SCHEMAS["customers"].column("status").allowed == ("active", "churned")
    # every config table has a schema, and every schema a dating column or none on purpose
    from crmplay.core.config import CANONICAL_TABLES

    assert tuple(TABLE_SCHEMAS) == CANONICAL_TABLES
    json.dumps({n: [c.name for c in s.columns] for n, s in TABLE_SCHEMAS.items()})


def test_inspecting_some_tables_still_checks_customers(broken):
    intake = inspect_client(broken, tables=["transactions"])
    assert list(intake.tables) == ["customers", "transactions"]
    assert [(p.file, p.row, p.kind) for p in intake.cross_problems] == [("transactions.csv", 3, "unknown_customer")]
    assert not intake.usable("transactions") and not intake.usable("customers")


# validate.is_in (pyarrow's hash lookup for text) is pandas' Series.isin, missing values included,
# for both text dtypes a table can carry and for numbers (which take pandas' own path).
@pytest.mark.parametrize("dtype", ["str", "string", "int"])
def test_is_in_is_pandas_isin(dtype):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from crmplay.data.validate import is_in

    words = st.one_of(st.none(), st.sampled_from(["C001", "C002", "c001", "ä7", "۱۲", "", " C001"]))
    numbers = st.integers(0, 5)

    @settings(max_examples=200, deadline=None)
    @given(st.lists(numbers if dtype == "int" else words, max_size=30),
           st.lists(numbers if dtype == "int" else words, max_size=10))
    def check(values, known):
        v = pd.Series(values, dtype=None if dtype == "int" else dtype)
        k = pd.Series(known, dtype=None if dtype == "int" else dtype).unique()
        assert list(is_in(v, k)) == list(v.isin(k).to_numpy(bool))

    check()
