"""Where a run is, wherever it runs: a bar per step in a terminal, one line per step outside one.

The steps run in worker processes (:mod:`crmplay.engine.scheduler`); each reports its start, the
cell it is executing and its end through :func:`emit`, which puts a small event on a queue the
scheduler hands to every worker (:func:`install`). In the scheduler's process a
:class:`Reporter` reads the queue on a thread of its own and shows the events:

- ``bar`` (stderr is a terminal): the run's bar (steps done of all) and, under it, a bar per
  running step with the cell it is executing;
- ``lines`` (stderr is a log file or a CI console: ``crmplay run demo > log 2>&1``): one line,
  flushed, when a step starts and one when it ends, with its status and its time::

      [09:14:02] demo nps: started (31 cells)
      [09:14:21] demo nps: ok in 19.2 s

Progress never fails a step: an event that cannot be sent is dropped.
"""
from __future__ import annotations

import queue as _queue
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

#: Where :func:`emit` puts events: the scheduler's queue, or ``None`` (nobody listens).
_SINK: Any = None
#: Event kinds: a step started, began a cell or ended; the scheduler's own notes (a skipped
#: step, a finished client, the run's bar advanced).
KINDS = ("start", "cell", "end", "skipped", "client", "advance")
MODES = ("bar", "lines")


def install(sink: Any) -> None:
    """Send this process's events to ``sink`` (an object with ``put``), or nowhere (``None``)."""
    global _SINK
    _SINK = sink


def emit(kind: str, client: str, step: str, **data: Any) -> None:
    """Report one event of ``client``'s ``step`` (see :data:`KINDS`); a no-op when nobody listens."""
    sink = _SINK
    if sink is None:
        return
    try:
        sink.put((kind, client, step, data))
    except Exception:  # noqa: BLE001 - progress must never fail a step
        pass


def cell_count(notebook: str | Path) -> int:
    """How many cells papermill will run for ``notebook``: its cells plus the injected
    parameters cell (0 when it cannot be read)."""
    import json

    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return 0
    return len(cells) + 1


def mode_for(progress: bool | str | None, stream: TextIO | None = None) -> str | None:
    """The way to show progress: ``progress`` True means a bar when ``stream`` (default stderr)
    is a terminal and lines otherwise; False or None shows nothing; ``"bar"`` or ``"lines"``
    force one.

    >>> import io
    >>> mode_for(True, io.StringIO()), mode_for(False), mode_for("lines")
    ('lines', None, 'lines')
    """
    if progress in MODES:
        return str(progress)
    if not progress:
        return None
    stream = stream if stream is not None else sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return "bar" if tty else "lines"


class Reporter:
    """Shows the events of a run (see the module docstring); call :meth:`close` at the end.

    Parameters
    ----------
    mode : {"bar", "lines"} or None
        None shows nothing (the events are still drained).
    total : int
        Steps in the run (all clients), for the run's bar.
    events : queue, optional
        Where the workers put their events (default: a new in-process queue, ``self.events``).
    stream : file, optional
        Where to write (default: stderr).
    """

    def __init__(self, mode: str | None, total: int, events: Any = None, stream: TextIO | None = None):
        self.mode = mode
        self.events = events if events is not None else _queue.Queue()
        self.stream = stream if stream is not None else sys.stderr
        self.bar = None
        self.bars: dict[tuple[str, str], Any] = {}
        self.started: dict[tuple[str, str], float] = {}
        if mode == "bar" and total:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=total, unit="step", desc="crmplay", leave=True, file=self.stream)
        self._thread = threading.Thread(target=self._drain, name="crmplay-progress", daemon=True)
        self._thread.start()

    # -- the scheduler's side ------------------------------------------------------------------
    def put(self, kind: str, client: str, step: str = "", **data: Any) -> None:
        """An event of the scheduler itself (its process; same queue as the workers')."""
        self.events.put((kind, client, step, data))

    def close(self, timeout: float = 10.0) -> None:
        """Show what is still queued, then stop the thread and close the bars."""
        self.events.put(None)
        self._thread.join(timeout)
        for bar in self.bars.values():
            bar.close()
        self.bars.clear()
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    # -- the reporter's thread -----------------------------------------------------------------
    def _drain(self) -> None:
        while True:
            try:
                event = self.events.get()
            except (EOFError, OSError):
                return
            if event is None:
                return
            try:
                self.show(*event)
            except Exception:  # noqa: BLE001 - a display problem never stops the run
                pass

    def show(self, kind: str, client: str, step: str, data: dict[str, Any]) -> None:
        """Show one event (called on the reporter's thread)."""
        key = (client, step)
        if kind == "start":
            self.started[key] = time.monotonic()
        if self.mode == "lines":
            self._line(kind, client, step, data)
        elif self.mode == "bar":
            self._bars(kind, key, data)

    def _line(self, kind: str, client: str, step: str, data: dict[str, Any]) -> None:
        if kind == "start":
            cells = data.get("cells") or 0
            own = ", the client's own notebook" if data.get("override") else ""
            text = f"{client} {step}: started" + (f" ({cells} cells{own})" if cells else "")
        elif kind == "end":
            took = data.get("duration_s")
            if took is None and (client, step) in self.started:
                took = time.monotonic() - self.started[(client, step)]
            text = f"{client} {step}: {data.get('status', 'ended')}" + ("" if took is None else f" in {took:.1f} s")
            if data.get("reason"):
                text += f" ({data['reason']})"
        elif kind == "skipped":
            text = f"{client} {step}: skipped ({data.get('reason', '')})"
        elif kind == "client":
            took = data.get("duration_s")
            text = f"{client}: run {data.get('status', 'ended')}" + ("" if took is None else f" in {took:.1f} s")
            if data.get("reason"):
                text += f" ({data['reason']})"
        else:
            return
        self.stream.write(f"[{time.strftime('%H:%M:%S')}] {text}\n")
        self.stream.flush()

    def _bars(self, kind: str, key: tuple[str, str], data: dict[str, Any]) -> None:
        from tqdm.auto import tqdm

        if kind == "start":
            self.bars[key] = tqdm(total=data.get("cells") or None, unit="cell", desc=f"{key[0]}:{key[1]}",
                                  leave=False, file=self.stream)
        elif kind == "cell" and key in self.bars:
            bar = self.bars[key]
            index = int(data.get("index") or 0)
            bar.set_postfix_str(str(data.get("source", ""))[:40], refresh=False)
            bar.update(max(0, index + 1 - bar.n))
        elif kind == "end" and key in self.bars:
            self.bars.pop(key).close()
        elif kind == "advance" and self.bar is not None:
            self.bar.set_postfix_str(str(data.get("label", ""))[:40], refresh=False)
            self.bar.update(int(data.get("n", 1)))


__all__ = ["install", "emit", "cell_count", "mode_for", "Reporter", "KINDS", "MODES"]
