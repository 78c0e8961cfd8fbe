"""The step notebooks are committed clean: no outputs, no execution counts, and a first code cell
tagged ``parameters`` declaring exactly what the runner injects, as literals."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from crmplay.chapters import registry
from crmplay.core.steps import load_playbook
from crmplay.core.resources import notebooks_dir
from crmplay.engine.runner import PARAMETERS, check_parameters

NOTEBOOKS = sorted(notebooks_dir().glob("*.ipynb"))
FIXTURES = sorted((Path(__file__).parent / "fixtures" / "notebooks").glob("*.ipynb"))


def _ids(paths):
    return [p.name for p in paths]


@pytest.mark.parametrize("path", NOTEBOOKS + FIXTURES, ids=_ids(NOTEBOOKS + FIXTURES))
def test_committed_without_outputs_or_execution_counts(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for n, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {n} has outputs"
            assert cell.execution_count is None, f"{path.name}: cell {n} has an execution count"
    assert "papermill" not in nb.metadata, f"{path.name} was saved from a papermill run"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_first_code_cell_is_the_parameters_cell_with_literals(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, f"{path.name} has no code cell"
    first = code[0]
    assert "parameters" in first.metadata.get("tags", []), f"{path.name}: first code cell is not tagged 'parameters'"
    assigned = {}
    for node in ast.parse(first.source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, f"{path.name}: parameters cell holds more than assignments"
        assigned[node.targets[0].id] = ast.literal_eval(node.value)  # literals only
    assert set(assigned) == set(PARAMETERS), f"{path.name} declares {sorted(assigned)}"
    assert assigned["lang"] == "" and assigned["client"] == "demo"
    assert check_parameters(path) is None


def test_every_playbook_step_names_a_notebook_file_name():
    for step in registry.steps():
        assert step.notebook.parent == notebooks_dir() and step.notebook.suffix == ".ipynb"
