"""Survey waves: the NPS of each wave (before and after a programme), and what moved between waves.

A wave is a value of the ``[steps.nps] wave_column`` column of ``nps_responses`` (default
``wave``). Waves are ordered by their earliest response date when the responses are dated, else
by their label. Units: NPS, differences and intervals in **points**; ratings on the survey's
rating scale; p-values 0-1.

* **NPS per wave** with its interval (the chapter's interval method, Rocks 2016).
* **Change between consecutive waves**: THE "real change" rule of the chapter, the two-sample
  Wald interval of the difference (:func:`crmplay.chapters.nps.trend.difference_interval`).
* **Segments that moved**: the same rule per value of each segment column (values with at
  least ``min_n`` responses in both waves).
* **Drivers that moved**: the mean rating of each ``rating_*`` attribute, difference of two
  independent means with the large-sample (Welch) normal interval
  ``diff +- z sqrt(s_a^2 / n_a + s_b^2 / n_b)``.

The p-values of each family (wave changes, segment changes, driver changes) are corrected
together for multiple comparisons (Holm 1979 or Benjamini-Hochberg 1995); ``significant`` is
``p_adjusted < 1 - confidence``. Waves with fewer than ``min_n`` responses are shown, never tested.

Example
-------
>>> import pandas as pd
>>> from crmplay.chapters.nps.analysis import with_groups
>>> r = with_groups(pd.DataFrame({"score": [10] * 60 + [0] * 40 + [10] * 40 + [0] * 60,
...                               "wave": ["w1"] * 100 + ["w2"] * 100}))
>>> w = compare_waves(r, "wave")
>>> w.table["wave"].tolist(), w.table["nps"].tolist()
(['w1', 'w2'], [20.0, -20.0])
>>> c = w.changes.iloc[0]
>>> c["wave"], c["previous"], round(float(c["diff"]), 1), round(float(c["p_value"]), 4)
('w2', 'w1', -40.0, 0.0039)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy.special import ndtr

from crmplay.chapters.nps.analysis import adjust_p_values
from crmplay.chapters.nps.key_drivers import rating_columns
from crmplay.chapters.nps.scores import GROUPS, intervals, z_critical
from crmplay.chapters.nps.trend import difference_from_counts

TABLE_COLUMNS = ["wave", "n", "nps", "ci_low", "ci_high", "too_few"]
CHANGE_COLUMNS = ["wave", "previous", "n", "n_previous", "diff", "ci_low", "ci_high", "p_value", "p_adjusted",
                  "significant"]
SEGMENT_COLUMNS = ["wave", "previous", "column", "value", "n", "n_previous", "nps", "nps_previous", "diff",
                   "ci_low", "ci_high", "p_value", "p_adjusted", "significant"]
DRIVER_COLUMNS = ["wave", "previous", "attribute", "n", "n_previous", "mean", "mean_previous", "diff", "ci_low",
                  "ci_high", "p_value", "p_adjusted", "significant"]


@dataclass(frozen=True, eq=False)  # eq=False: DataFrame fields do not compare to a bool
class WaveResult:
    """NPS per wave and what moved between consecutive waves (see the module docstring).

    ``table``: wave, n, nps, ci_low, ci_high (points), too_few, in wave order. ``changes``: one
    row per consecutive pair (wave minus previous). ``segments`` and ``drivers``: one row per
    compared segment value or attribute and pair; ``moved`` rows are those ``significant``.
    """

    column: str
    table: pd.DataFrame = field(repr=False)
    changes: pd.DataFrame = field(repr=False)
    segments: pd.DataFrame = field(repr=False)
    drivers: pd.DataFrame = field(repr=False)

    @property
    def ok(self) -> bool:
        """True when there are at least two waves to compare."""
        return len(self.table) >= 2

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the results record."""
        return {"column": self.column, "table": self.table.to_dict(orient="records"),
                "changes": self.changes.to_dict(orient="records"),
                "segments_moved": self.segments[self.segments["significant"]].to_dict(orient="records"),
                "drivers_moved": self.drivers[self.drivers["significant"]].to_dict(orient="records")}


def _group_counts(responses: pd.DataFrame) -> np.ndarray:
    """(promoters, passives, detractors) of the responses (the order of crmplay.chapters.nps.trend)."""
    codes = pd.Categorical(responses["nps_group"].astype(str), categories=list(GROUPS)).codes
    d, q, p = np.bincount(codes[codes >= 0], minlength=3)[:3]
    return np.array([p, q, d], dtype="float64")


def _wave_order(responses: pd.DataFrame, column: str, date_column: str) -> list[Any]:
    waves = responses[column].dropna()
    if date_column in responses.columns:
        dates = pd.to_datetime(responses.loc[waves.index, date_column], errors="coerce")
        if dates.notna().any():
            first = dates.groupby(waves.astype(str)).min().fillna(pd.Timestamp.max)
            return sorted(waves.astype(str).unique(), key=lambda w: (first.get(w, pd.Timestamp.max), w))
    return sorted(waves.astype(str).unique())


def _difference_rows(pairs: list[dict[str, Any]], a: np.ndarray, b: np.ndarray, confidence: float) -> pd.DataFrame:
    v = difference_from_counts(a, b, confidence) if len(pairs) else None
    frame = pd.DataFrame(pairs)
    if v is not None:
        for key in ("diff", "ci_low", "ci_high", "p_value"):
            frame[key] = v[key]
    return frame


