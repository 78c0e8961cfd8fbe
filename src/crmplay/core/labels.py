"""Names of NPS things in the report language: rating attributes, verbatim themes, trend periods.

Every label comes from the ``nps`` catalogue (``locales/<lang>/nps.toml``), so the NPS chapter,
the executive summary and any other page name an attribute or a theme the same way:

- :func:`attribute_label` ``("rating_billing", "fa")`` -> ``"صورتحساب روشن و دقیق"``
  (``nps.attribute.<name>``, the ``rating_`` prefix dropped);
- :func:`theme_label` ``("call_centre", "fa")`` -> ``"مرکز تماس و انتقال تماس"`` (``nps.theme.<id>``);
- :func:`period_label` ``("1404-01", "fa")`` -> ``"فروردین ۱۴۰۴"``: a trend period id of
  :func:`crmplay.chapters.nps.analysis.trend` (``"2025-03"``, ``"2025Q1"``, Jalali ``"1404-01"``,
  ``"1404Q1"``; a year below 1700 is Jalali) as words.

A name the catalogue lacks (a client's own ``rating_*`` column or ``[steps.nps] themes`` entry)
is shown as written, underscores as spaces, first letter capitalised.
"""
from __future__ import annotations

from crmplay.core.config import JALALI_YEAR_LIMIT
from crmplay.core.i18n import has, t, to_local_digits
#: The prefix that marks an attribute-rating column in nps_responses (rating_billing...).
RATING_PREFIX = "rating_"



def _plain(name: str) -> str:
    return name.replace("_", " ").strip().capitalize()


def attribute_label(attribute: str, lang: str = "en") -> str:
    """Display name of a rating attribute (``rating_billing`` or ``billing``) in ``lang``."""
    name = str(attribute).removeprefix(RATING_PREFIX)
    key = f"nps.attribute.{name}"
    return t(key, lang) if has(key, lang) else _plain(name)


def theme_label(theme: str, lang: str = "en") -> str:
    """Display name of a verbatim theme id (``call_centre``) in ``lang``."""
    key = f"nps.theme.{theme}"
    return t(key, lang) if has(key, lang) else _plain(str(theme))


def period_label(period: str, lang: str = "en") -> str:
    """A trend period id as words in ``lang``.

    English: Gregorian periods as they are (``2025-03``, ``2025Q1``), Jalali months by name
    (``Farvardin 1404``). Persian: every month by name in its own calendar (``مارس ۲۰۲۵``,
    ``فروردین ۱۴۰۴``) and quarters as ``فصل ۱ ۱۴۰۴``. An id that is neither is returned as it is.
    """
    text = str(period)
    if "Q" in text:
        year, _, quarter = text.partition("Q")
        if not (year.isdigit() and quarter.isdigit()):
            return text
        return t("nps.trend.quarter_label", lang, year=to_local_digits(year, lang),
                 quarter=to_local_digits(quarter, lang))
    year, _, month = text.partition("-")
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        return text
    calendar = "jalali" if int(year) < JALALI_YEAR_LIMIT else "gregorian"
    if lang != "fa" and calendar == "gregorian":
        return text
    return t("nps.trend.month_label", lang, month=t(f"nps.month.{calendar}.m{int(month)}", lang),
             year=to_local_digits(year, lang))


__all__ = ["attribute_label", "theme_label", "period_label"]
