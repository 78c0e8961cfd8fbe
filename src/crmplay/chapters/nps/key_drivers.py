"""Driver analysis: which ``rating_*`` attributes move the likelihood to recommend.

Two decompositions of the R² of the linear regression of the 0-10 score on the attribute
ratings, both summing exactly to R² (in points of R², i.e. fractions 0-1 of the score's
variance):

* **Shapley values** (exact; also called LMG after Lindeman, Merenda & Gold 1980, and
  computed by ``relaimpo::calc.relimp(type="lmg")``; Grömping 2006, *J. Stat. Software*
  17(1)): the R² gain of an attribute averaged over all orders of entry. Computed from the
  R² of every one of the 2^k attribute subsets, each solved from the correlation matrix
  (never by refitting on raw rows), so a million responses cost one pass over the data.
  Exact for up to ``max_drivers`` (15) attributes; more are refused.
* **Relative weights** (Johnson 2000, "A heuristic method for estimating the relative weight
  of predictor variables in multiple regression", *Multivariate Behavioral Research* 35(1);
  after Johnson 1966): regress on the orthogonal counterpart of the ratings, obtained from
  the eigen-decomposition of their correlation matrix, and share the R² back.

Intervals come from a seeded bootstrap of respondents. Each resample needs only its
covariance matrix, built from per-group sufficient statistics (sums and cross-products): with
up to 5,000 respondents every respondent is its own group (the ordinary bootstrap); above
that, respondents are shuffled into 5,000 equal random groups that are resampled (the group
sums are i.i.d., so the resampled moments have the right sampling variance). Listwise
deletion: a response missing any rating or the score is left out of the regression.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from crmplay.core.labels import RATING_PREFIX
from crmplay.core.errors import AnalysisError
MAX_GROUPS = 5000
#: Elements per batched solve; bootstrap resamples are processed in chunks below this size.
_CHUNK_ELEMENTS = 4_000_000


class DriverError(AnalysisError):
    """The driver analysis cannot run as asked (e.g. too many attributes for exact Shapley)."""


# --------------------------------------------------------------------------------------------
# Subset R², Shapley values, relative weights (on correlation matrices, batched)


@lru_cache(maxsize=32)
def _subsets(k: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """For each size s = 1..k: (masks of that size, their attribute positions (m, s))."""
    masks = np.arange(1 << k)
    bits = (masks[:, None] >> np.arange(k)) & 1
    sizes = bits.sum(axis=1)
    out = []
    for s in range(1, k + 1):
        sel = masks[sizes == s]
        sel_bits = bits[sizes == s]
        # positions of the set bits, in increasing order
        idx = np.argsort(-sel_bits, axis=1, kind="stable")[:, :s]
        out.append((sel, np.sort(idx, axis=1)))
    return tuple(out)


def _solve_r2(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """R² = rxy' Rxx^-1 rxy for stacks of correlation blocks (pseudo-inverse if singular)."""
    try:
        beta = np.linalg.solve(rxx, rxy[..., None])[..., 0]
    except np.linalg.LinAlgError:
        beta = (np.linalg.pinv(rxx, hermitian=True) @ rxy[..., None])[..., 0]
    return np.einsum("...i,...i->...", beta, rxy)


