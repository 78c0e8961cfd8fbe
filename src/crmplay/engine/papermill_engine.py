"""papermill's nbclient engine, writing the executed notebook once instead of at every cell.

papermill's stock engine writes the whole output notebook at each cell's start and end, so a
watcher can follow a long run in the file: for a chapter of 40 cells with inline charts that is
80 writes of up to 0.7 MB, each serialised and validated by nbformat (a third of a step's time
outside its cells, measured on the demo). crmplay reports progress through its own events
(:mod:`crmplay.engine.progress`) and publishes a step's files only when it has finished, so the
engine ``crmplay`` writes the notebook once, when execution ends, whatever the outcome
(papermill calls ``notebook_complete`` in a ``finally``: a failed, timed-out or dead-kernel
step still leaves its executed notebook for ``_failed/``). Parameterising, execution, the cell
metadata and the notebook's papermill metadata are papermill's own.

Use: ``papermill.execute_notebook(..., engine_name=ENGINE_NAME)`` after :func:`register`.
"""
from __future__ import annotations

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

#: The engine's name in papermill's registry.
ENGINE_NAME = "crmplay"


class WriteOnceManager(NotebookExecutionManager):
    """papermill's execution manager, saving only when the notebook completes."""

    _complete = False

    def save(self, **kwargs):
        if self._complete:
            return super().save(**kwargs)
        self.last_save_time = self.now()  # what papermill's autosave timer reads
        return None

    def notebook_complete(self, **kwargs):
        self._complete = True
        return super().notebook_complete(**kwargs)


class WriteOnceEngine(NBClientEngine):
    """papermill's nbclient engine with :class:`WriteOnceManager` (mirrors ``Engine.execute_notebook``)."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                         autosave_cell_every=30, **kwargs):
        nb_man = WriteOnceManager(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                                  autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


def register() -> str:
    """Register the engine with papermill (idempotent); returns its name."""
    papermill_engines.register(ENGINE_NAME, WriteOnceEngine)
    return ENGINE_NAME


__all__ = ["ENGINE_NAME", "WriteOnceEngine", "WriteOnceManager", "register"]
