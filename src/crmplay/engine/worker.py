"""What a worker process of the pool runs first: light on purpose.

A worker is forked from the fork server and imports only this module before it starts its
kernel (:func:`init_worker`), so the kernel, which takes longest to be ready (a new Python
process importing pandas, matplotlib, scipy and the chapters), starts as early as possible;
then, while the kernel warms up, the worker imports what it needs to run and render a step
(papermill, nbconvert). Importing :mod:`crmplay` first keeps ``rfc3987_syntax`` out (see
``crmplay/__init__.py``; why the fork server preloads nothing: :func:`pool_context`).
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

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


# --------------------------------------------------------------------------------------------
# The pool, and starting it before the parent has imported the rest


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(jobs: int | None) -> int:
    """Workers for ``jobs``: at least 1, at most one per core usable by this process."""
    cores = available_cores()
    return max(1, min(jobs or cores, cores))


def pool_context():
    """forkserver (POSIX) or spawn: never fork a process that may hold threads (tqdm, zmq).

    The fork server preloads nothing: Python 3.11's fork server preloads before it takes the
    parent's sys.path (a folder named "crmplay" in the current directory would shadow the
    installed package) and without crmplay's guard against rfc3987_syntax (2.5 s on one core
    before any worker could start). Each worker imports what it needs as it starts, its
    kernel first (:func:`init_worker`)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def new_pool(workers: int, events=None, warm: bool = False) -> ProcessPoolExecutor:
    """The process pool of ``workers`` workers (each starts its kernel when ``warm``)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=pool_context(), initializer=init_worker,
                               initargs=(events, warm))


class EarlyPool:
    """A warm pool started before the run is set up (:func:`start_early`), with its progress queue."""

    def __init__(self, workers: int, progress_mode: str | None) -> None:
        self.workers = workers
        self.progress_mode = progress_mode
        self.events = pool_context().Queue() if progress_mode is not None else None
        self.pool: Executor = new_pool(workers, self.events, warm=True)
        for _ in range(workers):
            self.pool.submit(started)


_EARLY: EarlyPool | None = None


def steps_will_run(client: str, reports_root: str | Path, force: bool) -> bool:
    """The rule for starting kernels ahead: the client is forced, or has never run (otherwise
    its steps may all be reused and no kernel is needed)."""
    return bool(force) or not (Path(reports_root) / client / "run.json").is_file()


def start_early(client: str, reports_root: str | Path, *, jobs: int | None, warm: bool, force: bool,
                progress: Any) -> bool:
    """``crmplay run``: start every worker, and so every kernel, at once (before the parent
    imports the chapters and reads the client: about a second during which one core was idle)
    when the run will execute steps in workers: warm, more than one worker, and the client forced
    or never run. The scheduler takes the pool over (:func:`take_early`); True when started."""
    global _EARLY
    workers = worker_count(jobs)
    if _EARLY is not None or workers <= 1 or not kernels.warm_wanted(warm):
        return False
    if not steps_will_run(client, reports_root, force):
        return False
    _EARLY = EarlyPool(workers, _progress.mode_for(progress))
    return True


def take_early(workers: int, progress_mode: str | None) -> EarlyPool | None:
    """The pool :func:`start_early` started, when it fits a scheduler of ``workers`` workers
    showing progress as ``progress_mode`` (it is then the scheduler's to close); else ``None``."""
    global _EARLY
    early, _EARLY = _EARLY, None
    if early is None:
        return None
    if early.workers != workers or early.progress_mode != progress_mode:
        early.pool.shutdown(wait=False, cancel_futures=True)
        return None
    return early


def discard_early() -> None:
    """Shut down a pool :func:`start_early` started that no scheduler took over (the run
    stopped before it was set up)."""
    global _EARLY
    early, _EARLY = _EARLY, None
    if early is not None:
        early.pool.shutdown(wait=True, cancel_futures=True)
