"""Results files are strict JSON written atomically; a failed write leaves the old file."""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from crmplay.core.fileio import atomic_path, write_text
from crmplay.core.results import read_results, write_results


def test_results_round_trip_with_numpy_and_nan(tmp_path):
    path = write_results(tmp_path, "acme", "nps", {
        "nps": np.float64(12.5), "n": np.int64(10), "missing": math.nan,
        "when": pd.Timestamp("2025-03-21"), "rows": pd.DataFrame({"a": [1.0, np.nan]}),
    })
    assert path == tmp_path / "acme" / "results" / "nps.json"
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text
    data = json.loads(text)
    assert data["nps"] == 12.5 and data["n"] == 10 and data["missing"] is None
    assert data["when"].startswith("2025-03-21") and data["rows"] == [{"a": 1.0}, {"a": None}]
    assert data["step"] == "nps" and "crmplay_version" in data
    assert read_results(tmp_path, "acme", "nps")["nps"] == 12.5
    assert read_results(tmp_path, "acme", "loyalty") is None


def test_failed_atomic_write_keeps_previous_file(tmp_path):
    target = tmp_path / "out.txt"
    write_text(target, "old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash mid-write")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
