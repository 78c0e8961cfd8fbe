"""Scheduling a batch: a process pool of at most one worker per core (or inline for one job),
and the scheduler that submits prepare / step / finish tasks as their inputs become ready.

Warm runs (:mod:`crmplay.engine.kernels`): each worker starts its kernel as it starts. For a
client forced or never run, every worker is started as soon as the client is accepted (or
earlier still: ``crmplay run`` starts the pool before it imports the rest, and the scheduler
takes it over, :func:`crmplay.engine.worker.start_early`), so kernels warm up while the parent
prepares that client; otherwise a worker starts for a step submitted while none is idle. Inline,
the parent starts its kernel then and kills it when the scheduler closes. (Cold runs start a
worker only for a step to run: a rerun whose steps are all reused starts none.)"""
from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool

from pathlib import Path

from crmplay.core.steps import critical_first
from crmplay.engine.incremental import plan_step
from crmplay.engine.finish import emergency_run, finish, locked_run
from crmplay.engine.lock import ClientLock, ClientLockedError
from crmplay.engine.prepare import client_refusal, failed_plan, prepare
from crmplay.engine.records import ClientRun, RunPlan, StepRun, failure, one_line
from crmplay.engine import kernels
from crmplay.engine import progress as _progress
from crmplay.engine import worker
from crmplay.engine.worker import available_cores, worker_count
from crmplay.engine.step import execute_step, quiet_logs


