"""Report language: a message catalogue keyed by language, and number/date formatting.

Catalogues live in ``crmplay/locales/<lang>/<namespace>.toml``; a key is written
``"<namespace>.<key>"`` (``"nps.title"`` is the ``title`` key of ``locales/en/nps.toml``).
Nested TOML tables extend the key (``"nps.groups.promoter"``). Each step owns its namespace
file, so steps never edit each other's strings. A key missing from the Persian catalogue falls
back to English (and :func:`missing_keys` lists it); a key missing from English is an error.

Formatting: ``fa`` uses Persian digits (۰-۹), the Persian thousands separator ``٬`` and
decimal separator ``٫``, and Jalali dates; ``en`` uses ``1,234.5`` and ISO dates. Every figure a
report shows goes through :func:`fmt_figure` (or the ``fmt_*`` function of its kind), and money
is shown in the units a reader uses (``IRT 200.7 M`` / ``۲۰۰٫۷ میلیون تومان``).

Example
-------
>>> fmt_number(1234.5, "fa", decimals=1)
'۱٬۲۳۴٫۵'
>>> fmt_percent(0.256, "en")
'25.6%'
>>> fmt_money(200_699_545, "IRT")
'IRT 200.7 M'
"""
from __future__ import annotations

import datetime as _dt
import math
import tomllib
from functools import lru_cache
from typing import Any

from crmplay.core.resources import locales_dir

LANGUAGES = ("en", "fa")
FALLBACK = "en"
DIRECTION = {"en": "ltr", "fa": "rtl"}

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


class MissingMessage(KeyError):
    """A key that no catalogue defines, not even English."""


@lru_cache(maxsize=None)
def catalogue(lang: str, namespace: str) -> dict[str, str]:
    """The flattened messages of one namespace in one language (empty if the file is absent)."""
    path = locales_dir() / lang / f"{namespace}.toml"
    if not path.is_file():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    flat: dict[str, str] = {}

    def walk(prefix: str, node: Any) -> None:
        for k, v in node.items():
            key = f"{prefix}{k}"
            if isinstance(v, dict):
                walk(key + ".", v)
            else:
                flat[key] = str(v)

    walk("", data)
    return flat


def _lookup(key: str, lang: str) -> str | None:
    namespace, _, rest = key.partition(".")
    if not rest:
        raise MissingMessage(f"message key {key!r} has no namespace; write '<namespace>.<key>'")
    return catalogue(lang, namespace).get(rest)


def t(key: str, lang: str = "en", /, **values: Any) -> str:
    """Translate ``key`` into ``lang`` and fill ``{placeholders}`` with ``values``.

    Values are inserted as given: format numbers with :func:`fmt_number` & co. first, and
    escape customer-provided text before it goes into HTML or markdown.
    """
    text = _lookup(key, lang) if lang != FALLBACK else None
    if text is None:
        text = _lookup(key, FALLBACK)
    if text is None:
        raise MissingMessage(f"no message {key!r} in the {FALLBACK!r} catalogue")
    return text.format(**values) if values else text


def has(key: str, lang: str = "en") -> bool:
    """True when ``key`` exists in ``lang`` or in the English fallback."""
    return _lookup(key, lang) is not None or _lookup(key, FALLBACK) is not None


def missing_keys(lang: str, namespace: str) -> list[str]:
    """Keys of the English catalogue that ``lang`` does not translate yet."""
    return sorted(set(catalogue(FALLBACK, namespace)) - set(catalogue(lang, namespace)))


def direction(lang: str) -> str:
    """``rtl`` for Persian, ``ltr`` otherwise (for the HTML ``dir`` attribute)."""
    return DIRECTION.get(lang, "ltr")


def to_local_digits(text: str, lang: str) -> str:
    """Replace ASCII digits by the language's digits (Persian for ``fa``)."""
    return text.translate(_PERSIAN_DIGITS) if lang == "fa" else text


def _localise_number_text(text: str, lang: str) -> str:
    if lang != "fa":
        return text
    text = text.replace(",", "\u066c").replace(".", "\u066b").replace("-", "\u2212")
    return to_local_digits(text, lang)


def _is_missing(x: Any) -> bool:
    try:
        return x is None or (isinstance(x, float) and math.isnan(x)) or bool(x != x)
    except (TypeError, ValueError):
        return False


def fmt_number(x: Any, lang: str = "en", decimals: int = 0, missing: str = "–") -> str:
    """A number with thousands separators, e.g. ``1,234`` / ``۱٬۲۳۴``."""
    if _is_missing(x):
        return missing
    return _localise_number_text(f"{float(x):,.{decimals}f}", lang)


def fmt_signed(x: Any, lang: str = "en", decimals: int = 1, missing: str = "–") -> str:
    """A number with an explicit sign, e.g. ``+12.3`` (NPS points, differences)."""
    if _is_missing(x):
        return missing
    return _localise_number_text(f"{float(x):+,.{decimals}f}", lang)


def fmt_percent(share: Any, lang: str = "en", decimals: int = 1, missing: str = "–") -> str:
    """A share 0-1 as a percentage, e.g. ``0.256`` -> ``25.6%`` / ``۲۵٫۶٪``."""
    if _is_missing(share):
        return missing
    text = _localise_number_text(f"{100 * float(share):,.{decimals}f}", lang)
    return text + ("٪" if lang == "fa" else "%")


#: Large amounts are shown in the units a reader uses: (threshold, English suffix, Persian word).
MONEY_UNITS = ((1e9, "B", "میلیارد"), (1e6, "M", "میلیون"))


