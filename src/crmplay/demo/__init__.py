"""Deterministic synthetic demo clients: an Iranian mobile + internet operator.

``crmplay.demo.generate(out_dir)`` writes a complete client folder (raw export files in the
client's own headers and formats, plus ``client.toml``) for *Parsian Mobile & Net (demo)*, a
mobile and home-internet operator of the kind the NPS article (source: nps_telecom) describes. The same
seed, sizes and end date always give the same bytes: a seeded numpy generator per component, no
clock, no set-order dependence, whole numbers only, fixed XLSX metadata.

The committed clients (see :data:`DEMO_CLIENTS`) are ``client_data/demo`` (English, 5,000
customers) and ``client_data/demo_fa`` (Persian headers and labels, 800 customers, Jalali dates,
UTF-16 and Windows-1256 files). Regenerate them with ``python -m crmplay.demo --clients
client_data`` (or ``crmplay demo``).

Tables (rows for the committed ``demo``): customers 5,000; transactions ~83,000 over 18 months
(2025-04-01 .. 2026-09-30); nps_responses 2,000; needs_ratings ~3,200 (300 respondents x 11
needs); kano_responses 1,200 (150 x 8); interviews ~200 statements of 40 interviewees;
complaints ~1,700; assessment 23 (7 aspects, 6 behaviours, 10 dimensions from
:mod:`crmplay.core.frameworks`). ``client_data/README.md`` lists the files, headers and quirks.

Planted truths (what the analyses must find; the tests of this package check each one)
--------------------------------------------------------------------------------------
NPS (step ``nps``)
    * Billing problems and bounced calls drive detractors: respondents with a billing complaint,
      and those with a complaint transferred 2+ times, are far more often detractors than the
      rest. Driver analysis of the ``rating_*`` attributes ranks ``rating_billing``,
      ``rating_call_centre`` and ``rating_network`` on top and ``rating_app`` /
      ``rating_rewards`` at the bottom.
    * Overall NPS is slightly negative (about -6: few telecom customers recommend).
    * NPS is lowest in the Khuzestan region (coverage problems, about -35) and for
      ``mobile-prepaid`` (about -20), both significantly below the rest.
    * A billing-system incident in the middle of the window (January 2026 for the committed
      data) inflates bills; NPS dips clearly in that quarter (2026Q1, about -26 against
      about -6..+2 elsewhere) and ``rating_billing`` falls with it. A billing complaint or a
      bounced call in the six months before an answer lowers it further.
    * Promoters spend more per month, churn less and refer more than passives, who beat
      detractors. Churned customers' transactions stop before their churn date.
    * ~60% of responses have a comment, in English and Persian; a few comments carry the
      respondent's phone number, email or name (personal data to be masked).
Needs audit (step ``needs``)
    * Importance-performance: ``clear bills``, ``one number for every problem`` and
      ``low-balance alerts`` are high importance / low performance (Concentrate Here);
      ``store decor`` is low importance / high performance (Possible Overkill); ``network
      coverage``, ``price`` and ``internet speed`` Keep Up the Good Work; ``mobile app`` and
      ``rewards club`` Low Priority. Overall satisfaction follows the Concentrate Here needs.
    * Kano: ``network coverage`` Must-be; ``clear bill`` and ``one number for every problem``
      One-dimensional; ``low-balance alerts`` and ``birthday gift`` Attractive; ``store decor``,
      ``monthly newsletter`` and ``app dark mode`` Indifferent. Answers mix English words,
      Persian words (some with Arabic ye/kaf) and codes 1-5.
    * Interviews: dislikes about billing and the call centre are the most frequent.
    * Complaints: ``billing`` dominates the Pareto (about half), then ``network``; ~9% of
      complaints repeat within 7 days; a few are still open (blank resolution); compensation is
      refunded as negative transactions.
    * Assessment: aspects ``complaints`` (1) and ``retention`` (2) lowest; behaviour
      ``resolve_fast`` lowest (1); dimensions ``clear_bills``, ``problem_hero`` and
      ``turn_unhappy`` lowest (1); every target 4.
Dimensions (step ``dimensions``)
    * With the demo's ``attribute_map``, ``clear_bills`` and ``problem_hero`` have the lowest
      performance and the highest importance: the top priorities, with ``turn_unhappy``.

Example
-------
>>> from crmplay.demo import generate
>>> summary = generate("/tmp/demo_client", customers=500)      # doctest: +SKIP
>>> summary.rows["customers"]                                  # doctest: +SKIP
500
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crmplay.demo import model, surveys, tables, writer
from crmplay.demo.model import Calendar, day_number
from crmplay.demo.retail import RETAIL_CLIENT, write_retail_client
from crmplay.demo.writer import LAYOUTS, MARKER
from crmplay.core.errors import CrmplayError

#: The default random seed of the generator.
DEFAULT_SEED = 4
#: The last observed day of the committed demo data (fixed: never "today").
END_DATE = "2026-09-30"
#: The committed demo clients: folder name -> generate() keyword arguments.
DEMO_CLIENTS: dict[str, dict] = {
    "demo": {"customers": 5000, "language": "en"},
    "demo_fa": {"customers": 800, "language": "fa"},
}
#: Share of NPS comments written in Persian, per client language.
PERSIAN_COMMENT_SHARE = {"en": 0.45, "fa": 0.85}
#: Survey sizes (they do not grow with the customer count).
NEEDS_RESPONDENTS, KANO_RESPONDENTS, INTERVIEWEES = 300, 150, 40


class DemoError(CrmplayError, ValueError):
    """Bad generator arguments, or an output folder that holds a real client."""


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`generate` wrote: the folder, each table's file and row count, total bytes."""

    out_dir: Path
    language: str
    files: dict[str, str] = field(default_factory=dict)  # table -> file name
    rows: dict[str, int] = field(default_factory=dict)  # table -> data rows
    bytes: int = 0

    def __str__(self) -> str:
        lines = [f"{self.out_dir} ({self.language}): {self.bytes / 1e6:.1f} MB"]
        lines += [f"  {t:<15} {self.rows[t]:>10,} rows  {f}" for t, f in self.files.items()]
        return "\n".join(lines)


