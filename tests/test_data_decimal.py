"""Numbers written with a decimal comma (``1,5``): read only when client.toml says so
(``decimal = ","`` in the table's section), otherwise reported, never read as 15."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmplay.data import check_client, load_table
from crmplay.data.normalise import parse_numbers
from test_data_validate import write_client

_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def numbers(values, **kw):
    parsed = parse_numbers(pd.Series(values, dtype="str"), **kw)
    return parsed.values.tolist(), parsed.bad.tolist(), parsed.notes


def test_comma_decimal_with_point_or_space_thousands():
    values, bad, _ = numbers(["1,5", "1.234,5", "1 234,5", "1\u00a0234\u202f567,25", "-0,75", "12", "(3,5)",
                              "۱٫۵", "۱٬۲۳۴٫۵", "1.234.567", "۱۲,۵"], decimal=",")
    assert values == [1.5, 1234.5, 1234.5, 1234567.25, -0.75, 12.0, -3.5, 1.5, 1234.5, 1234567.0, 12.5]
    assert not any(bad)


def test_comma_decimal_refuses_what_it_cannot_tell():
    # a point is a thousands separator there: "1.5" is not a group of three, "1,2,3" has two marks
    values, bad, notes = numbers(["1.5", "1,2,3", "1.23,4.5", "12,5x", "1234.56"], decimal=",", table="tx")
    assert bad == [True] * 5 and all(v != v for v in values)
    # a decimal point where the option says comma: the note says to remove the option
    assert sorted(notes) == [0, 4] and all("remove it" in notes[i] and "[tables.tx]" in notes[i] for i in notes)


def test_point_decimal_never_reads_a_decimal_comma_as_thousands():
    values, bad, notes = numbers(["1,5", "12,75", "1.234,5", "1,500", "2.5"], table="transactions")
    assert bad == [True, True, True, False, False]
    assert values[3:] == [1500.0, 2.5]
    for i in range(3):
        assert 'decimal = ","' in notes[i] and "[tables.transactions]" in notes[i]


def test_money_with_units_and_comma_decimal():
    values, bad, _ = numbers(["1.200,50 €", "€ 3,5"], decimal=",", money=True, currency="EUR")
    assert values == [1200.5, 3.5] and not any(bad)


def test_unknown_decimal_mark_is_refused():
    with pytest.raises(ValueError, match="decimal"):
        parse_numbers(pd.Series(["1"], dtype="str"), decimal=";")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-10**9, max_value=10**9), st.integers(min_value=0, max_value=99),
       st.sampled_from([".", " ", ""]), st.booleans())
def test_comma_decimal_number_written_any_way_reads_back(whole, cents, thousands, persian):
    value = whole + (cents / 100 if whole >= 0 else -cents / 100)
    text = f"{value:,.2f}".replace(",", "\0").replace(".", ",").replace("\0", thousands)
    if persian:
        text = text.translate(_TO_PERSIAN)
    parsed = parse_numbers(pd.Series([text], dtype="str"), decimal=",")
    assert not parsed.bad[0], text
    assert parsed.values[0] == pytest.approx(round(value, 2), abs=1e-6)


TOML = """
[client]
name = "Euro shop"
currency = "EUR"
[tables.transactions]
file = "tx.csv"
{decimal}
"""
TX = "customer_id;date;amount\nC1;2025-01-01;1,5\nC2;2025-01-02;1.234,50\nC3;2025-01-03;-2,25\n"


def test_table_read_with_the_client_decimal_comma(tmp_path):
    config = write_client(tmp_path / "euro", TOML.format(decimal='decimal = ","'), {"tx.csv": TX})
    tx = load_table(config, "transactions")
    assert tx["amount"].tolist() == [1.5, 1234.5, -2.25]


def test_same_table_without_the_option_reports_every_comma_value(tmp_path):
    config = write_client(tmp_path / "euro", TOML.format(decimal=""), {"tx.csv": TX})
    problems = check_client(config)
    bad = [p for p in problems if p.kind == "bad_number"]
    assert [(p.row, p.value) for p in bad] == [(2, "1,5"), (3, "1.234,50"), (4, "-2,25")]
    assert all('decimal = ","' in p.expected and p.severity == "error" for p in bad)
    assert "decimal" in bad[0].expected_in("fa") and "ویرگول" in bad[0].expected_in("fa")
