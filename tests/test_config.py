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
    # source "retention": retaining costs about 10% of acquiring
    assert cfg.economics.retention_cost_ratio == 0.10
    assert cfg.survey.promoter_min == 9 and cfg.survey.passive_min == 7
    assert cfg.step_options("loyalty") == LoyaltyOptions()
    sources = {row["key"]: row["source"] for row in cfg.assumptions()}
    assert sources["retention_cost_ratio"] == "retention"


def test_referrals_default_follows_industry(tmp_path):
    # source "nps_telecom": 6 referrals per promoter in mobile, 4.6 in internet service
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


# --- paths and branding (issue 13): one gate, nothing outside the client folder ------------------

from crmplay.core.config import client_folder_name_ok, relative_path_problem  # noqa: E402
from crmplay.core.fileio import OutsideFolderError, inside  # noqa: E402


@pytest.mark.parametrize("name, ok", [
    ("demo", True), ("demo_fa", True), ("پارسیان", True), ("acme 2025", True),
    ("", False), (".", False), ("..", False), ("../x", False), ("a/b", False), ("a\\b", False),
    (".hidden", False), ("C:", False), ("x\x00", False), (" padded", False), ("tab\t", False),
])
def test_client_folder_name_ok(name, ok):
    assert client_folder_name_ok(name) is ok


@pytest.mark.parametrize("value", ["/etc/passwd", "../../x.csv", "a/../../x.csv", "..\\x.csv", "C:\\x.csv",
                                   "\\\\server\\share\\x.csv", "", "a\nb.csv"])
def test_table_file_outside_the_folder_is_a_config_error_naming_the_key(tmp_path, value):
    escaped = value.replace("\\", "\\\\").replace("\n", "\\n")
    client = write(tmp_path, f'[client]\nname = "Acme"\n[tables.customers]\nfile = "{escaped}"\n')
    with pytest.raises(ConfigError) as info:
        load_config(client)
    assert [k for k, _ in info.value.problems] == ["tables.customers.file"]
    assert relative_path_problem(value) is not None


def test_inside_follows_symlinks_and_names_the_path_not_its_target(tmp_path):
    root = tmp_path / "client"
    (root / "sub").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("s")
    (root / "ok.csv").write_text("x")
    (root / "out.csv").symlink_to(tmp_path / "secret.txt")
    (root / "sub" / "in.csv").symlink_to(root / "ok.csv")
    assert inside(root, "sub/in.csv") == (root / "ok.csv").resolve()
    assert inside(root, "missing/not-yet.csv") == root.resolve() / "missing" / "not-yet.csv"
    with pytest.raises(OutsideFolderError) as info:
        inside(root, "out.csv")
    assert "symbolic link" in str(info.value) and "secret" not in str(info.value)
    with pytest.raises(OutsideFolderError, match="absolute"):
        inside(root, tmp_path / "secret.txt")


@pytest.mark.parametrize("content, name, problem", [
    (b"\x89PNG\r\n\x1a\n" + bytes(10), "logo.png", None),
    (b"\xff\xd8\xff\xe0" + bytes(10), "logo.jpg", None),
    (b"\xef\xbb\xbf<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg", None),
    (b"GIF89a" + bytes(10), "logo.gif", "not a PNG, JPEG or SVG"),
    (b"<html><script>alert(1)</script>", "logo.svg", "not a PNG, JPEG or SVG"),
    (b"\x89PNG\r\n\x1a\n" + bytes(2 * 1024 * 1024 + 1), "logo.png", "at most 2 MB"),
])
def test_logo_must_be_a_small_image(tmp_path, content, name, problem):
    client = write(tmp_path, f'[client]\nname = "Acme"\n[branding]\nlogo = "{name}"\n')
    (client / name).write_bytes(content)
    if problem is None:
        assert load_config(client).branding.logo == name
        return
    with pytest.raises(ConfigError) as info:
        load_config(client)
    assert info.value.problems[0][0] == "branding.logo" and problem in info.value.problems[0][1]


def test_logo_symlinked_outside_is_refused_unread(tmp_path):
    client = write(tmp_path, '[client]\nname = "Acme"\n[branding]\nlogo = "logo.png"\n')
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\nSECRET")
    (client / "logo.png").symlink_to(tmp_path / "secret.png")
    with pytest.raises(ConfigError) as info:
        load_config(client)
    assert info.value.problems[0][0] == "branding.logo" and "outside" in info.value.problems[0][1]
    assert "SECRET" not in str(info.value)
