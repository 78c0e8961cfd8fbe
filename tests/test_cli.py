"""The ``crmplay`` command: help and version, scaffolding, checking (and changing nothing),
running with exit codes and a summary, batches that survive a broken client, demo generation."""
from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from conftest import crmplay_command, fixture_playbook_steps, make_client, write_playbook
from crmplay import __version__, cli
from crmplay.chapters.registry import load_client_config as load_config
from crmplay.data import TABLE_SCHEMAS


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` (names relative), to prove nothing changed."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------------------------
# help and version


@pytest.mark.e2e
def test_version_from_the_installed_console_script():
    out = subprocess.run(crmplay_command() + ["--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"crmplay {__version__}"


@pytest.mark.parametrize("command", [[], ["new"], ["check"], ["run"], ["batch"], ["questionnaires"], ["demo"]])
def test_help_everywhere(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(command + ["--help"])
    assert exit_info.value.code == 0
    assert "usage: crmplay" in capsys.readouterr().out


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([])
    assert exit_info.value.code == 2


def test_steps_accept_spaces_and_commas():
    args = cli.build_parser().parse_args(["run", "demo", "--steps", "nps,loyalty", "summary"])
    assert cli._step_list(args.steps) == ["nps", "loyalty", "summary"]


# --------------------------------------------------------------------------------------------
# new


def test_new_scaffolds_a_loadable_client_with_data_templates(tmp_path, capsys):
    assert cli.main(["new", "acme", "--data-root", str(tmp_path), "--name", 'Acme "Best" Co',
                     "--lang", "fa", "--currency", "IRR"]) == 0
    folder = tmp_path / "acme"
    config = load_config(folder)
    assert config.client.name == 'Acme "Best" Co'
    assert config.client.language == "fa" and config.client.currency == "IRR"
    assert config.tables == {}  # tables are listed, commented, until the consultant supplies them
    text = (folder / "client.toml").read_text(encoding="utf-8")
    assert "# [tables.nps_responses]" in text
    for table, schema in TABLE_SCHEMAS.items():
        header = (folder / f"{table}.csv").read_text(encoding="utf-8-sig").strip()
        assert header.split(",") == list(schema.names)
    guide = (folder / "DATA.md").read_text(encoding="utf-8")
    assert "## customers.csv" in guide and "customer_id" in guide
    assert "crmplay check acme" in capsys.readouterr().out


def test_a_scaffolded_client_passes_check(tmp_path):
    cli.main(["new", "acme", "--data-root", str(tmp_path)])
    assert cli.main(["check", "acme", "--data-root", str(tmp_path)]) == 0


def test_new_refuses_an_existing_folder(tmp_path, capsys):
    folder = make_client(tmp_path, "acme")
    before = tree_digest(folder)
    assert cli.main(["new", "acme", "--data-root", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert tree_digest(folder) == before


@pytest.mark.parametrize("name", ["../escape", ".hidden", "a/b"])
def test_new_refuses_unsafe_names(tmp_path, name):
    assert cli.main(["new", name, "--data-root", str(tmp_path)]) == 2


# --------------------------------------------------------------------------------------------
# check


BROKEN_CUSTOMERS = (
    "customer_id,signup_date,status\n"
    "C1,2024-01-05,active\n"
    "C1,2024-13-45,active\n"       # duplicate id, impossible date
    ",2024-02-01,sleeping\n"      # missing id, value not allowed
)
BROKEN_TRANSACTIONS = "customer_id,date,amount\nC1,2024-03-01,12.5\nC9,2024-03-02,abc\n"


def make_broken_client(data_root: Path, client: str = "broken") -> Path:
    return make_client(data_root, client, tables={
        "customers": ("customers.csv", BROKEN_CUSTOMERS),
        "transactions": ("transactions.csv", BROKEN_TRANSACTIONS),
    })


def test_check_lists_every_problem_and_changes_nothing(tmp_path, capsys):
    folder = make_broken_client(tmp_path)
    before = tree_digest(folder)
    assert cli.main(["check", "broken", "--data-root", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert tree_digest(folder) == before, "crmplay check modified the client folder"
    # file, row (as seen in the file, header = row 1), column, value and expectation
    assert 'customers.csv, row 3, column "customer_id"' in out  # the duplicate
    assert '"2024-13-45"' in out and 'column "signup_date"' in out
    assert '"sleeping"' in out
    assert 'customers.csv, row 4, column "customer_id"' in out  # missing id
    assert 'transactions.csv, row 3, column "amount": "abc"' in out
    assert "C9" in out  # transaction of an unknown customer
    assert "expected" in out


def test_check_reports_config_errors_with_key_and_file(tmp_path, capsys):
    make_client(tmp_path, "acme", extra_toml="[survey]\nnps_scale = 7\n")
    assert cli.main(["check", "acme", "--data-root", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "client.toml" in out and "survey.nps_scale" in out


def test_check_a_good_client(tmp_path, capsys):
    make_client(tmp_path, "acme")
    assert cli.main(["check", "acme", "--data-root", str(tmp_path)]) == 0
    assert "OK" in capsys.readouterr().out


def test_check_a_missing_client(tmp_path, capsys):
    assert cli.main(["check", "ghost", "--data-root", str(tmp_path)]) == 2
    assert "no client folder" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# run and batch (fixture playbook)


@pytest.mark.e2e
def test_run_prints_a_summary_and_exits_1_when_a_step_failed(tmp_path, capsys):
    playbook = write_playbook(tmp_path / "pb.toml", fixture_playbook_steps())
    make_client(tmp_path / "data", "acme")
    code = cli.main(["run", "acme", "--data-root", str(tmp_path / "data"), "--reports-root",
                     str(tmp_path / "reports"), "--playbook", str(playbook), "--jobs", "1", "-q"])
    out = capsys.readouterr().out
    assert code == 1
    assert "step" in out and "status" in out
    for line in ("alpha", "beta", "gamma", "delta", "summary"):
        assert line in out
    assert "the beta table has no usable rows" in out
    assert str(tmp_path / "reports" / "acme" / "index.html") in out


@pytest.mark.e2e
def test_run_exits_0_when_every_step_is_ok_or_skipped(tmp_path, capsys):
    playbook = write_playbook(tmp_path / "pb.toml", fixture_playbook_steps())
    make_client(tmp_path / "data", "acme")
    code = cli.main(["run", "acme", "--data-root", str(tmp_path / "data"), "--reports-root",
                     str(tmp_path / "reports"), "--playbook", str(playbook), "--steps", "alpha,gamma",
                     "--jobs", "1", "-q"])
    assert code == 0
    run = json.loads((tmp_path / "reports" / "acme" / "run.json").read_text(encoding="utf-8"))
    assert [(s["id"], s["status"]) for s in run["steps"]] == [("alpha", "ok"), ("gamma", "skipped")]


@pytest.mark.e2e
def test_run_exits_2_on_bad_data_and_on_unknown_steps(tmp_path, capsys):
    playbook = write_playbook(tmp_path / "pb.toml", fixture_playbook_steps())
    make_broken_client(tmp_path / "data")
    common = ["--data-root", str(tmp_path / "data"), "--reports-root", str(tmp_path / "reports"),
              "--playbook", str(playbook), "--jobs", "1", "-q"]
    assert cli.main(["run", "broken", *common]) == 2
    out = capsys.readouterr().out
    assert "crmplay check broken" in out and "customers.csv" in out
    assert cli.main(["run", "broken", *common, "--steps", "nope"]) == 2
    assert "unknown step" in capsys.readouterr().err


@pytest.mark.e2e
def test_batch_finishes_the_good_client_reports_the_broken_one_and_exits_1(tmp_path):
    playbook = write_playbook(tmp_path / "pb.toml", fixture_playbook_steps())
    make_client(tmp_path / "data", "good")
    make_broken_client(tmp_path / "data")
    reports = tmp_path / "reports"
    proc = subprocess.run(crmplay_command() + [
        "batch", "--data-root", str(tmp_path / "data"), "--reports-root", str(reports),
        "--playbook", str(playbook), "--steps", "alpha", "summary", "--jobs", "2"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "good" in proc.stdout and "broken" in proc.stdout
    good = json.loads((reports / "good" / "run.json").read_text(encoding="utf-8"))
    broken = json.loads((reports / "broken" / "run.json").read_text(encoding="utf-8"))
    assert good["status"] == "ok" and [s["status"] for s in good["steps"]] == ["ok", "ok"]
    assert broken["status"] == "failed" and broken["problem_count"] >= 4
    portfolio = (reports / "index.html").read_text(encoding="utf-8")
    assert 'href="good/index.html"' in portfolio and 'href="broken/index.html"' in portfolio


@pytest.mark.e2e
def test_batch_with_no_clients_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["batch", "--data-root", str(tmp_path / "empty")]) == 2


# --------------------------------------------------------------------------------------------
# questionnaires

KANO = ("respondent_id,feature,functional,dysfunctional\n"
        "R1,network coverage,neutral,dislike\nR2,low-balance alerts,like,neutral\n"
        "R3,network coverage,must-be,dislike\n")
NEEDS = "respondent_id,need,importance,performance\nR1,clear bills,5,2\nR2,price,4,3\n"


def test_questionnaires_from_the_client_tables_go_to_reports_not_client_data(tmp_path, capsys):
    folder = make_client(tmp_path / "data", tables={"kano_responses": ("kano.csv", KANO),
                                                    "needs_ratings": ("needs.csv", NEEDS)},
                         extra_toml="[survey]\nrating_min = 1\nrating_max = 7\n")
    before = tree_digest(folder)
    code = cli.main(["questionnaires", "acme", "--data-root", str(tmp_path / "data"),
                     "--reports-root", str(tmp_path / "reports"), "--lang", "en", "fa"])
    assert code == 0, capsys.readouterr().err
    assert tree_digest(folder) == before  # nothing written into the client data
    out = tmp_path / "reports" / "acme" / "questionnaires"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{kind}_{lang}.{ext}" for lang in ("en", "fa")
        for kind, ext in (("kano_questionnaire", "csv"), ("ipa_questionnaire", "csv"), ("needs_questionnaires", "md")))
    kano = (out / "kano_questionnaire_en.csv").read_text(encoding="utf-8-sig")
    assert "If network coverage were available" in kano and "If low-balance alerts were available" in kano
    assert kano.count("network coverage were available") == 1  # each feature once, in first-seen order
    assert kano.index("network coverage") < kano.index("low-balance alerts")
    ipa = (out / "ipa_questionnaire_en.csv").read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in ipa[1:]] == ["clear bills", "clear bills", "price", "price", ""]
    assert all(line.endswith(",1,7") for line in ipa[1:])  # the client's rating scale
    assert "Rating scale 1-7" in capsys.readouterr().out


def test_questionnaires_from_options_into_a_chosen_folder(tmp_path, capsys):
    make_client(tmp_path / "data")  # customers only: no Kano or needs table
    code = cli.main(["questionnaires", "acme", "--data-root", str(tmp_path / "data"), "--lang", "fa",
                     "--features", "clear bills, low-balance alerts,", "--out", str(tmp_path / "q")])
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "q").iterdir()) == [
        "ipa_questionnaire_fa.csv", "kano_questionnaire_fa.csv", "needs_questionnaires_fa.md"]
    ipa = (tmp_path / "q" / "ipa_questionnaire_fa.csv").read_text(encoding="utf-8-sig")
    assert "low-balance alerts" in ipa  # one list asked both ways


def test_questionnaires_without_any_list_or_into_client_data_are_refused(tmp_path, capsys):
    make_client(tmp_path / "data")
    root = ["questionnaires", "acme", "--data-root", str(tmp_path / "data")]
    assert cli.main(root + ["--reports-root", str(tmp_path / "reports")]) == 2
    assert "--features" in capsys.readouterr().err
    assert cli.main(root + ["--features", "a", "--out", str(tmp_path / "data" / "acme" / "q")]) == 2
    assert "never writes there" in capsys.readouterr().err
    assert not (tmp_path / "data" / "acme" / "q").exists()


# --------------------------------------------------------------------------------------------
# demo


def test_demo_writes_one_small_client(tmp_path, capsys):
    assert cli.main(["demo", "--out", str(tmp_path / "tiny"), "--customers", "60"]) == 0
    config = load_config(tmp_path / "tiny")
    assert config.has_table("customers") and config.has_table("nps_responses")


def test_demo_by_default_refreshes_both_demo_clients(tmp_path, monkeypatch):
    from crmplay import demo

    calls = []
    monkeypatch.setattr(demo, "write_demo_clients", lambda root, **kw: calls.append((root, kw)) or [])
    assert cli.main(["demo", "--data-root", str(tmp_path)]) == 0
    assert calls == [(str(tmp_path), {})]


def test_demo_refuses_to_overwrite_a_real_client(tmp_path, capsys):
    make_client(tmp_path, "demo")
    assert cli.main(["demo", "--data-root", str(tmp_path), "--customers", "60"]) == 2
    assert "refusing" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# check: which chapters each table enables; commentary; pdf


def test_check_an_empty_client_warns_loudly_but_exits_0(tmp_path, capsys):
    cli.main(["new", "acme", "--data-root", str(tmp_path)])
    capsys.readouterr()
    assert cli.main(["check", "acme", "--data-root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Which chapters each table enables" in out
    assert "nps_responses   no        nps" in out and "transactions    no        loyalty" in out
    assert "WILL BE SKIPPED" in out and "!! nps (Net Promoter Score): needs nps_responses" in out
    assert "NO DATA IS SUPPLIED" in out and "OK:" not in out


def test_check_names_the_chapters_a_partial_client_will_skip(tmp_path, capsys):
    make_client(tmp_path, "acme")  # customers only
    assert cli.main(["check", "acme", "--data-root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "customers       yes" in out
    assert "!! loyalty (Loyalty program design): needs transactions" in out
    assert "!! needs (Customer-needs audit): needs one of" in out
    assert "but 3 chapter(s) will be skipped" in out


def test_check_reports_commentary_sections_whose_heading_is_gone(tmp_path, capsys):
    folder = make_client(tmp_path / "data", "acme")
    (folder / "commentary.md").write_text("## Net Promoter Score\nKept.\n\n## No such heading\nGone.\n", encoding="utf-8")
    report_dir = tmp_path / "reports" / "acme"
    report_dir.mkdir(parents=True)
    (report_dir / "report.html").write_text("<main><h1>Old chapter</h1><h2>Old part</h2></main>", encoding="utf-8")
    assert cli.main(["check", "acme", "--data-root", str(tmp_path / "data"),
                     "--reports-root", str(tmp_path / "reports")]) == 0
    out = capsys.readouterr().out
    assert "commentary.md: 2 section(s); 1 match no heading" in out
    assert "!! ## No such heading" in out and "!! ## Net Promoter Score" not in out


def test_run_takes_pdf_and_there_is_a_pdf_command():
    args = cli.build_parser().parse_args(["run", "demo", "--pdf"])
    assert args.pdf is True
    args = cli.build_parser().parse_args(["pdf", "demo", "--reports-root", "r"])
    assert args.func is cli.cmd_pdf and args.reports_root == "r"


@pytest.mark.parametrize("command", [["check", "../x", "--data-root", "{d}"], ["run", "a/b", "--data-root", "{d}", "--reports-root", "{r}"],
                                     ["pdf", "..", "--reports-root", "{r}"], ["batch", "ok", "../../y", "--data-root", "{d}", "--reports-root", "{r}"],
                                     ["questionnaires", "/etc", "--data-root", "{d}"], ["new", "..\\x", "--data-root", "{d}"]])
def test_every_command_refuses_a_client_name_that_is_a_path(tmp_path, capsys, command):
    args = [a.format(d=tmp_path / "data", r=tmp_path / "reports") for a in command]
    assert cli.main(args) == 2
    assert "is not a client folder name" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists() and not (tmp_path / "data").exists()
