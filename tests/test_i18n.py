"""Message catalogues and per-language formatting."""
from __future__ import annotations

import datetime as dt

import pytest

import crmplay.core.i18n as i18n
from crmplay.core.resources import locales_dir


def test_persian_number_formatting():
    assert i18n.fmt_number(1234567.891, "fa", 2) == "۱٬۲۳۴٬۵۶۷٫۸۹"
    assert i18n.fmt_number(1234567.891, "en", 2) == "1,234,567.89"
    assert i18n.fmt_percent(0.256, "fa") == "۲۵٫۶٪"
    assert i18n.fmt_signed(-8.95, "en", 2) == "-8.95"
    assert i18n.fmt_signed(12, "en") == "+12.0"
    assert i18n.fmt_number(float("nan"), "en") == "–"


def test_jalali_dates():
    # Nowruz 1404 fell on 2025-03-21; 1403/12/30 exists because 1403 is a leap year (= 2025-03-20)
    assert i18n.fmt_date(dt.date(2025, 3, 21), "fa") == "۱۴۰۴/۰۱/۰۱"
    assert i18n.fmt_date(dt.date(2025, 3, 20), "fa") == "۱۴۰۳/۱۲/۳۰"
    assert i18n.fmt_date("2025-03-21", "en") == "2025-03-21"
    assert i18n.fmt_month(dt.date(2025, 3, 21), "fa") == "۱۴۰۴/۰۱"


def test_lookup_falls_back_to_english_and_fails_loudly():
    assert i18n.t("core.not_set", "fa") == "تعیین نشده"
    assert i18n.t("core.no_data", "en", table="complaints").startswith("The client supplied no complaints")
    with pytest.raises(i18n.MissingMessage):
        i18n.t("core.no_such_key", "en")
    with pytest.raises(i18n.MissingMessage):
        i18n.t("nonamespace", "en")


def test_direction():
    assert i18n.direction("fa") == "rtl" and i18n.direction("en") == "ltr"


@pytest.mark.parametrize("namespace", sorted(p.stem for p in (locales_dir() / "en").glob("*.toml")))
def test_catalogues_parse_and_persian_keys_exist_in_english(namespace):
    en = i18n.catalogue("en", namespace)
    fa = i18n.catalogue("fa", namespace)
    assert en, f"empty English catalogue {namespace}"
    stray = set(fa) - set(en)
    assert not stray, f"fa/{namespace}.toml has keys English lacks: {sorted(stray)}"
