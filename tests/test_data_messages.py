"""Problem messages in the report language: every "expected" text has an English and a Persian
catalogue entry with the same placeholders; the CLI and the consultant CSV keep the English
text; the Persian data overview shows the Persian one."""
from __future__ import annotations

import copy
import pickle
import re
import string
import tomllib
from pathlib import Path

import pytest

from crmplay.data import Expected, check_client, expected, expected_text
from crmplay.chapters.overview.analysis import problem_rows, problems_for_consultant
from crmplay.chapters.overview.views import display_problems
from crmplay.data.problems import PROBLEM_KINDS, format_problems, sort_problems
from crmplay.core.i18n import Translator, catalogue
from test_data_validate import BROKEN_FILES, BROKEN_TOML, write_client

SRC = Path(__file__).resolve().parents[1] / "src" / "crmplay"
LATIN_WORD = re.compile(r"\b(?:a|an|the|expected|number|date|value|column|row|file|found)\b")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_expected_key_in_both_languages_with_the_same_placeholders():
    en = {k: v for k, v in catalogue("en", "data_overview").items() if k.startswith("expected.")}
    fa = {k: v for k, v in catalogue("fa", "data_overview").items() if k.startswith("expected.")}
    assert set(en) == set(fa)
    for key in en:
        assert _fields(en[key]) == _fields(fa[key]), key


def test_every_key_the_code_uses_is_in_the_catalogue():
    used = set()
    for path in (SRC / "data").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'\bexpected\(\s*"([a-z_]+)"', text))
        if 'f"date_{style}"' in text:  # the date styles of validate._convert
            used |= {"date_iso", "date_dayfirst", "date_monthfirst"}
    assert len(used) > 30
    en = catalogue("en", "data_overview")
    assert sorted(k for k in used if f"expected.{k}" not in en) == []


def test_every_problem_kind_has_a_label_in_both_languages():
    for lang in ("en", "fa"):
        labels = {k.removeprefix("kind.") for k in catalogue(lang, "data_overview") if k.startswith("kind.")}
        assert set(PROBLEM_KINDS) <= labels, lang


def test_expected_is_its_english_text_and_keeps_its_key_through_copies():
    e = expected("whole_score", low=1, high=10.0)
    assert e == "a whole-number score 1-10" and isinstance(e, str)
    assert expected_text(e, "fa") == "امتیازی درست (بی‌اعشار) از ۱ تا ۱۰"
    for clone in (copy.deepcopy(e), pickle.loads(pickle.dumps(e))):
        assert isinstance(clone, Expected) and clone.key == "whole_score"
        assert expected_text(clone, "fa") == expected_text(e, "fa")
    # a plain string (e.g. read back from JSON) stays as it is in every language
    assert expected_text("a number", "fa") == "a number"
    # decimals in Persian take the Arabic decimal separator
    assert expected_text(expected("number_min", min=0.5), "fa") == "عددی برابر ۰٫۵ یا بیشتر"


@pytest.fixture
def broken(tmp_path):
    return write_client(tmp_path / "broken", BROKEN_TOML, BROKEN_FILES)


def test_every_problem_of_a_broken_client_reads_in_persian(broken):
    problems = check_client(broken)
    assert problems
    for p in problems:
        assert isinstance(p.expected, Expected), (p.kind, p.expected)
        fa = p.expected_in("fa")
        assert fa != p.expected and re.search("[\u0600-\u06ff]", fa), (p.kind, fa)
        # no English sentence left around the values (headers, ids and file names may be Latin)
        assert not LATIN_WORD.search(re.sub(r'"[^"]*"|«[^»]*»|\([^)]*\)|[\w./-]+\.(?:csv|toml)', "", fa)), fa
        assert p.expected_in("en") == p.expected
    by = {(p.file, p.row, p.kind): p for p in problems}
    assert by[("customers.csv", 5, "duplicate_id")].expected_in("fa") == "customer_id یکتا؛ در سطر ۲ هم آمده است"
    assert by[("nps.csv", 3, "out_of_range")].expected_in("fa") == "نمره‌ای از ۱ تا ۵"


def test_overview_shows_persian_messages_and_the_consultant_csv_english(broken):
    problems = check_client(broken)
    rows = problem_rows(problems, limit=None)
    fa = display_problems(rows, Translator("fa"))
    en = display_problems(rows, Translator("en"))
    assert list(en["expected"]) == [str(p.expected) for p in sort_problems(problems)]
    assert all(re.search("[\u0600-\u06ff]", x) for x in fa["expected"])
    assert "یک عدد" in set(fa["expected"])
    consultant = problems_for_consultant(problems)
    assert list(consultant["expected"]) == [str(p.expected) for p in sort_problems(problems)]
    # the CLI listing stays English
    assert " - expected a number" in format_problems(problems)
    # as_dict (runner, JSON) carries the plain English text
    assert all(type(p.as_dict()["expected"]) is str for p in problems)


def test_persian_catalogue_parses_and_has_no_untranslated_expected_text():
    path = SRC / "locales" / "fa" / "data_overview.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    en = tomllib.loads((SRC / "locales" / "en" / "data_overview.toml").read_text(encoding="utf-8"))
    same = [k for k, v in data["expected"].items() if v == en["expected"][k]]
    assert same == []


def test_file_level_problems_read_in_persian(tmp_path):
    toml = """
[client]
name = "Files"
[tables.customers]
file = "missing.csv"
[tables.transactions]
file = "tx.csv"
[tables.complaints]
file = "complaints.xlsx"
"""
    files = {"tx.csv": "customer_id,date,amount\nC1,2025-01-01,10\nC1,2025-01-02,5,7\n",
             "complaints.xlsx": "not a workbook"}
    problems = check_client(write_client(tmp_path / "files", toml, files))
    kinds = {p.kind: p for p in problems}
    assert {"missing_file", "bad_row", "unreadable_file"} <= set(kinds)
    assert kinds["missing_file"].expected_in("fa") == "فایل missing.csv در پوشه‌ی مشتری (پیدا نشد)"
    assert kinds["bad_row"].expected_in("fa").startswith("۳ خانه مانند سطر سرستون‌ها (۴ خانه آمده است")
    assert kinds["unreadable_file"].expected_in("fa").startswith("یک کارپوشه‌ی XLSX (")


def test_a_date_in_a_message_takes_persian_digits_a_file_name_keeps_its_own():
    from crmplay.data.problems import Numeral

    e = expected("jalali_day_exists", date=Numeral("1404/13/40"))
    assert e == "a Jalali date that exists (1404/13/40 does not)"
    assert expected_text(e, "fa") == "تاریخ شمسی‌ای که وجود داشته باشد (۱۴۰۴/۱۳/۴۰ وجود ندارد)"
    assert expected_text(expected("missing_file", file="tx_2024.csv"), "fa").startswith("فایل tx_2024.csv ")
