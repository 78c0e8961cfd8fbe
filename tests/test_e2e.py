"""End to end: the real ``crmplay`` command runs the demo clients into a temporary reports root
(see ``demo_reports`` in conftest.py), then the manifest, results and HTML are checked.

Until every notebook of the bundled playbook exists the run uses the fixture playbook (and,
without committed demo clients, tiny stand-ins), so the checks still exercise the whole path.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import crmplay_command, make_client
from crmplay.chapters import registry
from crmplay.chapters.registry import load_client_config as load_config

pytestmark = pytest.mark.e2e

CODE_MARKERS = ("jp-InputArea", "jp-InputPrompt", "jp-CodeMirrorEditor", "In&nbsp;[")


def _playbook(info):
    return registry.steps()


def _client_dir(info, client):
    return Path(info["reports_root"]) / client


def stakeholder_pages(client_dir: Path) -> list[Path]:
    """Every HTML page a stakeholder may receive (not the consultant/ folder)."""
    return sorted(client_dir.glob("*.html"))


def test_the_command_succeeded(demo_reports):
    for client, run in demo_reports["runs"].items():
        assert run["returncode"] == 0, f"crmplay run {client} failed:\n{run['stdout']}\n{run['stderr']}"
        assert "Traceback" not in run["stdout"] + run["stderr"]


@pytest.mark.parametrize("client", ["demo", "demo_fa"])
def test_manifest_and_results(demo_reports, client):
    client_dir = _client_dir(demo_reports, client)
    manifest = json.loads((client_dir / "run.json").read_text(encoding="utf-8"))
    steps = _playbook(demo_reports)
    assert manifest["status"] == "ok", manifest.get("reason")
    assert [s["id"] for s in manifest["steps"]] == [s.id for s in steps]
    for step in manifest["steps"]:
        assert step["status"] == "ok", f"{client}:{step['id']} {step['status']}: {step['reason']}"
        results = client_dir / "results" / f"{step['id']}.json"
        assert results.is_file(), f"no results/{step['id']}.json"
        json.loads(results.read_text(encoding="utf-8"), parse_constant=pytest.fail)  # strict JSON
    config = load_config(Path(demo_reports["data_root"]) / client)
    for name in config.tables:
        assert config.tables[name].file in manifest["inputs"]
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["inputs"]["client.toml"])


@pytest.mark.parametrize("client", ["demo", "demo_fa"])
def test_html_loads_nothing_from_the_network(demo_reports, client):
    pages = sorted(_client_dir(demo_reports, client).rglob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert not soup.find_all("script"), f"{page.name} has a script"
        for tag in soup.find_all(True):
            for attr in ("src", "href", "srcset", "action", "poster", "data"):
                value = tag.get(attr)
                if isinstance(value, str):
                    assert "http://" not in value and "https://" not in value and not value.startswith("//"), \
                        f"{page.name}: <{tag.name} {attr}={value[:80]!r}>"
        for style in soup.find_all("style"):
            assert not re.search(r"url\(\s*['\"]?(https?:)?//", style.get_text()), f"{page.name}: remote CSS url()"
            assert "@import" not in style.get_text()


@pytest.mark.parametrize("client", ["demo", "demo_fa"])
def test_stakeholder_html_has_no_code(demo_reports, client):
    for page in stakeholder_pages(_client_dir(demo_reports, client)):
        html = page.read_text(encoding="utf-8")
        for marker in CODE_MARKERS:
            assert marker not in html, f"{page.name} shows code ({marker})"
        assert "injected-parameters" not in html and "celltag_parameters" not in html
        assert "Traceback" not in html


@pytest.mark.parametrize("client", ["demo", "demo_fa"])
def test_every_chart_is_described_by_its_title(demo_reports, client):
    html = (_client_dir(demo_reports, client) / "report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    charts = soup.select('main svg[role="img"]')  # charts are inline SVG, described for screen readers
    assert charts, "the report shows no chart"
    assert soup.select("main img:not([src^='data:'])") == [], "an image loads from a file or the network"
    generic = [c.get("aria-label") for c in charts if not c.get("aria-label") or "No description" in c["aria-label"]]
    assert generic == [], f"{len(generic)} of {len(charts)} charts have no description"


@pytest.mark.parametrize("client", ["demo", "demo_fa"])
def test_expected_sections_are_present(demo_reports, client):
    client_dir = _client_dir(demo_reports, client)
    config = load_config(Path(demo_reports["data_root"]) / client)
    lang = config.language
    report = BeautifulSoup((client_dir / "report.html").read_text(encoding="utf-8"), "html.parser")
    index = (client_dir / "index.html").read_text(encoding="utf-8")
    toc = [a.get_text() for a in report.select("nav.crm-toc a")]
    assert toc, "the combined report has no table of contents"
    for step in _playbook(demo_reports):
        assert report.find(id=f"step-{step.id}") is not None, f"report.html lacks the {step.id} chapter"
        page = BeautifulSoup((client_dir / f"{step.id}.html").read_text(encoding="utf-8"), "html.parser")
        assert page.select_one(".crm-title").get_text() == step.title_for(lang)
        assert page.find("h1") is not None
        assert f'href="{step.id}.html"' in index and step.title_for(lang) in index
        assert (client_dir / "consultant" / f"{step.id}.html").is_file()
    assert config.client.name in report.select_one(".crm-client").get_text()
    order = [tag["id"] for tag in report.select("div.crm-chapter")]
    if "summary" in [s.id for s in _playbook(demo_reports)]:
        assert order[0] == "step-summary", "the executive summary must come first"


def _personal_data(data_root: Path, client: str, sample: int = 400) -> dict[str, list[str]]:
    """Emails, phones and full names of the first ``sample`` customers, read as written in the
    client's customers file (CSV) through the column mapping of its client.toml."""
    import csv
    import io

    from crmplay.data import detect_encoding

    config = load_config(data_root / client)
    spec = config.tables["customers"]
    raw = config.table_path("customers").read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode(detect_encoding(raw, spec.encoding)))))
    header = [h.strip().lstrip("\ufeff") for h in rows[spec.header_row - 1]]
    body = rows[spec.header_row:][:sample]
    client_header = {canonical: mine for mine, canonical in spec.columns.items()}
    out: dict[str, list[str]] = {}
    for column in ("email", "phone", "name"):
        name = client_header.get(column, column)
        if name in header:
            i = header.index(name)
            values = [r[i].strip() for r in body if len(r) > i and r[i].strip()]
            out[column] = [v for v in values if len(v) >= 6 and (column != "name" or " " in v)]
    return out


