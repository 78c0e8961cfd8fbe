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

Layout: :mod:`crmplay.data.text` (scalar helpers, text columns), :mod:`crmplay.data.dates` (dates)
and this module (numbers, money, flags, enum values), which re-exports the other two.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from crmplay.data.dates import (DATE_STYLES, EXCEL_EPOCH, EXCEL_MAX_SERIAL, GREGORIAN_MIN_YEAR, jalali_to_gregorian,
                                parse_dates)
from crmplay.data.problems import expected
from crmplay.data.text import (ALEF_MAKSURA, ARABIC_COMMA, ARABIC_DECIMAL_SEPARATOR, ARABIC_INDIC_DIGITS, ARABIC_KAF,
                               ARABIC_THOUSANDS_SEPARATOR, ARABIC_YE, BLANK_TOKENS, DIGIT_TABLE, INNER_WS_RE,
                               INVISIBLE_MARKS, JOINERS, LETTER_TABLE, PERSIAN_DIGITS, PERSIAN_KAF, PERSIAN_YE, WS,
                               Parsed, as_text, blank_mask, clean_header, clean_key, clean_keys, clean_text,
                               clean_texts, distinct_values, fold_arabic_letters, header_key, map_distinct,
                               notes_at, remove_marks, snake_header, to_ascii_digits)

__all__ = [
    "PERSIAN_DIGITS", "ARABIC_INDIC_DIGITS", "ARABIC_DECIMAL_SEPARATOR", "ARABIC_THOUSANDS_SEPARATOR",
    "ARABIC_COMMA", "PERSIAN_YE", "PERSIAN_KAF", "ARABIC_YE", "ALEF_MAKSURA", "ARABIC_KAF", "INVISIBLE_MARKS",
    "JOINERS", "BLANK_TOKENS", "CURRENCY_UNITS", "FLAG_WORDS", "DECIMAL_SEPARATORS", "DATE_STYLES",
    "EXCEL_EPOCH", "EXCEL_MAX_SERIAL", "GREGORIAN_MIN_YEAR", "Parsed",
    "to_ascii_digits", "fold_arabic_letters", "remove_marks", "clean_key", "clean_text", "clean_header",
    "header_key", "snake_header", "blank_mask", "clean_keys", "clean_texts", "parse_numbers", "parse_flags",
    "parse_enum", "parse_dates", "jalali_to_gregorian",
]

_NUMBER_TABLE = str.maketrans({
    **DIGIT_TABLE,
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



def _number_text(text: str, currency: str | None, money: bool, decimal: str = ".",
                 table: str = "") -> tuple[str | None, str | None]:
    """(cleaned number text or None, note) for one value the fast path could not read."""
    translation = _COMMA_DECIMAL_TABLE if decimal == "," else _NUMBER_TABLE
    t = INNER_WS_RE.sub("", text.translate(translation)).translate(LETTER_TABLE)
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
    s = as_text(raw)
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
        text = s[todo].str.translate(translation).str.replace(f"[{WS}]", "", regex=True)
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
            codes, distinct = distinct_values(s[ridx])
            results = [_number_text(v, currency, money, decimal, table) for v in distinct]
            parsed = pd.to_numeric(pd.Series([r[0] for r in results] + [None], dtype="object"), errors="coerce")
            values[ridx] = parsed.astype("float64").to_numpy()[codes]
            notes.update(notes_at(ridx, codes, [r[1] for r in results]))
        if notes:
            values[list(notes)] = np.nan
    bad = ~blank & ~np.isfinite(values)
    values[bad] = np.nan
    return Parsed(pd.Series(values, index=raw.index, dtype="float64"), bad, blank, notes)


def parse_flags(raw: pd.Series) -> Parsed:
    """Yes/no values: yes/no, true/false, y/n, t/f, 1/0, بله/بلی/آری/خیر/نه (any case)."""
    s = as_text(raw)
    blank = blank_mask(s)
    mapped = map_distinct(s, lambda v: FLAG_WORDS.get(clean_key(v).casefold()))
    mapped[blank] = None
    bad = ~blank & np.array([m is None for m in mapped], dtype=bool)
    values = pd.array(mapped, dtype="boolean")
    return Parsed(pd.Series(values, index=raw.index), bad, blank)


def parse_enum(raw: pd.Series, aliases: dict[str, str]) -> Parsed:
    """Enum values matched case-blind through ``aliases`` (spelling -> canonical value)."""
    s = as_text(raw)
    blank = blank_mask(s)
    mapped = map_distinct(s, lambda v: aliases.get(clean_key(v).casefold()))
    mapped[blank] = None
    bad = ~blank & np.array([m is None for m in mapped], dtype=bool)
    return Parsed(pd.Series(mapped, index=raw.index, dtype="string"), bad, blank)
