"""Capability audit, service-behaviour checks, needs interviews and the ranked priority list.

- :func:`capability_audit`: the consultant's 1-5 maturity scores and targets for the seven CRM
  aspects (seed 003) or the six service behaviours (seed 001), from the ``assessment`` table.
  Every item of the framework gets a row, in the framework's order; an item the table does not
  score is marked ``not assessed`` (never dropped). gap = score - target (negative = below target).
- :func:`behaviour_data_checks`: where the complaints log speaks, a data-based reading of a
  behaviour beside the consultant's score (resolution speed and transfers -> resolve_fast;
  escalations -> resolve_fast and own_mistakes; compensation -> compensate; repeat complaints ->
  keep_promises). The thresholds are playbook conventions (:data:`DATA_CHECK_THRESHOLDS`), not
  figures from the seeds, and the report says so.
- :func:`interview_needs`: coded interview statements ranked into a need list.
- :func:`priorities`: one ranked list of needs and gaps from every source (rule in its docstring).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmplay.core.frameworks import FRAMEWORKS, MATURITY_LEVELS, get_item, item_ids
from crmplay.chapters.needs.complaints import ComplaintKPIs, pareto_vital_few

# ---------------------------------------------------------------------------------------------
# Capability and behaviour audit


def capability_audit(assessment: pd.DataFrame | None, framework: str = "aspects") -> pd.DataFrame:
    """The maturity gap table of one framework (``aspects`` or ``behaviours``).

    Parameters
    ----------
    assessment : the ``assessment`` table (framework, item, score 1-5, target 1-5, evidence).
        Several rows for one item (several assessors) are averaged; their evidence is joined.
    framework : ``aspects`` | ``behaviours`` | ``dimensions``.

    Returns
    -------
    DataFrame with one row per framework item (in :mod:`crmplay.core.frameworks` order): item,
    title_en, title_fa, score, target, gap (score - target, maturity levels), level (the maturity
    level name of the rounded score), evidence, status (``below target`` | ``at or above target``
    | ``no target`` | ``not assessed``). ``attrs["unknown_items"]`` lists item ids in the table
    that the framework does not define (they are left out of the table, and the report says so).
    """
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}; expected one of {', '.join(FRAMEWORKS)}")
    ids = item_ids(framework)
    rows = pd.DataFrame({"item": list(ids)})
    unknown: list[str] = []
    if assessment is not None and len(assessment):
        missing = [c for c in ("framework", "item", "score") if c not in assessment.columns]
        if missing:
            raise ValueError(f"the assessment table is missing column(s) {', '.join(missing)}; "
                             "expected framework, item, score, target, evidence")
        part = assessment[assessment["framework"].astype(str).str.strip().str.lower() == framework].copy()
        part["item"] = part["item"].astype(str).str.strip()
        for col in ("score", "target"):
            if col in part.columns:
                part[col] = pd.to_numeric(part[col], errors="raise").astype(float)
                bad = part[col].notna() & ~part[col].between(1, 5)
                if bad.any():
                    raise ValueError(f"assessment {col} must be 1-5; got {', '.join(f'{v:g}' for v in part.loc[bad, col].unique()[:5])} "
                                     f"for {framework} item(s) {', '.join(part.loc[bad, 'item'].unique()[:5])}")
        unknown = sorted(set(part["item"]) - set(ids))
        part = part[part["item"].isin(ids)]
        if "target" not in part.columns:
            part["target"] = np.nan
        if "evidence" not in part.columns:
            part["evidence"] = pd.NA
        agg = part.groupby("item", sort=False).agg(
            score=("score", "mean"), target=("target", "mean"),
            evidence=("evidence", lambda s: " | ".join(str(v) for v in s.dropna() if str(v).strip())),
        )
        rows = rows.merge(agg, left_on="item", right_index=True, how="left")
    else:
        rows["score"] = np.nan
        rows["target"] = np.nan
        rows["evidence"] = ""
    rows["score"] = rows["score"].astype(float)
    rows["target"] = rows["target"].astype(float)
    rows["gap"] = rows["score"] - rows["target"]
    rows["title_en"] = [get_item(framework, i).title_en for i in rows["item"]]
    rows["title_fa"] = [get_item(framework, i).title_fa for i in rows["item"]]
    rows["level"] = [MATURITY_LEVELS[int(round(s))][0] if pd.notna(s) else None for s in rows["score"]]
    rows["evidence"] = rows["evidence"].fillna("").astype(str)
    rows["status"] = np.select(
        [rows["score"].isna(), rows["target"].isna(), rows["gap"] < 0],
        ["not assessed", "no target", "below target"], "at or above target")
    out = rows[["item", "title_en", "title_fa", "score", "target", "gap", "level", "evidence", "status"]]
    out.attrs["unknown_items"] = unknown
    return out


#: Conventions for reading the complaints log against the behaviours: (good if <=, poor if >)
#: for rates where lower is better; fcr_rate reads the other way. Playbook conventions, stated
#: in the report; adjust in a client's review if its industry norms differ.
DATA_CHECK_THRESHOLDS: dict[str, tuple[float, float]] = {
    "sla_breach_rate": (0.10, 0.25),
    "transfers_per_contact": (0.5, 1.0),
    "fcr_rate": (0.70, 0.50),  # good if >= 0.70, poor if < 0.50
    "escalation_rate": (0.05, 0.15),
    "repeat_30d_rate": (0.05, 0.15),
}
#: Which complaint figures speak to which behaviour.
BEHAVIOUR_METRICS: dict[str, tuple[str, ...]] = {
    "resolve_fast": ("sla_breach_rate", "fcr_rate", "transfers_per_contact", "escalation_rate"),
    "own_mistakes": ("escalation_rate",),
    "keep_promises": ("repeat_30d_rate",),
    "compensate": ("compensation",),
}
_SIGNAL_ORDER = {"good": 0, "mixed": 1, "poor": 2}


def _signal(metric: str, value: float) -> str:
    good, poor = DATA_CHECK_THRESHOLDS[metric]
    if metric == "fcr_rate":
        return "good" if value >= good else ("poor" if value < poor else "mixed")
    return "good" if value <= good else ("poor" if value > poor else "mixed")


def behaviour_data_checks(kpis: ComplaintKPIs | None) -> pd.DataFrame:
    """A data-based reading of the service behaviours from the complaints log.

    Returns one row per behaviour the data speaks to: item, signal (``good`` | ``mixed`` |
    ``poor``: the worst of its metrics), metrics (dict of the figures used) and reading (short
    English text built from the numbers). Behaviours the log says nothing about are absent.
    """
    cols = ["item", "signal", "metrics", "reading"]
    if kpis is None or kpis.n == 0:
        return pd.DataFrame(columns=cols)
    rows = []
    for item, metrics in BEHAVIOUR_METRICS.items():
        if item == "compensate":
            if kpis.compensated_share is None:
                continue
            used = {"compensated_share": kpis.compensated_share,
                    "compensation_per_compensated": kpis.compensation_per_compensated,
                    "compensation_vs_acquisition": kpis.compensation_vs_acquisition}
            if kpis.compensated_share == 0:
                signal, text = "poor", "no complaint was compensated"
            elif kpis.compensation_vs_acquisition is None:
                signal = "mixed"
                text = (f"{kpis.compensated_share:.0%} of complaints compensated; acquisition cost not set, "
                        "so the cost cannot be compared with winning a new customer")
            elif kpis.compensation_vs_acquisition < 1:
                signal = "good"
                text = (f"{kpis.compensated_share:.0%} of complaints compensated at "
                        f"{kpis.compensation_vs_acquisition:.0%} of the cost of acquiring a customer")
            else:
                signal = "mixed"
                text = (f"a compensated complaint costs {kpis.compensation_vs_acquisition:.1f}x "
                        "the cost of acquiring a customer")
            rows.append({"item": item, "signal": signal, "metrics": used, "reading": text})
            continue
        used = {m: getattr(kpis, m) for m in metrics if getattr(kpis, m) is not None}
        if not used:
            continue
        signals = {m: _signal(m, v) for m, v in used.items()}
        worst = max(signals.values(), key=_SIGNAL_ORDER.get)
        parts = []
        for m, v in used.items():
            if m == "transfers_per_contact":
                parts.append(f"{v:.2f} transfers per contact")
            elif m == "sla_breach_rate":
                parts.append(f"{v:.0%} past the {kpis.sla_hours:g}-hour target")
            elif m == "fcr_rate":
                parts.append(f"{v:.0%} resolved at first contact")
            elif m == "escalation_rate":
                parts.append(f"{v:.0%} escalated")
            elif m == "repeat_30d_rate":
                parts.append(f"{v:.0%} repeat complaints within 30 days")
        rows.append({"item": item, "signal": worst, "metrics": used, "reading": "; ".join(parts)})
    return pd.DataFrame(rows, columns=cols)


def behaviours_with_checks(audit: pd.DataFrame, checks: pd.DataFrame) -> pd.DataFrame:
    """The behaviour audit table with ``data_signal``, ``data_reading`` and ``agreement``:
    ``agrees`` | ``score looks generous`` (score >= 4 but the data reads poor) | ``score looks
    harsh`` (score <= 2 but the data reads good) | ``no data check`` | ``not assessed``."""
    out = audit.copy()
    lookup = checks.set_index("item") if len(checks) else pd.DataFrame(columns=["signal", "reading"])
    out["data_signal"] = pd.Series([lookup["signal"].get(i) if i in lookup.index else None for i in out["item"]],
                                   index=out.index, dtype=object)
    out["data_reading"] = pd.Series([lookup["reading"].get(i) if i in lookup.index else None for i in out["item"]],
                                    index=out.index, dtype=object)
    agreement = []
    for score, signal in zip(out["score"], out["data_signal"]):
        if not isinstance(signal, str):
            agreement.append("no data check")
        elif pd.isna(score):
            agreement.append("not assessed")
        elif score >= 4 and signal == "poor":
            agreement.append("score looks generous")
        elif score <= 2 and signal == "good":
            agreement.append("score looks harsh")
        else:
            agreement.append("agrees")
    out["agreement"] = agreement
    return out


# ---------------------------------------------------------------------------------------------
# Interviews


def interview_needs(interviews: pd.DataFrame | None, quotes_per_theme: int = 2) -> pd.DataFrame:
    """Coded interview statements ranked into a need list.

    Ranking rule: themes with the most respondents voicing a **dislike** come first (an unmet
    need), ties broken by the number of dislike statements, then by all mentions. Themes with
    likes only follow (strengths to keep).

    Returns
    -------
    DataFrame: theme, respondents (distinct respondents mentioning it), mentions, likes,
    dislikes, dislike_respondents, dislike_share (dislikes / mentions, 0-1),
    respondent_share (respondents / all interviewees, 0-1), rank, dislike_quotes, like_quotes
    (lists of raw statements: pass each through ``ctx.quote`` before showing it).
    """
    cols = ["rank", "theme", "respondents", "mentions", "likes", "dislikes", "dislike_respondents",
            "dislike_share", "respondent_share", "dislike_quotes", "like_quotes"]
    if interviews is None or len(interviews) == 0:
        return pd.DataFrame(columns=cols)
    missing = [c for c in ("statement", "polarity") if c not in interviews.columns]
    if missing:
        raise ValueError(f"the interviews table is missing column(s) {', '.join(missing)}; "
                         "expected respondent_id, statement, polarity (like|dislike), theme")
    df = interviews.copy()
    df["polarity"] = df["polarity"].astype(str).str.strip().str.lower()
    bad = sorted(set(df["polarity"]) - {"like", "dislike"})
    if bad:
        raise ValueError(f"interview polarity must be like or dislike; got {', '.join(map(repr, bad[:5]))}")
    df["theme"] = df["theme"].astype(object).where(df["theme"].notna(), "uncoded") if "theme" in df.columns else "uncoded"
    if "respondent_id" not in df.columns:
        df["respondent_id"] = np.arange(len(df)).astype(str)
    df["respondent_id"] = df["respondent_id"].astype(object).where(df["respondent_id"].notna(), pd.Series(
        [f"row{i}" for i in range(len(df))], index=df.index))
    total_respondents = df["respondent_id"].nunique()
    g = df.groupby("theme", sort=False)
    dis = df[df["polarity"] == "dislike"].groupby("theme", sort=False)
    like = df[df["polarity"] == "like"].groupby("theme", sort=False)
    out = pd.DataFrame({
        "respondents": g["respondent_id"].nunique(),
        "mentions": g.size(),
    })
    out["likes"] = like.size().reindex(out.index, fill_value=0)
    out["dislikes"] = dis.size().reindex(out.index, fill_value=0)
    out["dislike_respondents"] = dis["respondent_id"].nunique().reindex(out.index, fill_value=0)
    out["dislike_share"] = out["dislikes"] / out["mentions"]
    out["respondent_share"] = out["respondents"] / total_respondents
    first_quotes = lambda s: [str(v) for v in s.dropna().head(quotes_per_theme)]  # noqa: E731
    out["dislike_quotes"] = dis["statement"].agg(first_quotes).reindex(out.index)
    out["like_quotes"] = like["statement"].agg(first_quotes).reindex(out.index)
    for c in ("dislike_quotes", "like_quotes"):
        out[c] = [v if isinstance(v, list) else [] for v in out[c]]
    out = out.reset_index().rename(columns={"index": "theme"})
    out = out.sort_values(["dislike_respondents", "dislikes", "mentions", "theme"],
                          ascending=[False, False, False, True], kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    out = out[cols]
    out.attrs["interviewees"] = int(total_respondents)
    return out


# ---------------------------------------------------------------------------------------------
# Priorities


#: Keywords that map a need, feature, theme or complaint category to a dimension of seed 004.
#: Matched on the lower-cased text (English and Persian). Extend per client with
#: ``[steps.needs] dimension_map`` (need/theme id -> dimension id).
DIMENSION_KEYWORDS: dict[str, tuple[str, ...]] = {
    "clear_bills": ("bill", "invoice", "charge", "overcharg", "tariff", "صورتحساب", "صورت حساب", "قبض", "فاکتور"),
    "problem_hero": ("one number", "single number", "call centre", "call center", "resolution", "resolve",
                     "problem", "support", "transfer", "hotline", "helpdesk", "complaint handling",
                     "یک شماره", "شماره واحد", "مرکز تماس", "پشتیبانی", "حل مشکل", "انتقال تماس"),
    "discover_value": ("alert", "low balance", "low-balance", "notification", "remind", "هشدار", "اعلان", "اطلاع"),
    "teach_setup": ("setup", "set-up", "set up", "install", "onboard", "tutorial", "how to", "نصب", "راه اندازی", "راه‌اندازی", "آموزش"),
    "get_talking": ("social", "referr", "recommend", "word of mouth", "شبکه های اجتماعی", "شبکه‌های اجتماعی", "معرفی"),
    "enjoyable_upgrades": ("upgrade", "renew", "plan change", "change plan", "cross-sell", "extension", "ارتقا", "تمدید"),
    "value_the_valuable": ("reward", "loyal", "points", "gift", "vip", "پاداش", "وفادار", "امتیاز", "هدیه"),
    "turn_unhappy": ("unhappy", "follow-up", "follow up", "feedback", "ناراضی", "پیگیری", "بازخورد"),
    "win_back": ("cancel", "win back", "winback", "churn", "leave", "لغو", "بازگشت"),
    "differentiated_experience": ("app", "experience", "speed", "innovation", "اپلیکیشن", "تجربه", "سرعت"),
}
#: Framework items that map to a dimension (aspects and behaviours).
ITEM_DIMENSIONS: dict[str, str] = {
    "needs": "discover_value", "complaints": "problem_hero", "service": "problem_hero",
    "loyalty": "value_the_valuable", "retention": "turn_unhappy", "satisfaction": "turn_unhappy",
    "response": "problem_hero", "resolve_fast": "problem_hero", "own_mistakes": "problem_hero",
    "compensate": "turn_unhappy", "adapt": "discover_value", "listen": "discover_value",
}
#: A Kano must-be/one-dimensional feature whose performance is unknown counts at this weight.
UNMEASURED_KANO_WEIGHT = 0.5
#: Each further source that names the same need (merged into one item) adds this to its score;
#: so does a poor complaints-data reading of a behaviour.
SAME_NEED_BONUS = 0.10
#: Each other customer-voice source whose items map to the same dimension adds this.
CORROBORATION_BONUS = 0.05
#: The corroboration bonus of one item is capped here.
MAX_BONUS = 0.30
#: Sources that carry the customers' own voice (the audit scores are the consultant's).
CUSTOMER_SOURCES = frozenset({"ipa", "kano", "interviews", "complaints"})
#: Complaint categories in the Pareto "vital few" count when they hold at least this share.
MIN_COMPLAINT_SHARE = 0.10
SOURCES: tuple[str, ...] = ("ipa", "kano", "interviews", "aspects", "behaviours", "complaints")


def slug(text: Any) -> str:
    """An id from free text: lower case, words joined by ``_`` (Persian letters kept)."""
    return re.sub(r"[\W_]+", "_", str(text).strip().lower(), flags=re.UNICODE).strip("_") or "item"


def item_label(item: Any, lang: str = "en", framework: str | None = None) -> str:
    """A display label: framework titles for aspects/behaviours/dimensions, the ``needs.label``
    catalogue for known need/feature/theme ids, else the id with spaces ("clear_bills" ->
    "Clear bills")."""
    from crmplay.core.i18n import has, t

    text = str(item)
    if framework:
        try:
            return get_item(framework, text).title(lang)
        except KeyError:
            pass
    key = f"needs.label.{slug(text)}"
    if has(key, lang):
        return t(key, lang)
    if "_" in text or text.islower():
        text = text.replace("_", " ").strip()
        return text[:1].upper() + text[1:]
    return text


def dimension_for(text: Any, overrides: Mapping[str, str] | None = None) -> str | None:
    """The dimension id a need/theme/category maps to, or ``None`` (see :data:`DIMENSION_KEYWORDS`)."""
    key = slug(text)
    if overrides and (key in overrides or str(text) in overrides):
        return overrides.get(key) or overrides.get(str(text))
    if key in ITEM_DIMENSIONS:
        return ITEM_DIMENSIONS[key]
    low = " " + str(text).lower().replace("_", " ").replace("\u200c", " ") + " "
    for dim, words in DIMENSION_KEYWORDS.items():
        for w in words:
            w2 = w.replace("\u200c", " ")
            if len(w2) <= 3:
                if re.search(rf"(?<!\w){re.escape(w2)}(?!\w)", low):
                    return dim
            elif w2 in low:
                return dim
    return None


def priorities(ipa: pd.DataFrame | None = None, kano: pd.DataFrame | None = None,
               interviews: pd.DataFrame | None = None, aspects: pd.DataFrame | None = None,
               behaviours: pd.DataFrame | None = None, complaints: ComplaintKPIs | None = None,
               scale: tuple[float, float] = (1.0, 5.0),
               dimension_map: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One ranked list of needs and gaps from every source the client supplied.

    Ranking rule (documented in the playbook). Each candidate gets a **severity** in 0-1:

    - ``ipa``: needs in Concentrate Here; severity = (importance - performance) / scale width,
      floored at 0, plus 0.05 so that a Concentrate Here need with a small gap still outranks
      nothing;
    - ``kano``: must-be (M) and one-dimensional (O) features; severity = |Worse| x (1 -
      performance scaled 0-1) when the feature's performance is measured in the IPA survey (same
      name), and only when that performance is below the IPA crosshair; when it is not
      measured, |Worse| x 0.5 (:data:`UNMEASURED_KANO_WEIGHT`);
    - ``interviews``: themes with dislikes; severity = share of interviewees who voiced a dislike;
    - ``aspects`` / ``behaviours``: items below target; severity = (target - score) / 4;
    - ``complaints``: Pareto "vital few" categories holding at least 10% of complaints; severity
      = their share of complaints;

    Candidates naming the same need (same id once a plural ``s`` is dropped, e.g. IPA "clear
    bills" and Kano "clear bill", or interview theme and complaint category "billing") merge into
    one item that keeps the highest severity and lists every source. Then

    **score** = severity + 0.10 x each further source naming the same need (a behaviour whose
    complaints-data reading is poor counts the complaints log as one) + 0.05 x each other
    customer-voice source (ipa, kano, interviews, complaints) whose items map to the same
    dimension, the bonus capped at 0.30. Items are ranked by score, then severity, then source
    order (ipa, kano, interviews, aspects, behaviours, complaints), then id.

    Returns
    -------
    DataFrame: rank, id, label_en, label_fa, source (of the highest severity), sources (all),
    gap, importance, performance, severity, score, corroborated_by (list of sources), evidence
    (English text from the numbers), dimension.
    ``gap`` is performance - importance (IPA; rating points), score - target (audit; maturity
    levels), Worse (Kano), -share (complaints, interviews); negative = shortfall.
    """
    cands: list[dict[str, Any]] = []
    width = float(scale[1]) - float(scale[0]) or 1.0

    def add(source, ident, label_en, label_fa, gap, importance, performance, severity, evidence, dim_text,
            data_poor=False):
        cands.append({"id": slug(ident), "label_en": item_label(label_en, "en"), "label_fa": item_label(label_fa, "fa"),
                      "source": source,
                      "gap": gap, "importance": importance, "performance": performance,
                      "severity": float(min(1.0, max(0.0, severity))), "evidence": evidence,
                      "dimension": dimension_for(dim_text, dimension_map), "_data_poor": data_poor})

    perf_by_need: dict[str, float] = {}
    p_cut = None
    if ipa is not None and len(ipa):
        p_cut = ipa.attrs.get("performance_cut")
        perf_by_need = {_match_key(slug(n)): p for n, p in zip(ipa["need"], ipa["performance"])}
        for r in ipa[ipa["quadrant"] == "concentrate_here"].itertuples():
            sev = max(0.0, (r.importance - r.performance) / width) + 0.05
            add("ipa", r.need, r.need, r.need, r.gap, r.importance, r.performance, sev,
                f"importance {r.importance:.2f}, performance {r.performance:.2f} (gap {r.gap:+.2f}); "
                f"concentrate here; {r.n} ratings", r.need)
    if kano is not None and len(kano):
        for r in kano[kano["category"].isin(["M", "O"])].itertuples():
            if r.worse is None or pd.isna(r.worse):
                continue
            perf = perf_by_need.get(_match_key(slug(r.feature)))
            kind = "must-be" if r.category == "M" else "one-dimensional"
            if perf is not None and not pd.isna(perf):
                if p_cut is not None and perf >= p_cut:
                    continue
                sev = abs(r.worse) * (1 - (perf - scale[0]) / width)
                ev = f"Kano {kind} (Worse {r.worse:.2f}), performance {perf:.2f} below the crosshair; {r.n} answers"
            else:
                perf = None
                sev = abs(r.worse) * UNMEASURED_KANO_WEIGHT
                ev = f"Kano {kind} (Worse {r.worse:.2f}); performance not measured; {r.n} answers"
            add("kano", r.feature, r.feature, r.feature, float(r.worse), None, perf, sev, ev, r.feature)
    if interviews is not None and len(interviews):
        total = interviews.attrs.get("interviewees")
        if not total:  # respondent_share is respondents / interviewees
            first = interviews.iloc[0]
            total = first["respondents"] / first["respondent_share"] if first["respondent_share"] else None
        for r in interviews[interviews["dislikes"] > 0].itertuples():
            share = r.dislike_respondents / total if total else 0.0
            add("interviews", r.theme, r.theme, r.theme, -share, None, None, share,
                f"{r.dislike_respondents} of {int(round(total or 0))} interviewees disliked it "
                f"({r.dislikes} of {r.mentions} statements)", r.theme)
    for source, table in (("aspects", aspects), ("behaviours", behaviours)):
        if table is None or not len(table):
            continue
        for r in table[table["gap"] < 0].itertuples():
            ev = f"maturity {r.score:.1f} against target {r.target:.1f}"
            if getattr(r, "data_reading", None):
                ev += f"; complaints data: {r.data_reading} ({r.data_signal})"
            add(source, r.item, r.title_en, r.title_fa, r.gap, r.target, r.score, -r.gap / 4, ev, r.item,
                data_poor=getattr(r, "data_signal", None) == "poor")
    if complaints is not None and complaints.n and len(complaints.by_category):
        vital = pareto_vital_few(complaints.by_category)
        for r in vital[vital["share"] >= MIN_COMPLAINT_SHARE].itertuples():
            ev = f"{r.n} of {complaints.n} complaints ({r.share:.0%})"
            if r.median_hours is not None and not pd.isna(r.median_hours):
                ev += f", median {r.median_hours:.0f} hours to resolve"
            add("complaints", r.category, r.category, r.category, -r.share, None, None, r.share, ev, r.category)

    cols = ["rank", "id", "label_en", "label_fa", "source", "sources", "gap", "importance", "performance",
            "severity", "score", "corroborated_by", "evidence", "dimension"]
    if not cands:
        return pd.DataFrame(columns=cols)
    return _rank(pd.DataFrame(cands))[cols]