def subset_r2(corr: np.ndarray) -> np.ndarray:
    """R² of every subset of predictors, from correlation matrices.

    Parameters
    ----------
    corr : array (..., k + 1, k + 1)
        Correlation matrices of the k predictors followed by the outcome (last row/column).

    Returns
    -------
    array (..., 2**k)
        Entry ``mask`` is the R² of the regression on the predictors whose bits are set in
        ``mask`` (entry 0, the empty model, is 0).
    """
    corr = np.asarray(corr, dtype="float64")
    k = corr.shape[-1] - 1
    batch = corr.shape[:-2]
    flat = corr.reshape((-1, k + 1, k + 1))
    out = np.zeros((flat.shape[0], 1 << k))
    for masks, idx in _subsets(k):
        m, s = idx.shape
        step = max(1, _CHUNK_ELEMENTS // max(1, m * s * s))
        for start in range(0, flat.shape[0], step):
            block = flat[start:start + step]
            rxx = block[:, idx[:, :, None], idx[:, None, :]]
            rxy = block[:, idx, k]
            out[start:start + step, masks] = _solve_r2(rxx, rxy)
    return out.reshape(batch + (1 << k,))


@lru_cache(maxsize=32)
def _shapley_plan(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks without j, the same masks with j, and the Shapley weight of each (per j)."""
    masks = np.arange(1 << k)
    sizes = ((masks[:, None] >> np.arange(k)) & 1).sum(axis=1)
    weights = np.array([math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) if s < k else 0.0
                        for s in range(k + 1)])
    without = np.empty((k, 1 << (k - 1)), dtype=np.int64)
    for j in range(k):
        without[j] = masks[(masks >> j) & 1 == 0]
    with_j = without | (1 << np.arange(k))[:, None]
    return without, with_j, weights[sizes[without]]


def shapley_from_subsets(r2_by_mask: np.ndarray) -> np.ndarray:
    """Shapley values (..., k) from subset R² (..., 2**k): each attribute's R² gain averaged
    over all orders of entry (LMG). They sum to the full-model R²."""
    r2_by_mask = np.asarray(r2_by_mask, dtype="float64")
    k = int(round(math.log2(r2_by_mask.shape[-1])))
    without, with_j, w = _shapley_plan(k)
    gains = r2_by_mask[..., with_j] - r2_by_mask[..., without]  # (..., k, 2**(k-1))
    return np.einsum("...jm,jm->...j", gains, w)


def relative_weights_from_corr(corr: np.ndarray) -> np.ndarray:
    """Johnson's (2000) relative weights (..., k) from correlation matrices (..., k+1, k+1).

    R_xx = V diag(l) V'; Lambda = V diag(sqrt l) V' (correlations of the predictors with their
    orthogonal counterparts Z); beta = Lambda^-1 r_xy (regression of y on Z);
    epsilon_j = sum_m Lambda_jm^2 beta_m^2, which sums to R².
    """
    corr = np.asarray(corr, dtype="float64")
    k = corr.shape[-1] - 1
    rxx = corr[..., :k, :k]
    rxy = corr[..., :k, k]
    evals, evecs = np.linalg.eigh(rxx)
    evals = np.clip(evals, 0.0, None)
    root = np.sqrt(evals)
    tol = root.max(axis=-1, keepdims=True) * 1e-10
    inv_root = np.where(root > tol, 1.0 / np.where(root > tol, root, 1.0), 0.0)
    lam = (evecs * root[..., None, :]) @ np.swapaxes(evecs, -1, -2)
    lam_inv = (evecs * inv_root[..., None, :]) @ np.swapaxes(evecs, -1, -2)
    beta = (lam_inv @ rxy[..., None])[..., 0]
    return np.einsum("...jm,...m->...j", lam**2, beta**2)


def _corr_from_gram(gram: np.ndarray) -> np.ndarray:
    """Correlation matrices from Gram matrices of [1, x_1 .. x_k, y] (..., p, p)."""
    n = gram[..., 0, 0]
    sums = gram[..., 0, 1:]
    mean = sums / n[..., None]
    cov = gram[..., 1:, 1:] / n[..., None, None] - mean[..., :, None] * mean[..., None, :]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=-2, axis2=-1), 0.0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / (sd[..., :, None] * sd[..., None, :])
    idx = np.arange(corr.shape[-1])
    corr[..., idx, idx] = 1.0
    return corr


def _corr_of(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    z = np.column_stack([x, y]).astype("float64")
    z = z - z.mean(axis=0)
    z1 = np.column_stack([np.ones(len(z)), z])
    return _corr_from_gram(z1.T @ z1)


def shapley_r2(x: Any, y: Any) -> pd.Series:
    """Exact Shapley (LMG) decomposition of the R² of ``y`` regressed on the columns of ``x``.

    Returns a Series (one value per column of ``x``, in points of R², 0-1) that sums to R².

    Examples
    --------
    >>> x = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 1, 4, 3, 5]})
    >>> values = shapley_r2(x, [1, 3, 2, 5, 4])
    >>> [round(float(v), 3) for v in values], round(float(values.sum()), 3)  # sums to R²
    ([0.756, 0.206], 0.961)
    """
    frame = pd.DataFrame(x)
    values = shapley_from_subsets(subset_r2(_corr_of(frame.to_numpy(float), np.asarray(y, float))))
    return pd.Series(values, index=frame.columns, name="shapley")


def relative_weights(x: Any, y: Any) -> pd.Series:
    """Johnson's (2000) relative weights of the columns of ``x`` for ``y``; they sum to R²."""
    frame = pd.DataFrame(x)
    values = relative_weights_from_corr(_corr_of(frame.to_numpy(float), np.asarray(y, float)))
    return pd.Series(values, index=frame.columns, name="relative_weight")


