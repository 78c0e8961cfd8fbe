"""Retail demo generator (crmplay.demo.retail): shape, determinism, and recovery of its truth."""
from __future__ import annotations

import doctest
import hashlib

import numpy as np
import pandas as pd
import pytest

from crmplay.chapters.loyalty.bgnbd import BetaGeoModel
from crmplay.chapters.loyalty.gamma_gamma import GammaGammaModel
from crmplay.demo import retail
from crmplay.demo.retail import RetailTruth, generate_retail


def digest(df: pd.DataFrame) -> str:
    return hashlib.sha256(df.to_csv(index=False).encode() + pd.util.hash_pandas_object(df).to_numpy().tobytes()
                          ).hexdigest()


@pytest.fixture(scope="module")
def demo():
    return generate_retail()


def test_columns_types_and_values(demo):
    tx = demo.transactions
    assert list(tx.columns) == ["customer_id", "date", "amount"]
    assert tx["date"].dtype == "datetime64[ns]"
    assert tx["amount"].dtype == float and (tx["amount"] > 0).all()
    assert np.allclose(tx["amount"] * 100, np.round(tx["amount"] * 100))  # cents
    assert tx["customer_id"].nunique() == 3000
    start = pd.Timestamp(retail.DEFAULT_START)
    assert tx["date"].min() >= start and tx["date"].max() < demo.observation_end
    assert demo.observation_end == start + pd.Timedelta(weeks=78)
    first = tx.groupby("customer_id")["date"].min()
    assert (first < start + pd.Timedelta(weeks=12)).all()
    assert tx.equals(tx.sort_values(["customer_id", "date"], kind="stable").reset_index(drop=True))
    # mean spend near p v / (q - 1) = 30 (a mean over ~9,000 purchases)
    assert tx["amount"].mean() == pytest.approx(30, rel=0.15)
    assert demo.truth == RetailTruth() and demo.truth.bgnbd == {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
    assert demo.truth.gamma_gamma == {"p": 6.0, "q": 4.0, "v": 15.0}


def test_byte_deterministic_for_a_seed(demo):
    again = generate_retail()
    assert digest(again.transactions) == digest(demo.transactions)
    assert digest(generate_retail(seed=retail.DEFAULT_SEED + 1).transactions) != digest(demo.transactions)
    small = [digest(generate_retail(200, seed=5, start="2023-03-01", weeks=52).transactions) for _ in range(2)]
    assert small[0] == small[1]


def test_fits_recover_the_truth():
    # 10,000 customers summarised per hour (a per-day summary merges same-day purchases, see the
    # generator's notes), in weeks. Tolerance: every parameter within 3 standard errors of its
    # fit (observed information): +-6% r, +-10% alpha, +-19% a, +-25% b, +-27% p, +-9% q,
    # +-28% v of the truth at this size. Calibration: over 30 seeds at 3,000 customers and 12 at
    # 10,000 the z-scores (estimate - truth) / SE had mean ~0 and SD ~1, largest |z| 2.45.
    # This seed: z = 0.72, -0.49, -0.44, -0.46 (r, alpha, a, b); 1.21, -1.39, -1.64 (p, q, v).
    from lifetimes.utils import summary_data_from_transaction_data

    demo = generate_retail(10_000)
    s = summary_data_from_transaction_data(demo.transactions, "customer_id", "date", monetary_value_col="amount",
                                           observation_period_end=demo.observation_end, freq="h",
                                           freq_multiplier=168)
    assert len(s) == 10_000
    bg = BetaGeoModel().fit(s["frequency"], s["recency"], s["T"])
    gg = GammaGammaModel().fit(s["frequency"], s["monetary_value"])
    truth = demo.truth.as_dict()
    for model in (bg, gg):
        for key, est in model.params_.items():
            se = model.standard_errors_[key]
            assert se < 0.15 * truth[key], (key, se)
            assert abs(est - truth[key]) <= 3 * se, (key, est, truth[key], se)
    # the spend model assumes spend independent of frequency: true by construction
    assert abs(gg.frequency_monetary_corr_) < 0.1


def test_bad_arguments():
    with pytest.raises(ValueError, match="customers"):
        generate_retail(0)
    with pytest.raises(ValueError, match="acquisition_weeks"):
        generate_retail(10, weeks=10, acquisition_weeks=10)
    with pytest.raises(ValueError, match="positive"):
        generate_retail(10, truth=RetailTruth(q=-1.0))


def test_module_doctests():
    result = doctest.testmod(retail)
    assert result.attempted >= 3 and result.failed == 0
