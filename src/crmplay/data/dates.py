"""Dates from text: ISO, day-first, month-first and Jalali (Solar Hijri) dates, Excel serials.

Distinct values are parsed once each (see :func:`parse_dates`).
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from crmplay.data.problems import Numeral, expected
from crmplay.data.text import Parsed, as_text, blank_mask, clean_key, distinct_values, notes_at
from crmplay.core.config import DATE_STYLES, JALALI_YEAR_LIMIT  # noqa: F401  (DATE_STYLES re-exported)

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
GREGORIAN_MIN_YEAR = JALALI_YEAR_LIMIT  # a smaller year is Jalali (one definition: crmplay.core.config)
#: Below this year a date is neither Gregorian (see above) nor a plausible Jalali date.
JALALI_MIN_YEAR = 1200
#: The dates a ``datetime64[ns]`` column can hold (pandas' bounds, whole days).
DATE_RANGE = (pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-10"))


@lru_cache(maxsize=65536)
def jalali_to_gregorian(year: int, month: int, day: int) -> pd.Timestamp | None:
    """One Jalali (Solar Hijri) date as a Gregorian timestamp, ``None`` if no such day.

    Uses :mod:`jdatetime` (the arithmetic 33-year leap cycle): 1403/01/01 -> 2024-03-20;
    1403/12/30 exists (1403 is a leap year), 1402/12/30 does not. Remembered per day: a column
    of date-times has about as many distinct texts as rows but few distinct days, and each
    ``jdatetime.date`` asks the locale twice (118,730 complaint times of a 200,000-customer
    client: 3.8 of 8.8 s of their intake, profiled).
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
            if serial > (DATE_RANGE[1] - EXCEL_EPOCH).days:
                return None, _out_of_range(), False
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
    if year < JALALI_MIN_YEAR:
        return None, _out_of_range(), False
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
    if not DATE_RANGE[0] <= ts <= DATE_RANGE[1]:
        return None, _out_of_range(), False
    if keep_time and m.group("H") is not None:
        hour, minute, second = int(m.group("H")), int(m.group("M")), int(m.group("S") or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None, None, False
        ts = ts + pd.Timedelta(hours=hour, minutes=minute, seconds=second)
    return ts, None, warn


def _out_of_range() -> str:
    return expected("date_in_range", low=DATE_RANGE[0].year + 1, high=DATE_RANGE[1].year - 1)


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
    s = as_text(raw)
    blank = blank_mask(s)
    n = len(s)
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    bad = ~blank
    notes: dict[int, str] = {}
    warn = np.zeros(n, dtype=bool)
    if (~blank).any():
        idx = np.flatnonzero(~blank)
        codes, distinct = distinct_values(s[~blank])
        text = pd.Series(distinct, dtype="str")
        stamps = np.full(len(distinct) + 1, np.datetime64("NaT"), dtype="datetime64[ns]")
        done = np.zeros(len(distinct), dtype=bool)
        if not jalali and len(distinct):
            # Fast path: plain ISO dates and times (no zone) in ASCII, parsed by pandas in C.
            plain = text.str.match(r"^(?:1[7-9]|2[01])\d{2}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$").to_numpy(bool)
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
        notes = notes_at(idx, codes, distinct_notes)
        bad = ~blank & np.isnat(values)
    return Parsed(pd.Series(values, index=raw.index, dtype="datetime64[ns]"), bad, blank, notes, warn)
