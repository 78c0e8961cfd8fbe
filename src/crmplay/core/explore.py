"""Analyses a consultant can explore in JupyterLab: named tables with documented columns, and a
readable rendering of the whole analysis object.

A chapter's analysis object derives from :class:`Explorable` and lists its tables in ``TABLES``:
``{attribute path: what a row is and what the columns are}``. The path is an attribute of the
object, dotted when it lies deeper (``"rfm.summary"``), or a method without arguments
(``"table()"``). Then

- ``analysis.tables()`` gives every table as a DataFrame (``{path: frame}``, absent ones left out),
- ``analysis.table("rfm.summary")`` one of them,
- displaying ``analysis`` in a notebook (its ``_repr_html_``) shows the headline figures
  (:meth:`Explorable.explore_summary`) and the first rows of each table with its description and
  the expression that gives it in full.

The figures are never changed: the tables are the ones the chapter computed.

Example
-------
>>> import pandas as pd
>>> from dataclasses import dataclass
>>> @dataclass
... class Toy(Explorable):
...     TABLES = {"shares": "one row per group: group, share (0-1)"}
...     shares: pd.DataFrame
>>> toy = Toy(pd.DataFrame({"group": ["a", "b"], "share": [0.25, 0.75]}))
>>> list(toy.tables()), float(toy.table("shares")["share"].sum())
(['shares'], 1.0)
>>> "toy.shares" in toy._repr_html_()
True
"""
from __future__ import annotations

from html import escape
from typing import Any, ClassVar, Mapping

#: Rows of each table shown by ``_repr_html_`` (the whole table is one expression away).
PREVIEW_ROWS = 5


def resolve(obj: Any, path: str) -> Any:
    """The value at ``path`` under ``obj``: dotted attributes, a final ``name()`` is called.

    >>> class A: x = {"k": 1}
    >>> resolve(A(), "x")
    {'k': 1}
    """
    value = obj
    for part in path.split("."):
        if value is None:
            return None
        call = part.endswith("()")
        value = getattr(value, part[:-2] if call else part, None)
        if call and callable(value):
            value = value()
    return value


class Explorable:
    """Mixin of a chapter's analysis object: see the module docstring.

    Class attributes
    ----------------
    TABLES : dict
        ``{attribute path: description of the rows and columns (with units)}``.
    EXPLORE_NAME : str
        The name the notebooks give the object (``run``, ``card``...), used in the rendering's
        hints (``run.rfm.summary``).
    """

    TABLES: ClassVar[Mapping[str, str]] = {}
    EXPLORE_NAME: ClassVar[str] = ""

    def tables(self) -> dict[str, Any]:
        """Every table of the analysis as a DataFrame, ``{path: frame}`` (absent ones left out)."""
        import pandas as pd

        out = {}
        for path in self.TABLES:
            value = resolve(self, path)
            if isinstance(value, pd.Series):
                value = value.to_frame()
            if isinstance(value, pd.DataFrame):
                out[path] = value
        return out

    def table(self, path: str) -> Any:
        """One table by its path (:class:`KeyError` when it is not one of ``TABLES`` or is absent)."""
        if path not in self.TABLES:
            raise KeyError(f"{path!r} is not a table of {type(self).__name__}; the tables are "
                           f"{', '.join(self.TABLES)}")
        found = self.tables()
        if path not in found:
            raise KeyError(f"{type(self).__name__} has no {path} for this client")
        return found[path]

    def explore_summary(self) -> dict[str, Any]:
        """Headline figures shown above the tables (``{label: value}``); none by default."""
        return {}

    def _repr_html_(self) -> str:
        name = self.EXPLORE_NAME or type(self).__name__.lower()
        return explore_html(type(self).__name__, name, self.explore_summary(), self.tables(), self.TABLES)


def explore_html(title: str, name: str, summary: Mapping[str, Any], tables: Mapping[str, Any],
                 docs: Mapping[str, str], rows: int = PREVIEW_ROWS) -> str:
    """The HTML of an :class:`Explorable`: a heading, the headline figures, then per table its
    expression, size, description and first ``rows`` rows (every value escaped)."""
    parts = [f'<div class="crm-explore"><h3>{escape(title)}</h3>']
    if summary:
        items = "".join(f"<li><b>{escape(str(k))}</b>: {escape(_short(v))}</li>" for k, v in summary.items())
        parts.append(f"<ul>{items}</ul>")
    for path, doc in docs.items():
        expr = f"{name}.{path}"
        frame = tables.get(path)
        if frame is None:
            parts.append(f"<p><code>{escape(expr)}</code>: not computed for this client. {escape(doc)}</p>")
            continue
        size = f"{len(frame):,} rows × {frame.shape[1]} columns"
        parts.append(f"<details><summary><code>{escape(expr)}</code> ({size}): {escape(doc)}</summary>")
        parts.append(frame.head(rows).to_html(escape=True, max_cols=12, float_format=_float))
        parts.append("</details>")
    parts.append("</div>")
    return "".join(parts)


def _float(x: float) -> str:
    return f"{x:,.4g}"


def _short(value: Any, limit: int = 80) -> str:
    if isinstance(value, float):
        text = f"{value:,.4g}"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["Explorable", "explore_html", "resolve", "PREVIEW_ROWS"]
