"""Kano analysis: which features customers expect, which excite them, which they ignore.

Each respondent answers two questions per feature: the *functional* one (how do you feel if the
feature is there?) and the *dysfunctional* one (how do you feel if it is not?), each on five
answers: like / must-be / neutral / live-with / dislike. The answer pair is classified with the
evaluation table of Berger et al. (1993) into

- **M** must-be (expected; its absence dissatisfies, its presence goes unnoticed),
- **O** one-dimensional (more is better, less is worse),
- **A** attractive (delights when present, not missed when absent),
- **I** indifferent, **R** reverse (the customer prefers it absent), **Q** questionable
  (contradictory answers).

Per feature, :func:`kano_table` counts the categories and reports

- the **mode** and the **category** by the M > O > A > I rule: when the shares of the two most
  frequent categories differ by no more than ``tie_threshold`` (default 0.06 of all answers),
  the category that ranks first in M > O > A > I among those two wins (stp25kano, Peter 2022:
  ``Auswertregel``; Berger et al. 1993);
- **category strength**: the share of the most frequent minus the second most frequent of
  M, O, A, I, R (shares of all answers, Q included), and **total strength**: (A + O + M) / n
  (stp25kano);
- **Better** = (A + O) / (A + O + M + I) in [0, 1] and **Worse** = -(O + M) / (A + O + M + I)
  in [-1, 0], the satisfaction coefficients of Timko in Berger et al. (1993);
- **Fong's test** (Fong 1996): the top two of M, O, A, I, R with counts a >= b differ
  significantly when |a - b| >= 1.65 * sqrt((a + b)(2n - a - b) / (2n)), n = all answers; as
  in stp25kano it is not computed when M + O + A + I < 12;
- the continuous (DuMouchel) scores of Berger et al. (1993): functional answers scored like 4,
  must-be 2, neutral 0, live-with -1, dislike -2; dysfunctional answers on the mirrored scale
  like -2, must-be -1, neutral 0, live-with 2, dislike 4 (stp25kano uses the same scale divided
  by 4). Means of both per feature.

Answers are accepted as codes 1-5 (1 like ... 5 dislike, the order of the evaluation table),
or as English or Persian words, with any case, spacing and zero-width non-joiners.

Example
-------
>>> kano_category("like", "dislike")
'O'
>>> r = kano_from_counts({"M": 9, "O": 10, "A": 1, "I": 2, "R": 3, "Q": 0})
>>> r.mode, r.category, round(r.better, 4), round(r.worse, 4), r.fong_significant
('O', 'M', 0.5, -0.8636, False)
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from crmplay.core.errors import AnalysisError

#: The six Kano categories in the order of the M > O > A > I rule (then R, Q).
CATEGORIES: tuple[str, ...] = ("M", "O", "A", "I", "R", "Q")
#: Snake-case ids of the categories (used in results JSON and catalogue keys).
CATEGORY_IDS: dict[str, str] = {
    "M": "must_be", "O": "one_dimensional", "A": "attractive",
    "I": "indifferent", "R": "reverse", "Q": "questionable",
}
#: The five answers, code 1-5, in the order of the evaluation table.
ANSWERS: tuple[str, ...] = ("like", "must_be", "neutral", "live_with", "dislike")

#: Berger et al. (1993), Kano evaluation table. Rows: functional answer 1-5, columns:
#: dysfunctional answer 1-5 (like, must-be, neutral, live-with, dislike).
EVALUATION_TABLE: tuple[tuple[str, ...], ...] = (
    ("Q", "A", "A", "A", "O"),  # functional: like
    ("R", "I", "I", "I", "M"),  # functional: must-be
    ("R", "I", "I", "I", "M"),  # functional: neutral
    ("R", "I", "I", "I", "M"),  # functional: live-with
    ("R", "R", "R", "R", "Q"),  # functional: dislike
)
_EVAL = np.array(EVALUATION_TABLE, dtype=object)

#: DuMouchel scores (Berger et al. 1993, "continuous analysis"), indexed by answer code 1-5.
FUNCTIONAL_SCORES: tuple[float, ...] = (4.0, 2.0, 0.0, -1.0, -2.0)
DYSFUNCTIONAL_SCORES: tuple[float, ...] = (-2.0, -1.0, 0.0, 2.0, 4.0)

#: stp25kano reports Fong's test as "n.a." when M + O + A + I is below this.
FONG_MIN_ANSWERS = 12
#: One-sided z for 95% used by Fong (1996).
FONG_Z = 1.65

# Words accepted for each answer code, after normalisation (see _normalise_text).
_WORDS: dict[int, tuple[str, ...]] = {
    1: ("like", "like it", "i like it", "i like it that way", "i would like it", "i like it this way",
        "خوشم می آید", "خوشم میاد", "خوشم می اید", "دوست دارم", "خوشحال می شوم"),
    2: ("must be", "mustbe", "must", "expect", "expect it", "i expect it", "i expect it to be that way",
        "it must be that way", "i expect it (it must be that way)", "expected",
        "انتظار دارم", "انتظارش را دارم", "باید باشد", "باید این طور باشد", "باید اینطور باشد",
        "لازم است", "ضروری است", "انتظارش را دارم (باید باشد)"),
    3: ("neutral", "i am neutral", "im neutral", "i'm neutral", "indifferent", "dont care",
        "i dont care", "no feeling", "بی تفاوتم", "بی تفاوت", "برایم فرقی ندارد", "فرقی ندارد",
        "خنثی", "نظری ندارم"),
    4: ("live with", "live with it", "i can live with it", "i can live with it that way",
        "can live with it", "tolerate", "tolerate it", "i can tolerate it", "can tolerate it",
        "می توانم با آن کنار بیایم", "کنار می آیم", "می توانم تحمل کنم", "قابل تحمل است",
        "تحمل می کنم", "قابل تحمل"),
    5: ("dislike", "dislike it", "i dislike it", "i dislike it that way", "i would dislike it",
        "بدم می آید", "بدم میاد", "بدم می اید", "دوست ندارم", "ناراحت می شوم"),
}

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_FOLD = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "\u200c": " ", "\u200d": " ", "-": " ",
                       "_": " ", "\u00a0": " ", "’": "", "'": "", "`": "", "ـ": ""})
_PUNCT_RE = re.compile(r"[.,!?؟،؛;:\"«»()\[\]/]+")
_SPACE_RE = re.compile(r"\s+")


def _normalise_text(value: str) -> str:
    text = unicodedata.normalize("NFC", str(value)).casefold().translate(_FOLD).translate(_DIGITS)
    text = _PUNCT_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


_LOOKUP: dict[str, int] = {}
for _code, _words in _WORDS.items():
    for _w in _words:
        _LOOKUP[_normalise_text(_w)] = _code
        _LOOKUP[_normalise_text(_w).replace(" ", "")] = _code


class KanoAnswerError(AnalysisError):
    """Kano answers that are not one of the five accepted answers; ``unrecognised`` lists them."""

    def __init__(self, unrecognised: list[str], column: str = "answer"):
        self.unrecognised = list(unrecognised)
        shown = ", ".join(repr(u) for u in self.unrecognised[:10])
        more = f" and {len(self.unrecognised) - 10} more" if len(self.unrecognised) > 10 else ""
        super().__init__(
            f"unrecognised Kano {column} value(s): {shown}{more}; expected a code 1-5 "
            "(1 like, 2 must-be, 3 neutral, 4 live-with, 5 dislike) or one of those words in "
            "English or Persian")


def normalise_answer(value: Any) -> int | None:
    """The answer code 1-5 of one Kano answer, ``None`` for a blank answer.

    Accepts codes (``1``, ``"1"``, ``"۱"``, ``1.0``) and words in English or Persian
    (``"I like it"``, ``"must-be"``, ``"Live with"``, ``"بدم می‌آید"``), case and spacing
    ignored. Raises :class:`KanoAnswerError` for anything else.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if float(value) in (1.0, 2.0, 3.0, 4.0, 5.0):
            return int(value)
        raise KanoAnswerError([str(value)])
    text = _normalise_text(value)
    if not text:
        return None
    if re.fullmatch(r"[1-5](\.0+)?", text):
        return int(text[0])
    code = _LOOKUP.get(text) or _LOOKUP.get(text.replace(" ", ""))
    if code is None:
        raise KanoAnswerError([str(value)])
    return code


