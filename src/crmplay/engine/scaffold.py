"""What crmplay hands a consultant before any analysis: ``crmplay new`` (a client folder with its
``client.toml`` and one empty data template per canonical table, headers from
:data:`crmplay.data.TABLE_SCHEMAS`, described in ``DATA.md``) and the lists of features and
needs ``crmplay questionnaires`` asks about."""
from __future__ import annotations

import string
from pathlib import Path

DEFAULT_DATA_ROOT = "client_data"


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(ch if ch >= " " or ch == "\t" else f"\\u{ord(ch):04x}" for ch in escaped)
    return f'"{escaped}"'


def scaffold_client(client: str, data_root: str | Path = DEFAULT_DATA_ROOT, *, name: str | None = None,
                    language: str = "en", currency: str = "USD") -> Path:
    """Create ``<data_root>/<client>/`` with ``client.toml``, one header-only CSV template per
    canonical table (headers from ``crmplay.data.TABLE_SCHEMAS``) and ``DATA.md`` describing
    every column. Refuses an existing folder (``FileExistsError``)."""
    import csv
    import io

    from crmplay.data import TABLE_SCHEMAS
    from crmplay.core.fileio import write_text
    from crmplay.core.resources import templates_dir

    if not client or client.startswith((".", "_")) or Path(client).name != client:
        raise ValueError(f"{client!r} is not a usable client folder name (letters, digits, - and _)")
    folder = Path(data_root) / client
    if folder.exists():
        raise FileExistsError(f"{folder} already exists; crmplay new never overwrites a client folder")
    folder.mkdir(parents=True)
    tables_block, guide = [], [f"# Data templates for {name or client}", "",
                               "One CSV per canonical table; fill the ones the client can supply, "
                               "or map the client's own files in client.toml.", ""]
    for table, schema in TABLE_SCHEMAS.items():
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow(schema.names)
        # UTF-8 with a byte-order mark: spreadsheet programs then show Persian text correctly.
        (folder / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8-sig")
        tables_block += [f"# [tables.{table}]", f'# file = "{table}.csv"', ""]
        guide += [f"## {table}.csv", "", schema.description, "",
                  "| column | required | kind | meaning | example |", "| --- | --- | --- | --- | --- |"]
        for col in schema.columns:
            desc = col.description.replace("|", "/")
            guide.append(f"| {col.name} | {'yes' if col.required else ''} | {col.kind} | {desc} | {col.example} |")
        for pattern in schema.patterns:
            guide.append(f"| {pattern.prefix}… | | {pattern.template.kind} | {pattern.template.description} | |")
        guide.append("")
    template = string.Template((templates_dir() / "client" / "client.toml").read_text(encoding="utf-8"))
    text = template.substitute(name_toml=_toml_string(name or client), client_id=client,
                               language=language, currency=currency, tables="\n".join(tables_block))
    write_text(folder / "client.toml", text)
    write_text(folder / "DATA.md", "\n".join(guide))
    return folder


def _name_list(text: str | None) -> list[str]:
    """``"a, b,,c"`` -> ``["a", "b", "c"]`` (``None`` or blanks give an empty list)."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _distinct_values(config, table: str, column: str) -> list[str]:
    """The distinct non-blank values of ``table.column`` in order of first appearance, or ``[]``
    when the client does not supply the table. Raises ``crmplay.data.DataError`` on bad data."""
    if config is None or not config.has_table(table):
        return []
    from crmplay.data import load_table

    values = load_table(config, table)[column].dropna().astype(str).str.strip()
    return [v for v in dict.fromkeys(values) if v]


def questionnaire_lists(config, features: str | None = None, needs: str | None = None
                        ) -> tuple[list[str], list[str] | None]:
    """The features (Kano) and needs (importance-performance) to ask about.

    An explicit comma-separated ``features`` / ``needs`` list wins; otherwise the client's
    ``kano_responses.feature`` / ``needs_ratings.need`` values (first appearance order). With
    only one of the two lists known, it is used for both questionnaires. Returns
    ``(features, needs)``; ``needs`` is ``None`` when it equals ``features``. Raises
    ``ValueError`` when neither list can be found.
    """
    feature_list = _name_list(features) or _distinct_values(config, "kano_responses", "feature")
    need_list = _name_list(needs) or _distinct_values(config, "needs_ratings", "need")
    if not feature_list and not need_list:
        raise ValueError("no features or needs to ask about: the client supplies neither a kano_responses "
                         "nor a needs_ratings table; give them with --features \"a,b,c\" (and --needs)")
    if not feature_list:
        return need_list, None
    return feature_list, need_list or None



__all__ = ["scaffold_client", "questionnaire_lists"]
