"""The demo operator's hidden world: customers, their experience, spend, churn, complaints and
survey answers, drawn with numpy and nothing else.

Every table the demo writes is an observation of one latent state per customer, so the
relationships the analyses should find are real in the data (see the package docstring for the
list). Arrays are indexed by customer number ``0..n-1``; dates are whole days since 1970-01-01
(``int64``), timestamps whole minutes since 1970-01-01. No text here: :mod:`.tables` turns the
codes into each client's labels.

Random streams: every component draws from its own generator, seeded from ``(seed, component)``
(:func:`stream`), so changing how one table is drawn never changes the others. Nothing depends on
the clock, on set or dict iteration order, or on the platform's float formatting.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from crmplay.demo.phrases import ATTRIBUTES, PLANS, REGIONS

# --------------------------------------------------------------------------------------------
# Codes and constants (units: toman per month for money, fractions 0-1 for shares)

PREPAID, POSTPAID, HOME, BUNDLE = range(4)
KHUZESTAN = 5  # index into phrases.REGIONS: the region with the planted coverage problem
NET, PRICE, BILL, CALL, ONB, APP, ALERTS, REWARDS = range(8)
BILLING, NETWORK, CALL_CENTRE, STORE_C, APP_C, OTHER = range(6)  # complaint categories
CH_CALL, CH_STORE, CH_APP, CH_WEB, CH_SOCIAL = range(5)  # complaint channels
T_BILL, T_TOPUP, T_ADDON, T_REFUND = range(4)  # transaction types
RELATIONSHIP, TP_CALL, TP_STORE, TP_APP = range(4)  # survey touchpoints

PLAN_SHARES = np.array([0.45, 0.25, 0.15, 0.15])
REGION_SHARES = np.array([0.34, 0.12, 0.13, 0.10, 0.12, 0.11, 0.08])
#: Mean monthly spend by plan, toman.
PLAN_MONTHLY = np.array([180_000.0, 320_000.0, 450_000.0, 780_000.0])
#: Monthly churn hazard by plan for an average customer (latent recommend score 7).
PLAN_CHURN = np.array([0.020, 0.011, 0.010, 0.008])

#: Share of customers with a recurring billing problem, by plan.
BILLING_PROBLEM_RATE = np.array([0.10, 0.20, 0.16, 0.16])
#: Share of customers with poor coverage where they live, by region (Khuzestan planted high).
NETWORK_PROBLEM_RATE = np.array([0.10, 0.12, 0.14, 0.12, 0.13, 0.60, 0.15])
#: Share of customers whose calls to the call centre get bounced between operators.
BAD_CALL_RATE = 0.07
#: Share of active customers hit by the billing-system incident, by plan.
INCIDENT_RATE = np.array([0.35, 0.55, 0.50, 0.50])

#: How much each attribute moves the latent likelihood to recommend (points of 0-10 per unit
#: of the attribute's latent experience). Billing and call centre dominate; app and rewards
#: barely matter.
WEIGHTS = np.array([0.95, 0.55, 1.25, 1.10, 0.25, 0.08, 0.15, 0.08])
#: Mean 1-5 rating of each attribute at latent experience 0.
RATING_MEANS = np.array([3.5, 3.0, 3.3, 3.1, 3.6, 3.4, 2.8, 2.7])
#: Spread of each attribute's own experience (beside the shared halo).
ATTRIBUTE_SD = np.array([0.8, 0.9, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0])

#: Monthly fall of the likelihood to recommend as competitors' offers improve (points a month).
MARKET_DRIFT = 0.025

MINUTES_PER_DAY = 1440
#: Customers who joined before the window joined up to this many days (~8 years) before it.
HISTORY_DAYS = 3000

assert len(ATTRIBUTES) == len(WEIGHTS) and len(PLANS) == len(PLAN_SHARES)
assert len(REGIONS) == len(REGION_SHARES)


def stream(seed: int, component: str) -> np.random.Generator:
    """The random generator of one component, seeded from ``(seed, crc32(component))``."""
    return np.random.default_rng([int(seed), zlib.crc32(component.encode("ascii"))])


def day_number(date: str | np.datetime64) -> int:
    """Whole days since 1970-01-01 of an ISO date."""
    return int(np.datetime64(date, "D").astype(np.int64))


@dataclass(frozen=True)
class Calendar:
    """The observation window: ``months`` calendar months ending on ``end`` (inclusive)."""

    end: int  # day number of the last observed day
    months: int

    @property
    def month_starts(self) -> np.ndarray:
        """Day numbers of the first day of each window month, plus the day after the window."""
        last = np.datetime64(np.datetime64(self.end, "D"), "M")
        first = last - (self.months - 1)
        return np.arange(first, last + 2).astype("datetime64[D]").astype(np.int64)

    @property
    def start(self) -> int:
        return int(self.month_starts[0])

    @property
    def incident_month(self) -> int:
        """Window month index of the billing-system incident (the middle of the window)."""
        return self.months // 2

    @property
    def incident_window(self) -> tuple[int, int]:
        """First and last day of the three months after the incident (the NPS dip)."""
        ms = self.month_starts
        i = self.incident_month
        return int(ms[i]), int(ms[min(i + 3, self.months)]) - 1

    def month_of(self, days: np.ndarray) -> np.ndarray:
        """Window month index (0-based) of each day number."""
        return np.searchsorted(self.month_starts, days, side="right") - 1


@dataclass
class Population:
    """One latent state per customer (arrays of length ``n``)."""

    n: int
    plan: np.ndarray
    region: np.ndarray
    signup: np.ndarray  # day number
    active_from: np.ndarray  # first observed active day (signup or window start)
    active_to: np.ndarray  # last active day (day before churn, or window end)
    churned: np.ndarray  # bool
    churn_day: np.ndarray  # day number; meaningful where churned
    halo: np.ndarray
    experience: np.ndarray  # (n, 8) latent experience per attribute, 0 = average
    recommend: np.ndarray  # latent likelihood to recommend on the 0-10 scale
    billing_problem: np.ndarray
    network_problem: np.ndarray
    bad_call: np.ndarray
    incident: np.ndarray  # hit by the billing-system incident
    spend: np.ndarray  # multiplier of the plan's monthly spend
    referrals: np.ndarray
    cycle_day: np.ndarray  # day of month the bill is issued (1-28)


def build_population(n: int, cal: Calendar, seed: int) -> Population:
    """Draw ``n`` customers and their latent experience, spend and churn."""
    rng = stream(seed, "population")
    start, end = cal.start, cal.end
    plan = rng.choice(len(PLAN_SHARES), size=n, p=PLAN_SHARES).astype(np.int8)
    region = rng.choice(len(REGION_SHARES), size=n, p=REGION_SHARES).astype(np.int8)
    is_new = rng.random(n) < 0.22
    old = rng.integers(start - HISTORY_DAYS, start, size=n)
    new = rng.integers(start, end - 6, size=n)
    signup = np.where(is_new, new, old)
    cycle_day = rng.integers(1, 29, size=n).astype(np.int8)

    halo = rng.standard_normal(n)
    billing_problem = rng.random(n) < BILLING_PROBLEM_RATE[plan]
    network_problem = rng.random(n) < NETWORK_PROBLEM_RATE[region]
    bad_call = rng.random(n) < BAD_CALL_RATE
    exp_ = rng.standard_normal((n, len(WEIGHTS))) * ATTRIBUTE_SD + 0.35 * halo[:, None]
    exp_[:, NET] -= 1.6 * network_problem
    exp_[:, BILL] -= 2.0 * billing_problem
    exp_[:, CALL] -= 1.9 * bad_call
    exp_[:, PRICE] -= 0.5 * (plan == PREPAID)
    exp_[:, ONB] -= 0.3 * (plan == HOME)
    recommend = (9.15 + exp_ @ WEIGHTS + 0.4 * halo - 1.1 * (plan == PREPAID)
                 - 0.7 * (region == KHUZESTAN) + rng.normal(0.0, 1.0, n))

    # Churn: an exponential time to leave from the first observed day; unhappy customers leave
    # sooner (hazard x e^{-0.18 (recommend - 7)}: a detractor at 4.5 leaves ~1.6x as fast).
    active_from = np.maximum(signup, start)
    monthly = np.minimum(PLAN_CHURN[plan] * np.exp(-0.18 * (recommend - 7.0)), 0.25)
    time_to_churn = np.ceil(rng.exponential(30.44 / monthly)).astype(np.int64) + 1
    churn_day = active_from + time_to_churn
    churned = churn_day <= end
    active_to = np.where(churned, churn_day - 1, end)

    # The billing-system incident hits customers active at the start of the incident month.
    inc_day = int(cal.month_starts[cal.incident_month])
    incident = ((active_from <= inc_day) & (active_to >= inc_day)
                & (rng.random(n) < INCIDENT_RATE[plan]))

    spend = np.exp(0.08 * (recommend - 7.0) + rng.normal(0.0, 0.22, n))
    referral_rate = np.minimum(0.15 * np.exp(0.5 * (recommend - 7.0)), 3.0)
    referrals = rng.poisson(referral_rate)
    return Population(n=n, plan=plan, region=region, signup=signup, active_from=active_from,
                      active_to=active_to, churned=churned, churn_day=churn_day, halo=halo,
                      experience=exp_, recommend=recommend, billing_problem=billing_problem,
                      network_problem=network_problem, bad_call=bad_call, incident=incident,
                      spend=spend, referrals=referrals, cycle_day=cycle_day)


# --------------------------------------------------------------------------------------------
# Complaints


@dataclass
class Complaints:
    customer: np.ndarray
    opened: np.ndarray  # minutes since 1970
    resolved: np.ndarray  # minutes since 1970; -1 while open
    category: np.ndarray
    channel: np.ndarray
    transfers: np.ndarray
    escalated: np.ndarray
    first_contact: np.ndarray
    compensation: np.ndarray  # toman, whole thousands

    def __len__(self) -> int:
        return len(self.customer)


def _spread(rng: np.random.Generator, customers: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """A uniform day in ``[lo, hi]`` of each row's customer."""
    return lo[customers] + np.floor(rng.random(len(customers)) * (hi[customers] - lo[customers] + 1)).astype(np.int64)


