"""Warm kernels: one Jupyter kernel per process (per thread), started ahead and reused by the
steps that process runs, so a step pays neither a kernel start nor the heavy imports.

Used by :mod:`crmplay.engine.step` (``papermill.execute_notebook(..., km=...)``: papermill and
nbclient stay the engine; with a manager whose kernel is already running nbclient starts no
kernel and shuts none down) and :mod:`crmplay.engine.scheduler` (each pool worker, or the
parent process for ``--jobs 1``, starts its kernel when it starts, so the start overlaps the
parent's prepare).

- start: kernel ``python3`` on this very interpreter with the same manager as a cold step
  (:func:`kernel_manager_class`: ``MPLBACKEND`` inline, stderr to a log), in a folder of its
  own (never the user's current directory: a folder named ``crmplay`` there would shadow the
  package); it is sent the warm-up at once (imports of :data:`PRELOAD`, the inline matplotlib
  backend loaded, then a snapshot of the state a fresh kernel has) and nobody waits for it
  until the first step needs the kernel;
- before each notebook, through a kernel client (never a cell of the notebook):
  :func:`reset_in_kernel` empties the user namespace (``reset(new_session=True)``: execution
  counts restart at 1), closes every figure, and restores rcParams, ``sys.path``, the
  environment, warnings filters (and their once-only registries), logging's root logger, pandas
  and numpy options, the standard streams; it reseeds ``random`` and numpy's global generator
  (as unpredictable as a new process's) and changes to the step's work folder;
- never poison the next step: a step that failed in any way (error, timeout, dead kernel, a
  start or reset failure) gets its kernel killed at once (``now=True``) and a fresh one is
  started; a kernel is reused only after a successful step;
- exit: every kernel of the process is killed by :func:`shutdown_all`, which runs at exit
  (``atexit`` and a multiprocessing finalizer, since pool workers leave through ``os._exit``)
  and when the scheduler closes.

Off with ``run_clients(..., warm=False)``, ``crmplay run/batch --cold`` or ``CRMPLAY_WARM=0``.
"""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

KERNEL_NAME = "python3"
#: Arguments nbclient gives a kernel it starts itself (no history file on disk).
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]
#: Modules a warm kernel imports ahead: the heavy libraries and every crmplay module the
#: chapter notebooks import (tests/test_warm_kernels.py checks the notebooks against it).
PRELOAD = (
    "numpy", "pandas", "scipy.stats", "matplotlib", "matplotlib.pyplot", "IPython.display",
    "crmplay.notebook", "crmplay.charts", "crmplay.data", "crmplay.chapters.registry",
    "crmplay.chapters.overview.analysis", "crmplay.chapters.overview.charts",
    "crmplay.chapters.overview.results", "crmplay.chapters.overview.views",
    "crmplay.chapters.needs", "crmplay.chapters.nps.views", "crmplay.chapters.loyalty.views",
    "crmplay.chapters.dimensions.charts", "crmplay.chapters.dimensions.views",
    "crmplay.chapters.summary.brief", "crmplay.chapters.summary.charts", "crmplay.chapters.summary.views",
    "crmplay.engine.runner",
)
_OFF = ("0", "false", "no", "off")


class KernelUnusable(RuntimeError):
    """A warm kernel could not be started, warmed up or reset (the step then fails as ``start``)."""


def warm_wanted(warm: bool = True) -> bool:
    """``warm`` unless the environment says ``CRMPLAY_WARM=0`` (or false/no/off)."""
    return bool(warm) and os.environ.get("CRMPLAY_WARM", "").strip().lower() not in _OFF


