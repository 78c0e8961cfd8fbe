"""Client data intake: read the files a client supplied into validated canonical tables.

A consultant drops a client's exports into ``client_data/<client>/`` and maps their headers in
client.toml; this package turns them into the canonical tables every step reads
(:data:`TABLE_SCHEMAS`), whatever the encoding (UTF-8, UTF-8 with BOM, UTF-16, Windows-1256),
format (CSV, XLSX, Parquet), digits (Persian, Arabic-Indic), letters (Arabic ye/kaf) and
calendar (Gregorian, Jalali). Bad data never stops at the first problem: every problem is
collected, with the file, the row as the consultant sees it, the client's column header and
canonical name, the value and what was expected, and raised once as :class:`DataError`.
Input files are opened read-only and never modified.

Main entry points
-----------------
- :func:`load_table` ``(config, name) -> DataFrame``: one validated table (raises DataError).
- :func:`load_client` ``(config) -> dict[str, DataFrame]``: all tables + cross-table checks.
- :func:`check_client` ``(config) -> list[Problem]``: every problem, never raises for data (segment
  columns of client.toml that the NPS step will not find included).
- :func:`source_info` ``(config) -> list[dict]``: file, sha256, bytes, rows, encoding, columns.
- :func:`inspect_client` ``(config) -> ClientIntake``: all of the above in one read.
- :func:`file_sha256` ``(path) -> str``.

Example
-------
>>> from crmplay.core.config import load_config                       # doctest: +SKIP
>>> from crmplay.data import load_table, DataError               # doctest: +SKIP
>>> cfg = load_config("client_data/demo")                        # doctest: +SKIP
>>> tx = load_table(cfg, "transactions")                         # doctest: +SKIP
>>> tx.dtypes["amount"], tx.dtypes["date"]                       # doctest: +SKIP
(dtype('float64'), dtype('<M8[ns]'))
"""
from __future__ import annotations

from crmplay.data.intake import (ClientIntake, TableIntake, check_client, inspect_client, load_client, load_table, read_table,
                     source_info)
from crmplay.data.normalise import (clean_key, fold_arabic_letters, header_key, jalali_to_gregorian, parse_dates,
                        parse_numbers, to_ascii_digits)
from crmplay.data.problems import PROBLEM_KINDS, DataError, Expected, Problem, expected, expected_text
from crmplay.data.readers import ENCODING_LABELS, detect_encoding, file_sha256
from crmplay.data.schemas import CUSTOMER_REFERENCES, KINDS, TABLE_SCHEMAS, ColumnPattern, ColumnSpec, TableSchema

__all__ = [
    "TABLE_SCHEMAS", "TableSchema", "ColumnSpec", "ColumnPattern", "KINDS", "CUSTOMER_REFERENCES",
    "DataError", "Problem", "PROBLEM_KINDS", "Expected", "expected", "expected_text",
    "load_table", "load_client", "check_client", "source_info", "inspect_client", "read_table",
    "ClientIntake", "TableIntake",
    "file_sha256", "detect_encoding", "ENCODING_LABELS",
    "to_ascii_digits", "fold_arabic_letters", "clean_key", "header_key", "jalali_to_gregorian",
    "parse_numbers", "parse_dates",
]