def fmt_money(x: Any, currency: str, lang: str = "en", decimals: int = 0, missing: str = "–") -> str:
    """An amount with its currency, in the units a reader uses.

    From a million up the amount is shown in millions (``M`` / ``میلیون``) or billions (``B`` /
    ``میلیارد``) with one decimal; below that in full, with ``decimals`` decimals. Money in the
    client's currency (any code; IRR, IRT, USD and EUR have Persian names).

    >>> fmt_money(200_699_545, "IRT"), fmt_money(200_699_545, "IRT", "fa")
    ('IRT 200.7 M', '۲۰۰٫۷ میلیون تومان')
    >>> fmt_money(1_200_000, "IRT"), fmt_money(45_000, "USD"), fmt_money(-3.2e9, "EUR")
    ('IRT 1.2 M', 'USD 45,000', 'EUR -3.2 B')
    """
    if _is_missing(x):
        return missing
    value = float(x)
    for threshold, suffix, word in MONEY_UNITS:
        if abs(value) >= threshold:
            number = fmt_number(value / threshold, lang, 1)
            if lang == "fa":
                return f"{number} {word} {CURRENCY_FA.get(currency, currency)}"
            return f"{currency} {number} {suffix}"
    number = fmt_number(value, lang, decimals)
    if lang == "fa":
        return f"{number} {CURRENCY_FA.get(currency, currency)}"
    return f"{currency} {number}"


#: The kinds of figure :func:`fmt_figure` knows, with what each means.
FIGURE_KINDS = {
    "number": "a count or amount without unit, no decimals",
    "number1": "a number with one decimal",
    "number2": "a number with two decimals",
    "percent": "a share 0-1 shown as a percentage with one decimal",
    "signed": "a difference or NPS in points, with its sign and one decimal",
    "money": "an amount in the client's currency (millions and billions shortened)",
    "date": "a date (Jalali in Persian)",
    "month": "a month (Jalali in Persian)",
}


def fmt_figure(x: Any, kind: str = "number", lang: str = "en", currency: str = "", missing: str = "–") -> str:
    """Every figure a report shows, through one function: ``kind`` is one of
    :data:`FIGURE_KINDS` (``number``, ``number1``, ``number2``, ``percent``, ``signed``,
    ``money``, ``date``, ``month``). The same figure of the same kind is therefore rounded the
    same way wherever it appears.

    >>> fmt_figure(0.256, "percent"), fmt_figure(12, "signed", "fa"), fmt_figure(1234.5, "number1")
    ('25.6%', '+۱۲٫۰', '1,234.5')
    >>> fmt_figure(2_500_000, "money", "en", "IRT"), fmt_figure(None, "money")
    ('IRT 2.5 M', '–')
    """
    if kind == "money":
        return fmt_money(x, currency, lang, missing=missing)
    if kind == "percent":
        return fmt_percent(x, lang, 1, missing)
    if kind == "signed":
        return fmt_signed(x, lang, 1, missing)
    if kind == "date":
        return fmt_date(x, lang, missing)
    if kind == "month":
        return fmt_month(x, lang, missing)
    decimals = {"number": 0, "number1": 1, "number2": 2}.get(kind)
    if decimals is None:
        raise ValueError(f"unknown figure kind {kind!r}; expected one of {', '.join(FIGURE_KINDS)}")
    return fmt_number(x, lang, decimals, missing)


CURRENCY_FA = {"IRR": "ریال", "IRT": "تومان", "USD": "دلار", "EUR": "یورو"}


def fmt_date(d: Any, lang: str = "en", missing: str = "–") -> str:
    """A date: ISO ``2025-03-21`` in English, Jalali ``۱۴۰۴/۰۱/۰۱`` in Persian."""
    if _is_missing(d):
        return missing
    if hasattr(d, "to_pydatetime"):
        d = d.to_pydatetime()
    if isinstance(d, _dt.datetime):
        d = d.date()
    if not isinstance(d, _dt.date):
        d = _dt.date.fromisoformat(str(d)[:10])
    if lang == "fa":
        import jdatetime

        j = jdatetime.date.fromgregorian(date=d)
        return to_local_digits(f"{j.year:04d}/{j.month:02d}/{j.day:02d}", lang)
    return d.isoformat()


def fmt_month(d: Any, lang: str = "en", missing: str = "–") -> str:
    """A month label: ``2025-03`` in English, Jalali ``۱۴۰۴/۰۱`` in Persian."""
    text = fmt_date(d, lang, missing)
    return text if text == missing else text[:7]


class Translator:
    """A language bound once, for notebooks: ``tr = Translator("fa"); tr("nps.title")``."""

    def __init__(self, lang: str):
        if lang not in LANGUAGES:
            raise ValueError(f"language {lang!r} is not supported; expected one of {', '.join(LANGUAGES)}")
        self.lang = lang

    def __call__(self, key: str, /, **values: Any) -> str:
        return t(key, self.lang, **values)

    def number(self, x: Any, decimals: int = 0) -> str:
        return fmt_number(x, self.lang, decimals)

    def signed(self, x: Any, decimals: int = 1) -> str:
        return fmt_signed(x, self.lang, decimals)

    def percent(self, share: Any, decimals: int = 1) -> str:
        return fmt_percent(share, self.lang, decimals)

    def money(self, x: Any, currency: str, decimals: int = 0) -> str:
        return fmt_money(x, currency, self.lang, decimals)

    def figure(self, x: Any, kind: str = "number", currency: str = "") -> str:
        """:func:`fmt_figure` in this language."""
        return fmt_figure(x, kind, self.lang, currency)

    def date(self, d: Any) -> str:
        return fmt_date(d, self.lang)

    def month(self, d: Any) -> str:
        return fmt_month(d, self.lang)

    @property
    def dir(self) -> str:
        return direction(self.lang)