def build_complaints(pop: Population, cal: Calendar, seed: int) -> Complaints:
    """Draw the complaints log: billing dominates, bounced callers, an incident spike, repeats."""
    rng = stream(seed, "complaints")
    months_active = (pop.active_to - pop.active_from + 1) / 30.44
    inc_lo = int(cal.month_starts[cal.incident_month])
    inc_hi = int(cal.month_starts[cal.incident_month + 2]) - 1

    # Sources of complaints: everyday (any category), recurring billing problems, local coverage
    # problems, bounced callers (at least one complaint each) and the billing incident.
    n_base = rng.poisson(0.004 * months_active)
    n_bill = rng.poisson(0.032 * months_active * pop.billing_problem)
    n_net = rng.poisson(0.016 * months_active * pop.network_problem)
    n_call = np.where(pop.bad_call, 1 + rng.poisson(0.15, pop.n), 0)
    inc_ok = pop.incident & (pop.active_to >= inc_lo) & (pop.active_from <= inc_hi)
    n_inc = (inc_ok & (rng.random(pop.n) < 0.12)).astype(np.int64)

    idx = np.arange(pop.n)
    parts_c, parts_day, parts_cat, parts_src = [], [], [], []
    for src, counts in enumerate((n_base, n_bill, n_net, n_call, n_inc)):
        c = np.repeat(idx, counts)
        if src == 4:
            lo = np.maximum(pop.active_from, inc_lo)
            hi = np.minimum(pop.active_to, inc_hi)
        else:
            lo, hi = pop.active_from, pop.active_to
        parts_c.append(c)
        parts_day.append(_spread(rng, c, lo, hi))
        if src == 0:
            cat = rng.choice(6, size=len(c), p=[0.14, 0.2, 0.14, 0.18, 0.18, 0.16])
        elif src == 1 or src == 4:
            cat = np.full(len(c), BILLING)
        elif src == 2:
            cat = np.full(len(c), NETWORK)
        else:
            cat = rng.choice(6, size=len(c), p=[0.35, 0.15, 0.40, 0.0, 0.0, 0.10])
        parts_cat.append(cat)
        parts_src.append(np.full(len(c), src))
    cust = np.concatenate(parts_c)
    day = np.concatenate(parts_day)
    cat = np.concatenate(parts_cat).astype(np.int8)
    src = np.concatenate(parts_src)

    # Repeat complaints: the same problem raised again 1-6 days later (7-day repeat), or 8-30.
    k = len(cust)
    gap = np.where(rng.random(k) < 0.09, rng.integers(1, 7, k),
                   np.where(rng.random(k) < 0.06, rng.integers(8, 31, k), 0))
    again = (gap > 0) & (day + gap <= pop.active_to[cust])
    cust = np.concatenate([cust, cust[again]])
    day = np.concatenate([day, day[again] + gap[again]])
    cat = np.concatenate([cat, cat[again]])
    src = np.concatenate([src, src[again]])
    k = len(cust)

    # Channel and transfers. Bounced callers come in by phone and are passed on 2-5 times;
    # everyone else is passed on at most once.
    channel = rng.choice(5, size=k, p=[0.55, 0.15, 0.12, 0.10, 0.08]).astype(np.int8)
    channel[cat == CALL_CENTRE] = CH_CALL
    channel[cat == STORE_C] = CH_STORE
    channel[(cat == APP_C) & (channel == CH_STORE)] = CH_APP
    bounced = src == 3
    channel[bounced] = CH_CALL
    transfers = np.where(channel == CH_CALL, (rng.random(k) < 0.33).astype(np.int64),
                         (rng.random(k) < 0.08).astype(np.int64))
    transfers[bounced] = rng.choice([2, 3, 4, 5], size=int(bounced.sum()), p=[0.4, 0.3, 0.2, 0.1])

    minute = rng.integers(8 * 60, 22 * 60, size=k)
    opened = day * MINUTES_PER_DAY + minute
    escalated = rng.random(k) < np.minimum(0.04 + 0.12 * transfers + 0.08 * (src == 4), 0.9)
    first_contact = (transfers == 0) & ~escalated & (rng.random(k) < 0.72)
    median_h = np.where(first_contact, 1.5, np.where(cat == BILLING, 52.0, 34.0))
    hours = median_h * np.exp(rng.normal(0.0, 0.9, k)) * np.where(escalated, 2.0, 1.0)
    resolved = opened + np.maximum(np.rint(hours * 60), 5).astype(np.int64)
    end_minute = (cal.end + 1) * MINUTES_PER_DAY - 1
    stuck = rng.random(k) < 0.01
    resolved = np.where((resolved > end_minute) | stuck, -1, resolved)

    comp_p = np.select([src == 4, cat == BILLING, cat == NETWORK], [0.7, 0.3, 0.1], 0.03)
    paid = (resolved >= 0) & (rng.random(k) < comp_p)
    amount = np.where(cat == BILLING, rng.integers(5, 31, k) * 10_000, rng.integers(2, 11, k) * 10_000)
    compensation = np.where(paid, amount, 0).astype(np.int64)

    order = np.lexsort((cust, opened))
    return Complaints(customer=cust[order], opened=opened[order], resolved=resolved[order],
                      category=cat[order], channel=channel[order], transfers=transfers[order],
                      escalated=escalated[order], first_contact=first_contact[order],
                      compensation=compensation[order])


