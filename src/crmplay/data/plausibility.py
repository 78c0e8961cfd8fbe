"""Values that read correctly but cannot be right: implausible sizes and mojibake.

A number can parse and still be absurd (one amount of ``1e308`` makes a 309-digit revenue);
text can be valid UTF-8 and still be garbled (``Ø§Ù¾`` is Persian decoded as Latin-1 and saved
again as UTF-8). These checks run after parsing, on the columns of one table:

* :func:`implausible_numbers`: amounts and counts beyond :class:`Limits` (a warning above the
  plausible bound, an error above the hard limit, where sums stop being exact);
* :func:`mojibake_mask`: cells that look like text decoded with the wrong encoding (a warning).

The limits are a frozen dataclass so a caller can pass its own (``read_table(..., limits=)``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmplay.data.text import is_ascii


@dataclass(frozen=True)
class Limits:
    """Plausible and hard bounds of client numbers (absolute values, in the client's units).

    Attributes
    ----------
    amount_warn : money amount (currency units) above which a value is a warning
        (1e12: a trillion rials is ~$20,000 at 2025 rates, far beyond any one CRM transaction).
    amount_max : money amount above which a value is an error (1e15: sums of float64 amounts
        stay exact to the unit below 2**53 ~ 9e15).
    count_warn : a count (referrals, transfers) above which a value is a warning.
    count_max : a count above which a value is an error.
    date_min_year, date_max_year : dates in years outside this range are a warning (dates
        outside 1678-2261 cannot be held at all and are errors, see :mod:`crmplay.data.dates`).
    """

    amount_warn: float = 1e12
    amount_max: float = 1e15
    count_warn: float = 1_000.0
    count_max: float = 1e6
    date_min_year: int = 1900
    date_max_year: int = 2100

    def __post_init__(self) -> None:
        for low, high in ((self.amount_warn, self.amount_max), (self.count_warn, self.count_max)):
            if not (0 < low <= high):
                raise ValueError(f"limits must satisfy 0 < warn <= max, got {low} and {high}")

    def bounds(self, money: bool) -> tuple[float, float]:
        """``(warn, max)`` for a money column or a count."""
        return (self.amount_warn, self.amount_max) if money else (self.count_warn, self.count_max)


DEFAULT_LIMITS = Limits()


def implausible_numbers(values: np.ndarray, money: bool, limits: Limits = DEFAULT_LIMITS
                        ) -> tuple[np.ndarray, np.ndarray]:
    """``(warn, error)`` masks of finite values beyond the plausible bound and the hard limit.

    >>> warn, err = implausible_numbers(np.array([5.0, 2e12, 1e308, np.nan]), money=True)
    >>> warn.tolist(), err.tolist()
    ([False, True, False, False], [False, False, True, False])
    """
    warn_at, max_at = limits.bounds(money)
    size = np.abs(np.where(np.isfinite(values), values, 0.0))
    error = size > max_at
    return (size > warn_at) & ~error, error


#: UTF-8 lead byte (U+00C2-U+00DF) then a continuation byte, both decoded as Latin-1/Windows-1252.
_CONTINUATION = ("\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
                 "\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122")
_LATIN_PAIR = f"[\u00c2-\u00df][{_CONTINUATION}]"
#: Arabic-script UTF-8 (lead bytes D8-DB) or Latin accents (C3) read as Latin-1: one pair is enough.
_STRONG_PAIR = re.compile(f"[\u00c3\u00d8\u00d9\u00da\u00db][{_CONTINUATION}]")
#: UTF-8 Persian read as Windows-1256: ط ظ غ (D8 D9 DB) followed by Latin punctuation or signs.
_ARABIC_PAIR = ("[\u0637\u0638\u063a][\u00a0-\u00bf\u0152\u0153\u02c6\u2013\u2014\u2018-\u201e\u2020-\u2022"
                "\u2026\u2030\u2039\u203a\u20ac\u2122]")


def looks_mojibake(text: str) -> bool:
    """True when ``text`` looks like UTF-8 decoded with a legacy code page and saved again.

    >>> looks_mojibake("Ø§Ù¾Ù„ÛŒÚ©ÛŒØ´Ù†"), looks_mojibake("cafÃ©"), looks_mojibake("ط¹ظ„غŒ")
    (True, True, True)
    >>> looks_mojibake("اپلیکیشن"), looks_mojibake("café"), looks_mojibake("Straße 5 °C")
    (False, False, False)
    """
    if text.isascii():
        return False
    return (bool(_STRONG_PAIR.search(text)) or len(re.findall(_LATIN_PAIR, text)) >= 2
            or len(re.findall(_ARABIC_PAIR, text)) >= 2)


def mojibake_mask(raw: pd.Series) -> np.ndarray:
    """True for each cell of a text column that :func:`looks_mojibake` (non-ASCII cells only)."""
    s = raw.astype("str").fillna("")
    out = np.zeros(len(s), dtype=bool)
    non_ascii = ~is_ascii(s)
    if non_ascii.any():
        sub = s[non_ascii]
        strong = sub.str.contains(_STRONG_PAIR.pattern, regex=True)
        latin = sub.str.count(_LATIN_PAIR) >= 2
        arabic = sub.str.count(_ARABIC_PAIR) >= 2
        out[non_ascii] = (strong | latin | arabic).to_numpy(bool)
    return out
