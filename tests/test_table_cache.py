"""One intake per run: the table cache (crmplay.data.table_cache) serves frames identical to
load_table's, rebuilds the very intake inspect_client returns, never serves a stale table, and is
left alone by the runner's output rules."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import crmplay.data.intake as intake_module
import crmplay.data.table_cache as table_cache
from crmplay.chapters import registry
from crmplay.chapters.registry import load_client_config
from crmplay.data import DataError, inspect_client, load_table
from crmplay.data.cache_codec import problem_from_json, problem_to_json
from crmplay.data.parquet_cache import ParquetTable
from crmplay.data.problems import Expected, Numeral, Problem, expected
from crmplay.data.table_cache import (cache_ready, cached_problems, inspect_cached, load_table_cached,
                                      table_intake)

ROOT = Path(__file__).resolve().parents[1]
DEMOS = [ROOT / "client_data" / c for c in ("demo", "demo_fa", "demo_retail")]
MINI = ROOT / "tests" / "fixtures" / "data" / "mini"


def assert_same_frame(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True, check_index_type=True, check_column_type=True,
                                  check_frame_type=True)
    assert type(a.index) is type(b.index) and a.index.equals(b.index)
    assert list(a.dtypes.astype(str)) == list(b.dtypes.astype(str))
    assert a.attrs == b.attrs


def assert_same_intake(ref, got) -> None:
    assert list(ref.tables) == list(got.tables)
    for name, t in ref.tables.items():
        g = got.tables[name]
        if t.frame is None:
            assert g.frame is None
        else:
            assert_same_frame(t.frame, g.frame)
        assert g.rows.dtype == np.int64 and np.array_equal(t.rows, g.rows)
        assert t.columns == g.columns and list(t.columns) == list(g.columns)
        assert t.source() == g.source()
        assert (t.name, t.file, t.path, t.ok) == (g.name, g.file, g.path, g.ok)
    assert_same_problems(ref.problems, got.problems)
    assert_same_problems(ref.cross_problems, got.cross_problems)


def assert_same_problems(a: list[Problem], b: list[Problem]) -> None:
    assert a == b
    for p, q in zip(a, b):
        assert type(p.expected) is type(q.expected)
        if isinstance(p.expected, Expected):
            assert (p.expected.key, p.expected.values) == (q.expected.key, q.expected.values)
            assert [type(v) for v in p.expected.values.values()] == [type(v) for v in q.expected.values.values()]


def refuse_reads(monkeypatch) -> None:
    """Any read of a client file now fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("a client file was read although the cache holds it")

    monkeypatch.setattr(table_cache, "read_table", refuse)
    monkeypatch.setattr(intake_module, "read_table", refuse)
    monkeypatch.setattr(table_cache, "convert_large", refuse)