def _mean_changes(now: pd.DataFrame, before: pd.DataFrame, attributes: Sequence[str],
                  confidence: float) -> list[dict[str, Any]]:
    zc = z_critical(confidence)
    rows = []
    for attribute in attributes:
        x = pd.to_numeric(now[attribute], errors="coerce").dropna()
        y = pd.to_numeric(before[attribute], errors="coerce").dropna()
        if len(x) < 2 or len(y) < 2:
            continue
        diff = float(x.mean() - y.mean())
        se = float(np.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y)))
        z = diff / se if se > 0 else (0.0 if diff == 0 else np.sign(diff) * np.inf)
        rows.append({"attribute": attribute, "n": int(len(x)), "n_previous": int(len(y)), "mean": float(x.mean()),
                     "mean_previous": float(y.mean()), "diff": diff, "ci_low": diff - zc * se,
                     "ci_high": diff + zc * se, "p_value": float(2 * ndtr(-abs(z)))})
    return rows


def _finish(frame: pd.DataFrame, columns: list[str], correction: str, confidence: float) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=columns).astype({"significant": bool})
    frame["p_adjusted"] = adjust_p_values(frame["p_value"], correction)
    frame["significant"] = (frame["p_adjusted"] < 1 - confidence).fillna(False).astype(bool)
    return frame[columns].reset_index(drop=True)


def compare_waves(responses: pd.DataFrame, column: str = "wave", *, segment_columns: Sequence[str] = (),
                  confidence: float = 0.95, method: str = "adjusted-wald", min_n: int = 30,
                  correction: str = "holm", date_column: str = "date") -> WaveResult:
    """NPS per wave, the change between consecutive waves, and the segments and drivers that moved.

    Parameters
    ----------
    responses : DataFrame
        Responses with ``nps_group`` (see :func:`crmplay.chapters.nps.analysis.with_groups`) and
        the wave column; responses without a wave are left out.
    column : str
        The wave column.
    segment_columns : sequence of str
        Segment columns to compare between waves (absent ones are skipped).
    confidence, method, min_n, correction
        As the rest of the chapter: interval level 0-1, interval method of the per-wave NPS,
        smallest wave or segment value that is tested, and the multiple-comparison correction.

    Returns
    -------
    WaveResult

    Raises
    ------
    ValueError
        When ``column`` is not in the responses.
    """
    if column not in responses.columns:
        raise ValueError(f"wave column {column!r} not in the responses")
    data = responses[responses[column].notna()]
    labels = data[column].astype(str)
    order = _wave_order(data, column, date_column)
    parts = {w: data[labels == w] for w in order}
    counts = np.array([_group_counts(parts[w]) for w in order]).reshape(-1, 3)
    v = intervals(counts[:, 2], counts[:, 1], counts[:, 0], confidence, method)
    n = counts.sum(axis=1).astype(int)
    table = pd.DataFrame({"wave": order, "n": n, "nps": v["nps"], "ci_low": v["ci_low"], "ci_high": v["ci_high"],
                          "too_few": n < min_n})
    pairs = [(k, k - 1) for k in range(1, len(order)) if n[k] >= min_n and n[k - 1] >= min_n]
    changes = _difference_rows([{"wave": order[k], "previous": order[j], "n": int(n[k]), "n_previous": int(n[j])}
                                for k, j in pairs],
                               counts[[k for k, _ in pairs]], counts[[j for _, j in pairs]], confidence)
    seg_rows, seg_a, seg_b = [], [], []
    driver_rows: list[dict[str, Any]] = []
    attributes = rating_columns(data)
    for k, j in pairs:
        now, before = parts[order[k]], parts[order[j]]
        for seg in (c for c in segment_columns if c in data.columns):
            for value in sorted(set(now[seg].dropna().astype(str)) & set(before[seg].dropna().astype(str))):
                a = _group_counts(now[now[seg].astype(str) == value])
                b = _group_counts(before[before[seg].astype(str) == value])
                if a.sum() < min_n or b.sum() < min_n:
                    continue
                seg_rows.append({"wave": order[k], "previous": order[j], "column": seg, "value": value,
                                 "n": int(a.sum()), "n_previous": int(b.sum()),
                                 "nps": 100 * (a[0] - a[2]) / a.sum(), "nps_previous": 100 * (b[0] - b[2]) / b.sum()})
                seg_a.append(a)
                seg_b.append(b)
        driver_rows += [{"wave": order[k], "previous": order[j], **row}
                        for row in _mean_changes(now, before, attributes, confidence)]
    segments = _difference_rows(seg_rows, np.array(seg_a).reshape(-1, 3), np.array(seg_b).reshape(-1, 3), confidence)
    return WaveResult(column=column, table=table,
                      changes=_finish(changes, CHANGE_COLUMNS, correction, confidence),
                      segments=_finish(segments, SEGMENT_COLUMNS, correction, confidence),
                      drivers=_finish(pd.DataFrame(driver_rows), DRIVER_COLUMNS, correction, confidence))


__all__ = ["WaveResult", "compare_waves", "TABLE_COLUMNS", "CHANGE_COLUMNS", "SEGMENT_COLUMNS", "DRIVER_COLUMNS"]
