"""What a worker process of the pool runs first: light on purpose.

A worker is forked from the fork server and imports only this module before it starts its
kernel (:func:`init_worker`), so the kernel, which takes longest to be ready (a new Python
process importing pandas, matplotlib, scipy and the chapters), starts as early as possible;
then, while the kernel warms up, the worker imports what it needs to run and render a step
(papermill, nbconvert). Importing :mod:`crmplay` first keeps ``rfc3987_syntax`` out (see
``crmplay/__init__.py``): the fork server preloads nothing, since its preload would run without
that guard (about 1.5 s more, one core, before any worker could start).
"""
from __future__ import annotations

from crmplay.engine import kernels
from crmplay.engine import progress as _progress
from crmplay.engine.step import quiet_logs

#: Imported by a warm worker once its kernel is starting (they overlap the kernel's warm-up):
#: what running and rendering a step needs, and the chapter registry, which receiving a step
#: (its options and results classes) imports (pandas, scipy.special: 0.6 s).
WORKER_IMPORTS = ("papermill", "nbconvert", "nbformat", "crmplay.engine.step", "crmplay.engine.export",
                  "crmplay.engine.papermill_engine", "crmplay.chapters.registry")


def init_worker(events, warm: bool = False) -> None:
    """A worker process starts: quiet logs, its steps report progress to ``events``, and (warm)
    its kernel starts warming up while the worker imports what a step needs."""
    import importlib

    quiet_logs()
    _progress.install(events)
    if warm:
        kernels.start_ahead()
        for name in WORKER_IMPORTS:
            importlib.import_module(name)


def started() -> None:
    """A task that only makes the pool start a worker (whose initializer starts its kernel)."""