def _match_key(ident: str) -> str:
    """The key under which items from different sources count as the same need: the slug with a
    plural ``s`` dropped from each word ("clear_bills" and "clear_bill" match)."""
    return "_".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                    for w in ident.split("_"))


def _rank(cands: pd.DataFrame) -> pd.DataFrame:
    """Merge same-need candidates, add the corroboration bonus and rank (rule in :func:`priorities`)."""
    order = {s: i for i, s in enumerate(SOURCES)}
    cands = cands.assign(_key=cands["id"].map(_match_key), _order=cands["source"].map(order))
    cands = cands.sort_values(["severity", "_order"], ascending=[False, True], kind="stable")
    merged = []
    for _, group in cands.groupby("_key", sort=False):
        lead = group.iloc[0].to_dict()
        sources = list(dict.fromkeys(group["source"]))
        measured = group[group["importance"].notna() & group["performance"].notna()]
        if len(measured) and pd.isna(lead["importance"]):
            lead.update(importance=measured.iloc[0]["importance"], performance=measured.iloc[0]["performance"])
        if pd.isna(lead["dimension"]) and group["dimension"].notna().any():
            lead["dimension"] = group["dimension"].dropna().iloc[0]
        lead["sources"] = sources
        lead["evidence"] = "; ".join(f"{src}: {ev}" if len(sources) > 1 else ev
                                     for src, ev in zip(group["source"], group["evidence"]))
        if lead.get("_data_poor"):
            sources_with_data = sources + ["complaints"] if "complaints" not in sources else sources
        else:
            sources_with_data = sources
        lead["_own"] = sources_with_data
        merged.append(lead)
    out = pd.DataFrame(merged)
    voice_by_dim: dict[str, set[str]] = {}
    for dim, srcs in zip(out["dimension"], out["sources"]):
        if isinstance(dim, str):
            voice_by_dim.setdefault(dim, set()).update(x for x in srcs if x in CUSTOMER_SOURCES)
    corroborated, bonus = [], []
    for dim, own in zip(out["dimension"], out["_own"]):
        others = sorted(voice_by_dim.get(dim, set()) - set(own)) if isinstance(dim, str) else []
        corroborated.append([x for x in own[1:]] + others)
        bonus.append(min(MAX_BONUS, SAME_NEED_BONUS * (len(own) - 1) + CORROBORATION_BONUS * len(others)))
    out["corroborated_by"] = corroborated
    out["score"] = out["severity"] + np.array(bonus, dtype=float)
    out = out.sort_values(["score", "severity", "_order", "id"], ascending=[False, False, True, True],
                          kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out


__all__ = [
    "BEHAVIOUR_METRICS", "DATA_CHECK_THRESHOLDS", "DIMENSION_KEYWORDS", "ITEM_DIMENSIONS", "SOURCES",
    "behaviour_data_checks", "behaviours_with_checks", "capability_audit", "dimension_for",
    "interview_needs", "item_label", "priorities", "slug",
]