# --------------------------------------------------------------------------------------------
# Transactions


@dataclass
class Transactions:
    customer: np.ndarray
    day: np.ndarray
    amount: np.ndarray  # toman, int64; refunds negative
    kind: np.ndarray

    def __len__(self) -> int:
        return len(self.customer)


def _round_to(x: np.ndarray, step: int) -> np.ndarray:
    return (np.rint(x / step) * step).astype(np.int64)


def build_transactions(pop: Population, comp: Complaints, cal: Calendar, seed: int) -> Transactions:
    """Monthly bills (postpaid, home, bundle), top-ups (prepaid), add-ons and refunds.

    Nothing is dated after a customer's last active day, so churn shows as transactions that
    stop. The incident month's bill of an affected postpaid customer is inflated (the billing
    error); compensation paid on a complaint comes back as a refund (a negative amount).
    """
    rng = stream(seed, "transactions")
    # One row per customer-month in the window (int32 keeps a million customers' grid small).
    ms = cal.month_starts.astype(np.int32)
    m0 = cal.month_of(pop.active_from).astype(np.int32)
    counts = cal.month_of(pop.active_to).astype(np.int32) - m0 + 1
    total = int(counts.sum())
    cm_cust = np.repeat(np.arange(pop.n, dtype=np.int32), counts)
    cm_month = np.arange(total, dtype=np.int32)
    cm_month -= np.repeat((np.cumsum(counts) - counts).astype(np.int32), counts)
    cm_month += m0[cm_cust]
    m_start = ms[cm_month]
    m_len = ms[cm_month + 1] - m_start
    lo, hi = pop.active_from.astype(np.int32)[cm_cust], pop.active_to.astype(np.int32)[cm_cust]
    plan = pop.plan[cm_cust]
    monthly = PLAN_MONTHLY[plan] * pop.spend[cm_cust]

    # Bills: one a month on the customer's billing day.
    rows = np.flatnonzero(plan != PREPAID)
    b_day = m_start[rows] + np.minimum(pop.cycle_day[cm_cust[rows]].astype(np.int32), m_len[rows]) - 1
    b_amount = monthly[rows] * np.exp(rng.normal(0.0, 0.10, len(rows)))
    wrong = pop.incident[cm_cust[rows]] & (cm_month[rows] == cal.incident_month)
    b_amount[wrong] *= rng.uniform(1.6, 2.4, int(wrong.sum()))
    keep = (b_day >= lo[rows]) & (b_day <= hi[rows])
    bills = (cm_cust[rows][keep], b_day[keep], _round_to(b_amount[keep], 1000), T_BILL)

    # Top-ups: prepaid customers top up 0-3 times a month.
    rows = np.flatnonzero(plan == PREPAID)
    n_top = (rng.random(len(rows)) < 0.87) * (1 + rng.poisson(0.35, len(rows)))
    t_row = np.repeat(rows, n_top)
    t_day = m_start[t_row] + np.floor(rng.random(len(t_row)) * m_len[t_row]).astype(np.int32)
    t_amount = np.maximum(_round_to(monthly[t_row] / 1.22 * np.exp(rng.normal(0.0, 0.3, len(t_row))), 10_000), 20_000)
    keep = (t_day >= lo[t_row]) & (t_day <= hi[t_row])
    topups = (cm_cust[t_row][keep], t_day[keep], t_amount[keep], T_TOPUP)

    # Add-ons: extra data packs and roaming; happier customers buy more of them.
    p_add = np.minimum(0.08 * pop.spend ** 1.5, 0.5)[cm_cust]
    a_row = np.flatnonzero(rng.random(total) < p_add)
    a_day = m_start[a_row] + np.floor(rng.random(len(a_row)) * m_len[a_row]).astype(np.int32)
    a_amount = rng.choice(np.array([35_000, 60_000, 95_000, 150_000]), size=len(a_row), p=[0.4, 0.3, 0.2, 0.1])
    keep = (a_day >= lo[a_row]) & (a_day <= hi[a_row])
    addons = (cm_cust[a_row][keep], a_day[keep], a_amount[keep], T_ADDON)

    # Refunds: compensation on a resolved complaint is credited 0-3 days after resolution.
    paid = comp.compensation > 0
    r_cust = comp.customer[paid].astype(np.int32)
    r_day = (comp.resolved[paid] // MINUTES_PER_DAY + rng.integers(0, 4, int(paid.sum()))).astype(np.int32)
    keep = r_day <= pop.active_to[r_cust]
    refunds = (r_cust[keep], r_day[keep], -comp.compensation[paid][keep], T_REFUND)

    by_customer = np.lexsort((refunds[1], refunds[0]))
    refunds = (refunds[0][by_customer], refunds[1][by_customer], refunds[2][by_customer], T_REFUND)
    parts = (bills, topups, addons, refunds)
    cust = np.concatenate([p[0] for p in parts])
    day = np.concatenate([p[1] for p in parts])
    amount = np.concatenate([p[2] for p in parts])
    kind = np.concatenate([np.full(len(p[0]), p[3], dtype=np.int8) for p in parts])
    # Rows are now in (type, customer) order; a stable sort on the day (a radix sort on 16-bit
    # day offsets: linear time) gives the export's (date, type, customer) order.
    order = np.argsort((day - cal.start).astype(np.int16), kind="stable")
    return Transactions(customer=cust[order], day=day[order], amount=amount[order], kind=kind[order])


# --------------------------------------------------------------------------------------------
# NPS survey


@dataclass
class Responses:
    customer: np.ndarray
    day: np.ndarray
    touchpoint: np.ndarray
    score: np.ndarray  # int 0-10
    ratings: np.ndarray  # (r, 8) float 1-5, NaN for "don't know"
    # verbatim plan, turned into text by crmplay.demo.tables
    has_comment: np.ndarray
    persian: np.ndarray
    theme: np.ndarray  # index into ATTRIBUTES, or -1 for a general remark
    tone: np.ndarray  # 0 negative, 1 positive, 2 middling
    pick: np.ndarray  # (r, 3) uniform draws choosing the sentence, second sentence, PII sentence
    second: np.ndarray  # bool: add a general second sentence
    pii: np.ndarray  # bool: add a sentence with the respondent's contact details

    def __len__(self) -> int:
        return len(self.customer)


def weighted_sample(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct indices drawn with probability proportional to ``weights``, sorted.

    Efraimidis & Spirakis (2006), "Weighted random sampling with a reservoir", Information
    Processing Letters 97(5): keep the ``k`` smallest keys ``E_i / w_i`` with ``E_i``
    exponential(1). Vectorised; ``k`` is capped at the number of positive weights.
    """
    keys = np.full(len(weights), np.inf)
    pos = weights > 0
    keys[pos] = rng.exponential(size=int(pos.sum())) / weights[pos]
    k = min(k, int(pos.sum()))
    if k == 0:
        return np.empty(0, dtype=np.int64)
    return np.sort(np.argpartition(keys, k - 1)[:k])


def _recent(comp: Complaints, which: np.ndarray, customer: np.ndarray, day: np.ndarray, days: int) -> np.ndarray:
    """Per answer: did this customer open one of the ``which`` complaints in the ``days`` before?"""
    span = np.int64(1 << 20)  # larger than any day number in range
    keys = np.sort(comp.customer[which].astype(np.int64) * span + comp.opened[which] // MINUTES_PER_DAY)
    probe = customer.astype(np.int64) * span + day
    return np.searchsorted(keys, probe, side="left") > np.searchsorted(keys, probe - days, side="left")


def build_responses(pop: Population, cal: Calendar, k: int, seed: int, persian_share: float,
                    comp: Complaints | None = None) -> Responses:
    """Draw ``k`` NPS survey answers from customers active at the time they answer.

    A billing complaint, or a complaint bounced between 2+ agents, in the six months before an
    answer sours the billing or call-centre experience further (``comp``: the complaints log).
    """
    rng = stream(seed, "responses")
    w = (pop.active_to - pop.active_from + 1).astype(np.float64)
    cust = weighted_sample(rng, w, k)
    r = len(cust)
    day = _spread(rng, cust, pop.active_from, pop.active_to)
    order = np.lexsort((cust, day))
    cust, day = cust[order], day[order]
    touch = rng.choice(4, size=r, p=[0.72, 0.12, 0.08, 0.08]).astype(np.int8)

    exp_c = pop.experience[cust]
    exp_r = exp_c.copy()
    lo, hi = cal.incident_window
    hit = pop.incident[cust] & (day >= lo) & (day <= hi)
    exp_r[:, BILL] -= 2.4 * hit
    if comp is not None and len(comp):
        exp_r[:, BILL] -= 1.2 * _recent(comp, comp.category == BILLING, cust, day, 180)
        exp_r[:, CALL] -= 1.0 * _recent(comp, comp.transfers >= 2, cust, day, 180)
    exp_r[:, CALL] -= 0.5 * (touch == TP_CALL)
    exp_r[:, APP] += 0.3 * (touch == TP_APP)
    # Survivors are happier than leavers, which would lift NPS over the window; a market that
    # slowly gets tougher (competitors' offers) offsets that, so apart from the incident the
    # trend stays flat.
    elapsed = (day - cal.start) / 30.44
    latent = (pop.recommend[cust] + (exp_r - exp_c) @ WEIGHTS - MARKET_DRIFT * elapsed
              + rng.normal(0.0, 0.9, r))
    score = np.clip(np.rint(latent), 0, 10).astype(np.int64)
    ratings = np.clip(np.rint(RATING_MEANS + 0.85 * exp_r + rng.normal(0.0, 0.45, (r, len(WEIGHTS)))), 1, 5)
    ratings[rng.random(r) < 0.03, APP] = np.nan
    ratings[rng.random(r) < 0.04, REWARDS] = np.nan

    detractor, promoter = score <= 6, score >= 9
    has_comment = rng.random(r) < np.select([detractor, promoter], [0.72, 0.6], 0.45)
    persian = rng.random(r) < persian_share
    tone = np.select([detractor, promoter], [0, 1], np.where(rng.random(r) < 0.5, 0, 2)).astype(np.int8)
    jitter = exp_r + rng.normal(0.0, 0.5, exp_r.shape)
    theme = np.where(tone == 1, np.argmax(jitter, axis=1), np.argmin(jitter, axis=1))
    theme = np.where((tone == 2) | (rng.random(r) < 0.12), -1, theme).astype(np.int8)
    pick = rng.random((r, 3))
    second = rng.random(r) < 0.25
    pii = has_comment & (rng.random(r) < 0.015)
    return Responses(customer=cust, day=day, touchpoint=touch, score=score, ratings=ratings,
                     has_comment=has_comment, persian=persian, theme=theme, tone=tone, pick=pick,
                     second=second, pii=pii)