def normalise_answers(values: pd.Series, column: str = "answer") -> pd.Series:
    """Vectorised :func:`normalise_answer`: a nullable ``Int64`` series of codes 1-5.

    Every unrecognised value is collected into one :class:`KanoAnswerError`.
    """
    positions, uniques = pd.factorize(values, use_na_sentinel=True)
    codes = np.full(len(uniques) + 1, np.nan)  # the last slot serves blanks (position -1)
    bad: list[str] = []
    for i, u in enumerate(uniques):
        try:
            code = normalise_answer(u)
        except KanoAnswerError:
            bad.append(str(u))
            continue
        if code is not None:
            codes[i] = code
    if bad:
        raise KanoAnswerError(sorted(set(bad)), column)
    return pd.Series(pd.array(codes[positions], dtype="Int64"), index=values.index)


def kano_category(functional: Any, dysfunctional: Any) -> str:
    """The Kano category (``M``, ``O``, ``A``, ``I``, ``R`` or ``Q``) of one answer pair.

    Berger et al. (1993) evaluation table; answers as codes 1-5 or words (see module doc).

    >>> kano_category("must-be", "dislike"), kano_category(1, 3), kano_category("like", "like")
    ('M', 'A', 'Q')
    """
    f, d = normalise_answer(functional), normalise_answer(dysfunctional)
    if f is None or d is None:
        raise ValueError("both the functional and the dysfunctional answer are needed to classify a pair")
    return EVALUATION_TABLE[f - 1][d - 1]


