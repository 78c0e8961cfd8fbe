"""The client configuration: ``client_data/<id>/client.toml``.

One file per client says who the client is, which data files it supplied and how their
headers map to crmplay's canonical columns, the survey scales, the segment columns, the
branding and the economic assumptions. Every section is a frozen dataclass; unknown keys and
wrong types raise :class:`ConfigError`, which lists every problem with the file and the key.

Step-specific options live under ``[steps.<step>]`` and are validated by the ``Options``
dataclass that the step declares in its chapter package (the registry hands them to
:func:`load_config`), so each step owns its
settings and this module stays the one reader of the file.

Example
-------
>>> cfg = load_config("client_data/demo")          # doctest: +SKIP
>>> cfg.client.name, cfg.economics.retention_cost_ratio   # doctest: +SKIP
('Parsian Mobile & Net (demo)', 0.1)
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from crmplay.core.economics import REFERRALS_PER_PROMOTER_BY_INDUSTRY, Economics
from crmplay.core.errors import CrmplayError
from crmplay.core.fileio import OutsideFolderError, inside
from crmplay.core.toml_sections import build_dataclass

LANGUAGES = ("en", "fa")
#: NPS answer scales a survey may use, with their lowest and highest score.
NPS_SCALES: dict[str, tuple[int, int]] = {"0-10": (0, 10), "1-10": (1, 10)}
#: How a table's dates are written (``[tables.<name>] dates``).
DATE_STYLES = ("iso", "dayfirst", "monthfirst", "jalali")
#: Who computes a large table's per-customer figures: DuckDB from 20 million rows or 1 GiB (auto).
TABLE_ENGINES = ("auto", "pandas", "duckdb")
#: A year below this is a Jalali (Solar Hijri) year, at or above it a Gregorian one.
JALALI_YEAR_LIMIT = 1700
CANONICAL_TABLES = (
    "customers",
    "transactions",
    "nps_responses",
    "needs_ratings",
    "kano_responses",
    "interviews",
    "complaints",
    "assessment",
)


#: Largest logo accepted (bytes): it is embedded in every page of the report.
LOGO_MAX_BYTES = 2 * 1024 * 1024


class ConfigError(CrmplayError, ValueError):
    """A client.toml that cannot be used; ``problems`` lists (key, message) pairs."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str]]):
        self.path = Path(path)
        self.problems = list(problems)
        lines = [f"{self.path}: {len(self.problems)} problem(s) in the client configuration"]
        lines += [f"  - {key}: {msg}" if key else f"  - {msg}" for key, msg in self.problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class ClientInfo:
    name: str
    language: str = "en"
    industry: str = "general"
    currency: str = "USD"


#: Longest ``[branding]`` texts, in characters: (firm and author, cover note).
BRANDING_TEXT_LIMITS = {"firm": 100, "author": 100, "cover_note": 500}


@dataclass(frozen=True)
class Branding:
    """How the report looks and whom it is from: the accent colour, the client's logo, and for
    the cover page of the PDF (and the report's header) the consulting firm, the author and a
    short note. Texts are plain text (shown escaped), one line each except ``cover_note``."""

    colour: str = "#1f4e79"
    logo: str | None = None  # path relative to the client folder (PNG, JPEG or SVG)
    firm: str = ""  # the consulting firm, e.g. "Northwind Advisory"
    author: str = ""  # the consultant who signs the report
    cover_note: str = ""  # a line or two on the cover, e.g. "Confidential: prepared for the board"

    def __post_init__(self) -> None:
        wrong = []
        for name, limit in BRANDING_TEXT_LIMITS.items():
            text = getattr(self, name)
            if len(text) > limit:
                wrong.append(f"branding.{name} is {len(text)} characters long; at most {limit}")
            allowed = "\n" if name == "cover_note" else ""
            if any((ord(ch) < 32 and ch not in allowed) or ord(ch) == 127 for ch in text):
                wrong.append(f"branding.{name} holds a line break or control character"
                             + ("" if allowed else "; keep it on one line"))
        if wrong:
            raise ValueError("; ".join(wrong))


@dataclass(frozen=True)
class Survey:
    """Survey scales and segmentation. NPS cut points on the 0-10 scale by default."""

    nps_scale: str = "0-10"  # "0-10" (standard) or "1-10" (accepted, flagged as not comparable)
    promoter_min: int = 9
    passive_min: int = 7
    rating_min: float = 1.0
    rating_max: float = 5.0
    segment_columns: tuple[str, ...] = ()
    min_segment_n: int = 30


@dataclass(frozen=True)
class TableSpec:
    """One supplied data file and how to read it."""

    file: str
    sheet: str | None = None  # XLSX sheet name; first sheet when absent
    encoding: str | None = None  # CSV encoding; detected when absent
    dates: str = "iso"  # iso | jalali | dayfirst | monthfirst: how date columns are written
    jalali_columns: tuple[str, ...] = ()  # canonical date columns written as Jalali when dates != jalali
    header_row: int = 1  # 1-based row of the header in the file
    decimal: str = "."  # decimal mark of the file's numbers: "." or "," (then "." or a space separates thousands)
    columns: dict[str, str] = field(default_factory=dict)  # client header -> canonical name
    engine: str = "auto"  # auto | pandas | duckdb: who computes the per-customer tables of transactions


@dataclass(frozen=True)
class Privacy:
    show_personal_data: bool = False  # stakeholder reports carry no names/emails/phones unless True


@dataclass(frozen=True)
class ClientConfig:
    """A validated client configuration. ``root`` is the client's data folder."""

    id: str
    root: Path
    path: Path
    client: ClientInfo
    branding: Branding = field(default_factory=Branding)
    economics: Economics = field(default_factory=Economics)
    survey: Survey = field(default_factory=Survey)
    privacy: Privacy = field(default_factory=Privacy)
    tables: dict[str, TableSpec] = field(default_factory=dict)
    steps: dict[str, Any] = field(default_factory=dict)  # step id -> that step's Options instance

    @property
    def language(self) -> str:
        return self.client.language

    def table_path(self, table: str) -> Path:
        """Absolute path of a configured table's file."""
        return self.root / self.tables[table].file

    def has_table(self, table: str) -> bool:
        """True when the table is configured and its file exists inside the client folder (a
        file that leads outside, e.g. through a symbolic link, is never treated as supplied:
        :func:`crmplay.data.check_client` reports it)."""
        if table not in self.tables:
            return False
        try:
            return inside(self.root, self.tables[table].file).is_file()
        except OutsideFolderError:
            return False

    def step_options(self, step: str) -> Any:
        """The step's validated ``Options`` (its defaults when client.toml has no ``[steps.<step>]``).

        Raises ``KeyError`` for a step whose options class was not given to :func:`load_config`.
        """
        if step in self.steps:
            return self.steps[step]
        return self._option_classes[step]()

    @property
    def _option_classes(self) -> Mapping[str, type]:
        return self.__dict__.get("_options", {})

    def referrals_per_promoter(self) -> float:
        """Client figure, else the quoted industry figure (source: nps_telecom), else the mobile figure."""
        if self.economics.referrals_per_promoter is not None:
            return self.economics.referrals_per_promoter
        return REFERRALS_PER_PROMOTER_BY_INDUSTRY.get(self.client.industry, 6.0)

    def assumptions(self) -> list[dict[str, Any]]:
        """Every economic assumption with its value and where it came from: ``source`` is
        ``"client"`` for a figure the client gave, else the key of a named source
        (:mod:`crmplay.core.sources`); ``note`` says more, for the consultant."""
        given = self._given_economics
        rows = []
        for f in dataclasses.fields(Economics):
            value = getattr(self.economics, f.name)
            if f.name == "referrals_per_promoter" and value is None:
                value = self.referrals_per_promoter()
            client = f.name in given
            rows.append({"key": f.name, "value": value, "source": "client" if client else f.metadata["source"],
                         "note": "" if client else f.metadata.get("note", ""), "kind": f.metadata["kind"]})
        return rows

    @property
    def _given_economics(self) -> frozenset[str]:
        return self.__dict__.get("_given", frozenset())


# --------------------------------------------------------------------------------------------
# Reading and validation


def load_config(client_dir: str | Path, step_options: Mapping[str, type] | None = None) -> ClientConfig:
    """Read and validate ``<client_dir>/client.toml``.

    ``step_options`` maps each step id to the dataclass that validates its ``[steps.<id>]``
    section (:func:`crmplay.chapters.registry.options_classes`); without it no step section is
    accepted.

    Raises
    ------
    ConfigError
        listing every unknown key, wrong type and bad value with the file and the key.
    """
    root = Path(client_dir).resolve()
    path = root / "client.toml"
    try:
        inside(root, "client.toml")
    except OutsideFolderError:
        raise ConfigError(path, [("", "client.toml leads outside the client folder (symbolic link); "
                                      "copy the file into the folder")]) from None
    if not path.is_file():
        raise ConfigError(path, [("", "client.toml not found; `crmplay new <client>` scaffolds one")])
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [("", f"not valid TOML: {exc}")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, [("", f"not UTF-8 text: {exc}")]) from None
    return parse_config(raw, root=root, path=path, step_options=step_options)


def parse_config(raw: dict[str, Any], *, root: Path, path: Path,
                 step_options: Mapping[str, type] | None = None) -> ClientConfig:
    """Validate an already-parsed TOML mapping (see :func:`load_config`)."""
    problems: list[tuple[str, str]] = []
    sections = {"client": ClientInfo, "branding": Branding, "economics": Economics,
                "survey": Survey, "privacy": Privacy}
    known = set(sections) | {"tables", "steps"}
    for key in raw:
        if key not in known:
            problems.append((key, f"unknown section; expected one of {', '.join(sorted(known))}"))

    built: dict[str, Any] = {}
    for name, cls in sections.items():
        value = raw.get(name, {})
        if name == "client" and "client" not in raw:
            problems.append(("client", "missing section [client] (needs at least name)"))
            value = {"name": root.name}
        built[name] = build_dataclass(cls, value, name, problems)

    tables: dict[str, TableSpec] = {}
    raw_tables = raw.get("tables", {})
    if not isinstance(raw_tables, dict):
        problems.append(("tables", "expected a table of [tables.<name>] sections"))
        raw_tables = {}
    for tname, tvalue in raw_tables.items():
        if tname not in CANONICAL_TABLES:
            problems.append((f"tables.{tname}", f"unknown table; expected one of {', '.join(CANONICAL_TABLES)}"))
            continue
        spec = build_dataclass(TableSpec, tvalue, f"tables.{tname}", problems)
        if spec is not None:
            tables[tname] = spec

    steps: dict[str, Any] = {}
    raw_steps = raw.get("steps", {})
    if not isinstance(raw_steps, dict):
        problems.append(("steps", "expected [steps.<step>] sections"))
        raw_steps = {}
    option_classes = dict(step_options or {})
    for sname, svalue in raw_steps.items():
        if sname not in option_classes:
            problems.append((f"steps.{sname}", f"unknown step; expected one of {', '.join(option_classes) or 'no step'}"))
            continue
        opts = build_dataclass(option_classes[sname], svalue, f"steps.{sname}", problems)
        if opts is not None:
            steps[sname] = opts

    info: ClientInfo | None = built["client"]
    if info is not None:
        if info.language not in LANGUAGES:
            problems.append(("client.language", f"{info.language!r} is not supported; expected one of {', '.join(LANGUAGES)}"))
    branding: Branding | None = built["branding"]
    if branding is not None:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", branding.colour):
            problems.append(("branding.colour", f"{branding.colour!r} is not a colour like '#1f4e79'"))
        if branding.logo is not None:
            why = logo_problem(root, branding.logo)
            if why:
                problems.append(("branding.logo", why))
    econ: Economics | None = built["economics"]
    if econ is not None:
        for fname in ("retention_cost_ratio", "gross_margin", "discount_rate"):
            v = getattr(econ, fname)
            if v is not None and not (0 <= v <= 1):
                problems.append((f"economics.{fname}", f"{v} is not a fraction between 0 and 1"))
        for fname in ("acquisition_cost", "promoter_vs_passive", "promoter_vs_detractor",
                      "referrals_per_promoter", "annual_revenue_per_customer"):
            v = getattr(econ, fname)
            if v is not None and v < 0:
                problems.append((f"economics.{fname}", f"{v} is negative"))
    survey: Survey | None = built["survey"]
    if survey is not None:
        if survey.nps_scale not in NPS_SCALES:
            problems.append(("survey.nps_scale", f"{survey.nps_scale!r}: expected '0-10' or '1-10'"))
        if not (0 < survey.passive_min < survey.promoter_min <= 10):
            problems.append(("survey.promoter_min", f"cut points passive_min={survey.passive_min}, promoter_min={survey.promoter_min} must satisfy 0 < passive_min < promoter_min <= 10"))
        if survey.rating_min >= survey.rating_max:
            problems.append(("survey.rating_min", "rating_min must be below rating_max"))
        if survey.min_segment_n < 1:
            problems.append(("survey.min_segment_n", "must be at least 1"))
    for tname, spec in tables.items():
        why = relative_path_problem(spec.file)
        if why:
            problems.append((f"tables.{tname}.file", why))
        if spec.dates not in DATE_STYLES:
            problems.append((f"tables.{tname}.dates", f"{spec.dates!r}: expected iso, jalali, dayfirst or monthfirst"))
        if spec.header_row < 1:
            problems.append((f"tables.{tname}.header_row", "must be 1 or more"))
        if spec.engine not in TABLE_ENGINES:
            problems.append((f"tables.{tname}.engine", f"{spec.engine!r}: expected one of {', '.join(TABLE_ENGINES)}"))
        if spec.decimal not in (".", ","):
            problems.append((f"tables.{tname}.decimal", f"{spec.decimal!r}: expected \".\" or \",\""))

    if problems:
        raise ConfigError(path, problems)
    cfg = ClientConfig(id=root.name, root=root, path=path, tables=tables, steps=steps, **built)
    given = raw.get("economics", {})
    object.__setattr__(cfg, "_given", frozenset(given) if isinstance(given, dict) else frozenset())
    object.__setattr__(cfg, "_options", option_classes)
    return cfg


def client_folder_name_ok(name: str) -> bool:
    """True when ``name`` is a plain folder name for a client (the engine and the CLI check it
    before joining it to a data or reports root): not empty, no path separator, no ``..``, not
    hidden, no drive, no control characters, no spaces at the ends.

    >>> [client_folder_name_ok(n) for n in ("demo", "acme_2025", "پارسیان", "", "..", "../x", ".git", "C:")]
    [True, True, True, False, False, False, False, False]
    """
    if not isinstance(name, str) or not name or name != name.strip() or name.startswith("."):
        return False
    return not any(c in "/\\:" or ord(c) < 32 or ord(c) == 127 for c in name)


def relative_path_problem(value: str) -> str | None:
    """Why ``value`` (a ``file`` or ``logo`` of client.toml) is not a relative path inside the
    client folder, or ``None``. Text only: :func:`crmplay.core.fileio.inside` follows symlinks.

    >>> relative_path_problem("data/customers.csv") is None, relative_path_problem("../../etc/passwd")
    (True, 'climbs out of the client folder (..): name a file inside the client folder')
    """
    posix, windows = PurePosixPath(value), PureWindowsPath(value)
    if not value.strip() or any(ord(c) < 32 for c in value):
        return "empty or with control characters: name a file inside the client folder"
    if posix.is_absolute() or windows.is_absolute() or windows.drive or value.startswith(("/", "\\")):
        return "an absolute path: name a file inside the client folder, relative to it"
    if ".." in posix.parts or ".." in windows.parts:
        return "climbs out of the client folder (..): name a file inside the client folder"
    return None


def logo_problem(root: Path, logo: str) -> str | None:
    """Why ``[branding] logo`` cannot be used, or ``None``: it must be a relative path inside the
    client folder (after symlinks; nothing outside is opened), a file of at most
    :data:`LOGO_MAX_BYTES`, and a PNG, JPEG or SVG image by its first bytes."""
    why = relative_path_problem(logo)
    if why:
        return why
    try:
        real = inside(root, logo)
    except OutsideFolderError:
        return f"{logo!r} leads outside the client folder (symbolic link): copy the image into the folder"
    if not real.is_file():
        return f"file {logo!r} not found in the client folder"
    if real.stat().st_size > LOGO_MAX_BYTES:
        return (f"{logo!r} is {real.stat().st_size / 1048576:.1f} MB; a logo must be at most "
                f"{LOGO_MAX_BYTES // 1048576} MB (it is embedded in every page)")
    with open(real, "rb") as fh:
        head = fh.read(2048)
    svg = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not (head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"))
            or (svg.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in svg)):
        return f"{logo!r} is not a PNG, JPEG or SVG image (by its content)"
    return None