def kernel_manager_class(log_path: Path):
    """A kernel manager class whose kernel writes stderr to ``log_path`` (not our terminal),
    draws matplotlib figures inline whatever ``MPLBACKEND`` the caller has set, and runs on
    this very interpreter (so it imports this crmplay even when another ``python3``
    kernelspec, e.g. a user-level one, points elsewhere). Cold and warm steps both use it."""
    from jupyter_client import AsyncKernelManager

    class _KernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kernel_cmd = list(kernel_cmd)
            if (len(kernel_cmd) > 2 and Path(kernel_cmd[0]).name.startswith("python")
                    and kernel_cmd[1:3] == ["-m", "ipykernel_launcher"]):
                kernel_cmd[0] = sys.executable
            env = dict(kw.get("env") or os.environ)
            env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
            env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
            kw["env"] = env
            kw["stderr"] = open(log_path, "ab")  # noqa: SIM115 - owned by the kernel process
            try:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            finally:
                kw["stderr"].close()

        def client(self, **kwargs):
            # nbclient does not stop the channels of a client of a manager it was given: keep
            # them, so WarmKernel.after_step can.
            kc = super().client(**kwargs)
            self.handed_out = [*getattr(self, "handed_out", []), kc]
            return kc

    return _KernelManager


# --------------------------------------------------------------------------------------------
# The parent side: one kernel, its manager and a control client


class WarmKernel:
    """A kernel started now (without waiting for it) and sent its warm-up; see the module docstring."""

    def __init__(self) -> None:
        from jupyter_core.utils import run_sync

        self.home = Path(tempfile.mkdtemp(prefix="crmplay-kernel-"))
        self.log_path = self.home / "kernel.log"
        self.km = None
        self._kc = None
        self._warm_up: str | None = None
        self.steps = 0
        self.log_offset = 0
        _LIVE.add(self)
        try:
            self.km = kernel_manager_class(self.log_path)(kernel_name=KERNEL_NAME)
            run_sync(self.km.start_kernel)(extra_arguments=list(KERNEL_ARGUMENTS), cwd=str(self.home))
            self._kc = _control_client(self.km)
            self._warm_up = self._kc.execute(
                f"__import__('crmplay.engine.kernels', fromlist=['_']).warm_up_in_kernel({PRELOAD!r})",
                silent=True, store_history=False, allow_stdin=False)
        except BaseException:
            self.shutdown()
            raise

    @property
    def pid(self) -> int | None:
        process = getattr(self.km.provisioner, "process", None)
        return None if process is None else process.pid

    def alive(self) -> bool:
        process = getattr(self.km.provisioner, "process", None)
        return process is not None and process.poll() is None

    def ready_for(self, work: Path, timeout: float) -> None:
        """Wait for the warm-up (at most ``timeout`` s), then reset the kernel for a notebook
        run in ``work``; :class:`KernelUnusable` when either fails."""
        if self._kc is None:
            raise KernelUnusable("the kernel was shut down")
        if self._warm_up is not None:
            self._reply(self._warm_up, timeout, "warm-up")
            self._warm_up = None
        msg_id = self._kc.execute(
            f"__import__('crmplay.engine.kernels', fromlist=['_']).reset_in_kernel({str(work)!r})",
            silent=True, store_history=False, allow_stdin=False)
        self._reply(msg_id, min(timeout, 60.0), "reset")
        try:
            self.log_offset = self.log_path.stat().st_size
        except OSError:
            self.log_offset = 0

    def _reply(self, msg_id: str, timeout: float, what: str) -> None:
        from queue import Empty

        deadline = time.monotonic() + timeout
        while True:
            if not self.alive():
                tail = _tail(self.log_path, 0)
                raise KernelUnusable(f"the kernel died during its {what}" + (f"; kernel said: {tail}" if tail else ""))
            left = deadline - time.monotonic()
            if left <= 0:
                raise KernelUnusable(f"the kernel's {what} took longer than {timeout:g} s")
            try:
                msg = self._kc.get_shell_msg(timeout=min(left, 0.5))
            except Empty:
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            content = msg.get("content", {})
            if content.get("status") != "ok":
                raise KernelUnusable(f"the kernel's {what} failed: {content.get('ename')}: {content.get('evalue')}")
            return

    def after_step(self) -> None:
        """Stop the channels of the clients nbclient made for the step (it leaves them open)."""
        for kc in getattr(self.km, "handed_out", []):
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001 - a client of a dead kernel
                pass
        self.km.handed_out = []
        self.steps += 1

    def log_tail(self) -> str:
        """The last lines the kernel wrote to stderr during the current step."""
        return _tail(self.log_path, self.log_offset)

    def shutdown(self) -> None:
        """Kill the kernel now (never raises) and delete its folder."""
        _LIVE.discard(self)
        if self.km is None:
            shutil.rmtree(self.home, ignore_errors=True)
            return
        for kc in [self._kc, *getattr(self.km, "handed_out", [])]:
            if kc is not None:
                try:
                    kc.stop_channels()
                except Exception:  # noqa: BLE001
                    pass
        self._kc = None
        try:
            from jupyter_core.utils import run_sync

            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)
            else:
                run_sync(self.km.cleanup_resources)()
        except Exception:  # noqa: BLE001 - already dead, or the loop is gone at exit
            process = getattr(self.km.provisioner, "process", None)
            if process is not None and process.poll() is None:
                process.kill()
        shutil.rmtree(self.home, ignore_errors=True)


