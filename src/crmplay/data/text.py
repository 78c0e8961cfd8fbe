"""Text normalisation shared by the column parsers: digits, letters, invisible marks, headers.

Scalar helpers (:func:`to_ascii_digits`, :func:`fold_arabic_letters`, :func:`clean_key`,
:func:`header_key` ...) for headers and single values, and the vectorised text columns
(:func:`clean_keys`, :func:`clean_texts`, :func:`blank_mask`) with the distinct-value helpers
the number and date parsers build on (:func:`map_distinct`, :func:`distinct_values`).
See :mod:`crmplay.data.normalise` for the characters handled.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

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
WS = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

DIGIT_TABLE = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, "0123456789" * 2)
LETTER_TABLE = str.maketrans({ARABIC_YE: PERSIAN_YE, ALEF_MAKSURA: PERSIAN_YE, ARABIC_KAF: PERSIAN_KAF})
_KEY_TABLE = str.maketrans({**DIGIT_TABLE, **LETTER_TABLE, **{ord(c): None for c in INVISIBLE_MARKS}})

_MARKS_RE = re.compile(f"[{INVISIBLE_MARKS}]")
_EDGE_RE = re.compile(f"^[{WS}{JOINERS}{INVISIBLE_MARKS}]+|[{WS}{JOINERS}{INVISIBLE_MARKS}]+$")
INNER_WS_RE = re.compile(f"[{WS}]+")
_HEADER_SEP_RE = re.compile(f"[{WS}{JOINERS}_\\-.]+")

#: Cell contents meaning "no value" in typed (number, date, flag, score) columns.
BLANK_TOKENS = frozenset({"", "na", "n/a", "nan", "nat", "null", "none", "-", "--", "–", "—", "#n/a", "?"})

# ---------------------------------------------------------------------------------------------
# Scalar helpers


def to_ascii_digits(text: str) -> str:
    """Persian (U+06F0-9) and Arabic-Indic (U+0660-9) digits to ASCII ``0-9``.

    >>> to_ascii_digits("۱۴۰۳/۱۲/۳۰")
    '1403/12/30'
    """
    return text.translate(DIGIT_TABLE)


def fold_arabic_letters(text: str) -> str:
    """Arabic ye (U+064A), alef maksura (U+0649) and kaf (U+0643) to their Persian forms."""
    return text.translate(LETTER_TABLE)


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
    return INNER_WS_RE.sub(" ", _EDGE_RE.sub("", text))


def clean_text(text: str) -> str:
    """Free text trimmed of whitespace and invisible marks at both ends; the inside is kept."""
    return _EDGE_RE.sub("", text)


def clean_header(text: str) -> str:
    """A header as displayed: marks removed, ends trimmed, inner whitespace collapsed."""
    return INNER_WS_RE.sub(" ", _EDGE_RE.sub("", remove_marks(str(text))))


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
    return re.sub(f"[{WS}{JOINERS}\\-]+", "_", text).strip("_")


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


def as_text(raw: pd.Series) -> pd.Series:
    return raw.astype("str").fillna("")


def blank_mask(raw: pd.Series) -> np.ndarray:
    """True where a typed cell is empty (``""``, ``NA``, ``n/a``, ``-`` ... see :data:`BLANK_TOKENS`)."""
    s = as_text(raw)
    length = s.str.len().to_numpy(dtype=float, na_value=0)
    blank = length == 0
    short = (length > 0) & (length <= _LONGEST_TOKEN)
    if short.any():
        blank[short] = s[short].str.lower().isin(BLANK_TOKENS).to_numpy(bool)
    padded = _padded(s)
    if padded.any():
        blank[padded] = map_distinct(s[padded], lambda v: clean_text(v).lower() in BLANK_TOKENS).astype(bool)
    return blank


def is_ascii(s: pd.Series) -> np.ndarray:
    """True where the text is pure ASCII (Arrow's C++ kernel; no regex)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.string_is_ascii(pa.array(s, type=pa.string(), from_pandas=True)).to_numpy(
        zero_copy_only=False).astype(bool)


def _padded(s: pd.Series) -> np.ndarray:
    """True where the text starts or ends with whitespace, a joiner or an invisible mark."""
    out = (s.str.strip().str.len() != s.str.len()).to_numpy(bool, copy=True)
    other = ~is_ascii(s) & ~out
    if other.any():
        out[other] = s[other].str.contains(_PADDED, regex=True).to_numpy(bool)
    return out


_LONGEST_TOKEN = max(len(t) for t in BLANK_TOKENS)
_EDGE_CHARS = f"[{WS}{JOINERS}{INVISIBLE_MARKS}]"
_PADDED = f"^{_EDGE_CHARS}|{_EDGE_CHARS}$"


def distinct_values(raw: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(codes, distinct values): ``raw`` == ``distinct[codes]``; missing values get code -1."""
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    return codes, [str(u) for u in np.asarray(uniques, dtype=object)]


def map_distinct(raw: pd.Series, func: Callable[[str], object]) -> np.ndarray:
    """Apply ``func`` once per distinct value and spread the results over the rows."""
    codes, uniques = distinct_values(raw)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [func(u) for u in uniques]
    mapped[-1] = None
    return mapped[codes]  # code -1 (missing) picks the trailing None


def notes_at(positions: np.ndarray, codes: np.ndarray, distinct_notes: list[str | None]) -> dict[int, str]:
    """Row position -> note, for the rows whose distinct value carries a note."""
    has = np.array([n is not None for n in distinct_notes] + [False], dtype=bool)
    rows = np.flatnonzero(has[codes])
    return {int(positions[r]): distinct_notes[codes[r]] for r in rows}  # type: ignore[misc]


#: In ASCII text, what :func:`clean_key` would change inside a key: two whitespace characters in a
#: row or a tab, newline or other control space. It is Python's ``\s\s|[\t\n\r\x0b\x0c]`` on
#: ASCII written without ``\s``, so pyarrow's RE2 runs it in C (``\s`` makes pandas fall back on
#: Python's ``re``, value by value: 5.3 of 7.5 s of a 3.35-million-row transactions intake,
#: profiled). Keys with other characters are cleaned whatever this says.
ASCII_SPACING = r"[\t\n\x0b\x0c\r\x1c-\x1f ]{2}|[\t\n\r\x0b\x0c]"


def clean_keys(raw: pd.Series) -> pd.Series:
    """Text keys (ids, categories) in one spelling (see :func:`clean_key`); blank -> NA."""
    s = as_text(raw)
    out = s.copy()
    work = ~is_ascii(s) | _padded(s) | s.str.contains(ASCII_SPACING, regex=True).to_numpy(bool)
    if work.any():
        out[work] = map_distinct(s[work], clean_key)
    result = out.astype("string")
    return result.mask(result == "")


def clean_texts(raw: pd.Series) -> pd.Series:
    """Free text trimmed at both ends (see :func:`clean_text`); blank -> NA."""
    s = as_text(raw)
    out = s.copy()
    work = _padded(s)
    if work.any():
        out[work] = map_distinct(s[work], clean_text)
    result = out.astype("string")
    return result.mask(result == "")
