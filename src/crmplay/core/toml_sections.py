"""TOML sections into frozen dataclasses, every problem collected rather than raised.

Used for each section of ``client.toml`` and for each step's ``[steps.<id>]`` options: unknown
keys, missing required keys, wrong types and values a dataclass refuses in ``__post_init__`` all
come back as ``(dotted.key, message)`` pairs, so a consultant sees every problem at once.

Example
-------
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Scale:
...     low: int = 0
...     high: int = 10
>>> problems = []
>>> build_dataclass(Scale, {"low": 1, "hgh": 5}, "survey", problems), problems
(Scale(low=1, high=10), [('survey.hgh', 'unknown key; expected one of low, high')])
"""
from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any


def build_dataclass(cls: type, raw: Any, where: str, problems: list[tuple[str, str]]) -> Any:
    """Build frozen dataclass ``cls`` from a TOML mapping, appending problems instead of raising.

    Unknown keys, missing required keys and wrong types are each reported as
    ``(dotted.key, message)``. Returns ``None`` when the section could not be built.
    """
    if not isinstance(raw, dict):
        problems.append((where, f"expected a table (section), got {type(raw).__name__}"))
        return None
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in fields:
            problems.append((f"{where}.{key}", f"unknown key; expected one of {', '.join(fields)}"))
            continue
        converted, err = _convert(value, hints[key])
        if err:
            problems.append((f"{where}.{key}", err))
        else:
            kwargs[key] = converted
    complete = True
    for name, f in fields.items():
        missing = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if missing and name not in kwargs:
            complete = False
            if name not in raw:
                problems.append((f"{where}.{name}", "required key is missing"))
    # Build from the valid keys even when others were wrong, so later checks (allowed values,
    # ranges) still run and the consultant sees every problem at once. The caller raises.
    if not complete:
        return None
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:  # a dataclass's own __post_init__ checks
        problems.append((where, str(exc)))
        return None


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _convert(value: Any, tp: Any) -> tuple[Any, str | None]:
    """Check ``value`` against type hint ``tp``; return (converted, error message or None)."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        non_none = [a for a in args if a is not type(None)]
        if value is None:
            return None, None
        errors = []
        for a in non_none:
            conv, err = _convert(value, a)
            if err is None:
                return conv, None
            errors.append(err)
        return None, errors[0]
    if tp is Any:
        return value, None
    if tp is bool:
        return (value, None) if isinstance(value, bool) else (None, f"expected true or false, got {value!r}")
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value, None
        return None, f"expected a whole number, got {value!r}"
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value), None
        return None, f"expected a number, got {value!r}"
    if tp is str:
        return (value, None) if isinstance(value, str) else (None, f"expected text, got {value!r}")
    if origin in (tuple, list):
        if not isinstance(value, list):
            return None, f"expected a list, got {value!r}"
        item_tp = args[0] if args else Any
        out = []
        for i, item in enumerate(value):
            conv, err = _convert(item, item_tp)
            if err:
                return None, f"item {i + 1}: {err}"
            out.append(conv)
        return (tuple(out) if origin is tuple else out), None
    if origin is dict:
        if not isinstance(value, dict):
            return None, f"expected a table of key = value, got {value!r}"
        ktp, vtp = args if args else (str, Any)
        out_d = {}
        for k, v in value.items():
            conv, err = _convert(v, vtp)
            if err:
                return None, f"{k}: {err}"
            out_d[k] = conv
        return out_d, None
    if dataclasses.is_dataclass(tp):
        sub: list[tuple[str, str]] = []
        obj = build_dataclass(tp, value, "", sub)
        if sub:
            return None, "; ".join(f"{k.lstrip('.')}: {m}" for k, m in sub)
        return obj, None
    return None, f"unsupported type {_type_name(tp)}"


__all__ = ["build_dataclass"]