def _control_client(km):
    """A blocking client on the kernel's shell channel only (no IOPub: nothing piles up), with a
    session of its own: the kernel routes replies by session id, and hands an id over to the
    last client that connected with it (nbclient's clients get the manager's)."""
    from jupyter_client.blocking import BlockingKernelClient

    kc = BlockingKernelClient()
    kc.load_connection_info(km.get_connection_info(session=False))
    kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    return kc


def _tail(path: Path, offset: int, lines: int = 2) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    useful = [ln.strip() for ln in text.splitlines() if ln.strip() and "without encryption" not in ln]
    return " | ".join(useful[-lines:])[:300]


# --------------------------------------------------------------------------------------------
# This process's kernels: one per thread


_LOCAL = threading.local()
_LIVE: set[WarmKernel] = set()
_HOOKED = False


def start_ahead() -> None:
    """Start this thread's kernel now unless it has one (never raises: a start that fails is
    tried again when a step needs the kernel)."""
    _hook_exit()
    if getattr(_LOCAL, "kernel", None) is None:
        try:
            _LOCAL.kernel = WarmKernel()
        except Exception:  # noqa: BLE001 - reported by the step that needs it
            _LOCAL.kernel = None


def checkout(work: Path, timeout: float) -> WarmKernel:
    """This thread's kernel, reset for a notebook run in ``work`` (a fresh kernel when it has
    none or its reset fails); :class:`KernelUnusable` when no kernel can be made ready."""
    _hook_exit()
    problem: Exception | None = None
    for _attempt in range(2):
        kernel = getattr(_LOCAL, "kernel", None)
        try:
            if kernel is None:
                kernel = _LOCAL.kernel = WarmKernel()
            kernel.ready_for(work, timeout)
            return kernel
        except Exception as exc:  # noqa: BLE001 - replaced once, then the step fails
            problem = exc
            discard()
    raise KernelUnusable(str(problem)) from problem


def release(kernel: WarmKernel, ok: bool) -> None:
    """After a step: keep the kernel when the step succeeded, else kill it and start a fresh one."""
    kernel.after_step()
    if not ok:
        discard()
        start_ahead()


def discard() -> None:
    """Kill this thread's kernel (if any) now."""
    kernel = getattr(_LOCAL, "kernel", None)
    _LOCAL.kernel = None
    if kernel is not None:
        kernel.shutdown()


def current() -> WarmKernel | None:
    """This thread's kernel, if one is running."""
    return getattr(_LOCAL, "kernel", None)


def shutdown_all() -> None:
    """Kill every kernel of this process (at exit, and when a scheduler closes)."""
    _LOCAL.kernel = None
    for kernel in list(_LIVE):
        kernel.shutdown()


