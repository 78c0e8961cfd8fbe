"""The needs step's typed results record and the shape of the chapter package."""
from __future__ import annotations

import dataclasses
import subprocess
import sys

import pandas as pd

import crmplay.chapters.needs as needs
from crmplay.chapters.needs.results import NeedsResults
from crmplay.core.results import read_record, write_record


def _small_audit() -> needs.NeedsAudit:
    log = pd.DataFrame({"complaint_id": ["c1", "c2", "c3"], "category": ["billing", "billing", "network"],
                        "opened_at": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"]),
                        "resolved_at": pd.to_datetime(["2025-01-02", None, "2025-01-09"])})
    ratings = pd.DataFrame({"respondent_id": [1, 2, 1, 2], "need": ["bills", "bills", "app", "app"],
                            "importance": [5, 4, 2, 3], "performance": [2, 1, 4, 4]})
    return needs.run_audit({"complaints": log, "needs_ratings": ratings})


def test_the_record_declares_every_key_of_needs_json():
    audit = _small_audit()
    fields = [f.name for f in dataclasses.fields(NeedsResults)]
    assert set(audit.to_results()) <= set(fields)
    assert all(f.metadata.get("doc") and f.metadata.get("unit") for f in dataclasses.fields(NeedsResults))
    assert NeedsResults.STEP == "needs"


def test_the_record_round_trips_through_needs_json(tmp_path):
    record = _small_audit().to_record()
    path = write_record(tmp_path, "mini", record)
    assert path.name == "needs.json"
    back = read_record(tmp_path, "mini", NeedsResults)
    assert back.get("complaints")["n"] == 3 and back.get("headline")["top_complaint_category"] == "billing"
    assert back.get("ipa")[0]["need"] == "bills" and back.get("ipa_crosshair")["method"] == "mean"
    assert back.get("supplied") == record.get("supplied")


def test_the_public_api_is_unchanged_and_the_package_import_is_light():
    import crmplay.needs as facade

    for name in ("run_audit", "NeedsAudit", "Options", "show_ipa", "write_consultant_files", "run_for_context",
                 "priorities", "ipa", "kano_table", "dimension_for", "item_label", "slug", "INPUT_TABLES"):
        assert name in facade.__all__ and getattr(facade, name) is getattr(needs, name)
    assert callable(needs.ipa) and callable(needs.priorities)
    # reading the options (the registry, the CLI) does not pull in matplotlib or scipy
    code = ("import sys, crmplay.chapters.needs.options, crmplay.chapters.needs.results; "
            "print(sorted(m for m in ('matplotlib', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_consultant_files_are_written(tmp_path):
    class Ctx:  # the one StepContext method write_consultant_files uses
        def consultant_path(self, name):
            return tmp_path / "consultant" / name

    (tmp_path / "consultant").mkdir()
    written = needs.write_consultant_files(Ctx(), _small_audit())
    names = sorted(p.name for p in written)
    assert names == ["needs_complaints_by_category.csv", "needs_complaints_by_month.csv", "needs_ipa.csv",
                     "needs_ipa_tests.csv", "needs_priorities.csv"]
    assert all(p.is_file() and p.read_text(encoding="utf-8").startswith("\ufeff") for p in written)