def classify_responses(responses: pd.DataFrame) -> pd.DataFrame:
    """Add ``functional_code``, ``dysfunctional_code`` (1-5) and ``category`` to each answer pair.

    Pairs with a blank answer get a missing category (they are not counted).
    """
    _require(responses, ("feature", "functional", "dysfunctional"))
    out = responses.copy()
    f = normalise_answers(out["functional"], "functional")
    d = normalise_answers(out["dysfunctional"], "dysfunctional")
    out["functional_code"] = f
    out["dysfunctional_code"] = d
    ok = f.notna() & d.notna()
    cat = pd.Series(pd.NA, index=out.index, dtype="string")
    if ok.any():
        fi = f[ok].to_numpy(dtype=int) - 1
        di = d[ok].to_numpy(dtype=int) - 1
        cat[ok] = _EVAL[fi, di].astype(str)
    out["category"] = cat
    return out


@dataclass(frozen=True)
class KanoResult:
    """The Kano figures of one feature. Shares and strengths are 0-1; Better in [0, 1], Worse in
    [-1, 0]; DuMouchel means on the -2..4 scale. ``None`` where a figure cannot be computed
    (``note`` says why)."""

    n: int
    M: int
    O: int  # noqa: E741 - the category's letter
    A: int
    I: int  # noqa: E741
    R: int
    Q: int
    mode: str | None
    category: str | None
    tie_rule_applied: bool
    category_strength: float | None
    total_strength: float | None
    better: float | None
    worse: float | None
    fong_statistic: float | None  # |a - b|
    fong_critical: float | None  # 1.65 * sqrt((a + b)(2n - a - b) / (2n))
    fong_significant: bool | None
    note: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def kano_from_counts(counts: Mapping[str, int], tie_threshold: float = 0.06) -> KanoResult:
    """All Kano figures of one feature from its category counts.

    Parameters
    ----------
    counts : mapping of category letter to count (missing letters count 0).
    tie_threshold : share of all answers (0-1) within which the two most frequent categories
        count as tied, so the M > O > A > I rule decides (stp25kano uses 0.06).

    Worked example (the acceptance vector of this step): M 9, O 10, A 1, I 2, R 3, Q 0 gives
    mode O; O and M differ by 1/25 = 0.04 <= 0.06 so the rule gives M; Better = 11/22 = 0.5;
    Worse = -19/22 = -0.8636; Fong: |10 - 9| = 1 < 1.65 * sqrt(19 * 31 / 50) = 5.66, not
    significant.
    """
    c = {k: int(counts.get(k, 0) or 0) for k in CATEGORIES}
    if any(v < 0 for v in c.values()):
        raise ValueError(f"Kano counts must be non-negative, got {c}")
    n = sum(c.values())
    M, O, A, I, R, Q = (c[k] for k in CATEGORIES)  # noqa: E741
    if n == 0:
        return KanoResult(0, 0, 0, 0, 0, 0, 0, None, None, False, None, None, None, None,
                          None, None, None, "no answers")
    # Mode over all six, ties broken in the order M, O, A, I, R, Q (stable sort as in stp25kano).
    ranked = sorted(CATEGORIES, key=lambda k: -c[k])
    mode = ranked[0]
    five = sorted(("M", "O", "A", "I", "R"), key=lambda k: -c[k])
    category_strength = (c[five[0]] - c[five[1]]) / n
    total_strength = (A + O + M) / n
    tie_rule = category_strength <= tie_threshold + 1e-12
    category = mode
    notes: list[str] = []
    if tie_rule:
        top_two = ranked[:2]
        for k in ("M", "O", "A", "I"):
            if k in top_two:
                category = k
                break
        else:
            notes.append("the two most frequent answers are reverse/questionable; the mode stands")
    tie_rule_applied = tie_rule and category != mode
    core = A + O + M + I
    if core:
        better: float | None = (A + O) / core
        worse: float | None = -(O + M) / core
    else:
        better = worse = None
        notes.append("only reverse or questionable answers: Better and Worse are undefined")
    if core < FONG_MIN_ANSWERS:
        fong_stat = fong_crit = None
        fong_sig: bool | None = None
        notes.append(f"fewer than {FONG_MIN_ANSWERS} M/O/A/I answers: Fong's test not computed")
    else:
        a, b = c[five[0]], c[five[1]]
        fong_stat = float(abs(a - b))
        fong_crit = FONG_Z * math.sqrt((a + b) * (2 * n - a - b) / (2 * n))
        fong_sig = bool(fong_stat >= fong_crit)
    return KanoResult(n, M, O, A, I, R, Q, mode, category, bool(tie_rule_applied),
                      float(category_strength), float(total_strength), better, worse,
                      fong_stat, fong_crit, fong_sig, "; ".join(notes))


