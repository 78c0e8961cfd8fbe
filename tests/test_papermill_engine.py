"""The papermill engine crmplay executes with writes the executed notebook once, at the end,
whatever the outcome, and keeps papermill's metadata."""
from __future__ import annotations

import nbformat
import papermill
import pytest

from crmplay.engine.papermill_engine import WriteOnceManager, register

pytestmark = pytest.mark.e2e


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("x = 1")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def test_the_output_is_written_once_with_papermills_metadata(tmp_path, monkeypatch):
    source = _notebook(tmp_path / "in.ipynb", "y = x + 1", "print(y)")
    saves = []
    original = WriteOnceManager.save

    def counting(self, **kw):
        saves.append(self._complete)
        return original(self, **kw)

    monkeypatch.setattr(WriteOnceManager, "save", counting)
    papermill.execute_notebook(str(source), str(tmp_path / "out.ipynb"), parameters={"x": 41},
                               engine_name=register(), progress_bar=False)
    # papermill asks to save at the start, at each cell's start and end and at the end; only the
    # last one writes (the others happen before completion)
    assert saves.count(True) == 1 and len(saves) > 4
    out = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    assert out.cells[-1].outputs[0]["text"] == "42\n"
    assert out.metadata.papermill["parameters"] == {"x": 41}
    assert all(c.metadata.papermill["status"] == "completed" for c in out.cells)
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in out.cells)


def test_a_failing_notebook_is_still_written_with_the_error(tmp_path):
    source = _notebook(tmp_path / "in.ipynb", "raise ValueError('bad month')", "print('never')")
    with pytest.raises(papermill.PapermillExecutionError):
        papermill.execute_notebook(str(source), str(tmp_path / "out.ipynb"), engine_name=register(),
                                   progress_bar=False)
    out = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    failed = [c for c in out.cells if c.metadata.get("papermill", {}).get("status") == "failed"]
    assert len(failed) == 1 and "bad month" in str(failed[0].outputs)
