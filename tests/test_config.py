"""client.toml: defaults, validation errors that name the file and the key, step options."""
from __future__ import annotations

from pathlib import Path

import pytest

from crmplay.chapters.registry import load_client_config as load_config
from crmplay.core.config import ConfigError
from crmplay.chapters.loyalty import Options as LoyaltyOptions


def write(tmp_path: Path, text: str) -> Path:
    client = tmp_path / "acme"
    client.mkdir()
    (client / "client.toml").write_text(text, encoding="utf-8")
    return client


def test_minimal_config_takes_documented_defaults(tmp_path):
    cfg = load_config(write(tmp_path, '[client]\nname = "Acme"\n'))
    assert cfg.id == "acme"
    assert cfg.client.language == "en"
    # seed 000: retaining costs about 10% of acquiring
    assert cfg.economics.retention_cost_ratio == 0.10
    assert cfg.survey.promoter_min == 9 and cfg.survey.passive_min == 7
    assert cfg.step_options("loyalty") == LoyaltyOptions()
    sources = {row["key"]: row["source"] for row in cfg.assumptions()}
    assert "seed 000" in sources["retention_cost_ratio"]


def test_referrals_default_follows_industry(tmp_path):
    # seed 004: 6 referrals per promoter in mobile, 4.6 in internet service
    cfg = load_config(write(tmp_path, '[client]\nname = "Net"\nindustry = "internet"\n'))
    assert cfg.referrals_per_promoter() == 4.6


def test_every_problem_is_listed_with_file_and_key(tmp_path):
    client = write(tmp_path, """
[client]
name = "Acme"
language = "de"
colour = "red"

[economics]
retention_cost_ratio = "ten percent"
gross_margin = 1.5

[survey]
segment_columns = "plan"

[tables.customer]
file = "c.csv"

[tables.transactions]
file = "t.csv"
dates = "julian"

[steps.nps]
confidence = "high"
""")
    with pytest.raises(ConfigError) as info:
        load_config(client)
    err = info.value
    keys = {key for key, _ in err.problems}
    assert {"client.language", "client.colour", "economics.retention_cost_ratio",
            "survey.segment_columns", "tables.customer", "tables.transactions.dates",
            "steps.nps.confidence"} <= keys
    assert str(client / "client.toml") in str(err)
    # each problem is on its own line, naming the key
    assert "client.colour: unknown key" in str(err)


def test_out_of_range_fraction_is_rejected(tmp_path):
    with pytest.raises(ConfigError, match="economics.gross_margin"):
        load_config(write(tmp_path, '[client]\nname="A"\n[economics]\ngross_margin = 1.5\n'))


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ConfigError, match="client.toml not found"):
        load_config(tmp_path)
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[client\nname='x'"))


def test_step_options_validated_by_step_module(tmp_path):
    cfg = load_config(write(tmp_path, '[client]\nname="A"\n[steps.loyalty]\ntier_shares = [0.5, 0.1]\n'))
    assert cfg.step_options("loyalty").tier_shares == (0.5, 0.1)
    (tmp_path / "other").mkdir()
    with pytest.raises(ConfigError, match="steps.loyalty.tier_shares"):
        load_config(write(tmp_path / "other", '[client]\nname="A"\n[steps.loyalty]\ntier_shares = ["a"]\n'))


def test_cut_points_must_be_ordered(tmp_path):
    with pytest.raises(ConfigError, match="promoter_min"):
        load_config(write(tmp_path, '[client]\nname="A"\n[survey]\npromoter_min = 6\npassive_min = 7\n'))


def test_logo_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="branding.logo"):
        load_config(write(tmp_path, '[client]\nname="A"\n[branding]\nlogo = "logo.png"\n'))


def test_table_decimal_mark_defaults_to_point_and_is_checked(tmp_path):
    cfg = load_config(write(tmp_path, '[client]\nname="A"\n[tables.transactions]\nfile = "tx.csv"\n'
                                      '[tables.customers]\nfile = "c.csv"\ndecimal = ","\n'))
    assert cfg.tables["transactions"].decimal == "."
    assert cfg.tables["customers"].decimal == ","
    (tmp_path / "other").mkdir()
    with pytest.raises(ConfigError, match=r"tables\.customers\.decimal.*';'"):
        load_config(write(tmp_path / "other", '[client]\nname="A"\n[tables.customers]\nfile = "c.csv"\n'
                                              'decimal = ";"\n'))