@pytest.mark.parametrize("client", ["demo", "demo_fa"])
def test_no_personal_data_in_stakeholder_html(demo_reports, client):
    personal = _personal_data(Path(demo_reports["data_root"]), client)
    assert personal.get("email") and personal.get("phone"), "the demo customers carry emails and phones"
    pages = {p.name: p.read_text(encoding="utf-8") for p in stakeholder_pages(_client_dir(demo_reports, client))}
    for column, values in personal.items():
        for value in values:
            digits = re.sub(r"\D", "", value)
            for name, html in pages.items():
                assert value not in html, f"{name} shows a customer's {column}: {value}"
                if column == "phone" and len(digits) >= 10:
                    assert digits not in html, f"{name} shows a customer's phone digits: {digits}"


def test_persian_demo_is_right_to_left(demo_reports):
    client_dir = _client_dir(demo_reports, "demo_fa")
    for page in [client_dir / "report.html", client_dir / "index.html"]:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.html.get("dir") == "rtl" and soup.html.get("lang") == "fa", page.name
    soup = BeautifulSoup((_client_dir(demo_reports, "demo") / "report.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.html.get("dir") == "ltr" and soup.html.get("lang") == "en"


def test_batch_over_the_demo_and_a_broken_client(demo_reports, tmp_path):
    """The demo finishes, the broken client is reported, the exit code is non-zero."""
    data_root = tmp_path / "client_data"
    data_root.mkdir()
    os.symlink(Path(demo_reports["data_root"]) / "demo", data_root / "demo", target_is_directory=True)
    make_client(data_root, "broken", tables={"customers": ("customers.csv", "customer_id,signup_date\nC1,yesterday\nC1,2024-01-01\n")})
    cmd = crmplay_command() + ["batch", "--data-root", str(data_root), "--reports-root", str(tmp_path / "reports"),
                               "--jobs", "2", "--quiet"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    demo = json.loads((tmp_path / "reports" / "demo" / "run.json").read_text(encoding="utf-8"))
    broken = json.loads((tmp_path / "reports" / "broken" / "run.json").read_text(encoding="utf-8"))
    assert demo["status"] == "ok" and all(s["status"] == "ok" for s in demo["steps"])
    assert broken["status"] == "failed" and "crmplay check broken" in broken["reason"]
    assert re.search(r"broken\s+failed", proc.stdout) and re.search(r"demo\s+ok", proc.stdout)
    portfolio = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'href="demo/index.html"' in portfolio and 'href="broken/index.html"' in portfolio