def generate(out_dir: str | Path, customers: int = 5000, seed: int = DEFAULT_SEED, months: int = 18,
             responses: int | None = None, end_date: str = END_DATE, *, language: str = "en") -> DemoSummary:
    """Write a demo client folder: every table's export file and ``client.toml``.

    Parameters
    ----------
    out_dir : folder to write (created if needed). Only the demo's own files are written; a
        folder whose ``client.toml`` was not written by this generator is refused.
    customers : number of customers (transactions grow with it: ~16 per customer).
    seed : random seed; the same arguments always give the same bytes.
    months : length of the observation window in calendar months, ending with ``end_date``'s
        month (6 to 240).
    responses : NPS survey answers; default 40% of ``customers`` (2,000 for 5,000), capped at
        the number of customers (one answer per customer).
    end_date : last observed day, ISO ``YYYY-MM-DD``.
    language : ``"en"`` (English headers and labels) or ``"fa"`` (Persian, Jalali dates).

    Returns
    -------
    DemoSummary
        files and row counts per table.
    """
    if language not in LAYOUTS:
        raise DemoError(f"language {language!r}: expected one of {', '.join(LAYOUTS)}")
    if int(customers) < 50:
        raise DemoError(f"customers={customers}: the demo needs at least 50 customers")
    if not 6 <= int(months) <= 240:
        raise DemoError(f"months={months}: expected a window of 6 to 240 months")
    try:
        end = day_number(end_date)
    except ValueError:
        raise DemoError(f"end_date={end_date!r} is not an ISO date like 2026-09-30") from None
    n = int(customers)
    k = round(0.4 * n) if responses is None else int(responses)
    if k < 0:
        raise DemoError(f"responses={responses}: expected 0 or more")
    out = Path(out_dir)
    toml_path = out / "client.toml"
    if toml_path.is_file() and not toml_path.read_text(encoding="utf-8-sig").startswith(MARKER):
        raise DemoError(f"{out} holds a client.toml that crmplay.demo did not write; "
                        "refusing to overwrite a real client's folder")

    cal = Calendar(end=end, months=int(months))
    pop = model.build_population(n, cal, seed)
    comp = model.build_complaints(pop, cal, seed)
    tx = model.build_transactions(pop, comp, cal, seed)
    rs = model.build_responses(pop, cal, k, seed, PERSIAN_COMMENT_SHARE[language], comp)
    needs = surveys.build_needs(seed, NEEDS_RESPONDENTS)
    kano = surveys.build_kano(seed, KANO_RESPONDENTS)
    iv = surveys.build_interviews(seed, PERSIAN_COMMENT_SHARE[language], INTERVIEWEES)
    people = tables.build_people(n, seed, persian_digit_share=0.3 if language == "fa" else 0.05)
    cust_ids = writer.ids("C", n, max(5, len(str(n))))

    layout = LAYOUTS[language]
    builders = {
        "customers": (lambda: tables.customers_columns(pop, people, cust_ids, language, seed), n),
        "transactions": (lambda: tables.transactions_columns(tx, cust_ids, language), len(tx)),
        "nps_responses": (lambda: tables.responses_columns(rs, pop, people, cust_ids, language, seed), len(rs)),
        "needs_ratings": (lambda: tables.needs_workbook(needs, cal, language), len(needs)),
        "kano_responses": (lambda: tables.kano_columns(kano, language), len(kano)),
        "interviews": (lambda: tables.interview_columns(iv, cal, people, language), len(iv)),
        "complaints": (lambda: tables.complaints_columns(comp, cust_ids, language, seed), len(comp)),
        "assessment": (lambda: tables.assessment_workbook(language), len(surveys.assessment_rows())),
    }
    files, rows, total = {}, {}, 0
    for table, (build, count) in builders.items():
        fmt = layout[table]
        if fmt.encoding == "xlsx":
            total += writer.write_xlsx(out / fmt.file, build())
        else:
            total += writer.write_csv(out / fmt.file, build(), fmt.encoding)
        files[table], rows[table] = fmt.file, count
    toml = writer.client_toml(language, seed, end_date, n).encode("utf-8")
    writer.write_bytes(toml_path, toml)
    total += len(toml)
    return DemoSummary(out_dir=out, language=language, files=files, rows=rows, bytes=total)


def write_demo_clients(client_data_dir: str | Path, seed: int = DEFAULT_SEED,
                       end_date: str = END_DATE) -> list[DemoSummary]:
    """(Re)write every committed demo client under ``client_data_dir``: the telecom clients of
    :data:`DEMO_CLIENTS` and the retail client (:func:`crmplay.demo.retail.write_retail_client`)."""
    root = Path(client_data_dir)
    summaries = [generate(root / name, seed=seed, end_date=end_date, **kwargs) for name, kwargs in DEMO_CLIENTS.items()]
    write_retail_client(root / RETAIL_CLIENT)  # its own fixed seed: the truth a test checks
    return summaries


__all__ = ["generate", "write_demo_clients", "DemoSummary", "DemoError", "DEMO_CLIENTS", "DEFAULT_SEED",
           "END_DATE"]