# --------------------------------------------------------------------------------------------
# Bootstrap from sufficient statistics


def group_grams(z: np.ndarray, rng: np.random.Generator, max_groups: int = MAX_GROUPS) -> np.ndarray:
    """Gram matrices [1, z]'[1, z] of random equal groups of rows: (groups, p + 1, p + 1).

    With ``len(z) <= max_groups`` every row is its own group, so resampling groups is the
    ordinary bootstrap of respondents.
    """
    n, p = z.shape
    z1 = np.empty((n, p + 1))
    z1[:, 0] = 1.0
    z1[:, 1:] = z
    if n <= max_groups:
        return z1[:, :, None] * z1[:, None, :]
    z1 = z1[rng.permutation(n)]
    base, extra = divmod(n, max_groups)
    big = z1[: extra * (base + 1)].reshape(extra, base + 1, p + 1)
    small = z1[extra * (base + 1):].reshape(max_groups - extra, base, p + 1)
    grams = [np.swapaxes(block, 1, 2) @ block for block in (big, small) if len(block)]
    return np.concatenate(grams, axis=0)


def bootstrap_corr(grams: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Correlation matrices of ``resamples`` bootstrap resamples of the groups."""
    m = grams.shape[0]
    counts = rng.multinomial(m, np.full(m, 1.0 / m), size=resamples).astype("float64")
    boot = (counts @ grams.reshape(m, -1)).reshape((resamples,) + grams.shape[1:])
    return _corr_from_gram(boot)


# --------------------------------------------------------------------------------------------
# The analysis


@dataclass(frozen=True)
class DriverResult:
    """Importance of each attribute for the likelihood to recommend.

    ``table`` has one row per attribute, most important first: ``attribute``, ``shapley`` and
    ``relative_weight`` (points of R², 0-1), ``importance_share`` (shapley / r2, 0-1),
    ``ci_low``/``ci_high`` (bootstrap percentile interval of ``shapley``), ``share_ci_low``/
    ``share_ci_high`` (of ``importance_share``), ``rw_ci_low``/``rw_ci_high``, ``direction`` (sign of the attribute's coefficient in the full
    regression: "positive"/"negative"), ``performance`` (mean rating), ``performance_scaled``
    (0-1 on the rating scale), ``n_rated``. ``reason`` says why nothing was computed.
    """

    table: pd.DataFrame
    r2: float
    r2_ci_low: float
    r2_ci_high: float
    n: int
    attributes: tuple[str, ...]
    dropped: tuple[tuple[str, str], ...] = ()
    bootstrap: int = 0
    confidence: float = 0.95
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None and len(self.table) > 0

    def records(self) -> list[dict[str, Any]]:
        """Rows for ``results/nps.json`` (``drivers``)."""
        cols = ["attribute", "shapley", "relative_weight", "importance_share", "ci_low", "ci_high",
                "share_ci_low", "share_ci_high", "rw_ci_low", "rw_ci_high", "direction", "performance",
                "performance_scaled", "n_rated"]
        return self.table[cols].to_dict(orient="records") if self.ok else []


_COLUMNS = ["attribute", "shapley", "importance_share", "ci_low", "ci_high", "share_ci_low", "share_ci_high",
            "relative_weight", "rw_ci_low", "rw_ci_high", "direction", "performance", "performance_scaled",
            "n_rated"]


def _empty(reason: str, attributes: tuple[str, ...], dropped: list[tuple[str, str]], n: int,
           confidence: float) -> DriverResult:
    return DriverResult(table=pd.DataFrame(columns=_COLUMNS), r2=float("nan"), r2_ci_low=float("nan"),
                        r2_ci_high=float("nan"), n=n, attributes=attributes, dropped=tuple(dropped),
                        confidence=confidence, reason=reason)


def rating_columns(frame: pd.DataFrame) -> list[str]:
    """The ``rating_*`` attribute columns of a responses table, in table order."""
    return [c for c in frame.columns if str(c).startswith(RATING_PREFIX)]


def drivers(responses: pd.DataFrame, attributes: list[str] | None = None, *, outcome: str = "score",
            bootstrap: int = 200, confidence: float = 0.95, seed: int = 0,
            rating_range: tuple[float, float] = (1.0, 5.0), max_drivers: int = 15,
            max_groups: int = MAX_GROUPS) -> DriverResult:
    """Shapley values and relative weights of the attributes, with bootstrap intervals.

    Parameters
    ----------
    responses : DataFrame
        The ``nps_responses`` table (``score`` and ``rating_*`` columns).
    attributes : list of str, optional
        Attribute columns; default every ``rating_*`` column.
    bootstrap : int
        Resamples for the intervals (0: no intervals).
    confidence : float
        Level of the percentile intervals.
    seed : int
        Seed of the bootstrap (results are reproducible).
    rating_range : (min, max)
        The rating scale, to express performance 0-1.
    max_drivers : int
        Refuse more attributes than this (exact Shapley needs 2^k regressions).

    Raises
    ------
    DriverError
        With more than ``max_drivers`` usable attributes, or a missing column.
    """
    attributes = list(rating_columns(responses) if attributes is None else attributes)
    missing = [c for c in attributes + [outcome] if c not in responses.columns]
    if missing:
        raise DriverError(f"column(s) {', '.join(missing)} not in the responses table")
    dropped: list[tuple[str, str]] = []
    if not attributes:
        return _empty("no rating_* attribute columns in the survey", (), dropped, 0, confidence)

    data = {c: pd.to_numeric(responses[c], errors="coerce").to_numpy("float64", na_value=np.nan)
            for c in attributes + [outcome]}
    n_rated = {c: int(np.count_nonzero(~np.isnan(data[c]))) for c in attributes}
    performance = {c: float(np.nanmean(data[c])) if n_rated[c] else float("nan") for c in attributes}
    used = []
    for c in attributes:
        values = data[c][~np.isnan(data[c])]
        if values.size == 0:
            dropped.append((c, "no ratings"))
        elif np.ptp(values) == 0:
            dropped.append((c, "no variation: every rating is the same"))
        else:
            used.append(c)
    if len(used) > max_drivers:
        raise DriverError(f"{len(used)} attributes is more than the {max_drivers} an exact Shapley "
                          f"decomposition handles (2^k regressions); choose the attributes to analyse "
                          f"(e.g. combine similar ones) or raise [steps.nps] max_drivers up to 20")
    if not used:
        return _empty("no attribute has varying ratings", tuple(attributes), dropped, 0, confidence)

    z = np.column_stack([data[c] for c in used] + [data[outcome]])
    z = z[~np.isnan(z).any(axis=1)]
    n = len(z)
    k = len(used)
    if n < k + 2:
        return _empty(f"too few complete responses ({n}) for {k} attributes", tuple(attributes), dropped,
                      n, confidence)
    if np.ptp(z[:, -1]) == 0:
        return _empty("every likelihood-to-recommend score is the same", tuple(attributes), dropped, n,
                      confidence)
    z = z - z.mean(axis=0)
    z1 = np.column_stack([np.ones(n), z])
    corr = _corr_from_gram(z1.T @ z1)
    r2_masks = subset_r2(corr)
    shap = shapley_from_subsets(r2_masks)
    rw = relative_weights_from_corr(corr)
    r2 = float(r2_masks[-1])
    beta = np.linalg.lstsq(corr[:k, :k], corr[:k, k], rcond=None)[0]

    lo_q, hi_q = (1 - confidence) / 2, (1 + confidence) / 2
    nan_k = np.full(k, np.nan)
    ci = {"ci_low": nan_k, "ci_high": nan_k, "rw_ci_low": nan_k, "rw_ci_high": nan_k,
          "share_ci_low": nan_k, "share_ci_high": nan_k}
    r2_ci = (float("nan"), float("nan"))
    if bootstrap > 0:
        rng = np.random.default_rng(seed)
        boot_corr = bootstrap_corr(group_grams(z, rng, max_groups), bootstrap, rng)
        finite = np.isfinite(boot_corr).all(axis=(-2, -1))
        boot_corr[~finite] = np.eye(k + 1)
        boot_r2 = subset_r2(boot_corr)
        boot_shap = shapley_from_subsets(boot_r2)
        boot_rw = relative_weights_from_corr(boot_corr)
        boot_shap[~finite] = np.nan
        boot_rw[~finite] = np.nan
        full = boot_r2[:, -1].copy()
        full[~finite] = np.nan
        if finite.any():
            with np.errstate(invalid="ignore", divide="ignore"):
                boot_share = boot_shap / full[:, None]
            ci = {"ci_low": np.nanquantile(boot_shap, lo_q, axis=0),
                  "ci_high": np.nanquantile(boot_shap, hi_q, axis=0),
                  "rw_ci_low": np.nanquantile(boot_rw, lo_q, axis=0),
                  "rw_ci_high": np.nanquantile(boot_rw, hi_q, axis=0),
                  "share_ci_low": np.nanquantile(boot_share, lo_q, axis=0),
                  "share_ci_high": np.nanquantile(boot_share, hi_q, axis=0)}
            r2_ci = (float(np.nanquantile(full, lo_q)), float(np.nanquantile(full, hi_q)))

    rmin, rmax = rating_range
    table = pd.DataFrame({
        "attribute": used,
        "shapley": shap,
        "importance_share": shap / r2 if r2 > 0 else np.nan,
        **ci,
        "relative_weight": rw,
        "direction": np.where(beta >= 0, "positive", "negative"),
        "performance": [performance[c] for c in used],
        "performance_scaled": [(performance[c] - rmin) / (rmax - rmin) for c in used],
        "n_rated": [n_rated[c] for c in used],
    })[_COLUMNS]
    table = table.sort_values("shapley", ascending=False, kind="stable").reset_index(drop=True)
    return DriverResult(table=table, r2=r2, r2_ci_low=r2_ci[0], r2_ci_high=r2_ci[1], n=n,
                        attributes=tuple(attributes), dropped=tuple(dropped), bootstrap=bootstrap,
                        confidence=confidence)


__all__ = ["DriverError", "DriverResult", "drivers", "shapley_r2", "relative_weights", "subset_r2",
           "shapley_from_subsets", "relative_weights_from_corr", "group_grams", "bootstrap_corr",
           "rating_columns", "RATING_PREFIX"]
