"""One formatter for every figure (money in the units a reader uses) and tables that fit:
``crmplay.core.i18n.fmt_figure`` / ``fmt_money`` and ``crmplay.notebook.table_html``."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from crmplay.core.i18n import Translator, fmt_figure, fmt_money
from crmplay.notebook import table_html


@pytest.mark.parametrize("value, en, fa", [
    (200_699_545, "IRT 200.7 M", "۲۰۰٫۷ میلیون تومان"),
    (1_200_000, "IRT 1.2 M", "۱٫۲ میلیون تومان"),
    (2_345_000_000, "IRT 2.3 B", "۲٫۳ میلیارد تومان"),
    (999_999, "IRT 999,999", "۹۹۹٬۹۹۹ تومان"),
    (-3_400_000, "IRT -3.4 M", "−۳٫۴ میلیون تومان"),
    (0, "IRT 0", "۰ تومان"),
])
def test_money_is_shown_in_the_units_a_reader_uses(value, en, fa):
    assert fmt_money(value, "IRT", "en") == en
    assert fmt_money(value, "IRT", "fa") == fa
    assert "." not in fmt_money(1_200_000.0, "USD").split()[-1] or fmt_money(1_200_000.0, "USD") == "USD 1.2 M"


def test_no_false_precision_and_missing_values():
    assert fmt_money(1_200_000.0, "IRT") == "IRT 1.2 M"  # never "1,200,000.00"
    assert fmt_money(12.5, "USD", decimals=2) == "USD 12.50"  # small amounts keep the decimals asked for
    assert fmt_money(None, "IRT") == fmt_money(math.nan, "IRT") == "–"


@pytest.mark.parametrize("kind, value, expected", [
    ("number", 1234.4, "1,234"), ("number1", 1234.44, "1,234.4"), ("number2", 0.125, "0.12"),
    ("percent", 0.256, "25.6%"), ("signed", 3, "+3.0"), ("money", 5e6, "IRT 5.0 M"),
    ("date", "2025-03-21", "2025-03-21"), ("month", "2025-03-21", "2025-03"),
])
def test_fmt_figure_is_the_one_entry_point(kind, value, expected):
    assert fmt_figure(value, kind, "en", "IRT") == expected


def test_fmt_figure_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown figure kind"):
        fmt_figure(1, "currency")


def test_the_same_figure_is_rounded_the_same_way_everywhere():
    tr = Translator("en")
    shown = {tr.figure(200_699_545, "money", "IRT"), tr.money(200_699_545, "IRT"),
             fmt_figure(200_699_545, "money", "en", "IRT")}
    assert shown == {"IRT 200.7 M"}


def _cells(html):
    soup = BeautifulSoup(html, "html.parser")
    return soup, [[(td.get("data-label"), td.get("data-value"), td.get_text()) for td in tr.find_all("td")]
                  for tr in soup.select("tbody tr")]


def test_table_cells_carry_their_header_and_raw_number():
    df = pd.DataFrame({"plan": ["Gold <b>", None], "cost": [200_699_545.0, math.nan], "share": [0.25, 0.5],
                       "n": [3, 4]})
    html = table_html(df, Translator("en"), "IRT", headers={"plan": "Plan & tier", "share": "Share"},
                      formats={"cost": "money", "share": "percent"}, caption="Costs <2025>")
    soup, rows = _cells(html)
    assert [th.get_text() for th in soup.select("thead th")] == ["Plan & tier", "cost", "Share", "n"]
    assert rows[0] == [("Plan & tier", None, "Gold <b>"), ("cost", "200699545.0", "IRT 200.7 M"),
                       ("Share", "0.25", "25.0%"), ("n", "3", "3")]
    assert rows[1][0] == ("Plan & tier", None, "–") and rows[1][1] == ("cost", None, "–")
    assert soup.caption.get_text() == "Costs <2025>"
    assert "<b>" not in html and "&lt;b&gt;" in html  # escaped


def test_table_headers_come_from_the_catalogue_in_persian():
    html = table_html(pd.DataFrame({"x": [1_500_000.0]}), Translator("fa"), "IRT",
                      headers={"x": "report.portfolio.client"}, formats={"x": "money"})
    _, rows = _cells(html)
    assert rows == [[("مشتری", "1500000.0", "۱٫۵ میلیون تومان")]]


def test_table_formats_accept_callables_and_refuse_unknown_names():
    tr = Translator("en")
    html = table_html(pd.DataFrame({"x": [1]}), tr, formats={"x": lambda v: f"<{v}>"})
    assert "&lt;1&gt;" in html
    with pytest.raises(KeyError, match="unknown table format"):
        table_html(pd.DataFrame({"x": [1]}), tr, formats={"x": "euros"})


def test_the_stylesheet_stacks_wide_tables_on_a_phone_and_uses_the_full_width():
    from crmplay.core.resources import templates_dir

    css = (templates_dir() / "crmplay_report" / "static" / "crmplay.css").read_text(encoding="utf-8")
    assert "content: attr(data-label)" in css and "@media (max-width: 600px)" in css
    assert ".crm-main { padding: 0.5rem 1.25rem 2rem; max-width: none;" in css
    assert "svg.crm-svg { display: block; max-width: 100%; height: auto; }" in css
