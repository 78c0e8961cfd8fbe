"""The non-frame part of a table's intake as JSON, and back (used by :mod:`crmplay.data.table_cache`).

A :class:`~crmplay.data.intake.TableIntake` without its frame (problems, column mapping, how the
file was read, the row number of each frame row) is written beside the cached Parquet table so a
later reader rebuilds the very same intake without opening the client's file. Problems keep
their catalogue keys and values (:class:`~crmplay.data.problems.Expected`, digits-as-written
:class:`~crmplay.data.problems.Numeral`), so a rebuilt problem renders in every report language
exactly as the original.

>>> from crmplay.data.problems import expected
>>> p = Problem(file="t.csv", row=3, column="Amount", canonical="amount", value="x",
...             expected=expected("number"), kind="bad_number", table="transactions")
>>> q = problem_from_json(problem_to_json(p))
>>> q == p and q.expected.key == p.expected.key
True
>>> runs([2, 3, 4, 7, 8]), unruns([[2, 3], [7, 2]]).tolist()
([[2, 3], [7, 2]], [2, 3, 4, 7, 8])
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from crmplay.data.problems import Expected, Numeral, Problem


class NotCacheable(TypeError):
    """A value the codec cannot write faithfully (the caller then does not cache the table)."""


def _value_to_json(value: Any) -> Any:
    if isinstance(value, Expected):
        return {"expected": expected_to_json(value)}
    if isinstance(value, Numeral):
        return {"numeral": str(value)}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return {"float": repr(value)}
        return value
    raise NotCacheable(f"cannot cache a value of type {type(value).__name__}")


def _value_from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if "expected" in value:
            return expected_from_json(value["expected"])
        if "numeral" in value:
            return Numeral(value["numeral"])
        if "float" in value:
            return float(value["float"])
        raise NotCacheable(f"unknown cached value {value!r}")
    return value


def expected_to_json(value: Any) -> dict[str, Any]:
    """An ``expected`` text: ``{"text"}`` for a plain string, plus ``key`` and ``values`` for an
    :class:`Expected`."""
    if isinstance(value, Expected):
        return {"text": str(value), "key": value.key,
                "values": {k: _value_to_json(v) for k, v in value.values.items()}}
    if isinstance(value, str):
        return {"text": str(value)}
    raise NotCacheable(f"cannot cache an expected text of type {type(value).__name__}")


def expected_from_json(data: dict[str, Any]) -> str:
    if "key" not in data:
        return str(data["text"])
    return Expected(data["text"], data["key"], {k: _value_from_json(v) for k, v in data["values"].items()})


def problem_to_json(p: Problem) -> dict[str, Any]:
    """One problem as JSON (every field; ``expected`` with its catalogue key and values)."""
    for name in ("file", "column", "canonical", "value", "severity", "kind", "table"):
        if type(getattr(p, name)) is not str:
            raise NotCacheable(f"problem field {name} is a {type(getattr(p, name)).__name__}")
    if p.row is not None and type(p.row) is not int:
        raise NotCacheable(f"problem row is a {type(p.row).__name__}")
    return {"file": p.file, "row": p.row, "column": p.column, "canonical": p.canonical, "value": p.value,
            "expected": expected_to_json(p.expected), "severity": p.severity, "kind": p.kind, "table": p.table}


def problem_from_json(data: dict[str, Any]) -> Problem:
    return Problem(file=data["file"], row=data["row"], column=data["column"], canonical=data["canonical"],
                   value=data["value"], expected=expected_from_json(data["expected"]), severity=data["severity"],
                   kind=data["kind"], table=data["table"])


def runs(rows: Any) -> list[list[int]]:
    """Row numbers as ``[[first, count], ...]`` runs of consecutive numbers (compact JSON)."""
    rows = np.asarray(rows, dtype=np.int64)
    if not len(rows):
        return []
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks, [len(rows)]])
    return [[int(rows[s]), int(e - s)] for s, e in zip(starts, ends)]


def unruns(data: list[list[int]]) -> np.ndarray:
    """The row numbers of :func:`runs` (``int64``)."""
    if not data:
        return np.empty(0, dtype=np.int64)
    return np.concatenate([np.arange(first, first + count, dtype=np.int64) for first, count in data])


__all__ = ["NotCacheable", "problem_to_json", "problem_from_json", "expected_to_json", "expected_from_json",
           "runs", "unruns"]
