"""The needs audit as one run: every part on the tables the client supplied (pure; no files, no HTML).

The step asks what customers need and where the company falls short, from whatever the client
supplied: a consultant's capability assessment (``assessment``), coded interviews
(``interviews``), an importance-performance survey (``needs_ratings``), a Kano survey
(``kano_responses``) and the complaints log (``complaints``). :func:`run_audit` runs the parts
(:mod:`~crmplay.chapters.needs.audit`, :mod:`~crmplay.chapters.needs.interviews`,
:mod:`~crmplay.chapters.needs.ipa`, :mod:`~crmplay.chapters.needs.kano`,
:mod:`~crmplay.chapters.needs.complaints`) and ranks their findings
(:mod:`~crmplay.chapters.needs.ranking`), and says how sure the IPA and Kano findings are
(:mod:`~crmplay.chapters.needs.uncertainty`); :class:`NeedsAudit` holds the tables and gives the
step's results record (:class:`~crmplay.chapters.needs.results.NeedsResults`, keys documented
there). The report sections are in :mod:`~crmplay.chapters.needs.views`.

Example
-------
>>> import pandas as pd
>>> log = pd.DataFrame({"complaint_id": ["c1", "c2"], "category": ["billing", "billing"],
...                     "opened_at": pd.to_datetime(["2025-01-01", "2025-01-02"]),
...                     "resolved_at": pd.to_datetime(["2025-01-02", None])})
>>> audit = run_audit({"complaints": log})
>>> audit.supplied["complaints"], audit.complaints.open, audit.headline()["top_complaint_category"]
(True, 1, 'billing')
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from crmplay.core.explore import Explorable
from crmplay.chapters.needs.audit import behaviour_data_checks, behaviours_with_checks, capability_audit
from crmplay.chapters.needs.complaints import ComplaintKPIs, complaint_kpis
from crmplay.chapters.needs.interviews import interview_needs
from crmplay.chapters.needs.ipa import ipa
from crmplay.chapters.needs.kano import CATEGORIES, kano_table
from crmplay.chapters.needs.options import Options
from crmplay.chapters.needs.ranking import priorities
from crmplay.chapters.needs.results import NeedsResults
from crmplay.chapters.needs.uncertainty import (
    KanoConsistency, ipa_regression, ipa_uncertainty, kano_consistency, kano_uncertainty,
)

#: The tables this step reads, in the order the report uses them.
INPUT_TABLES: tuple[str, ...] = ("assessment", "interviews", "needs_ratings", "kano_responses", "complaints")


@dataclass
class NeedsAudit(Explorable):
    """Everything the needs step found; a table is ``None`` when its input was not supplied.

    ``audit.tables()`` gives the tables behind the chapter's charts (columns in :attr:`TABLES`);
    displayed in JupyterLab, the object shows the first rows of each.
    """

    EXPLORE_NAME: ClassVar[str] = "audit"
    TABLES: ClassVar[dict[str, str]] = {
        "priorities": "the ranked list: id, source, label, dimension, severity (0-1), score, rank",
        "aspects": "one row per CRM aspect: item, score and target (1-5), gap, status, evidence",
        "behaviours": "one row per service behaviour: item, score and target (1-5), gap, status, evidence",
        "behaviour_checks": "each behaviour read from the complaints data: measure, value, verdict",
        "interviews": "one row per interview theme: likes, dislikes, share of interviewees (0-1)",
        "ipa": "one row per need: n, importance and performance (rating scale), gap, quadrant, "
               "derived importance and quadrant",
        "ipa_tests": "one row per need: the paired gap with its interval and p-value, and how sure its quadrant is",
        "ipa_regression": "one row per need: standardised regression weight of overall satisfaction",
        "kano": "one row per feature: counts per category, category, Better and Worse",
        "kano_tests": "one row per feature: chi-square as stp25kano prints it, Better/Worse bootstrap intervals",
    }

    aspects: pd.DataFrame | None = None
    behaviours: pd.DataFrame | None = None
    behaviour_checks: pd.DataFrame | None = None
    interviews: pd.DataFrame | None = None
    ipa: pd.DataFrame | None = None
    kano: pd.DataFrame | None = None
    complaints: ComplaintKPIs | None = None
    priorities: pd.DataFrame = field(default_factory=pd.DataFrame)
    supplied: dict[str, bool] = field(default_factory=dict)
    ipa_tests: pd.DataFrame | None = None
    ipa_regression: pd.DataFrame | None = None
    ipa_regression_note: str = ""
    kano_tests: pd.DataFrame | None = None
    kano_consistency: KanoConsistency | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def to_record(self) -> NeedsResults:
        """The step's typed results record (what ``results/needs.json`` holds)."""
        return NeedsResults(**self.to_results())

    def to_results(self) -> dict[str, Any]:
        """The ``needs.json`` figures as a plain dict (keys documented in :class:`NeedsResults`)."""
        out: dict[str, Any] = {"supplied": dict(self.supplied)}
        pri = self.priorities
        out["priorities"] = pri.to_dict("records") if len(pri) else []
        out["aspects"] = _records(self.aspects, ["item", "score", "target", "gap", "status", "evidence"])
        beh = self.behaviours
        if beh is not None:
            beh = beh.rename(columns={"data_reading": "data_check"})
        out["behaviours"] = _records(beh, ["item", "score", "target", "gap", "status", "data_check",
                                           "data_signal", "agreement"])
        out["ipa"] = _records(self.ipa, ["need", "n", "importance", "performance", "gap", "quadrant",
                                         "derived_importance", "derived_quadrant"])
        out["ipa_crosshair"] = None if self.ipa is None else {
            "method": self.ipa.attrs.get("crosshair"), "importance": self.ipa.attrs.get("importance_cut"),
            "performance": self.ipa.attrs.get("performance_cut")}
        out["kano"] = [] if self.kano is None else [_kano_record(r) for r in self.kano.to_dict("records")]
        out["interviews"] = _records(self.interviews, ["rank", "theme", "respondents", "mentions", "likes",
                                                       "dislikes", "dislike_respondents"])
        out["complaints"] = None if self.complaints is None else self.complaints.to_dict()
        out["headline"] = self.headline()
        out["ipa_tests"] = _records(self.ipa_tests, list(_IPA_TEST_KEYS))
        out["ipa_regression"] = None if self.ipa is None else self._regression()
        out["kano_tests"] = _records(self.kano_tests, list(_KANO_TEST_KEYS))
        out["kano_consistency"] = None if self.kano_consistency is None else self.kano_consistency.to_dict()
        out["stats_settings"] = dict(self.settings)
        return out

    def _regression(self) -> dict[str, Any]:
        fit = self.ipa_regression
        if fit is None:
            return {"n": None, "r_squared": None, "needs": [], "note": self.ipa_regression_note}
        return {"n": fit.attrs.get("n"), "r_squared": fit.attrs.get("r_squared"),
                "needs": fit[["need", "beta", "b", "rank"]].to_dict("records"), "note": ""}

    def headline(self) -> dict[str, Any]:
        """The few facts the executive summary quotes (see ``NeedsResults.headline``)."""
        pri = self.priorities
        ipa_t, kano_t, comp = self.ipa, self.kano, self.complaints
        return {
            "top_priorities": pri["id"].head(3).tolist() if len(pri) else [],
            "concentrate_here": [] if ipa_t is None else ipa_t.loc[ipa_t["quadrant"] == "concentrate_here", "need"].tolist(),
            "must_be": [] if kano_t is None else kano_t.loc[kano_t["category"] == "M", "feature"].tolist(),
            "attractive": [] if kano_t is None else kano_t.loc[kano_t["category"] == "A", "feature"].tolist(),
            "top_complaint_category": (comp.by_category["category"].iloc[0]
                                       if comp is not None and comp.n and len(comp.by_category) else None),
        }