def copy_client(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


@pytest.mark.parametrize("folder", DEMOS + [MINI], ids=lambda p: p.name)
def test_cached_tables_are_identical_to_load_table(folder, tmp_path, monkeypatch):
    config = load_client_config(folder)
    cache = tmp_path / "cache"
    reference = {n: load_table(config, n) for n in config.tables if config.has_table(n)}
    inspect_cached(config, cache)
    assert sorted(p.name.split("-")[0] for p in cache.glob("*.parquet")) == sorted(reference)
    refuse_reads(monkeypatch)
    for name, frame in reference.items():
        assert_same_frame(frame, load_table_cached(config, name, cache))


@pytest.mark.parametrize("folder", DEMOS + [MINI], ids=lambda p: p.name)
def test_the_intake_is_rebuilt_from_the_cache(folder, tmp_path, monkeypatch):
    config = load_client_config(folder)
    reference = inspect_client(config)
    cache = tmp_path / "cache"
    assert_same_intake(reference, inspect_cached(config, cache))  # first: read and written
    refuse_reads(monkeypatch)
    assert_same_intake(reference, inspect_cached(config, cache))  # then: from the cache alone
    assert_same_problems(cached_problems(cache, config), reference.problems)


def _broken_mini(tmp_path: Path) -> Path:
    """The mini client with problems of many kinds: a bad amount and an unknown customer
    (transactions), a Jalali date that does not exist (customers), a missing file."""
    client = copy_client(MINI, tmp_path / "mini")
    tx = (client / "transactions.csv").read_text(encoding="utf-8")
    (client / "transactions.csv").write_text(tx + "C999;2024-06-01;12x\n", encoding="utf-8")
    customers = (client / "customers.csv").read_text(encoding="utf-8-sig").splitlines()
    customers.append("C077,1402/13/40,active,,basic,Nima Test")
    (client / "customers.csv").write_text("\n".join(customers) + "\n", encoding="utf-8-sig")
    toml = (client / "client.toml").read_text(encoding="utf-8")
    (client / "client.toml").write_text(toml + '\n[tables.complaints]\nfile = "complaints.csv"\n', encoding="utf-8")
    return client


def test_problems_of_a_broken_client_survive_the_cache(tmp_path, monkeypatch):
    config = load_client_config(_broken_mini(tmp_path))
    reference = inspect_client(config)
    kinds = {p.kind for p in reference.problems}
    assert {"bad_number", "unknown_customer", "missing_file"} <= kinds
    assert any(isinstance(v, Numeral) for p in reference.problems if isinstance(p.expected, Expected)
               for v in p.expected.values.values())
    cache = tmp_path / "cache"
    assert_same_intake(reference, inspect_cached(config, cache))
    # tables with errors are not cached (read again, and they raise as load_table does)
    assert not list(cache.glob("transactions-*.parquet"))
    with pytest.raises(DataError) as cached_error:
        load_table_cached(config, "transactions", cache)
    with pytest.raises(DataError) as direct_error:
        load_table(config, "transactions")
    assert cached_error.value.problems == direct_error.value.problems
    with pytest.raises(DataError):
        load_table_cached(config, "complaints", cache)  # missing file: from its cached entry
    assert_same_intake(reference, inspect_cached(config, cache))


def test_a_changed_file_or_setting_is_never_served_stale(tmp_path):
    client = copy_client(ROOT / "client_data" / "demo_retail", tmp_path / "retail")
    config = load_client_config(client)
    cache = tmp_path / "cache"
    first = load_table_cached(config, "transactions", cache)
    csv = client / config.tables["transactions"].file
    lines = csv.read_text(encoding="utf-8").splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    amount = next(i for i, h in enumerate(header) if "amount" in h.lower())
    row[amount] = "123456.5"
    lines[1] = ",".join(row)
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    second = load_table_cached(config, "transactions", cache)
    assert second["amount"].iloc[0] == 123456.5 != first["amount"].iloc[0]
    assert_same_frame(second, load_table(config, "transactions"))
    assert len(list(cache.glob("transactions-*.parquet"))) == 1  # the stale entry is gone
    # a changed [tables.transactions] setting: map the amount column to nothing -> an extra column
    toml = (client / "client.toml").read_text(encoding="utf-8")
    changed = toml.replace("[tables.transactions]", "[tables.transactions]\nheader_row = 1\ndates = \"dayfirst\"", 1)
    assert changed != toml
    (client / "client.toml").write_text(changed, encoding="utf-8")
    config2 = load_client_config(client)
    assert table_cache.client_keys(config)[0] != table_cache.client_keys(config2)[0]
    assert_same_frame(load_table_cached(config2, "transactions", cache), load_table(config2, "transactions"))
    assert len(list(cache.glob("transactions-*.json"))) == 1


def test_a_changed_survey_scale_changes_the_key():
    config = load_client_config(MINI)
    import dataclasses

    other = dataclasses.replace(config, survey=dataclasses.replace(config.survey, rating_max=7))
    assert table_cache.client_keys(config)[0]["nps_responses"] != table_cache.client_keys(other)[0]["nps_responses"]


def test_a_damaged_cache_entry_is_read_again(tmp_path):
    config = load_client_config(MINI)
    cache = tmp_path / "cache"
    inspect_cached(config, cache)
    for path in cache.glob("customers-*.parquet"):
        path.write_bytes(b"not parquet")
    assert_same_frame(load_table_cached(config, "customers", cache), load_table(config, "customers"))


def test_an_unwritable_cache_still_serves_the_table(tmp_path):
    config = load_client_config(MINI)
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    assert_same_frame(load_table_cached(config, "customers", blocked / "cache"), load_table(config, "customers"))


def test_the_problem_codec_keeps_keys_values_and_numerals():
    inner = expected("bytes_at_line", line=3, encoding="UTF-8")
    p = Problem(file="a.csv", row=None, column="", canonical="", value="", severity="error", kind="unreadable_file",
                table="customers", expected=expected("text_in_known_encoding", error=inner))
    q = Problem(file="a.csv", row=4, column="d", canonical="signup_date", value="1402/13/40", kind="bad_date",
                table="customers", expected=expected("jalali_day_exists", date=Numeral("1402/13/40")))
    r = Problem(file="a.csv", row=5, column="x", canonical="x", value="", expected="plain text", kind="bad_flag",
                table="customers", severity="warning")
    back = [problem_from_json(problem_to_json(x)) for x in (p, q, r)]
    assert_same_problems([p, q, r], back)
    assert isinstance(back[0].expected.values["error"], Expected)
    assert back[1].expected_in("fa") == q.expected_in("fa")


# -- the run ------------------------------------------------------------------------------------

def _prepare(data_root: Path, reports_root: Path, client: str):
    from crmplay.engine.prepare import prepare

    steps = registry.steps()
    return prepare(client, str(data_root), str(reports_root), "", steps, 60, {}, steps)


def test_prepare_writes_the_cache_and_then_reads_nothing(tmp_path, monkeypatch):
    import json

    data_root = tmp_path / "data"
    copy_client(MINI, data_root / "mini")
    reports = tmp_path / "reports"
    plan = _prepare(data_root, reports, "mini")
    assert not plan.error
    cache = reports / "mini" / ".cache" / "tables"
    config = load_client_config(data_root / "mini")
    assert cache_ready(cache, config)
    (reports / "mini" / "run.json").write_text(json.dumps({
        "status": "ok", "check_fingerprint": plan.check_fingerprint, "problem_count": 0,
        "warning_count": plan.warning_count, "problems": plan.problems}), encoding="utf-8")
    refuse_reads(monkeypatch)
    monkeypatch.setattr(table_cache, "inspect_cached", lambda *a, **k: pytest.fail("the check ran again"))
    again = _prepare(data_root, reports, "mini")
    assert not again.error and again.problems == plan.problems


def test_prepare_with_only_the_cache_reads_no_file(tmp_path, monkeypatch):
    """A changed client.toml section intake does not read (economics) re-runs the check, from the cache."""
    data_root = tmp_path / "data"
    client = copy_client(MINI, data_root / "mini")
    reports = tmp_path / "reports"
    first = _prepare(data_root, reports, "mini")
    toml = client / "client.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[economics]\ndiscount_rate = 0.2\n", encoding="utf-8")
    refuse_reads(monkeypatch)
    second = _prepare(data_root, reports, "mini")
    assert not second.error
    assert (second.problem_count, second.warning_count, second.problems) == \
        (first.problem_count, first.warning_count, first.problems)


