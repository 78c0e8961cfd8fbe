"""Normalisation of what clients write: digits, separators, letters, marks, flags, dates."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmplay.data import TABLE_SCHEMAS
from crmplay.data.normalise import (clean_key, clean_keys, clean_texts, header_key, jalali_to_gregorian,
                                    parse_dates, parse_enum, parse_flags, parse_numbers, snake_header,
                                    to_ascii_digits)

PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"


def numbers(values, **kw):
    parsed = parse_numbers(pd.Series(values, dtype="str"), **kw)
    return parsed.values.tolist(), parsed.bad.tolist(), parsed.notes


def test_persian_and_arabic_indic_digits_become_ascii():
    assert to_ascii_digits("۱۴۰۳/۱۲/۳۰") == "1403/12/30"
    assert to_ascii_digits("٢٠٢٥-٠٣-٢١") == "2025-03-21"
    assert to_ascii_digits(PERSIAN + ARABIC_INDIC) == "0123456789" * 2


def test_number_separators():
    values, bad, _ = numbers([
        "۱۲٬۵۰۰",        # Persian digits, Arabic thousands separator U+066C
        "۱۲٫۵",          # Arabic decimal separator U+066B
        "۱،۲۳۴،۵۶۷",     # Arabic comma U+060C as thousands separator
        "1,234.5",       # ordinary comma
        "1 234",         # space as thousands separator
        "١٢٣٫٤٥",        # Arabic-Indic digits
        "\u200f۴۵\u200e",  # direction marks around a number
        "(1,200)",       # accounting negative
        "1200-",         # trailing minus (right-to-left export)
        "−7",            # minus sign U+2212
    ])
    assert values == [12500.0, 12.5, 1234567.0, 1234.5, 1234.0, 123.45, 45.0, -1200.0, -1200.0, -7.0]
    assert not any(bad)


def test_ambiguous_numbers_are_errors_not_guesses():
    values, bad, _ = numbers(["1,5", "12,34,567", "1.234,5", "12x", "inf", "1e400"])
    assert bad == [True] * 6
    assert all(v != v for v in values)  # NaN


def test_blank_tokens_are_blank_not_bad():
    parsed = parse_numbers(pd.Series(["", " ", "NA", "n/a", "-", "null", "\u200f"], dtype="str"))
    assert parsed.blank.all() and not parsed.bad.any()


def test_currency_units_stripped_only_when_unambiguous():
    values, bad, notes = numbers(["120000 ریال", "ريال 5", "IRR 7", "$12", "12 تومان", "12 USD"],
                                 money=True, currency="IRR")
    assert values[:3] == [120000.0, 5.0, 7.0]
    assert bad == [False, False, False, True, True, True]
    assert notes[4] == "an amount in IRR (this value is in IRT)"  # a toman is ten rials: never guessed
    # a unit in a column that is not money is not a number
    assert numbers(["12 ریال"], money=False, currency="IRR")[1] == [True]
    assert numbers(["$12.50"], money=True, currency="USD")[0] == [12.5]


def test_arabic_ye_and_kaf_fold_to_persian_in_keys():
    # U+064A Arabic ye, U+0649 alef maksura, U+0643 Arabic kaf
    assert clean_key("\u0643\u064a\u0641") == "\u06a9\u06cc\u0641"
    assert clean_key("على") == "علی"
    keys = clean_keys(pd.Series(["طلايي", "طلایی", " ك۱۲ "], dtype="str"))
    assert keys.tolist() == ["طلایی", "طلایی", "ک12"]


def test_direction_marks_and_whitespace_removed_zwnj_kept_inside():
    raw = "\u202b\u200fصورت\u200cحساب  ماهانه\u200e\u202c "
    assert clean_key(raw) == "صورت\u200cحساب ماهانه"
    texts = clean_texts(pd.Series(["\u200f  سلام دنیا \u200e", "", "  "], dtype="str"))
    assert texts[0] == "سلام دنیا"
    assert texts[1:].isna().all()


def test_free_text_is_not_folded():
    # comments keep their own spelling; only keys are folded
    assert clean_texts(pd.Series(["كيفيت خوب"], dtype="str"))[0] == "كيفيت خوب"


def test_header_matching_is_tolerant():
    variants = ["Customer ID", " customer_id ", "CUSTOMER-ID", "\ufeffcustomer_id", "customer\u200fid",
                "Customer\u00a0Id"]
    assert {header_key(v) for v in variants} == {"customerid"}
    assert header_key("شناسه\u200cمشتري") == header_key("شناسه مشتری")
    assert header_key("كد") == header_key("کد")
    assert snake_header("Rating  Billing") == "rating_billing"


def test_flags():
    parsed = parse_flags(pd.Series(["yes", "No", "TRUE", "f", "1", "0", "Y", "n", "بله", "بلي", "خیر", "", "maybe"],
                                   dtype="str"))
    assert parsed.values.tolist()[:11] == [True, False, True, False, True, False, True, False, True, True, False]
    assert parsed.values.isna().tolist()[11:] == [True, True]
    assert parsed.bad.tolist()[11:] == [False, True]


def test_enum_aliases():
    spec = TABLE_SCHEMAS["customers"].column("status")
    parsed = parse_enum(pd.Series(["Active", "فعال", "CHURNED", "لغو شده", "paused"], dtype="str"), spec.alias_map())
    assert parsed.values.tolist()[:4] == ["active", "active", "churned", "churned"]
    assert parsed.bad.tolist() == [False, False, False, False, True]


# --- Jalali -----------------------------------------------------------------------------------
# Published conversions (Iranian calendar; Nowruz dates): 1403/01/01 = 2024-03-20,
# 1404/01/01 = 2025-03-21. 1403 is a leap year, so 1403/12/30 exists (= 2025-03-20); 1402 is
# not, so 1402/12/30 does not. jdatetime documents the same (jdatetime.date(1403, 1, 1).togregorian()).


def test_jalali_known_conversions():
    assert jalali_to_gregorian(1403, 1, 1) == pd.Timestamp("2024-03-20")
    assert jalali_to_gregorian(1404, 1, 1) == pd.Timestamp("2025-03-21")
    assert jalali_to_gregorian(1403, 12, 30) == pd.Timestamp("2025-03-20")
    assert jalali_to_gregorian(1402, 12, 30) is None
    assert jalali_to_gregorian(1402, 12, 29) == pd.Timestamp("2024-03-19")


def test_jalali_column_parsing():
    raw = pd.Series(["1403/12/30", "1402/12/30", "۱۴۰۳/۰۱/۰۱", "1403-1-5", "١٤٠٤/٠١/٠١", "", "1403/13/01",
                     "2025-03-21"], dtype="str")
    parsed = parse_dates(raw, jalali=True, table="customers")
    v = parsed.values
    assert v[0] == pd.Timestamp("2025-03-20")
    assert pd.isna(v[1]) and parsed.bad[1]
    assert "1402/12/30 does not" in parsed.notes[1]
    assert v[2] == pd.Timestamp("2024-03-20")
    assert v[3] == pd.Timestamp("2024-03-24")
    assert v[4] == pd.Timestamp("2025-03-21")
    assert parsed.blank[5] and not parsed.bad[5]
    assert parsed.bad[6]
    # a Gregorian date in a Jalali column is unambiguous: read, with a warning
    assert v[7] == pd.Timestamp("2025-03-21") and parsed.warn[7] and not parsed.bad[7]
    assert str(v.dtype) == "datetime64[ns]"


def test_jalali_with_time_of_day():
    parsed = parse_dates(pd.Series(["1403/12/30 14:05", "۱۴۰۳/۱۲/۳۰ ۰۹:۳۰:۱۵"], dtype="str"), jalali=True,
                         keep_time=True)
    assert parsed.values.tolist() == [pd.Timestamp("2025-03-20 14:05"), pd.Timestamp("2025-03-20 09:30:15")]


def test_date_styles():
    raw = pd.Series(["03/04/2025", "21.03.2025", "2025-03-21"], dtype="str")
    day = parse_dates(raw, style="dayfirst")
    assert day.values.tolist() == [pd.Timestamp("2025-04-03"), pd.Timestamp("2025-03-21"), pd.Timestamp("2025-03-21")]
    month = parse_dates(raw, style="monthfirst")
    assert month.values[0] == pd.Timestamp("2025-03-04") and month.bad[1]  # there is no month 21
    iso = parse_dates(raw, style="iso", table="transactions")
    assert iso.bad.tolist() == [True, True, False]
    assert 'dates = "dayfirst"' in iso.notes[0]


def test_iso_dates_times_and_hints():
    raw = pd.Series(["2025-03-21 10:30", "2025-03-21T10:30:05+03:30", "21 Mar 2025", "2025/3/5", "2025-02-30",
                     "1403/01/01", "2025"], dtype="str")
    p = parse_dates(raw, keep_time=True, table="transactions")
    assert p.values.tolist()[:4] == [pd.Timestamp("2025-03-21 10:30"), pd.Timestamp("2025-03-21 10:30:05"),
                                     pd.Timestamp("2025-03-21"), pd.Timestamp("2025-03-05")]
    assert p.bad.tolist()[4:] == [True, True, True]
    assert 'dates = "jalali"' in p.notes[5]
    floored = parse_dates(raw[:1])
    assert floored.values[0] == pd.Timestamp("2025-03-21")


def test_excel_serial_dates_only_when_asked():
    raw = pd.Series(["45658", "45658.5"], dtype="str")
    # Excel 1900 date system: 45658 = 2025-01-01 (Microsoft DATEVALUE("2025-01-01")).
    assert parse_dates(raw, excel_serial=True).values.tolist() == [pd.Timestamp("2025-01-01")] * 2
    assert parse_dates(raw, excel_serial=True, keep_time=True).values[1] == pd.Timestamp("2025-01-01 12:00")
    assert parse_dates(raw).bad.all()


# --- properties -------------------------------------------------------------------------------

_TO_PERSIAN = str.maketrans("0123456789", PERSIAN)
_TO_ARABIC = str.maketrans("0123456789", ARABIC_INDIC)


@given(st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_digit_folding_round_trip(ascii_digits):
    assert to_ascii_digits(ascii_digits.translate(_TO_PERSIAN)) == ascii_digits
    assert to_ascii_digits(ascii_digits.translate(_TO_ARABIC)) == ascii_digits


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-10**12, max_value=10**12), st.integers(min_value=0, max_value=99),
       st.sampled_from(["persian", "arabic", "ascii"]), st.booleans())
def test_number_written_any_way_reads_back(whole, cents, digits, grouped):
    value = whole + (cents / 100 if whole >= 0 else -cents / 100)
    text = f"{value:,.2f}" if grouped else f"{value:.2f}"
    if digits != "ascii":
        text = text.replace(",", "\u066c").replace(".", "\u066b")
        text = text.translate(_TO_PERSIAN if digits == "persian" else _TO_ARABIC)
    parsed = parse_numbers(pd.Series([text], dtype="str"))
    assert not parsed.bad[0]
    assert parsed.values[0] == pytest.approx(round(value, 2), abs=1e-6)


# ASCII_SPACING stands for Python's ``\s\s|[\t\n\r\x0b\x0c]`` on ASCII text (without ``\s``, so
# pyarrow runs it); every pair of ASCII characters, then random ASCII keys through clean_keys.
def test_ascii_spacing_is_python_whitespace_on_every_ascii_pair():
    import re

    from crmplay.data.text import ASCII_SPACING

    python, ours = re.compile(r"\s\s|[\t\n\r\x0b\x0c]"), re.compile(ASCII_SPACING)
    for a in map(chr, range(128)):
        for b in map(chr, range(128)):
            assert bool(python.search(a + b)) == bool(ours.search(a + b)), repr(a + b)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(max_codepoint=127), max_size=8), min_size=1, max_size=30))
def test_clean_keys_is_clean_key_value_by_value(values):
    got = clean_keys(pd.Series(values, dtype="str"))
    want = [clean_key(v) or None for v in values]
    assert [None if pd.isna(g) else g for g in got] == want
