"""What import-linter cannot see: private names imported across modules, module size, generated
pages kept current, and no internal source numbers left in code or stakeholder text."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "crmplay"
MAX_LINES = 500


def _modules():
    return sorted(p for p in SRC.rglob("*.py"))


def test_no_module_is_over_500_lines():
    long = {str(p.relative_to(SRC)): n for p in _modules() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these modules (over {MAX_LINES} lines): {long}"


def test_no_module_imports_another_modules_private_names():
    offenders = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("crmplay"):
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                if private:
                    offenders.append(f"{path.relative_to(SRC)}: from {node.module} import {', '.join(private)}")
    assert offenders == []


def test_a_planted_private_import_would_be_caught(tmp_path):
    # the check above must be able to fail: the same walk on a module that imports a private name
    tree = ast.parse("from crmplay.core.results import _secret\n")
    found = [a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names if a.name.startswith("_")]
    assert found == ["_secret"]


def test_results_md_is_generated_from_the_records():
    from crmplay.engine.results_doc import render

    committed = (REPO / "RESULTS.md").read_text(encoding="utf-8")
    assert committed == render(), "RESULTS.md is stale: python -m crmplay.engine.results_doc > RESULTS.md"


def test_every_results_field_is_documented():
    import dataclasses

    from crmplay.chapters import registry

    undocumented = [f"{s.id}.{f.name}" for s in registry.steps() if s.results
                    for f in dataclasses.fields(s.results) if not (f.metadata or {}).get("doc")]
    assert undocumented == []


def test_sources_page_lists_every_named_source():
    from crmplay.core.sources import SOURCES

    page = (REPO / "playbook" / "SOURCES.md").read_text(encoding="utf-8")
    keys = set(re.findall(r"^\| `([a-z_]+)` \|", page, flags=re.M))
    assert keys == set(SOURCES)


@pytest.mark.parametrize("folder", ["src/crmplay", "templates", "notebooks"])
def test_no_internal_source_numbers_remain(folder):
    hits = []
    for path in (REPO / folder).rglob("*"):
        if path.is_file() and path.suffix in {".py", ".toml", ".ipynb", ".html", ".j2", ".css", ".md"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            if re.search(r"seed[ _]00\d", text, flags=re.I):
                hits.append(str(path.relative_to(REPO)))
    assert hits == [], "cite a named source (crmplay.core.sources) instead of 'seed 00x'"