def test_the_runner_output_rules_leave_the_cache_alone(tmp_path):
    from crmplay.engine.outputs import (WORK_PREFIX, clear_step_outputs, open_stage, publish_step_outputs,
                                        remove_abandoned_work, retire_failed_step, retire_step_outputs)
    from crmplay.notebook import STAGE_PREFIX, client_reports_dir

    assert STAGE_PREFIX == WORK_PREFIX
    client_dir = tmp_path / "reports" / "acme"
    config = load_client_config(MINI)
    cache = client_dir / ".cache" / "tables"
    inspect_cached(config, cache)
    before = sorted(p.name for p in cache.iterdir())
    steps = [s.id for s in registry.steps()]
    work = client_dir / f"{WORK_PREFIX}data_overview-x"
    stage = open_stage(work, client_dir, "acme")
    assert client_reports_dir(stage.parent, "acme") == client_dir
    assert client_reports_dir(tmp_path / "reports", "acme") == client_dir
    (stage / "data_overview.html").write_text("page")
    publish_step_outputs(stage, client_dir, "data_overview", steps)
    for step in steps:
        clear_step_outputs(client_dir, step, steps)
        retire_failed_step(client_dir, step, steps)
    retire_step_outputs(client_dir, steps)
    remove_abandoned_work(client_dir)
    assert sorted(p.name for p in cache.iterdir()) == before
    assert not (client_dir / "_stale" / ".cache").exists()