def kano_table(responses: pd.DataFrame, tie_threshold: float = 0.06) -> pd.DataFrame:
    """One row per feature with the Kano figures (see :class:`KanoResult` and the module doc).

    Parameters
    ----------
    responses : the ``kano_responses`` table: ``feature``, ``functional``, ``dysfunctional``
        (``respondent_id`` optional). Answers as codes 1-5 or English/Persian words.
    tie_threshold : see :func:`kano_from_counts`.

    Returns
    -------
    DataFrame with columns feature, n, M, O, A, I, R, Q, mode, category, category_name,
    tie_rule_applied, category_strength, total_strength, better, worse, fong_statistic,
    fong_critical, fong_significant, functional_mean, dysfunctional_mean, unanswered, note;
    features in order of first appearance. Pairs with a blank answer are counted in
    ``unanswered`` only.
    """
    columns = ["feature", "n", *CATEGORIES, "mode", "category", "category_name", "tie_rule_applied",
               "category_strength", "total_strength", "better", "worse", "fong_statistic",
               "fong_critical", "fong_significant", "functional_mean", "dysfunctional_mean",
               "unanswered", "note"]
    if responses is None or len(responses) == 0:
        return pd.DataFrame(columns=columns)
    classified = classify_responses(responses)
    classified = classified[classified["feature"].notna()]
    features = pd.unique(classified["feature"])
    answered = classified[classified["category"].notna()]
    counts = answered.groupby(["feature", "category"], sort=False).size().unstack(fill_value=0)
    counts = counts.reindex(index=features, columns=list(CATEGORIES), fill_value=0)
    fscore = np.array((np.nan, *FUNCTIONAL_SCORES))
    dscore = np.array((np.nan, *DYSFUNCTIONAL_SCORES))
    scores = pd.DataFrame({
        "feature": answered["feature"],
        "f": fscore[answered["functional_code"].to_numpy(dtype=int)],
        "d": dscore[answered["dysfunctional_code"].to_numpy(dtype=int)],
    }).groupby("feature", sort=False)[["f", "d"]].mean()
    unanswered = (classified["category"].isna().groupby(classified["feature"], sort=False)
                  .sum().reindex(features, fill_value=0))
    rows = []
    for feature in features:
        r = kano_from_counts(counts.loc[feature].to_dict(), tie_threshold)
        row = {"feature": feature, **r.as_dict()}
        row["category_name"] = CATEGORY_IDS.get(r.category) if r.category else None
        row["functional_mean"] = scores["f"].get(feature, np.nan)
        row["dysfunctional_mean"] = scores["d"].get(feature, np.nan)
        row["unanswered"] = int(unanswered.get(feature, 0))
        if r.n == 0:
            row["note"] = "no complete answer pairs"
        rows.append(row)
    out = pd.DataFrame(rows)[columns]
    for col in ("better", "worse", "category_strength", "total_strength", "fong_statistic",
                "fong_critical", "functional_mean", "dysfunctional_mean"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    return out


def _require(df: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"missing column(s) {', '.join(missing)}; expected {', '.join(columns)}")


__all__ = [
    "ANSWERS", "CATEGORIES", "CATEGORY_IDS", "DYSFUNCTIONAL_SCORES", "EVALUATION_TABLE",
    "FUNCTIONAL_SCORES", "KanoAnswerError", "KanoResult", "classify_responses", "kano_category",
    "kano_from_counts", "kano_table", "normalise_answer", "normalise_answers",
]
