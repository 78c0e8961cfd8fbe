"""A small non-contractual retail client drawn from a known BG/NBD + Gamma-Gamma truth.

Each customer makes a first purchase at a moment of the acquisition window, then, while active,
buys as a Poisson process with rate lambda ~ Gamma(shape r, rate alpha) per week; after each
repeat purchase she drops out for good with probability p ~ Beta(a, b) (Fader, Hardie & Lee
2005, "Counting Your Customers the Easy Way"). The value of each purchase is Gamma(shape p,
rate nu) with nu ~ Gamma(shape q, rate v) per customer (Fader & Hardie 2013, "The Gamma-Gamma
Model of Monetary Value"): mean spend p v / (q - 1) = 30 for the default truth.

Fitting the two models on the summary of these transactions (weeks, first purchase excluded)
should give back the truth within sampling error. Self-contained (numpy and pandas only) and
deterministic: one seeded ``numpy.random.Generator``, a fixed draw order, no clock.

Example
-------
>>> from crmplay.demo.retail import generate_retail
>>> demo = generate_retail(customers=200, seed=3)
>>> list(demo.transactions.columns), demo.truth.r, str(demo.observation_end.date())
(['customer_id', 'date', 'amount'], 0.25, '2025-06-30')
>>> bool((demo.transactions["amount"] > 0).all())
True
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import NamedTuple

from pathlib import Path

import numpy as np
import pandas as pd

#: Default seed and sizes of the retail demo.
DEFAULT_SEED = 20240101
DEFAULT_START = "2024-01-01"
MINUTES_PER_DAY, MINUTES_PER_WEEK = 1440, 10080


@dataclass(frozen=True)
class RetailTruth:
    """The parameters the demo is drawn from: BG/NBD (r, alpha per week, a, b) and
    Gamma-Gamma (p, q, v in money)."""

    r: float = 0.25
    alpha: float = 4.0
    a: float = 0.8
    b: float = 2.5
    p: float = 6.0
    q: float = 4.0
    v: float = 15.0

    @property
    def bgnbd(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in ("r", "alpha", "a", "b")}

    @property
    def gamma_gamma(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in ("p", "q", "v")}

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


class RetailDemo(NamedTuple):
    """The generated transactions (``customer_id``, ``date``, ``amount``; sorted by customer
    and time), the truth, and the end of the observation window."""

    transactions: pd.DataFrame
    truth: RetailTruth
    observation_end: pd.Timestamp


def _purchase_times(rng: np.random.Generator, lam: np.ndarray, drop: np.ndarray,
                    horizon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Repeat-purchase times (weeks after the first purchase) of every customer, vectorised
    over customers: exponential gaps at rate lambda until the horizon, a drop-out draw after
    each repeat purchase."""
    who, when = [], []
    active = np.arange(lam.size)
    clock = np.zeros(lam.size)
    with np.errstate(divide="ignore", over="ignore"):
        while active.size:
            t = clock[active] + rng.standard_exponential(active.size) / lam[active]
            inside = t < horizon[active]
            active, t = active[inside], t[inside]
            who.append(active)
            when.append(t)
            clock[active] = t
            active = active[rng.random(active.size) >= drop[active]]
    return np.concatenate(who), np.concatenate(when)


