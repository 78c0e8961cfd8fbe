"""From a file read as text to a canonical table, collecting every problem on the way.

:func:`resolve_columns` matches the client's headers to canonical names (through the
``[tables.<name>.columns]`` mapping of client.toml, else by tolerant name matching);
:func:`build_table` converts each column by its kind and runs the checks of one table;
:func:`check_references` runs the checks between tables (unknown customers). Nothing here
raises for bad data: problems are returned, and the caller decides (see ``crmplay.data``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

import crmplay.core.frameworks as frameworks
from crmplay.data.normalise import (Parsed, clean_header, clean_keys, clean_texts, header_key, parse_dates, parse_enum,
                        parse_flags, parse_numbers, snake_header)
from crmplay.data.plausibility import DEFAULT_LIMITS, Limits, implausible_numbers, looks_mojibake, mojibake_mask
from crmplay.data.problems import Problem, expected
from crmplay.data.raw import RawTable
from crmplay.data.schemas import CUSTOMER_REFERENCES, ColumnSpec, TableSchema, describe_expected

#: Longest value text kept in a problem (a pasted paragraph is cut, with an ellipsis).
VALUE_CHARS = 120


@dataclass(frozen=True)
class ColumnMatch:
    """One file column: its position, the client's header, the name it gets in the canonical
    table, and the canonical spec (``None`` for an extra column, kept as text)."""

    position: int
    header: str
    name: str
    spec: ColumnSpec | None


def resolve_columns(headers: list[str], schema: TableSchema, mapping: dict[str, str], *, file: str,
                    table: str) -> tuple[list[ColumnMatch], list[Problem]]:
    """Match file headers to canonical names.

    Order of precedence for each header: the client.toml mapping (matched tolerantly: case,
    spacing, underscores, BOM, direction marks, Arabic ye/kaf), then the canonical name itself
    (``Customer ID`` is ``customer_id``), then a table pattern (``Rating Billing`` is
    ``rating_billing``), else the column is kept as an extra under its cleaned header.
    Reports a missing required column (listing the headers found), a mapped header that is not
    in the file, and two headers claiming one canonical name.
    """
    problems: list[Problem] = []
    by_key = {header_key(k): (k, v) for k, v in mapping.items()}
    canonical = {header_key(c.name): c.name for c in schema.columns}
    matches: list[ColumnMatch] = []
    taken: dict[str, str] = {}
    for pos, header in enumerate(headers):
        key = header_key(header)
        shown = clean_header(header)
        if key in by_key:
            name = by_key[key][1]
        elif key in canonical:
            name = canonical[key]
        elif any(p.matches(snake_header(header)) for p in schema.patterns):
            name = snake_header(header)
        else:
            name = shown
        spec = schema.column(name)
        if name in taken:
            if spec is not None:
                problems.append(Problem(file=file, row=None, column=shown, canonical=name, value="",
                                        expected=expected("one_column", name=name, other=taken[name]),
                                        severity="error", kind="duplicate_column", table=table))
                continue
            n = 2
            while f"{name} ({n})" in taken:
                n += 1
            name = f"{name} ({n})"
        taken[name] = shown
        matches.append(ColumnMatch(pos, shown, name, spec))

    found_keys = {header_key(h) for h in headers}
    found_list = ", ".join(f'"{clean_header(h)}"' for h in headers) or "none"
    for key, (client_header, target) in by_key.items():
        if key in found_keys:
            continue
        spec = schema.column(target)
        if spec is not None and spec.required:
            continue  # reported below as a missing required column, naming this header
        problems.append(Problem(file=file, row=None, column=client_header, canonical=target, value="",
                                expected=expected("mapped_column", header=client_header, found=found_list),
                                severity="warning", kind="mapped_column_not_found", table=table))
    present = {m.name for m in matches}
    for spec in schema.required:
        if spec.name in present:
            continue
        client = next((k for k, v in mapping.items() if v == spec.name), "")
        what = (expected("required_mapped_column", header=client, name=spec.name, found=found_list) if client
                else expected("required_column", name=spec.name, found=found_list))
        problems.append(Problem(file=file, row=None, column=client, canonical=spec.name, value="", expected=what,
                                severity="error", kind="missing_column", table=table))
    return matches, problems


class _Emitter:
    """Builds row-level problems for one table."""

    def __init__(self, file: str, table: str, rows: np.ndarray):
        self.file, self.table, self.rows = file, table, rows
        self.problems: list[Problem] = []

    def add(self, mask: np.ndarray, raw: pd.Series | np.ndarray, match: ColumnMatch | str, expected: str,
            kind: str, severity: str = "error", notes: dict[int, str] | None = None) -> None:
        positions = np.flatnonzero(mask)
        if not len(positions):
            return
        values = raw.to_numpy() if isinstance(raw, pd.Series) else raw
        header, canonical = (match.header, match.name) if isinstance(match, ColumnMatch) else (match, match)
        notes = notes or {}
        for i in positions:
            value = "" if values[i] is None or values[i] is pd.NA else str(values[i]).strip()
            if len(value) > VALUE_CHARS:
                value = value[:VALUE_CHARS - 1] + "…"
            self.problems.append(Problem(file=self.file, row=int(self.rows[i]), column=header, canonical=canonical,
                                         value=value, expected=notes.get(int(i), expected), severity=severity,
                                         kind=kind, table=self.table))


def _is_jalali(spec_cfg: Any, name: str, header: str) -> bool:
    if spec_cfg.dates == "jalali":
        return True
    wanted = {header_key(c) for c in spec_cfg.jalali_columns}
    return header_key(name) in wanted or header_key(header) in wanted


def _convert(match: ColumnMatch, raw: pd.Series, emit: _Emitter, config: Any, spec_cfg: Any,
             file_format: str, limits: Limits = DEFAULT_LIMITS) -> pd.Series:
    """One column converted to its canonical dtype; its problems go to ``emit``."""
    spec = match.spec
    if spec is None:
        return clean_keys(raw)
    what = describe_expected(spec, config.survey)
    parsed: Parsed | None = None
    if spec.kind in ("id", "category"):
        out = clean_keys(raw)
        blank = out.isna().to_numpy()
    elif spec.kind == "text":
        out = clean_texts(raw)
        blank = out.isna().to_numpy()
    elif spec.kind == "enum":
        parsed = parse_enum(raw, spec.alias_map())
        emit.add(parsed.bad, raw, match, what, "not_in_enum")
    elif spec.kind == "flag":
        parsed = parse_flags(raw)
        emit.add(parsed.bad, raw, match, what, "bad_flag")
    elif spec.kind == "date":
        jalali = _is_jalali(spec_cfg, match.name, match.header)
        style = "iso" if spec_cfg.dates == "jalali" else spec_cfg.dates
        parsed = parse_dates(raw, style=style, jalali=jalali, excel_serial=file_format == "xlsx",
                             keep_time=spec.time_of_day, table=emit.table)
        emit.add(parsed.bad, raw, match, expected("date_jalali" if jalali else f"date_{style}"),
                 "bad_date", notes=parsed.notes)
        if parsed.warn is not None:
            emit.add(parsed.warn, raw, match, expected("jalali_not_gregorian"),
                     "calendar_mismatch", severity="warning")
        years = parsed.values.dt.year.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            odd = (years < limits.date_min_year) | (years > limits.date_max_year)
        emit.add(odd, raw, match, expected("plausible_date", low=limits.date_min_year, high=limits.date_max_year),
                 "implausible_value", severity="warning")
    else:  # number, score
        parsed = parse_numbers(raw, money=spec.money, currency=config.client.currency,
                               decimal=getattr(spec_cfg, "decimal", "."), table=emit.table)
        number_expected = expected("number") if spec.kind == "number" else what
        emit.add(parsed.bad, raw, match, number_expected, "bad_number", notes=parsed.notes)
        values = parsed.values.to_numpy()
        with np.errstate(invalid="ignore"):
            if spec.kind == "score":
                low, high = spec.bounds(config.survey)  # type: ignore[misc]
                outside = (values < low) | (values > high)
                if spec.integer:
                    outside |= np.isfinite(values) & (np.floor(values) != values)
                emit.add(outside, raw, match, what, "out_of_range")
            elif spec.minimum is not None:
                outside = values < spec.minimum
                emit.add(outside, raw, match, what, "out_of_range")
            else:
                outside = np.zeros(len(values), dtype=bool)
        if spec.kind == "number":
            warn_at, max_at = limits.bounds(spec.money)
            soft, hard = implausible_numbers(values, spec.money, limits)
            key = "plausible_amount" if spec.money else "plausible_count"
            emit.add(hard & ~outside, raw, match, expected(key, limit=max_at), "implausible_value")
            emit.add(soft & ~outside, raw, match, expected(key + "_warn", limit=warn_at), "implausible_value",
                     severity="warning")
            outside = outside | hard
        if outside.any():
            parsed.values = parsed.values.mask(outside)
    if parsed is not None:
        out, blank = parsed.values, parsed.blank
    if spec.required:
        emit.add(blank, raw, match, expected("required_value", name=spec.name), "missing_value")
    return out


def _check_mojibake(match: ColumnMatch, raw: pd.Series, emit: _Emitter) -> None:
    """One warning per column whose header or cells look like text decoded with the wrong
    encoding: the first such row, with how many rows look the same."""
    if looks_mojibake(match.header):
        emit.problems.append(Problem(file=emit.file, row=None, column=match.header, canonical=match.name, value="",
                                     expected=expected("not_mojibake_header"), severity="warning", kind="mojibake",
                                     table=emit.table))
    bad = mojibake_mask(raw)
    if bad.any():
        first = np.zeros(len(bad), dtype=bool)
        first[np.flatnonzero(bad)[0]] = True
        emit.add(first, raw, match, expected("not_mojibake", rows=int(bad.sum())), "mojibake", severity="warning")


def _check_unique(frame: pd.DataFrame, schema: TableSchema, headers: dict[str, str], emit: _Emitter) -> None:
    for group in schema.unique:
        if not all(c in frame.columns for c in group):
            continue
        keys = frame[list(group)]
        valid = keys.notna().all(axis=1).to_numpy()
        if not valid.any():
            continue
        sub = keys[valid]
        dup = sub.duplicated(keep="first").to_numpy()
        if not dup.any():
            continue
        valid_rows = emit.rows[valid]
        first = pd.Series(valid_rows).groupby([sub[c].to_numpy() for c in group], sort=False).transform("first").to_numpy()
        positions = np.flatnonzero(valid)[dup]
        name = " + ".join(group)
        header = " + ".join(headers.get(c, c) for c in group)
        joined = sub[list(group)].astype(str).agg(" + ".join, axis=1).to_numpy() if len(group) > 1 else sub[group[0]].to_numpy()
        firsts = first[dup]
        mask = np.zeros(len(frame), dtype=bool)
        mask[positions] = True
        notes = {int(p): expected("unique_also_in_row", name=name, row=int(f)) for p, f in zip(positions, firsts)}
        values = np.empty(len(frame), dtype=object)
        values[np.flatnonzero(valid)] = joined
        emit.add(mask, values, ColumnMatch(-1, header, name, None), expected("unique", name=name), "duplicate_id", notes=notes)


def _check_table_rules(name: str, frame: pd.DataFrame, raw_by_name: dict[str, pd.Series],
                       headers: dict[str, str], emit: _Emitter) -> None:
    def col(n: str) -> ColumnMatch:
        return ColumnMatch(-1, headers.get(n, n), n, None)

    if name == "complaints" and {"opened_at", "resolved_at"} <= set(frame.columns):
        with np.errstate(invalid="ignore"):
            early = (frame["resolved_at"] < frame["opened_at"]).fillna(False).to_numpy(bool)
        opened = raw_by_name["opened_at"].to_numpy()
        notes = {int(i): expected("time_after_opened_at", opened=str(opened[i]).strip()) for i in np.flatnonzero(early)}
        emit.add(early, raw_by_name["resolved_at"], col("resolved_at"), expected("time_after_opened"),
                 "resolved_before_opened", notes=notes)
    if name == "customers" and {"status", "churn_date"} <= set(frame.columns):
        active = (frame["status"] == "active").fillna(False).to_numpy(bool) & frame["churn_date"].notna().to_numpy()
        emit.add(active, raw_by_name["churn_date"], col("churn_date"),
                 expected("no_churn_date_active"), "churn_date_active",
                 severity="warning")
    if name == "assessment" and {"framework", "item"} <= set(frame.columns):
        # blank cells are NA: compare as plain text so NA never reaches a boolean test
        fw = frame["framework"].fillna("").to_numpy(dtype=object)
        item = frame["item"].fillna("").to_numpy(dtype=object)
        notes: dict[int, str] = {}
        bad = np.zeros(len(frame), dtype=bool)
        for framework in ("aspects", "behaviours", "dimensions"):
            ids = frameworks.item_ids(framework)
            here = (fw == framework) & (item != "")
            wrong = here & ~np.isin(item.astype(str), ids)
            for i in np.flatnonzero(wrong):
                notes[int(i)] = expected("framework_item_of", framework=framework, ids=", ".join(ids))
            bad |= wrong
        emit.add(bad, raw_by_name["item"], col("item"), expected("framework_item"), "not_in_enum", notes=notes)


def build_table(raw: RawTable, schema: TableSchema, spec_cfg: Any, config: Any, *, file: str,
                limits: Limits = DEFAULT_LIMITS) -> tuple[pd.DataFrame, dict[str, str], list[Problem]]:
    """Convert a text table to the canonical table and collect its problems.

    Returns ``(frame, columns, problems)``: ``frame`` has the canonical columns found (schema
    order), then ``rating_*``-style pattern columns, then the extra columns (text); values that
    could not be read are missing (NA/NaN/NaT) and have a problem each. ``columns`` maps each
    client header to its name in ``frame``. Optional canonical columns the client did not
    supply are absent (test ``"comment" in frame.columns``).
    """
    matches, problems = resolve_columns(raw.headers, schema, dict(spec_cfg.columns), file=file, table=schema.name)
    emit = _Emitter(file, schema.name, raw.rows)
    converted: dict[str, pd.Series] = {}
    raw_by_name: dict[str, pd.Series] = {}
    for m in matches:
        column = raw.frame[m.position].reset_index(drop=True)
        raw_by_name[m.name] = column
        converted[m.name] = _convert(m, column, emit, config, spec_cfg, raw.file_format, limits)
        if m.spec is None or m.spec.kind in ("id", "category", "text", "enum"):
            _check_mojibake(m, column, emit)
    canonical_order = [c for c in schema.names if c in converted]
    pattern_cols = [m.name for m in matches if m.spec is not None and m.name not in schema.names]
    extras = [m.name for m in matches if m.spec is None]
    frame = pd.DataFrame({c: converted[c] for c in canonical_order + pattern_cols + extras},
                         index=pd.RangeIndex(len(raw.frame)))
    headers = {m.name: m.header for m in matches}
    _check_unique(frame, schema, headers, emit)
    _check_table_rules(schema.name, frame, raw_by_name, headers, emit)
    columns = {m.header: m.name for m in matches}
    return frame, columns, problems + emit.problems


def is_in(values: pd.Series, known) -> np.ndarray:
    """``values.isin(known)`` as a boolean array. Text against text goes through pyarrow's hash
    lookup: pandas' own ``isin`` on pyarrow-backed text turns every known value into a pyarrow
    scalar in Python (5.6 of 15.8 s of a 200,000-customer client's intake, profiled)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    known = pd.Series(known) if not isinstance(known, pd.Series) else known
    if not (isinstance(values.dtype, pd.StringDtype) and isinstance(known.dtype, pd.StringDtype)):
        return values.isin(known).to_numpy(bool)
    data = pa.array(values.array)  # an Array or a ChunkedArray, both taken as they are
    value_set = pa.array(known.dropna().array)
    if isinstance(value_set, pa.ChunkedArray):
        value_set = value_set.combine_chunks()
    found = pc.is_in(data, value_set=value_set.cast(data.type), skip_nulls=True)
    found = found.to_numpy(zero_copy_only=False).astype(bool)
    if known.isna().any():  # pandas: a missing value is "in" values that hold one
        found |= values.isna().to_numpy(bool)
    return found


def check_references(frames: dict[str, pd.DataFrame], rows: dict[str, np.ndarray], files: dict[str, str],
                     headers: dict[str, dict[str, str]]) -> list[Problem]:
    """Rows of transactions, complaints and NPS responses whose ``customer_id`` is not in the
    customers table (when the client supplied one): errors for transactions, warnings for the
    others (a survey or complaint may come from a prospect or a closed account)."""
    customers = frames.get("customers")
    if customers is None or "customer_id" not in customers.columns:
        return []
    known = customers["customer_id"].dropna().unique()
    out: list[Problem] = []
    for table, severity in CUSTOMER_REFERENCES.items():
        frame = frames.get(table)
        if frame is None or "customer_id" not in frame.columns:
            continue
        ids = frame["customer_id"]
        unknown = ids.notna().to_numpy(bool) & ~is_in(ids, known)
        emit = _Emitter(files[table], table, rows[table])
        emit.add(unknown, ids.astype(object), ColumnMatch(-1, headers[table].get("customer_id", "customer_id"),
                                                          "customer_id", None),
                 expected("known_customer", file=files["customers"]), "unknown_customer", severity=severity)
        out += emit.problems
    return out
