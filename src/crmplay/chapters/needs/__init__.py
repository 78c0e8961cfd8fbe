"""The customer-needs chapter (sources: service_rules, crm_aspects, nps_telecom): its public API.

Roles of the modules:

- :mod:`~crmplay.chapters.needs.options`: ``[steps.needs]`` options (:class:`Options`);
- analysis, pure functions on tables: :mod:`~crmplay.chapters.needs.audit` (capability audit,
  behaviour checks), :mod:`~crmplay.chapters.needs.interviews`, :mod:`~crmplay.chapters.needs.ipa`
  and :mod:`~crmplay.chapters.needs.ipa_stats`, :mod:`~crmplay.chapters.needs.kano` and
  :mod:`~crmplay.chapters.needs.kano_stats`, :mod:`~crmplay.chapters.needs.complaints`,
  :mod:`~crmplay.chapters.needs.naming` (ids, labels, dimensions) and
  :mod:`~crmplay.chapters.needs.ranking` (the priority list);
- :mod:`~crmplay.chapters.needs.chapter`: every part in one run (:func:`run_audit`,
  :class:`NeedsAudit`), with :mod:`~crmplay.chapters.needs.uncertainty` for the intervals and tests;
- :mod:`~crmplay.chapters.needs.views` and :mod:`~crmplay.chapters.needs.views_stats`: what the
  notebook shows; :mod:`~crmplay.chapters.needs.charts`: the chapter's charts;
- :mod:`~crmplay.chapters.needs.results`: the typed results record (:class:`NeedsResults`).

The run, the statistics and the views are imported on first use (they pull in scipy and
matplotlib), so reading the options stays light for the CLI and the step registry.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

from crmplay.chapters.needs.audit import (
    BEHAVIOUR_METRICS, DATA_CHECK_THRESHOLDS, behaviour_data_checks, behaviours_with_checks, capability_audit,
)
from crmplay.chapters.needs.complaints import ComplaintKPIs, complaint_kpis, pareto_vital_few
from crmplay.chapters.needs.interviews import interview_needs
from crmplay.chapters.needs.ipa import CROSSHAIRS, QUADRANTS, crosshairs, ipa, quadrant
from crmplay.chapters.needs.kano import (
    CATEGORIES, CATEGORY_IDS, EVALUATION_TABLE, KanoAnswerError, KanoResult, classify_responses, kano_category,
    kano_from_counts, kano_table, normalise_answer, normalise_answers,
)
from crmplay.chapters.needs.naming import dimension_for, item_label, slug
from crmplay.chapters.needs.options import Options
from crmplay.chapters.needs.ranking import SOURCES, priorities
from crmplay.chapters.needs.results import NeedsResults

#: Names imported on first use: name -> module (under crmplay.chapters.needs).
_LAZY: dict[str, str] = {
    "INPUT_TABLES": "chapter", "NeedsAudit": "chapter", "run_audit": "chapter",
    "run_for_context": "views", "show_aspects": "views", "show_complaints": "views", "show_interviews": "views",
    "show_ipa": "views", "show_kano": "views", "show_not_supplied": "views", "show_priorities": "views",
    "write_consultant_files": "views",
    "show_ipa_uncertainty": "views_stats", "show_kano_uncertainty": "views_stats",
    "KanoConsistency": "uncertainty", "ipa_regression": "uncertainty", "ipa_uncertainty": "uncertainty",
    "kano_consistency": "uncertainty", "kano_uncertainty": "uncertainty",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "BEHAVIOUR_METRICS", "CATEGORIES", "CATEGORY_IDS", "CROSSHAIRS", "ComplaintKPIs", "DATA_CHECK_THRESHOLDS",
    "EVALUATION_TABLE", "INPUT_TABLES", "KanoAnswerError", "KanoResult",
    "NeedsAudit", "NeedsResults", "Options", "QUADRANTS", "SOURCES",
    "behaviour_data_checks", "behaviours_with_checks", "capability_audit", "classify_responses",
    "complaint_kpis", "crosshairs", "dimension_for", "interview_needs", "ipa", "item_label", "kano_category",
    "kano_from_counts", "kano_table", "normalise_answer", "normalise_answers", "pareto_vital_few",
    "priorities", "quadrant", "run_audit", "run_for_context", "slug", "show_aspects",
    "show_complaints", "show_interviews", "show_ipa", "show_kano", "show_not_supplied", "show_priorities",
    "write_consultant_files",
    # how sure the IPA and Kano findings are (issue 11)
    "KanoConsistency", "ipa_regression", "ipa_uncertainty", "kano_consistency", "kano_uncertainty",
    "show_ipa_uncertainty", "show_kano_uncertainty",
]
