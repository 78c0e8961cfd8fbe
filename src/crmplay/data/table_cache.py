"""One intake per run: the client's canonical tables cached as Parquet beside its reports.

Reading and checking a client's files is most of a large client's run. The run's prepare task
reads every table once (:func:`inspect_cached`) and leaves each table without errors in the
cache folder ``reports/<client>/.cache/tables/`` (:func:`cache_folder`):

- ``<table>-<key>.parquet``: the canonical table exactly as :func:`crmplay.data.load_table`
  returns it (dtypes, column order, index, attrs; pyarrow, zstd);
- ``<table>-<key>.json``: the rest of its intake (problems, column mapping, how the file was
  read, the file row of each table row; :mod:`crmplay.data.cache_codec`), also written for a
  table whose file could not be read at all;
- ``intake-<key>.json``: the cross-table problems of the whole client (unknown customers,
  segment columns), keyed by every table's key.

Steps then read the Parquet (``StepContext.table``) and the data overview rebuilds the whole
:class:`~crmplay.data.intake.ClientIntake` from the cache; nothing opens a client file twice.

The key (:func:`table_key`) is a hash of everything the table depends on: the file's sha256
(or why it cannot be read), its ``[tables.<name>]`` settings, the client settings intake reads
(survey scales, currency), the plausibility limits, :data:`INTAKE_VERSION`, the source of the
intake code (:func:`intake_code_hash`) and the pandas and pyarrow versions. A changed file,
setting or crmplay therefore never serves a stale table: it gets a new key, is read again, and
the entries of that table under other keys are removed once the new one is written. A missing,
damaged or unwritable cache only costs a read of the file. Every file is written atomically
(:mod:`crmplay.core.fileio`); a reader that finds an entry gone reads the client's file.

A transactions table routed to DuckDB (:mod:`crmplay.data.large_table`) is converted by chunks
into the same folder and never held in memory by the run; its key also covers the customers
table, against which its rows are checked during the conversion.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from crmplay.core.fileio import OutsideFolderError, inside, write_json
from crmplay.data import cache_codec
from crmplay.data.intake import ClientIntake, TableIntake, check_segment_columns, read_table
from crmplay.data.large_table import CHUNK_ROWS, convert_large, is_large
from crmplay.data.plausibility import DEFAULT_LIMITS, Limits
from crmplay.data.problems import DataError, Problem
from crmplay.data.raw import file_sha256
from crmplay.data.schemas import CUSTOMER_REFERENCES, TABLE_SCHEMAS
from crmplay.data.validate import check_references

#: Bumped whenever intake changes what it returns in a way the code hash would not see.
INTAKE_VERSION = 1
#: The cache folder, relative to ``reports/<client>/`` (hidden: never a page, never a step output).
CACHE_FOLDER = ".cache/tables"
#: Cached file names: ``<table>-<32 hex>.parquet|json`` and ``intake-<32 hex>.json``.
_ENTRY = re.compile(r"^(?P<name>[a-z_]+)-(?P<key>[0-9a-f]{32})\.(?P<ext>parquet|json)$")


def cache_folder(client_reports: str | Path) -> Path:
    """The table cache of a client: ``<client_reports>/.cache/tables`` (``client_reports`` is
    ``reports/<client>``; never the client's data folder)."""
    return Path(client_reports) / CACHE_FOLDER


@cache
def intake_code_hash() -> str:
    """SHA-256 of the code and texts intake's results depend on: ``crmplay/data/*.py``, the
    configuration and frameworks modules, and the message catalogues (problem texts)."""
    package = Path(__file__).resolve().parents[1]
    files = sorted((package / "data").glob("*.py")) + [package / "core" / "config.py", package / "core" / "frameworks.py"]
    files += sorted((package / "locales").rglob("*.toml"))
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(package).as_posix().encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()


def source_token(config: Any, name: str, known: Mapping[str, str] | None = None) -> str:
    """The file's sha256, or ``outside`` / ``absent`` / ``folder`` when it cannot be read as
    such (the cases :func:`~crmplay.data.intake.read_table` tells apart). ``known`` maps files
    (as in client.toml) to sha256s already computed, so they are not hashed again."""
    spec = config.tables[name]
    try:
        path = inside(config.root, spec.file)
    except OutsideFolderError:
        return "outside"
    if not path.exists():
        return "absent"
    if not path.is_file():
        return "folder"
    return (known or {}).get(spec.file) or file_sha256(path)


def _hash(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def table_key(config: Any, name: str, token: str, limits: Limits = DEFAULT_LIMITS, *,
              customers: str | None = None) -> str:
    """The cache key of table ``name`` read from a file of ``token`` (:func:`source_token`).

    ``customers`` is the customers table's key, part of the key of a table converted by chunks
    (its unknown-customer check is made during the conversion)."""
    import pyarrow

    return _hash({"table": name, "source": token, "spec": dataclasses.asdict(config.tables[name]),
                  "survey": dataclasses.asdict(config.survey), "currency": config.client.currency,
                  "limits": dataclasses.asdict(limits), "version": INTAKE_VERSION, "code": intake_code_hash(),
                  "pandas": pd.__version__, "pyarrow": pyarrow.__version__, "customers": customers})


def _size(config: Any, name: str, token: str) -> int | None:
    return config.table_path(name).stat().st_size if token not in ("outside", "absent", "folder") else None


def client_keys(config: Any, limits: Limits = DEFAULT_LIMITS, known: Mapping[str, str] | None = None,
                names: list[str] | None = None) -> tuple[dict[str, str], dict[str, bool]]:
    """``({table: key}, {table: converted by chunks})`` for every configured table (or those in
    ``names``, plus the customers table when a named one is converted by chunks), in intake order.
    Hashes only the files of those tables."""
    wanted = [n for n in TABLE_SCHEMAS if n in config.tables and (names is None or n in names)]
    tokens = {n: source_token(config, n, known) for n in wanted}
    large = {n: is_large(config, n, _size(config, n, tokens[n])) for n in wanted}
    keys: dict[str, str] = {}
    customers = None
    if any(large.values()):
        if "customers" in config.tables:
            token = tokens.get("customers") or source_token(config, "customers", known)
            customers = table_key(config, "customers", token, limits)
        else:
            customers = "none"
    for n in wanted:
        keys[n] = table_key(config, n, tokens[n], limits, customers=customers if large[n] else None)
    return keys, large


# -- one table ----------------------------------------------------------------------------------

def _entry(folder: Path, name: str, key: str, ext: str) -> Path:
    return folder / f"{name}-{key}.{ext}"


def write_table(folder: str | Path, table: TableIntake, key: str) -> bool:
    """Cache one table's intake under ``key``: its frame as Parquet when it has no error of its
    own, and the rest as JSON (not for a table read with errors: it is read again, and raises).
    Removes the table's entries under other keys. Returns False (and caches nothing) when the
    entry cannot be written (an unwritable folder, a problem the codec cannot hold)."""
    folder = Path(folder)
    if table.frame is not None and not table.ok:
        return False
    try:
        meta = {"version": INTAKE_VERSION, "table": table.name, "key": key, "file": table.file,
                "engine": "duckdb" if table.large is not None else "pandas", "parquet": None,
                "columns": dict(table.columns), "problems": [cache_codec.problem_to_json(p) for p in table.problems],
                "file_format": table.file_format, "encoding": table.encoding, "delimiter": table.delimiter,
                "sheet": table.sheet, "header_row": table.header_row, "sha256": table.sha256, "size": table.size,
                "rows": cache_codec.runs(table.rows)}
        if table.large is not None:
            meta["parquet"] = Path(table.large.path).name
        elif table.frame is not None:
            target = _entry(folder, table.name, key, "parquet")
            from crmplay.core.fileio import atomic_path

            with atomic_path(target) as tmp:
                table.frame.to_parquet(tmp, engine="pyarrow", compression="zstd")
            meta["parquet"] = target.name
        write_json(_entry(folder, table.name, key, "json"), meta)
    except (OSError, cache_codec.NotCacheable, ValueError, TypeError):
        return False
    remove_stale(folder, table.name, {_entry(folder, table.name, key, "json").name, meta["parquet"]})
    return True


def remove_stale(folder: str | Path, name: str, keep: set[str | None]) -> list[str]:
    """Delete the cached entries of table ``name`` (``intake`` for the client-level file) whose
    file name is not in ``keep``; returns the names removed."""
    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for path in folder.iterdir():
        m = _ENTRY.match(path.name)
        if m and m.group("name") == name and path.name not in keep:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed


def _read_meta(folder: Path, name: str, key: str) -> dict[str, Any] | None:
    try:
        meta = json.loads(_entry(folder, name, key, "json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("key") != key or meta.get("version") != INTAKE_VERSION:
        return None
    return meta


def entry_ready(folder: str | Path, name: str, key: str) -> bool:
    """True when table ``name`` is cached under ``key`` (its JSON, and its Parquet when it has
    one), without reading the table."""
    folder = Path(folder)
    meta = _read_meta(folder, name, key)
    return meta is not None and (not meta.get("parquet") or (folder / meta["parquet"]).is_file())


def read_entry(folder: str | Path, config: Any, name: str, key: str, *, frame: bool = True) -> TableIntake | None:
    """Table ``name``'s intake rebuilt from the cache (``None`` when not cached under ``key``).

    ``frame`` False leaves the frame of a table converted by chunks unread (``large`` is set
    either way); a pandas-route table's frame is always read."""
    from crmplay.data.intake import relative_file
    from crmplay.data.parquet_cache import ParquetTable

    folder = Path(folder)
    meta = _read_meta(folder, name, key)
    if meta is None:
        return None
    data = large = None
    try:
        if meta["parquet"]:
            path = folder / meta["parquet"]
            if meta["engine"] == "duckdb":
                large = ParquetTable.open(path, source_sha256=meta["sha256"] or "", key=key)
            if meta["engine"] != "duckdb" or frame:
                data = pd.read_parquet(path, engine="pyarrow")
        problems = [cache_codec.problem_from_json(p) for p in meta["problems"]]
    except Exception:  # noqa: BLE001 - gone, damaged or foreign: the caller reads the file
        return None
    try:
        path = inside(config.root, config.tables[name].file)
    except OutsideFolderError:
        path = config.table_path(name)
    return TableIntake(name=name, file=relative_file(config, name), path=path, frame=data,
                       rows=cache_codec.unruns(meta["rows"]), columns=dict(meta["columns"]), problems=problems,
                       file_format=meta["file_format"], encoding=meta["encoding"], delimiter=meta["delimiter"],
                       sheet=meta["sheet"], header_row=meta["header_row"], sha256=meta["sha256"], size=meta["size"],
                       large=large)


# -- the whole client ----------------------------------------------------------------------------

def _client_key(keys: Mapping[str, str]) -> str:
    return _hash({"tables": dict(keys), "version": INTAKE_VERSION})


def cache_ready(folder: str | Path, config: Any, limits: Limits = DEFAULT_LIMITS,
                known: Mapping[str, str] | None = None) -> bool:
    """True when every configured table and the client's cross-table problems are cached for
    the files as they are now (hashes the files not in ``known``; reads no table)."""
    folder = Path(folder)
    keys, _ = client_keys(config, limits, known)
    return all(entry_ready(folder, n, k) for n, k in keys.items()) and _read_cross(folder, _client_key(keys)) is not None


def cached_problems(folder: str | Path, config: Any, limits: Limits = DEFAULT_LIMITS,
                    known: Mapping[str, str] | None = None) -> list[Problem] | None:
    """Every problem of the client's intake (as ``ClientIntake.problems`` lists them) from the
    cache alone, reading no table; ``None`` when anything is not cached for the files as they
    are now."""
    folder = Path(folder)
    keys, _ = client_keys(config, limits, known)
    out: list[Problem] = []
    for name, key in keys.items():
        meta = _read_meta(folder, name, key)
        if meta is None or (meta.get("parquet") and not (folder / meta["parquet"]).is_file()):
            return None
        try:
            out += [cache_codec.problem_from_json(p) for p in meta["problems"]]
        except Exception:  # noqa: BLE001 - a damaged entry: read the files
            return None
    cross = _read_cross(folder, _client_key(keys))
    return None if cross is None else out + cross


def _read_cross(folder: Path, key: str) -> list[Problem] | None:
    meta = _read_meta(folder, "intake", key)
    if meta is None:
        return None
    try:
        return [cache_codec.problem_from_json(p) for p in meta["problems"]]
    except Exception:  # noqa: BLE001
        return None


def _write_cross(folder: Path, key: str, problems: list[Problem]) -> None:
    try:
        write_json(_entry(folder, "intake", key, "json"), {"version": INTAKE_VERSION, "key": key,
                   "problems": [cache_codec.problem_to_json(p) for p in problems]})
    except (OSError, cache_codec.NotCacheable, ValueError, TypeError):
        return
    remove_stale(folder, "intake", {_entry(folder, "intake", key, "json").name})


def inspect_cached(config: Any, folder: str | Path, limits: Limits = DEFAULT_LIMITS, *, frames: bool = True,
                   known: Mapping[str, str] | None = None, chunk_rows: int = CHUNK_ROWS) -> ClientIntake:
    """:func:`crmplay.data.inspect_client`, reading only what the cache lacks (and caching it).

    Returns the same intake (tables in the same order, the same problems in the same order,
    identical frames). ``frames`` False leaves the frame of a table converted by chunks unread
    (the run's prepare task: ``large`` is set instead). ``known``: file -> sha256 already computed.
    """
    folder = Path(folder)
    keys, large = client_keys(config, limits, known)
    tables: dict[str, TableIntake] = {}
    converted: dict[str, list[Problem]] = {}
    for name, key in keys.items():
        table = read_entry(folder, config, name, key, frame=frames)
        if table is None:
            if large[name]:
                customers = tables.get("customers")
                table, converted[name] = convert_large(
                    config, name, folder, key, customers=customers.frame if customers is not None else None,
                    customer_file=customers.file if customers is not None else "", limits=limits,
                    chunk_rows=chunk_rows, sha256=(known or {}).get(config.tables[name].file))
                write_table(folder, table, key)
                if frames and table.large is not None:
                    table.frame = pd.read_parquet(table.large.path, engine="pyarrow")
            else:
                table = read_table(config, name, limits)
                write_table(folder, table, key)
        tables[name] = table
    client_key = _client_key(keys)
    cross = _read_cross(folder, client_key)
    if cross is None:
        if any(large[n] and n not in converted for n in keys):
            # a converted table's unknown customers are only known from its conversion
            for name in [n for n in keys if large[n] and n not in converted]:
                _entry(folder, name, keys[name], "json").unlink(missing_ok=True)
            return inspect_cached(config, folder, limits, frames=frames, known=known, chunk_rows=chunk_rows)
        cross = _references(tables, large, converted) + check_segment_columns(config, tables)
        _write_cross(folder, client_key, cross)
    return ClientIntake(config=config, tables=tables, cross_problems=cross)


def _references(tables: dict[str, TableIntake], large: Mapping[str, bool],
                converted: Mapping[str, list[Problem]]) -> list[Problem]:
    """The unknown-customer problems, table by table as :func:`check_references` lists them."""
    customers = tables.get("customers")
    out: list[Problem] = []
    for name in CUSTOMER_REFERENCES:
        if name not in tables:
            continue
        if large.get(name):
            out += converted.get(name, [])
            continue
        t = tables[name]
        if t.frame is None or customers is None or customers.frame is None:
            continue
        out += check_references({"customers": customers.frame, name: t.frame}, {name: t.rows},
                                {name: t.file, "customers": customers.file},
                                {name: {v: k for k, v in t.columns.items()}})
    return out


def load_table_cached(config: Any, name: str, folder: str | Path, limits: Limits = DEFAULT_LIMITS) -> pd.DataFrame:
    """:func:`crmplay.data.load_table` through the cache: the cached Parquet when the file and
    settings are unchanged, else the file is read (and the result cached). Identical frame;
    raises the same :class:`~crmplay.data.DataError` for a table with errors."""
    table = table_intake(config, name, folder, limits, frame=True)
    if not table.ok:
        raise DataError(table.problems)
    return table.frame  # type: ignore[return-value]


def table_intake(config: Any, name: str, folder: str | Path, limits: Limits = DEFAULT_LIMITS, *,
                 frame: bool = True) -> TableIntake:
    """One table's intake through the cache (see :func:`load_table_cached`); ``frame`` False
    leaves a converted (DuckDB-route) table unread (its ``large`` Parquet is set)."""
    if name not in config.tables:
        raise KeyError(f"client {config.id!r} has no [tables.{name}] in {config.path}")
    folder = Path(folder)
    keys, large = client_keys(config, limits, names=[name])
    cached = read_entry(folder, config, name, keys[name], frame=frame)
    if cached is not None:
        return cached
    if not large[name]:
        table = read_table(config, name, limits)
        write_table(folder, table, keys[name])
        return table
    return inspect_cached(config, folder, limits, frames=frame).tables[name]


__all__ = ["INTAKE_VERSION", "CACHE_FOLDER", "cache_folder", "intake_code_hash", "source_token", "table_key",
           "client_keys", "write_table", "remove_stale", "read_entry", "entry_ready", "cache_ready", "cached_problems",
           "inspect_cached",
           "load_table_cached", "table_intake"]
