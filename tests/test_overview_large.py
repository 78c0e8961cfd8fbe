"""The data overview of a transactions table routed to DuckDB (``engine = "duckdb"``) reads it
through DuckDB over its Parquet copy, never into pandas, and shows the same figures."""
from __future__ import annotations

import pandas as pd

from crmplay import demo
from crmplay.chapters.overview import analysis as overview
from crmplay.chapters.registry import load_client_config
from crmplay.data.table_cache import inspect_cached


def test_overview_of_a_large_table_equals_the_pandas_overview(tmp_path):
    client = tmp_path / "data" / "small"
    demo.generate(client, customers=300)
    toml = client / "client.toml"
    lines = toml.read_text(encoding="utf-8").splitlines()
    lines.insert(lines.index("[tables.transactions]") + 1, 'engine = "duckdb"')
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = load_client_config(client)
    cache = tmp_path / "reports" / "small" / ".cache" / "tables"
    unread = inspect_cached(config, cache, frames=False)   # as the overview step gets it
    read = inspect_cached(config, cache, frames=True)      # the same table, loaded into pandas
    assert unread.tables["transactions"].frame is None and unread.tables["transactions"].large is not None
    assert read.tables["transactions"].frame is not None
    pd.testing.assert_frame_equal(overview.supplied_tables(unread), overview.supplied_tables(read))
    pd.testing.assert_frame_equal(overview.completeness(unread), overview.completeness(read))
    assert overview.purchase_checks(unread) == overview.purchase_checks(read)
    assert overview.purchase_checks(read)["rows"] == len(read.tables["transactions"].frame) > 0