# -- a transactions table routed to DuckDB ---------------------------------------------------------

def _duckdb_client(tmp_path: Path, extra_rows: str = "") -> Path:
    client = copy_client(MINI, tmp_path / "data" / "mini")
    toml = client / "client.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "[tables.transactions]\n", '[tables.transactions]\nengine = "duckdb"\n', 1), encoding="utf-8")
    if extra_rows:
        tx = client / "transactions.csv"
        tx.write_text(tx.read_text(encoding="utf-8") + extra_rows, encoding="utf-8")
    return client


def test_a_duckdb_table_is_converted_by_chunks_never_read_whole(tmp_path, monkeypatch):
    client = _duckdb_client(tmp_path, "".join(f"C00{1 + i % 2};2024-0{1 + i % 9}-1{i % 10};{1000 + i}\n"
                                              for i in range(25)))
    config = load_client_config(client)
    cache = tmp_path / "cache"
    reference = inspect_client(config)
    real_read_table = intake_module.read_table

    def read_table_but_transactions(config, name, *a, **k):
        assert name != "transactions", "the DuckDB-route table was read whole"
        return real_read_table(config, name, *a, **k)

    monkeypatch.setattr(table_cache, "read_table", read_table_but_transactions)
    got = inspect_cached(config, cache, frames=False, chunk_rows=4)
    tx = got.tables["transactions"]
    assert tx.frame is None and isinstance(tx.large, ParquetTable) and tx.ok
    assert_same_frame(reference.tables["transactions"].frame, pd.read_parquet(tx.large.path))
    assert np.array_equal(tx.rows, reference.tables["transactions"].rows)
    assert_same_problems(sorted_problems(got.problems), sorted_problems(reference.problems))
    # the notebook view: a ParquetTable from table_source, the identical DataFrame from table()
    source = table_intake(config, "transactions", cache, frame=False)
    assert source.large.path == tx.large.path and source.frame is None
    assert_same_frame(load_table_cached(config, "transactions", cache), load_table(config, "transactions"))


def sorted_problems(problems):
    from crmplay.data.problems import sort_problems

    return sort_problems(problems)


def test_a_duckdb_table_names_the_file_row_of_each_problem(tmp_path):
    client = _duckdb_client(tmp_path, "".join(f"C001;2024-02-0{1 + i % 9};{100 + i}\n" for i in range(10))
                            + "C001;2024-02-30;5\nC404;2024-03-01;7\nC002;2024-03-02;abc\n")
    config = load_client_config(client)
    reference = sorted_problems(inspect_client(config).problems)
    got = sorted_problems(inspect_cached(config, tmp_path / "cache", frames=False, chunk_rows=3).problems)
    assert {p.kind for p in reference} >= {"bad_date", "unknown_customer", "bad_number"}
    assert_same_problems(got, reference)
    assert not list((tmp_path / "cache").glob("transactions-*.parquet"))  # an error leaves no table
    with pytest.raises(DataError):
        load_table_cached(config, "transactions", tmp_path / "cache")


def test_step_context_table_source(tmp_path):
    from crmplay.notebook import start

    client = _duckdb_client(tmp_path)
    reports = tmp_path / "reports"
    ctx = start("loyalty", "mini", client.parent, reports)
    source = ctx.table_source("transactions")
    assert isinstance(source, ParquetTable) and source.path.parent == reports / "mini" / ".cache" / "tables"
    assert_same_frame(pd.read_parquet(source.path), load_table(ctx.config, "transactions"))
    assert_same_frame(ctx.table("transactions"), load_table(ctx.config, "transactions"))
    customers = ctx.table_source("customers")
    assert isinstance(customers, pd.DataFrame)
    assert_same_frame(customers, load_table(ctx.config, "customers"))
    assert ctx.table_source("complaints") is None