_IPA_TEST_KEYS = ("need", "n_pairs", "gap", "gap_low", "gap_high", "t", "p_value", "importance_low",
                  "importance_high", "performance_low", "performance_high", "quadrant", "certainty",
                  "importance_uncertain", "performance_uncertain")
_KANO_TEST_KEYS = ("feature", "n_core", "chi_square", "dof", "p_value", "better_low", "better_high",
                   "worse_low", "worse_high")


def _records(df: pd.DataFrame | None, columns: list[str]) -> list[dict[str, Any]]:
    if df is None or not len(df):
        return []
    return df[[c for c in columns if c in df.columns]].to_dict("records")


def _kano_record(r: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "feature": r["feature"], "category": r["category_name"], "category_code": r["category"],
        "mode": r["mode"], "better": r["better"], "worse": r["worse"],
        "fong_significant": r["fong_significant"], "n": r["n"],
        "counts": {k: r[k] for k in CATEGORIES},
        "category_strength": r["category_strength"], "total_strength": r["total_strength"],
        "functional_mean": r["functional_mean"], "dysfunctional_mean": r["dysfunctional_mean"],
    }


def run_audit(tables: Mapping[str, pd.DataFrame | None], options: Options | None = None,
              acquisition_cost: float | None = None, scale: tuple[float, float] = (1.0, 5.0)) -> NeedsAudit:
    """Run every part of the needs audit on the tables that exist.

    Parameters
    ----------
    tables : mapping of str to DataFrame or None
        Canonical tables by name (``assessment``, ``interviews``, ``needs_ratings``,
        ``kano_responses``, ``complaints``); a missing or ``None`` table skips its part.
    options : Options, optional
        The step's options (client.toml ``[steps.needs]``); defaults when omitted.
    acquisition_cost : float, optional
        The client's cost of acquiring a customer (client currency), to size compensation.
    scale : (float, float)
        Lowest and highest rating of the IPA survey (client.toml ``[survey] rating_min/max``).

    Returns
    -------
    NeedsAudit
    """
    opt = options or Options()
    got = {name: tables.get(name) for name in INPUT_TABLES}
    audit = NeedsAudit(supplied={name: df is not None for name, df in got.items()})
    assessment = got["assessment"]
    if assessment is not None:
        audit.aspects = capability_audit(assessment, "aspects")
    if got["complaints"] is not None:
        audit.complaints = complaint_kpis(got["complaints"], sla_hours=opt.sla_hours, acquisition_cost=acquisition_cost)
        audit.behaviour_checks = behaviour_data_checks(audit.complaints)
    if assessment is not None or audit.behaviour_checks is not None:
        base = capability_audit(assessment, "behaviours")
        checks = audit.behaviour_checks if audit.behaviour_checks is not None else behaviour_data_checks(None)
        audit.behaviours = behaviours_with_checks(base, checks)
    if got["interviews"] is not None:
        audit.interviews = interview_needs(got["interviews"], opt.quotes_per_theme)
    audit.settings = {"confidence": opt.confidence, "bootstrap_resamples": opt.bootstrap_resamples,
                      "bootstrap_seed": opt.bootstrap_seed, "gap": "performance - importance"}
    ratings = got["needs_ratings"]
    if ratings is not None:
        audit.ipa = ipa(ratings, crosshair=opt.crosshair, scale=scale, few_respondents=opt.few_respondents)
        audit.ipa_tests = ipa_uncertainty(ratings, audit.ipa, opt.confidence)
        if len(audit.ipa):
            audit.ipa_regression, audit.ipa_regression_note = ipa_regression(ratings, audit.ipa["need"].tolist())
        else:
            audit.ipa_regression_note = "no ratings"
    if got["kano_responses"] is not None:
        audit.kano_consistency, answers = kano_consistency(got["kano_responses"], opt.exclude_inconsistent)
        audit.kano = kano_table(answers, tie_threshold=opt.kano_tie_threshold)
        audit.kano_tests = kano_uncertainty(answers, audit.kano, opt.bootstrap_resamples, opt.bootstrap_seed,
                                            opt.confidence)
    audit.priorities = priorities(
        ipa=audit.ipa, kano=audit.kano, interviews=audit.interviews,
        aspects=audit.aspects if assessment is not None else None,
        behaviours=audit.behaviours if assessment is not None else None,
        complaints=audit.complaints, scale=scale, dimension_map=opt.dimension_map)
    return audit


__all__ = ["INPUT_TABLES", "NeedsAudit", "run_audit"]
