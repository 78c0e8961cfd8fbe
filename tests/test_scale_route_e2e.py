"""A client whose transactions go to DuckDB (``[tables.transactions] engine = "duckdb"``) gets the
same reports as the pandas path: every step's results record agrees, figure for figure.

Intake converts the transactions once to Parquet (``reports/<client>/.cache/tables``) and the
chapters read them through DuckDB; a small generated client makes the comparison fast (the
engine is forced, not chosen by size).
"""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from crmplay import demo
from crmplay.engine.runner import run_clients

pytestmark = pytest.mark.e2e

#: Fields that name the run rather than the data.
_RUN_FIELDS = {"written_at", "crmplay_version", "client", "client_id", "client_name", "generated_at"}


def _force_duckdb(toml: Path) -> None:
    lines = toml.read_text(encoding="utf-8").splitlines()
    at = lines.index("[tables.transactions]")
    lines.insert(at + 1, 'engine = "duckdb"')
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _differences(a, b, where="") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}.{k}: only in one" for k in set(a) ^ set(b) if k not in _RUN_FIELDS]
        for k in set(a) & set(b):
            if k not in _RUN_FIELDS:
                out += _differences(a[k], b[k], f"{where}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} vs {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _differences(x, y, f"{where}[{i}]")]
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
            return [f"{where}: {a!r} vs {b!r}"]
        return []
    return [] if a == b else [f"{where}: {a!r} vs {b!r}"]


def test_duckdb_transactions_give_the_same_results_as_pandas(tmp_path):
    data = tmp_path / "data"
    demo.generate(data / "small", customers=900)
    shutil.copytree(data / "small", data / "small_duckdb")
    _force_duckdb(data / "small_duckdb" / "client.toml")
    reports = tmp_path / "reports"
    runs = run_clients(["small", "small_duckdb"], data, reports, jobs=2)
    assert [r.status for r in runs] == ["ok", "ok"], [(r.client, r.reason, [(s.id, s.reason) for s in r.steps]) for r in runs]
    # the DuckDB client's transactions were converted once, to Parquet, beside its reports
    converted = list((reports / "small_duckdb" / ".cache").rglob("transactions*.parquet"))
    assert converted, "no Parquet copy of the transactions"
    for record in sorted((reports / "small" / "results").glob("*.json")):
        pandas_side = json.loads(record.read_text(encoding="utf-8"))
        duckdb_side = json.loads((reports / "small_duckdb" / "results" / record.name).read_text(encoding="utf-8"))
        assert _differences(pandas_side, duckdb_side) == [], record.name
    # the consultant's per-customer file agrees too
    a = pd.read_csv(reports / "small" / "consultant" / "loyalty_customers.csv")
    b = pd.read_csv(reports / "small_duckdb" / "consultant" / "loyalty_customers.csv")
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)