def generate_retail(customers: int = 3000, seed: int = DEFAULT_SEED, *, start: str = DEFAULT_START,
                    weeks: int = 78, acquisition_weeks: int = 12,
                    truth: RetailTruth = RetailTruth()) -> RetailDemo:
    """Transactions of a retail client whose customers follow ``truth``.

    Parameters
    ----------
    customers : number of customers (each has at least its first purchase), >= 1.
    seed : seed of the numpy generator; the same arguments always give the same bytes.
    start : first day of the window (ISO date); customers are acquired uniformly over its first
        ``acquisition_weeks`` weeks and observed until the end of week ``weeks``.
    truth : the model parameters (time unit: week; money: the amount column).

    Returns
    -------
    RetailDemo
        ``transactions`` with ``customer_id`` (``"R00001"``...), ``date`` (datetime64[ns], the
        till time to the minute) and ``amount`` (rounded to cents, > 0); ``truth``;
        ``observation_end`` (midnight after the last day: T is measured to it).

    Notes
    -----
    A summary per *day* merges a customer's purchases of the same day (about 1% of the rows
    with the default truth), which biases alpha up by about 4%; summarise per hour
    (lifetimes: ``freq="h", freq_multiplier=168`` for weeks) to check the models against the
    truth.
    """
    n = int(customers)
    if n != customers or n < 1:
        raise ValueError(f"customers must be a whole number >= 1 (got {customers})")
    if not 1 <= int(acquisition_weeks) < int(weeks):
        raise ValueError(f"need 1 <= acquisition_weeks < weeks (got {acquisition_weeks}, {weeks})")
    values = np.array(list(truth.as_dict().values()), dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(f"every truth parameter must be positive (got {truth})")
    start_day = pd.Timestamp(start).normalize()
    days = 7 * int(weeks)
    rng = np.random.default_rng(seed)

    lam = rng.gamma(truth.r, 1.0 / truth.alpha, n)  # purchases per week while active
    drop = rng.beta(truth.a, truth.b, n)  # drop-out probability after each repeat purchase
    nu = rng.gamma(truth.q, 1.0 / truth.v, n)  # spend rate: mean spend p / nu
    first = rng.integers(0, int(acquisition_weeks) * MINUTES_PER_WEEK, n)  # minute of 1st purchase
    horizon = (days * MINUTES_PER_DAY - first) / MINUTES_PER_WEEK  # weeks until the window's end
    who, when = _purchase_times(rng, lam, drop, horizon)

    cust = np.concatenate([np.arange(n), who])
    # floored to the minute: every purchase stays before ``observation_end`` (recency <= T)
    minute = np.concatenate([first, first[who] + np.floor(when * MINUTES_PER_WEEK).astype(np.int64)])
    amount = np.maximum(np.round(rng.gamma(truth.p, 1.0 / nu[cust]), 2), 0.01)

    order = np.lexsort((minute, cust))
    width = max(5, len(str(n)))
    ids = np.array([f"R{i + 1:0{width}d}" for i in range(n)])
    frame = pd.DataFrame({
        "customer_id": ids[cust[order]],
        "date": (start_day + pd.to_timedelta(minute[order], unit="min")).astype("datetime64[ns]"),
        "amount": amount[order],
    })
    return RetailDemo(frame, truth, start_day + pd.Timedelta(days=days))


#: The committed retail demo client: folder name and size.
RETAIL_CLIENT = "demo_retail"
RETAIL_CUSTOMERS = 2000

_RETAIL_TOML = """# A retail client with no contracts: customers come and go without telling anyone, so the
# loyalty chapter estimates who is still active (BG/NBD) and what they will spend (Gamma-Gamma).
# Its transactions are drawn from a known truth ({truth}), so a test can check that the
# chapter's fit recovers it. Regenerate with `crmplay demo`.

[client]
name = "Bazaar Home & Garden (retail demo)"
language = "en"
industry = "retail"
currency = "USD"

[economics]
gross_margin = 0.30
acquisition_cost = 25.0

[tables.transactions]
file = "transactions.csv"
"""


def write_retail_client(folder: str | Path, customers: int = RETAIL_CUSTOMERS, seed: int = DEFAULT_SEED) -> RetailDemo:
    """Write the retail demo client (``client.toml`` and ``transactions.csv``) into ``folder``.

    The same arguments always write the same bytes.
    """
    from crmplay.core.fileio import write_text

    demo = generate_retail(customers, seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    truth = ", ".join(f"{k} {v:g}" for k, v in demo.truth.as_dict().items())
    write_text(folder / "client.toml", _RETAIL_TOML.format(truth=truth))
    frame = demo.transactions.assign(date=demo.transactions["date"].dt.strftime("%Y-%m-%d %H:%M"))
    write_text(folder / "transactions.csv", frame.to_csv(index=False, lineterminator="\n"))
    return demo


__all__ = ["generate_retail", "write_retail_client", "RetailTruth", "RetailDemo", "DEFAULT_SEED",
           "RETAIL_CLIENT", "RETAIL_CUSTOMERS"]
