"""The ranked list of needs and gaps: one list from every source the client supplied.

:func:`priorities` scores each candidate from the IPA survey, the Kano survey, the interviews,
the CRM aspects (source: crm_aspects), the service behaviours (source: service_rules) and the
complaints log, merges candidates that name the same need and ranks them (rule in its
docstring; the playbook's needs-audit guide states it for the consultant).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmplay.chapters.needs.complaints import ComplaintKPIs, pareto_vital_few
from crmplay.chapters.needs.naming import dimension_for, item_label, slug

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



__all__ = ["CORROBORATION_BONUS", "CUSTOMER_SOURCES", "MAX_BONUS", "MIN_COMPLAINT_SHARE", "SAME_NEED_BONUS",
           "SOURCES", "UNMEASURED_KANO_WEIGHT", "priorities"]
