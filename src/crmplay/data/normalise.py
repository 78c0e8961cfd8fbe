"""Normalising what clients write: Persian and Arabic digits, separators, letters, invisible
marks, currency units, yes/no words and dates in four styles (ISO, day-first, month-first,
Jalali) plus Excel serial numbers.

Two layers:

* scalar helpers (:func:`to_ascii_digits`, :func:`fold_arabic_letters`, :func:`clean_key`,
  :func:`header_key` ...) for headers and single values;
* column parsers (:func:`parse_numbers`, :func:`parse_dates`, :func:`parse_flags`,
  :func:`parse_enum`, :func:`clean_keys`, :func:`clean_text`) that take a text ``Series`` and
  return a :class:`Parsed` column: values, a mask of values that could not be read, and a
  per-row note on what was expected where the general wording would mislead. They are
  vectorised: plain ASCII values take pandas' fast paths, and the slow paths (Persian digits,
  separators, Jalali dates) run once per *distinct* value, never once per row.

Characters handled
------------------
Persian digits U+06F0-U+06F9 and Arabic-Indic digits U+0660-U+0669 become ASCII; the Arabic
decimal separator U+066B becomes ``.``; the Arabic thousands separator U+066C, the Arabic comma
U+060C and ``,`` are thousands separators (accepted only in groups of three digits, so ``1,5``
is an error rather than 15; a table read with ``decimal = ","`` swaps the roles of ``,`` and
``.``, see :func:`parse_numbers`). Arabic ye U+064A and alef maksura U+0649 become Persian ye U+06CC;
Arabic kaf U+0643 becomes Persian kaf U+06A9. Direction marks (U+200E, U+200F, U+061C),
embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), zero-width space U+200B and
the BOM U+FEFF are removed; the zero-width non-joiner U+200C is part of Persian spelling and is
kept inside words (removed only at the ends, and ignored when matching headers).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from crmplay.data.problems import Numeral, expected

PERSIAN_DIGITS = "".join(chr(c) for c in range(0x06F0, 0x06FA))
ARABIC_INDIC_DIGITS = "".join(chr(c) for c in range(0x0660, 0x066A))
ARABIC_DECIMAL_SEPARATOR = "\u066b"
ARABIC_THOUSANDS_SEPARATOR = "\u066c"
ARABIC_COMMA = "\u060c"
PERSIAN_YE, PERSIAN_KAF = "\u06cc", "\u06a9"
ARABIC_YE, ALEF_MAKSURA, ARABIC_KAF = "\u064a", "\u0649", "\u0643"

#: Invisible format characters that carry no letter: removed everywhere.
INVISIBLE_MARKS = "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff"
#: Zero-width (non-)joiners: Persian spelling inside words, trimmed at the ends.
JOINERS = "\u200c\u200d"
_WS = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

_DIGIT_TABLE = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, "0123456789" * 2)
_LETTER_TABLE = str.maketrans({ARABIC_YE: PERSIAN_YE, ALEF_MAKSURA: PERSIAN_YE, ARABIC_KAF: PERSIAN_KAF})
_KEY_TABLE = str.maketrans({**_DIGIT_TABLE, **_LETTER_TABLE, **{ord(c): None for c in INVISIBLE_MARKS}})
_NUMBER_TABLE = str.maketrans({
    **_DIGIT_TABLE,
    ord(ARABIC_DECIMAL_SEPARATOR): ".",
    ord(ARABIC_THOUSANDS_SEPARATOR): ",",
    ord(ARABIC_COMMA): ",",
    ord("\u2212"): "-",  # minus sign
    ord("\u2013"): "-",  # en dash typed as minus
    **{ord(c): None for c in INVISIBLE_MARKS + JOINERS},
})

#: The same for a file that writes decimals with a comma (``decimal = ","`` in client.toml): the
#: text is rewritten to the dot form, so ``,`` and the Arabic comma become the decimal point and
#: ``.`` a thousands separator; the Arabic decimal and thousands separators keep their roles.
_COMMA_DECIMAL_TABLE = str.maketrans({**_NUMBER_TABLE, ord("."): ",", ord(","): ".", ord(ARABIC_COMMA): "."})
DECIMAL_SEPARATORS = (".", ",")

_MARKS_RE = re.compile(f"[{INVISIBLE_MARKS}]")
_EDGE_RE = re.compile(f"^[{_WS}{JOINERS}{INVISIBLE_MARKS}]+|[{_WS}{JOINERS}{INVISIBLE_MARKS}]+$")
_INNER_WS_RE = re.compile(f"[{_WS}]+")
_HEADER_SEP_RE = re.compile(f"[{_WS}{JOINERS}_\\-.]+")

#: Cell contents meaning "no value" in typed (number, date, flag, score) columns.
BLANK_TOKENS = frozenset({"", "na", "n/a", "nan", "nat", "null", "none", "-", "--", "–", "—", "#n/a", "?"})

#: Currency units accepted around money amounts, by ISO code (IRT: the toman, 10 rials).
CURRENCY_UNITS: dict[str, tuple[str, ...]] = {
    "USD": ("$", "us$", "usd"),
    "EUR": ("€", "eur"),
    "GBP": ("£", "gbp"),
    "IRR": ("\ufdfc", "ریال", "irr", "rls", "rls.", "rial", "rials"),
    "IRT": ("تومان", "irt", "toman", "tomans", "tmn"),
}
_UNIT_CODE = {u: code for code, units in CURRENCY_UNITS.items() for u in units}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNIT_CODE, key=len, reverse=True))
_MONEY_RE = re.compile(rf"^(?P<pre>{_UNIT_RE})?(?P<num>[^a-z\u0600-\u06ff$€£\ufdfc]*?)(?P<post>{_UNIT_RE})?$", re.IGNORECASE)
_GROUPED_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
#: A plain ASCII number with a decimal comma and optional point thousands (``decimal = ","``).
_PLAIN_COMMA_DECIMAL = r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
#: A comma used as the decimal mark (``1,5``, ``12,75``, ``1.234,5``) in a file read with ``.``.
_COMMA_DECIMAL_RE = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$")

FLAG_WORDS: dict[str, bool] = {
    "yes": True, "y": True, "true": True, "t": True, "1": True, "1.0": True,
    "بله": True, "بلی": True, "آری": True, "آره": True,
    "no": False, "n": False, "false": False, "f": False, "0": False, "0.0": False,
    "خیر": False, "نه": False,
}

_DATE_RE = re.compile(
    r"^(?P<a>\d{1,4})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{1,4})"
    r"(?:(?:T|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_SERIAL_RE = re.compile(r"^\d{1,7}(\.\d+)?$")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 (day 60 is its fictitious 1900-02-29)
EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
#: A year at or above this is Gregorian; below it, a date is taken as Jalali (the Solar Hijri
#: year was ~1404 in 2025, and crmplay data are never from before 1800 CE).
GREGORIAN_MIN_YEAR = 1700

DATE_STYLES = ("iso", "dayfirst", "monthfirst", "jalali")


# ---------------------------------------------------------------------------------------------
# Scalar helpers


def to_ascii_digits(text: str) -> str:
    """Persian (U+06F0-9) and Arabic-Indic (U+0660-9) digits to ASCII ``0-9``.

    >>> to_ascii_digits("۱۴۰۳/۱۲/۳۰")
    '1403/12/30'
    """
    return text.translate(_DIGIT_TABLE)


def fold_arabic_letters(text: str) -> str:
    """Arabic ye (U+064A), alef maksura (U+0649) and kaf (U+0643) to their Persian forms."""
    return text.translate(_LETTER_TABLE)


def remove_marks(text: str) -> str:
    """Remove direction marks, embeddings, isolates, zero-width space and BOM."""
    return _MARKS_RE.sub("", text)


def clean_key(text: str) -> str:
    """A text key (id, category, enum value, segment) in one spelling.

    Invisible marks removed, Arabic letters folded to Persian, digits ASCII, ends trimmed
    (whitespace and joiners), inner whitespace runs collapsed to one space.

    >>> clean_key("\u200f كد\u00a0 ۱۲ ") == "کد 12"
    True
    """
    text = text.translate(_KEY_TABLE)
    return _INNER_WS_RE.sub(" ", _EDGE_RE.sub("", text))


def clean_text(text: str) -> str:
    """Free text trimmed of whitespace and invisible marks at both ends; the inside is kept."""
    return _EDGE_RE.sub("", text)


def clean_header(text: str) -> str:
    """A header as displayed: marks removed, ends trimmed, inner whitespace collapsed."""
    return _INNER_WS_RE.sub(" ", _EDGE_RE.sub("", remove_marks(str(text))))


def header_key(text: str) -> str:
    """A header reduced for tolerant matching.

    Compatibility forms folded (NFKC), invisible marks and joiners removed, Arabic letters
    folded, digits ASCII, case folded, and spaces, underscores, hyphens and dots dropped, so
    ``" Customer ID"``, ``"customer_id"`` and ``"CUSTOMER-ID\u200f"`` all match.
    """
    text = unicodedata.normalize("NFKC", str(text)).translate(_KEY_TABLE)
    return _HEADER_SEP_RE.sub("", text).casefold()


def snake_header(text: str) -> str:
    """A header as a snake_case name (``"Rating Billing"`` -> ``"rating_billing"``)."""
    text = unicodedata.normalize("NFKC", clean_header(text)).translate(_KEY_TABLE).casefold()
    return re.sub(f"[{_WS}{JOINERS}\\-]+", "_", text).strip("_")


# ---------------------------------------------------------------------------------------------
# Column parsers


@dataclass
class Parsed:
    """A parsed column: ``values`` aligned with the input, ``bad`` marks values that could not
    be read (blank cells are not bad), ``blank`` marks empty cells, ``notes`` maps a row
    position to a more specific "expected" text, ``warn`` marks values accepted with a warning."""

    values: pd.Series
    bad: np.ndarray
    blank: np.ndarray
    notes: dict[int, str] = field(default_factory=dict)
    warn: np.ndarray | None = None


def _as_text(raw: pd.Series) -> pd.Series:
    return raw.astype("str").fillna("")


def blank_mask(raw: pd.Series) -> np.ndarray:
    """True where a typed cell is empty (``""``, ``NA``, ``n/a``, ``-`` ... see :data:`BLANK_TOKENS`)."""
    s = _as_text(raw)
    length = s.str.len().to_numpy(dtype=float, na_value=0)
    blank = length == 0
    short = (length > 0) & (length <= _LONGEST_TOKEN)
    if short.any():
        blank[short] = s[short].str.lower().isin(BLANK_TOKENS).to_numpy(bool)
    padded = _padded(s)
    if padded.any():
        blank[padded] = _map_distinct(s[padded], lambda v: clean_text(v).lower() in BLANK_TOKENS).astype(bool)
    return blank


def _is_ascii(s: pd.Series) -> np.ndarray:
    """True where the text is pure ASCII (Arrow's C++ kernel; no regex)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.string_is_ascii(pa.array(s, type=pa.string(), from_pandas=True)).to_numpy(
        zero_copy_only=False).astype(bool)


