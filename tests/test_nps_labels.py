"""Names in the report language (attributes, themes, trend periods) and trend periods in the
Jalali calendar for Persian clients."""
from __future__ import annotations

import pandas as pd
import pytest

from crmplay.core.config import Survey
from crmplay.core.i18n import catalogue
from crmplay.chapters.nps import Options, attribute_label, period_label, theme_label, trend_calendar
from crmplay.chapters.nps.analysis import trend, with_groups
from crmplay.chapters.nps.verbatims import DEFAULT_THEMES

PERSIAN_LETTERS = "\u0600-\u06ff"


def _persian(text: str) -> bool:
    import re

    return bool(re.search(f"[{PERSIAN_LETTERS}]", text)) and not re.search("[A-Za-z]", text)


def test_every_builtin_theme_has_a_persian_label():
    en, fa = catalogue("en", "nps"), catalogue("fa", "nps")
    for theme in DEFAULT_THEMES:
        assert theme_label(theme, "en") == en[f"theme.{theme}"], theme
        assert theme_label(theme, "fa") == fa[f"theme.{theme}"] and _persian(fa[f"theme.{theme}"]), theme


@pytest.mark.parametrize("attribute", [
    "rating_network", "rating_coverage", "rating_price", "rating_billing", "rating_call_centre",
    "rating_call_center", "rating_support", "rating_customer_service", "rating_app", "rating_website",
    "rating_speed", "rating_internet_speed", "rating_setup", "rating_onboarding", "rating_alerts",
    "rating_rewards", "rating_staff", "rating_store", "rating_value", "rating_quality",
    "rating_reliability", "rating_delivery", "rating_waiting_time", "rating_one_number",
])
def test_common_rating_attributes_have_persian_labels(attribute):
    assert _persian(attribute_label(attribute, "fa"))
    assert attribute_label(attribute, "fa") == attribute_label(attribute.removeprefix("rating_"), "fa")
    assert "_" not in attribute_label(attribute, "en")


def test_both_catalogues_name_the_same_attributes_themes_and_months():
    for section in ("attribute.", "theme.", "month."):
        en = {k for k in catalogue("en", "nps") if k.startswith(section)}
        fa = {k for k in catalogue("fa", "nps") if k.startswith(section)}
        assert en == fa and en, section


def test_unknown_names_are_shown_as_written():
    assert attribute_label("rating_parking_space", "fa") == "Parking space"
    assert theme_label("late_delivery", "en") == "Late delivery"


def test_period_labels():
    assert period_label("2025-03", "en") == "2025-03"  # English Gregorian months unchanged
    assert period_label("1404-01", "en") == "Farvardin 1404"
    assert period_label("1404-01", "fa") == "فروردین ۱۴۰۴"
    assert period_label("1403-12", "fa") == "اسفند ۱۴۰۳"
    assert period_label("2025-03", "fa") == "مارس ۲۰۲۵"  # a Gregorian month keeps its own name
    assert period_label("1404Q1", "fa") == "فصل ۱ ۱۴۰۴"
    assert period_label("2025Q1", "en") == "2025Q1"
    assert period_label("week 3", "fa") == "week 3"


def _responses(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    """(Gregorian date, score, how many)."""
    out = [(pd.Timestamp(d), s) for d, s, n in rows for _ in range(n)]
    return with_groups(pd.DataFrame(out, columns=["date", "score"]))


def test_jalali_months_split_at_nowruz():
    # 1403 is a Jalali leap year: 2025-03-20 is 1403/12/30 and 2025-03-21 is 1404/01/01 (Nowruz)
    frame = _responses([("2025-03-20", 10, 4), ("2025-03-21", 0, 6), ("2025-04-20", 10, 2), ("2025-04-21", 10, 3)])
    g = trend(frame, "month", min_n=1)
    assert g["period"].tolist() == ["2025-03", "2025-04"] and g["n"].tolist() == [10, 5]
    j = trend(frame, "month", min_n=1, calendar="jalali")
    # 2025-04-20 is 1404/01/31, the last day of Farvardin; 2025-04-21 is 1404/02/01
    assert j["period"].tolist() == ["1403-12", "1404-01", "1404-02"]
    assert j["n"].tolist() == [4, 8, 3]
    assert j["nps"].tolist() == pytest.approx([100.0, 100 * (2 - 6) / 8, 100.0])
    assert [d.date().isoformat() for d in j["start"]] == ["2025-02-19", "2025-03-21", "2025-04-21"]


def test_jalali_quarters_follow_the_iranian_year():
    # Q1 1404 is Farvardin-Khordad: 2025-03-21 to 2025-06-21; 2025-06-22 is 1 Tir (Q2)
    frame = _responses([("2025-03-21", 9, 1), ("2025-06-21", 9, 1), ("2025-06-22", 9, 1), ("2025-03-20", 9, 1)])
    j = trend(frame, "quarter", min_n=1, calendar="jalali")
    assert j["period"].tolist() == ["1403Q4", "1404Q1", "1404Q2"] and j["n"].tolist() == [1, 2, 1]
    with pytest.raises(ValueError, match="calendar"):
        trend(frame, "month", calendar="hijri")


class _Client:
    def __init__(self, language: str):
        self.client = type("Info", (), {"language": language})()


def test_trend_calendar_follows_the_client_language_unless_set():
    assert trend_calendar(Options(), _Client("fa")) == "jalali"
    assert trend_calendar(Options(), _Client("en")) == "gregorian"
    assert trend_calendar(Options(), None) == "gregorian"
    assert trend_calendar(Options(calendar="gregorian"), _Client("fa")) == "gregorian"
    assert trend_calendar(Options(calendar="jalali"), _Client("en")) == "jalali"
    with pytest.raises(ValueError, match="calendar"):
        Options(calendar="lunar")


def test_analyse_writes_the_calendar_of_its_periods():
    from crmplay.chapters.nps import analyse

    frame = pd.DataFrame({"score": [9, 3, 7, 10] * 10,
                          "date": pd.to_datetime(["2025-03-20", "2025-03-21", "2025-04-25", "2025-05-01"] * 10)})
    result = analyse(frame, survey=Survey(), options=Options(calendar="jalali", bootstrap=0))
    assert result.record().calendar == "jalali"
    assert result.trend["period"].tolist() == ["1403-12", "1404-01", "1404-02"]
