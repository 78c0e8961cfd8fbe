"""Reading figures another step wrote, safely: any key may be absent, null or of a wrong type.

The dimensions and summary chapters read the other steps' results through their typed records
(:mod:`crmplay.core.results`); these helpers turn a record (or the plain mapping a test passes)
into a mapping and its values into numbers and lists, giving ``None`` (or ``[]``) instead of an
error for anything unusable; :func:`rounded` rounds a figure for a results file.

Examples
--------
>>> number("2.5"), number(True), number(float("nan")), number(None)
(2.5, None, None, None)
>>> integer(3.9), as_list((1, 2)), as_list("x")
(3, [1, 2], [])
>>> figures_of({"nps": 12})["nps"], figures_of(None)
(12, None)
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def number(v: Any) -> float | None:
    """``v`` as a finite float, or ``None`` (booleans, text that is not a number, NaN, inf)."""
    if isinstance(v, bool) or v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def integer(v: Any) -> int | None:
    """``v`` as an int (truncated), or ``None`` where :func:`number` gives ``None``."""
    f = number(v)
    return None if f is None else int(f)


def as_list(v: Any) -> list:
    """``v`` as a list when it is a list or tuple, else ``[]``."""
    return list(v) if isinstance(v, (list, tuple)) else []


def rounded(v: Any, digits: int = 2) -> float | None:
    """``v`` rounded to ``digits`` decimals for a results file; ``None`` for missing or infinite.

    >>> rounded(2.0 / 3), rounded(float("inf")), rounded(None)
    (0.67, None, None)
    """
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return None
    return round(float(v), digits)


def figures_of(source: Any) -> Mapping[str, Any] | None:
    """A step's figures as a mapping: a results record (its JSON form), a mapping as it is,
    anything else ``None``.

    A record's ``written_at`` (when the record carries one) is kept under that key.
    """
    if source is None:
        return None
    if isinstance(source, Mapping):
        return source
    to_json = getattr(source, "to_json", None)
    if not callable(to_json):
        return None
    data = to_json()
    if not isinstance(data, Mapping):
        return None
    written = getattr(source, "written_at", None)
    if written is not None and "written_at" not in data:
        data = {**data, "written_at": written}
    return data


__all__ = ["number", "integer", "as_list", "rounded", "figures_of"]