def _padded(s: pd.Series) -> np.ndarray:
    """True where the text starts or ends with whitespace, a joiner or an invisible mark."""
    out = (s.str.strip().str.len() != s.str.len()).to_numpy(bool, copy=True)
    other = ~_is_ascii(s) & ~out
    if other.any():
        out[other] = s[other].str.contains(_PADDED, regex=True).to_numpy(bool)
    return out


_LONGEST_TOKEN = max(len(t) for t in BLANK_TOKENS)
_EDGE_CHARS = f"[{_WS}{JOINERS}{INVISIBLE_MARKS}]"
_PADDED = f"^{_EDGE_CHARS}|{_EDGE_CHARS}$"


def _distinct(raw: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(codes, distinct values): ``raw`` == ``distinct[codes]``; missing values get code -1."""
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    return codes, [str(u) for u in np.asarray(uniques, dtype=object)]


def _map_distinct(raw: pd.Series, func: Callable[[str], object]) -> np.ndarray:
    """Apply ``func`` once per distinct value and spread the results over the rows."""
    codes, uniques = _distinct(raw)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [func(u) for u in uniques]
    mapped[-1] = None
    return mapped[codes]  # code -1 (missing) picks the trailing None


def _notes_at(positions: np.ndarray, codes: np.ndarray, distinct_notes: list[str | None]) -> dict[int, str]:
    """Row position -> note, for the rows whose distinct value carries a note."""
    has = np.array([n is not None for n in distinct_notes] + [False], dtype=bool)
    rows = np.flatnonzero(has[codes])
    return {int(positions[r]): distinct_notes[codes[r]] for r in rows}  # type: ignore[misc]


def clean_keys(raw: pd.Series) -> pd.Series:
    """Text keys (ids, categories) in one spelling (see :func:`clean_key`); blank -> NA."""
    s = _as_text(raw)
    out = s.copy()
    work = ~_is_ascii(s) | _padded(s) | s.str.contains(r"\s\s|[\t\n\r\x0b\x0c]", regex=True).to_numpy(bool)
    if work.any():
        out[work] = _map_distinct(s[work], clean_key)
    result = out.astype("string")
    return result.mask(result == "")


def clean_texts(raw: pd.Series) -> pd.Series:
    """Free text trimmed at both ends (see :func:`clean_text`); blank -> NA."""
    s = _as_text(raw)
    out = s.copy()
    work = _padded(s)
    if work.any():
        out[work] = _map_distinct(s[work], clean_text)
    result = out.astype("string")
    return result.mask(result == "")


def _number_text(text: str, currency: str | None, money: bool, decimal: str = ".",
                 table: str = "") -> tuple[str | None, str | None]:
    """(cleaned number text or None, note) for one value the fast path could not read."""
    translation = _COMMA_DECIMAL_TABLE if decimal == "," else _NUMBER_TABLE
    t = _INNER_WS_RE.sub("", text.translate(translation)).translate(_LETTER_TABLE)
    m = _MONEY_RE.match(t)
    if m is None:
        return None, None
    pre, num, post = m.group("pre"), m.group("num"), m.group("post")
    if pre or post:
        if pre and post:
            return None, None
        unit = (pre or post).casefold()
        code = _UNIT_CODE.get(unit, unit.upper())
        if not money:
            return None, None
        wanted = (currency or "").upper()
        if code != wanted:
            return None, expected("amount_in", currency=wanted or "the client currency", found=code)
    if num.startswith("(") and num.endswith(")"):
        num = "-" + num[1:-1]
    elif num.endswith("-") and not num.startswith(("-", "+")):
        num = "-" + num[:-1]
    if "," in num:
        if not _GROUPED_RE.match(num):
            if decimal == "." and _COMMA_DECIMAL_RE.match(num):
                return None, expected("decimal_comma", table=table)
            return None, None
        num = num.replace(",", "")
    return num, None


def _to_float(text: pd.Series) -> np.ndarray:
    """Text to float64, NaN where not a plain number (Arrow's C++ cast first, pandas if it fails)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pc.cast(pa.array(text.astype("str"), from_pandas=True), pa.float64())
        return arr.to_numpy(zero_copy_only=False).astype("float64", copy=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return pd.to_numeric(text, errors="coerce").astype("float64").to_numpy(copy=True)


def parse_numbers(raw: pd.Series, *, money: bool = False, currency: str | None = None, decimal: str = ".",
                  table: str = "") -> Parsed:
    """Numbers from text: ASCII, Persian or Arabic-Indic digits, thousands separators in groups
    of three, the Arabic decimal separator, accounting negatives ``(120)`` and a trailing minus.

    ``decimal`` is the file's decimal mark (``[tables.<name>] decimal`` in client.toml). With
    ``"."`` (the default) a comma only separates thousands in groups of three: ``1,5`` is an
    error (with a note pointing at the option), never 15. With ``","`` the comma is the decimal
    mark and ``.`` or a space separates thousands: ``1,5`` is 1.5, ``1.234,5`` and ``1 234,5``
    are 1234.5, and ``1.5`` is an error. The Arabic decimal separator ``٫`` is a decimal mark
    in both. ``table`` names the table in that note.

    ``money`` columns also accept a currency unit (``$``, ``ریال``, ``تومان``, ``IRR`` ...)
    before or after the amount when it is the client's ``currency``; an amount in another
    currency is an error (a toman is ten rials: guessing would be wrong by a factor of ten).
    Returns ``float64`` values; infinities are errors.

    Three passes, each on what the previous one could not read: a C++ cast of plain numbers;
    vectorised string operations (digits, separators, grouping); then, once per distinct value,
    currency units and accounting signs.
    """
    if decimal not in DECIMAL_SEPARATORS:
        raise ValueError(f"decimal must be one of {DECIMAL_SEPARATORS}, not {decimal!r}")
    translation = _COMMA_DECIMAL_TABLE if decimal == "," else _NUMBER_TABLE
    s = _as_text(raw)
    blank = blank_mask(s)
    if decimal == ",":
        # ASCII "1.234,5", "1,5" and "12" in Arrow's kernels; the rest below ("1.234" is 1234 here)
        values = np.full(len(s), np.nan)
        plain = ~blank & s.str.fullmatch(_PLAIN_COMMA_DECIMAL).to_numpy(bool)
        if plain.any():
            values[plain] = _to_float(s[plain].str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    else:
        values = _to_float(s.where(~blank))
    todo = ~blank & np.isnan(values)
    notes: dict[int, str] = {}
    if todo.any():
        idx = np.flatnonzero(todo)
        text = s[todo].str.translate(translation).str.replace(f"[{_WS}]", "", regex=True)
        grouped = text.str.match(_GROUPED_RE.pattern).to_numpy(bool)
        if grouped.any():
            text = text.where(~grouped, text.str.replace(",", "", regex=False))
        values[idx] = _to_float(text)
        rest = np.isnan(values[idx])
        if rest.any():
            # "1,5" read with a decimal point, or "1.5" read with a decimal comma (the text is in
            # the dot form by now, so it reads "1,5" too): an error with a hint, in one pass
            hinted = rest & text.str.fullmatch(_COMMA_DECIMAL_RE.pattern).to_numpy(bool)
            if hinted.any():
                note = expected("decimal_comma" if decimal == "." else "decimal_point", table=table)
                notes.update(dict.fromkeys(idx[hinted].tolist(), note))
                rest &= ~hinted
        if rest.any():
            ridx = idx[rest]
            codes, distinct = _distinct(s[ridx])
            results = [_number_text(v, currency, money, decimal, table) for v in distinct]
            parsed = pd.to_numeric(pd.Series([r[0] for r in results] + [None], dtype="object"), errors="coerce")
            values[ridx] = parsed.astype("float64").to_numpy()[codes]
            notes.update(_notes_at(ridx, codes, [r[1] for r in results]))
        if notes:
            values[list(notes)] = np.nan
    bad = ~blank & ~np.isfinite(values)
    values[bad] = np.nan
    return Parsed(pd.Series(values, index=raw.index, dtype="float64"), bad, blank, notes)


def parse_flags(raw: pd.Series) -> Parsed:
    """Yes/no values: yes/no, true/false, y/n, t/f, 1/0, بله/بلی/آری/خیر/نه (any case)."""
    s = _as_text(raw)
    blank = blank_mask(s)
    mapped = _map_distinct(s, lambda v: FLAG_WORDS.get(clean_key(v).casefold()))
    mapped[blank] = None
    bad = ~blank & np.array([m is None for m in mapped], dtype=bool)
    values = pd.array(mapped, dtype="boolean")
    return Parsed(pd.Series(values, index=raw.index), bad, blank)


def parse_enum(raw: pd.Series, aliases: dict[str, str]) -> Parsed:
    """Enum values matched case-blind through ``aliases`` (spelling -> canonical value)."""
    s = _as_text(raw)
    blank = blank_mask(s)
    mapped = _map_distinct(s, lambda v: aliases.get(clean_key(v).casefold()))
    mapped[blank] = None
    bad = ~blank & np.array([m is None for m in mapped], dtype=bool)
    return Parsed(pd.Series(mapped, index=raw.index, dtype="string"), bad, blank)


# ---------------------------------------------------------------------------------------------
# Dates


def jalali_to_gregorian(year: int, month: int, day: int) -> pd.Timestamp | None:
    """One Jalali (Solar Hijri) date as a Gregorian timestamp, ``None`` if no such day.

    Uses :mod:`jdatetime` (the arithmetic 33-year leap cycle): 1403/01/01 -> 2024-03-20;
    1403/12/30 exists (1403 is a leap year), 1402/12/30 does not.
    """
    import jdatetime

    try:
        g = jdatetime.date(year, month, day).togregorian()
    except (ValueError, OverflowError):
        return None
    return pd.Timestamp(g)


def _date_parts(text: str, style: str, jalali: bool, excel: bool, keep_time: bool, table: str) -> tuple:
    """(timestamp or None, note, warn) for one distinct date text."""
    t = clean_key(text).replace("\u060c", ",")
    if excel and _SERIAL_RE.match(t):
        serial = float(t)
        if 1 <= serial <= EXCEL_MAX_SERIAL:
            ts = EXCEL_EPOCH + pd.to_timedelta(serial if keep_time else int(serial), unit="D")
            return ts, None, False
        return None, None, False
    m = _DATE_RE.match(t)
    if m is None:
        if not jalali and re.search(r"[A-Za-z]{3}", t) and not re.search(r"\d{5}", t):
            try:
                ts = pd.to_datetime(t, dayfirst=(style == "dayfirst"), errors="raise")
                if ts.tzinfo is not None:
                    ts = ts.tz_localize(None)
                return (ts if keep_time else ts.normalize()), None, False
            except (ValueError, OverflowError, TypeError):
                return None, None, False
        return None, None, False
    a, b, c = m.group("a"), m.group("b"), m.group("c")
    if len(a) == 4 and len(c) <= 2:
        year, month, day = int(a), int(b), int(c)
    elif len(c) == 4 and len(a) <= 2:
        if style == "monthfirst":
            month, day, year = int(a), int(b), int(c)
        elif style == "dayfirst":
            day, month, year = int(a), int(b), int(c)
        else:
            return None, expected("date_ambiguous", table=table), False
    else:
        return None, None, False
    warn = False
    if year < GREGORIAN_MIN_YEAR:
        if not jalali:
            return None, expected("date_looks_jalali", table=table), False
        ts = jalali_to_gregorian(year, month, day)
        if ts is None:
            return None, expected("jalali_day_exists", date=Numeral(f"{year}/{month:02d}/{day:02d}")), False
    else:
        try:
            ts = pd.Timestamp(year=year, month=month, day=day)
        except (ValueError, OverflowError):
            return None, None, False
        warn = jalali
    if keep_time and m.group("H") is not None:
        hour, minute, second = int(m.group("H")), int(m.group("M")), int(m.group("S") or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None, None, False
        ts = ts + pd.Timedelta(hours=hour, minutes=minute, seconds=second)
    return ts, None, warn


def parse_dates(raw: pd.Series, *, style: str = "iso", jalali: bool = False, excel_serial: bool = False,
                keep_time: bool = False, table: str = "") -> Parsed:
    """Dates from text as ``datetime64[ns]`` (naive).

    Parameters
    ----------
    style : ``iso`` (year first: 2025-03-21, 2025/3/21, with optional time), ``dayfirst``
        (21/03/2025), ``monthfirst`` (03/21/2025) or ``jalali`` (same as ``jalali=True``).
        Year-first dates are accepted in every style; a ``dd/mm/yyyy`` date in ``iso`` style is
        an error because its day and month cannot be told apart.
    jalali : the column holds Jalali dates (1403/12/30, Persian digits accepted). A Gregorian
        date in a Jalali column (year >= 1700) is read as Gregorian and flagged in ``warn``.
    excel_serial : accept Excel serial day numbers (XLSX cells formatted as numbers).
    keep_time : keep the time of day; otherwise dates are floored to the day.
    table : table name, used in notes that point at client.toml.

    Distinct values are parsed once each, so a million rows over a few hundred days cost a few
    hundred parses.
    """
    jalali = jalali or style == "jalali"
    s = _as_text(raw)
    blank = blank_mask(s)
    n = len(s)
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    bad = ~blank
    notes: dict[int, str] = {}
    warn = np.zeros(n, dtype=bool)
    if (~blank).any():
        idx = np.flatnonzero(~blank)
        codes, distinct = _distinct(s[~blank])
        text = pd.Series(distinct, dtype="str")
        stamps = np.full(len(distinct) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")
        done = np.zeros(len(distinct), dtype=bool)
        if not jalali and len(distinct):
            # Fast path: plain ISO dates and times (no zone) in ASCII, parsed by pandas in C.
            plain = text.str.match(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$").to_numpy(bool)
            if plain.any():
                fast = pd.to_datetime(text[plain], format="ISO8601", errors="coerce").astype("datetime64[ns]")
                if not keep_time:
                    fast = fast.dt.normalize()
                ok = fast.notna().to_numpy()
                stamps[np.flatnonzero(plain)[ok]] = fast.to_numpy()[ok]
                done[np.flatnonzero(plain)[ok]] = True
        distinct_notes: list[str | None] = [None] * len(distinct)
        distinct_warn = np.zeros(len(distinct) + 1, dtype=bool)
        for i in np.flatnonzero(~done):
            ts, note, w = _date_parts(distinct[i], style, jalali, excel_serial, keep_time, table)
            if ts is not None:
                stamps[i] = (ts if keep_time else ts.normalize()).as_unit("ns").to_datetime64()
            distinct_notes[i] = note
            distinct_warn[i] = w
        values[idx] = stamps[codes]
        warn[idx] = distinct_warn[codes]
        notes = _notes_at(idx, codes, distinct_notes)
        bad = ~blank & np.isnat(values)
    return Parsed(pd.Series(values, index=raw.index, dtype="datetime64[ns]"), bad, blank, notes, warn)