def _hook_exit() -> None:
    global _HOOKED
    if not _HOOKED:
        from multiprocessing import util

        atexit.register(shutdown_all)
        util.Finalize(None, shutdown_all, exitpriority=100)  # pool workers end in os._exit
        _HOOKED = True


# --------------------------------------------------------------------------------------------
# The kernel side (runs inside the kernel, through the control client)


_BASELINE: dict[str, Any] = {}


def warm_up_in_kernel(modules: tuple[str, ...]) -> None:
    """Import ``modules`` (one that fails is left for the notebook to report), load the inline
    matplotlib backend, and remember the state every notebook starts from."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the notebook's own import says what is wrong
            pass
    try:
        import matplotlib.pyplot as plt

        plt.figure()  # the backend (and the inline backend's rcParams) load with the first figure
        plt.close("all")
    except Exception:  # noqa: BLE001
        pass
    _BASELINE.clear()
    _BASELINE.update(_snapshot())


def _snapshot() -> dict[str, Any]:
    import logging
    import warnings

    root = logging.getLogger()
    state: dict[str, Any] = {
        "path": list(sys.path), "environ": dict(os.environ),
        "filters": list(warnings.filters), "showwarning": warnings.showwarning,
        "streams": (sys.stdout, sys.stderr, sys.excepthook),
        "logging": (list(root.handlers), root.level, logging.root.manager.disable),
    }
    if "matplotlib" in sys.modules:
        state["rc"] = dict(sys.modules["matplotlib"].rcParams.copy())  # as matplotlib's rc_context
    if "numpy" in sys.modules:
        np = sys.modules["numpy"]
        state["numpy"] = (np.get_printoptions(), np.geterr())
    if "pandas" in sys.modules:
        state["pandas"] = _pandas_options()
    return state


def _pandas_options() -> dict[str, Any]:
    import warnings

    import pandas as pd
    from pandas._config import config

    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key in config._registered_options:
            if key not in config._deprecated_options:
                try:
                    out[key] = pd.get_option(key)
                except Exception:  # noqa: BLE001
                    pass
    return out


def reset_in_kernel(work: str) -> None:
    """Give the next notebook a fresh kernel's state (see the module docstring), in ``work``."""
    import gc
    import logging
    import random
    import warnings

    from IPython import get_ipython

    os.chdir(work)
    get_ipython().reset(new_session=True)
    base = _BASELINE
    if not base:
        raise RuntimeError("the kernel was not warmed up")
    sys.path[:] = base["path"]
    if dict(os.environ) != base["environ"]:
        os.environ.clear()
        os.environ.update(base["environ"])
    warnings.resetwarnings()  # also forgets which warnings were already shown once
    warnings.filters[:] = base["filters"]
    warnings.showwarning = base["showwarning"]
    sys.stdout, sys.stderr, sys.excepthook = base["streams"]
    root = logging.getLogger()
    root.handlers[:] = base["logging"][0]
    root.setLevel(base["logging"][1])
    logging.disable(base["logging"][2])
    if "rc" in base:
        import matplotlib.pyplot as plt

        plt.close("all")
        dict.update(sys.modules["matplotlib"].rcParams, base["rc"])
    if "numpy" in base:
        np = sys.modules["numpy"]
        np.set_printoptions(**base["numpy"][0])
        np.seterr(**base["numpy"][1])
        np.random.seed()
    if "pandas" in base:
        _restore_pandas(base["pandas"])
    random.seed()
    gc.collect()


def _restore_pandas(options: dict[str, Any]) -> None:
    import warnings

    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in options.items():
            try:
                if pd.get_option(key) != value:
                    pd.set_option(key, value)
            except Exception:  # noqa: BLE001 - an option that cannot be compared or set back
                pass


__all__ = ["KERNEL_NAME", "PRELOAD", "KernelUnusable", "WarmKernel", "warm_wanted", "kernel_manager_class",
           "start_ahead", "checkout", "release", "discard", "current", "shutdown_all",
           "warm_up_in_kernel", "reset_in_kernel"]