class _InlineExecutor(Executor):
    """Runs each task at submit time in this process (``--jobs 1``): no pool start-up cost."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the scheduler like a pool would
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future


def _pool(workers: int, events=None, warm: bool = False) -> Executor:
    if workers <= 1:
        return _InlineExecutor()
    return worker.new_pool(workers, events, warm)


class Scheduler:
    """Submits prepare / step / finish tasks as their inputs become ready.

    ``progress`` (see :func:`crmplay.engine.progress.mode_for`): True shows a bar per step in a
    terminal and a line per step start and end outside one (a log, CI); False shows nothing.
    """

    def __init__(self, workers: int, *, progress: bool | str | None, total: int, warm: bool = False):
        self.workers = workers
        self.warm = warm
        mode = _progress.mode_for(progress)
        early = worker.take_early(workers, mode) if warm and workers > 1 else None
        # Workers report through a multiprocessing queue; inline (one worker) through a plain one.
        if early is not None:
            events = early.events
        else:
            events = None if mode is None else (worker.pool_context().Queue() if workers > 1 else None)
        self.reporter = None if mode is None else _progress.Reporter(mode, total, events)
        self._events = None if self.reporter is None else self.reporter.events
        if workers <= 1:
            _progress.install(self._events)
        self.pool = early.pool if early is not None else _pool(workers, self._events, warm)
        self._kernels_started = not warm or early is not None
        self._start_lock = threading.Lock()
        self._starter: threading.Thread | None = None

    def _start_kernels(self, background: bool = False) -> None:
        """Warm: start the kernels (inline) or every worker (its initializer starts its kernel).

        ``background`` (a client that will run steps: forced, or never run before) starts every
        worker from a thread, so the kernels warm up while the parent prepares the client. A
        client whose steps may all be reused starts nothing until a step is submitted (a rerun
        with nothing changed starts no kernel at all); then the pool starts a worker, and its
        kernel, only for a step submitted while no worker is idle (a rerun of one chain of
        steps warms one kernel, not one per core competing for the same cores)."""
        with self._start_lock:
            if self._kernels_started:
                return
            self._kernels_started = True
        if self.workers <= 1:
            kernels.start_ahead()
        elif background:
            self._starter = threading.Thread(target=self._start_workers, name="crmplay-workers", daemon=True)
            self._starter.start()

    def _start_workers(self) -> None:
        try:
            for _ in range(self.workers):
                self._submit(worker.started)
        except RuntimeError:  # the pool was shut down meanwhile (the run ended before a step)
            pass

    def close(self) -> None:
        if self._starter is not None:
            self._starter.join()
        self.pool.shutdown(wait=True, cancel_futures=True)
        if self.workers <= 1:
            _progress.install(None)
            kernels.discard()
        if self.reporter is not None:
            self.reporter.close()

    def _submit(self, fn, *args) -> Future:
        try:
            return self.pool.submit(fn, *args)
        except BrokenProcessPool:
            self.pool = _pool(self.workers, self._events, self.warm)
            return self.pool.submit(fn, *args)

    def run(self, jobs: list[tuple], on_client_done) -> list[ClientRun]:
        quiet_logs()
        futures: dict[Future, tuple[str, str, str]] = {}  # future -> (kind, client, step)
        plans: dict[str, RunPlan] = {}
        results: dict[str, dict[str, StepRun]] = {}
        submitted: dict[str, set[str]] = {}
        finished: dict[str, ClientRun] = {}
        planned: dict[tuple[str, str], tuple[dict[str, str], str]] = {}  # (client, step) -> (fingerprint, why)
        spec = {job[0]: job for job in jobs}

        def submit_ready(client: str) -> None:
            plan = plans[client]
            done = results[client]
            for step in critical_first(plan.steps):  # what the rest waits on first
                if step.id in submitted[client]:
                    continue
                waiting = [d for d in step.depends_on if d in {s.id for s in plan.steps} and d not in done]
                if waiting:
                    continue
                submitted[client].add(step.id)
                reused, parts, why = plan_step(plan, step)
                planned[(client, step.id)] = (parts, why)
                if reused is not None:
                    done[step.id] = reused
                    self._advance(1, f"{client}:{step.id} reused")
                    continue
                self._start_kernels()  # no-op once started
                fut = self._submit(execute_step, plan, step)
                futures[fut] = ("step", client, step.id)
            if len(done) == len(plan.steps) and ("finish", client, "") not in futures.values():
                # every step reused: finishing only writes run.json (and the index when a page
                # moved); done here rather than waking a worker process (about 2 s to start)
                runs = [done[s.id] for s in plan.steps]
                if all(r.reused for r in runs):
                    fut = _InlineExecutor().submit(finish, plan, runs, spec[client][5])
                else:
                    fut = self._submit(finish, plan, runs, spec[client][5])
                futures[fut] = ("finish", client, "")

        pending = list(jobs)
        locks: dict[str, ClientLock] = {}

        def start(job: tuple) -> None:
            client = job[0]
            refusal = client_refusal(client, job[1], job[2])
            if refusal is not None:
                finished[client] = locked_run(job, refusal)
                self._note("client", client, status="refused", reason=refusal)
                if on_client_done is not None:
                    on_client_done(finished[client])
                return
            lock = ClientLock(Path(job[2]) / client)
            try:
                locks[client] = lock.acquire()
            except ClientLockedError as exc:
                finished[client] = locked_run(job, str(exc))
                self._note("client", client, status="refused", reason=str(exc))
                if on_client_done is not None:
                    on_client_done(finished[client])
                return
            if worker.steps_will_run(client, job[2], job[7].get("force", False)):
                self._start_kernels(background=True)  # steps will run: warm up during prepare
            # prepared here, not in a worker (so the parent's work overlaps the kernels' start)
            fut = _InlineExecutor().submit(prepare, *job[:5], job[6], job[7], job[5])
            futures[fut] = ("prepare", client, "")

        try:
            self._loop(futures, pending, start, plans, results, submitted, finished, spec, locks,
                       submit_ready, on_client_done, planned)
        finally:
            for lock in locks.values():
                lock.release()
        return [finished[job[0]] for job in jobs]

    def _loop(self, futures, pending, start, plans, results, submitted, finished, spec, locks,
              submit_ready, on_client_done, planned) -> None:
        # Clients are taken one after another (a new one starts only when a worker would be
        # idle), so the first reports appear early and a batch's portfolio fills as it goes.
        while futures or pending:
            while pending and len(futures) < self.workers:
                start(pending.pop(0))
            if not futures:
                continue
            done_set, _ = wait(list(futures), return_when=FIRST_COMPLETED)
            for fut in done_set:
                kind, client, step_id = futures.pop(fut)
                exc = fut.exception()
                if kind == "prepare":
                    plan = fut.result() if exc is None else failed_plan(spec[client], exc)
                    plans[client] = plan
                    results[client] = {}
                    submitted[client] = set()
                    if plan.error:
                        self._note("client", client, status="failed", reason=plan.error.splitlines()[0])
                        self._advance(len(spec[client][4]), f"{client}: failed")
                        for step in plan.steps:
                            results[client][step.id] = StepRun(step.id, step.title_for(plan.lang), "skipped",
                                                               reason="not run: " + plan.error.splitlines()[0])
                            submitted[client].add(step.id)
                    else:
                        for step in plan.steps:
                            if step.id in plan.skipped:
                                reason, tables = plan.skipped[step.id]
                                results[client][step.id] = StepRun(step.id, step.title_for(plan.lang), "skipped",
                                                                   reason=reason, missing_tables=tables)
                                submitted[client].add(step.id)
                                self._note("skipped", client, step.id, reason=reason)
                                self._advance(1, f"{client}:{step.id}")
                    submit_ready(client)
                elif kind == "step":
                    plan = plans[client]
                    step = next(s for s in plan.steps if s.id == step_id)
                    if exc is None:
                        outcome = fut.result()
                    else:
                        why = f"the worker running this step stopped: {one_line(exc)}"
                        outcome = StepRun(step.id, step.title_for(plan.lang), "failed", reason=why,
                                          error=failure("worker", why, exception=type(exc).__name__))
                        self._note("end", client, step_id, status="failed", reason=why)
                    parts, why = planned.get((client, step_id), ({}, ""))
                    outcome.why = why
                    if outcome.status == "ok":
                        outcome.fingerprint = parts
                    results[client][step_id] = outcome
                    self._advance(1, f"{client}:{step_id} {outcome.status}")
                    submit_ready(client)
                else:
                    plan = plans[client]
                    if exc is None:
                        run = fut.result()
                    else:
                        run = emergency_run(plan, list(results[client].values()), exc)
                    finished[client] = run
                    self._note("client", client, status=run.status, duration_s=run.duration_s)
                    locks.pop(client).release()
                    if on_client_done is not None:
                        on_client_done(run)

    def _advance(self, n: int, label: str) -> None:
        self._note("advance", "", n=n, label=label)

    def _note(self, kind: str, client: str, step: str = "", **data) -> None:
        if self.reporter is not None:
            self.reporter.put(kind, client, step, **data)


__all__ = ["Scheduler", "worker_count", "available_cores"]
