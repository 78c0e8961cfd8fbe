"""Batches on a Dask distributed cluster: one task per client, on as many machines as you have.

``crmplay batch --scheduler tcp://HOST:8786`` sends each client to a Dask scheduler as one task;
a worker runs the whole client there (:func:`crmplay.engine.runner.run_client` with
``jobs=1``: the client's steps one after another, in the worker's process) and writes the
reports to ``--reports-root``, which must be the same shared path on every machine (so must
``--data-root``). ``crmplay batch --workers N`` starts a :class:`distributed.LocalCluster` of N
worker processes on this machine instead; plain ``crmplay batch`` keeps the process pool of
:mod:`crmplay.engine.scheduler`.

Failures:

* a client whose data or configuration is bad, or whose steps fail, comes back as a failed
  :class:`~crmplay.engine.records.ClientRun` like in any batch (never retried: it would fail
  the same way);
* a worker that dies while running a client (killed, out of memory, machine lost): the
  scheduler gives the client to another worker, which runs it **once more**; when that worker
  dies too, the next one does not run it again but reports the client failed with the reason
  (and writes a ``run.json`` saying so). The attempts are counted by the task itself, in
  ``<reports_root>/.crmplay-cluster/<batch>/`` (the reports root is shared by every worker), so
  only the client that really ran on a dying worker is charged, never one merely queued there;
  a client that had finished when its worker died (its result still on that worker) is not run
  again: its recorded result is returned;
  An exception escaping the task is retried once too (Dask ``retries=1``);
* the portfolio page is written once every client has finished (by ``crmplay batch --workers N`` / ``--scheduler ADDRESS``).

For a remote scheduler, ``DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION=1.0 dask scheduler``
keeps clients queued at the scheduler rather than on workers (as the local cluster does).

Example
-------
>>> runs = run_clients_on_cluster(["acme", "demo"], "client_data", "/shared/reports",
...                               scheduler="tcp://10.0.0.5:8786")          # doctest: +SKIP
>>> [(r.client, r.status) for r in runs]                                   # doctest: +SKIP
[('acme', 'ok'), ('demo', 'ok')]
"""
from __future__ import annotations

import os
import pickle
import shutil
import uuid
from pathlib import Path
from typing import Any, Callable, Sequence

from crmplay.core.fileio import write_bytes, write_json
from crmplay.engine.prepare import client_refusal
from crmplay.engine.records import DEFAULT_TIMEOUT, ClientRun, now_iso, one_line
from crmplay.engine.scheduler import available_cores

#: How many times a client is run again after its worker died (and a task that raised).
RETRIES = 1
#: Folder under the reports root where a batch's tasks count their attempts (removed at the end).
ATTEMPTS_DIR = ".crmplay-cluster"


def run_one_client(client: str, data_root: str, reports_root: str, steps: Sequence[str] | None, lang: str | None,
                   timeout: float, playbook: str | None, attempts_dir: str | None = None, retries: int = RETRIES,
                   parameters: dict[str, Any] | None = None) -> ClientRun:
    """The task a worker runs: one client, its steps in this process (``jobs=1``).

    Each start is recorded in ``attempts_dir``; a start after ``retries + 1`` earlier ones (every
    one ended by its worker dying) does not run the client again but reports it failed.
    """
    from crmplay.engine.runner import run_client
    from crmplay.engine.step import quiet_logs

    done = Path(attempts_dir) / f"{client}.done" if attempts_dir is not None else None
    if done is not None and done.is_file():  # finished already; its result was lost with a worker
        return pickle.loads(done.read_bytes())
    if attempts_dir is not None:
        marker = Path(attempts_dir) / f"{client}.attempts"
        with open(marker, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {now_iso()}\n")
        started = len(marker.read_text(encoding="utf-8").splitlines())
        if started > retries + 1:
            why = (f"the cluster worker running this client stopped {started - 1} time(s) (killed, out of memory "
                   f"or lost); it was tried {retries + 1} time(s) and not run again")
            return lost_run(client, reports_root, data_root, why, parameters or {})
    quiet_logs()
    run = run_client(client, data_root, reports_root, steps=list(steps) if steps else None, lang=lang or None,
                     jobs=1, timeout=timeout, playbook=playbook)
    if done is not None:
        write_bytes(done, pickle.dumps(run))
    return run


def lost_run(client: str, reports_root: str | Path, data_root: str | Path, reason: str,
             parameters: dict[str, Any]) -> ClientRun:
    """The record of a client whose task never returned; written to its ``run.json`` when the
    client's reports folder is a valid one (so the portfolio page lists it as failed)."""
    started = now_iso()
    client_dir = Path(reports_root) / client
    run = ClientRun(client=client, status="failed", started_at=started, ended_at=started, reason=reason,
                    parameters={**parameters, "client": client}, client_name=client, reports_dir=str(client_dir))
    if client_refusal(client, data_root, reports_root) is None:
        try:
            write_json(client_dir / "run.json", run.to_json())
        except OSError:
            pass
    return run


def _why(exc: BaseException, retries: int) -> str:
    name = type(exc).__name__
    if name == "KilledWorker":
        return (f"the cluster workers holding this client stopped too often (killed, out of memory or lost); "
                f"the client was not finished: {one_line(exc)}")
    return f"the cluster task of this client failed after {retries + 1} attempt(s): {name}: {one_line(exc)}"


def run_clients_on_cluster(
    clients: Sequence[str],
    data_root: str | Path = "client_data",
    reports_root: str | Path = "reports",
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    steps: Sequence[str] | None = None,
    lang: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    playbook: str | Path | None = None,
    retries: int = RETRIES,
    on_client_done: Callable[[ClientRun], None] | None = None,
) -> list[ClientRun]:
    """Run clients as Dask tasks, one task per client; returns the runs in the order of ``clients``.

    Parameters
    ----------
    clients : list of str
        Client folder names under ``data_root``.
    data_root, reports_root : path
        Made absolute here; on a multi-machine cluster both must be shared paths that every
        worker sees under the same name (client data read-only, reports written).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``). Without it a
        ``LocalCluster`` of ``workers`` processes (one thread each) is started and closed.
    workers : int, optional
        Worker processes of the local cluster (default: the cores this process may use).
    steps, lang, timeout, playbook
        As :func:`crmplay.engine.runner.run_client`.
    retries : int
        How many times a client is run again after its worker died or its task raised.
    on_client_done : callable, optional
        Called with each :class:`ClientRun` as it completes (in completion order).
    """
    import dask
    from distributed import Client, LocalCluster, as_completed

    data_root = str(Path(data_root).resolve())
    reports_root = str(Path(reports_root).resolve())
    playbook_path = str(Path(playbook).resolve()) if playbook else None
    parameters = {"data_root": data_root, "reports_root": reports_root, "lang": lang or "",
                  "steps": list(steps or []), "jobs": 1, "timeout_s": timeout,
                  "playbook": playbook_path or "bundled", "scheduler": scheduler or "local"}
    runs: dict[str, ClientRun] = {}
    batch = uuid.uuid4().hex[:12]
    attempts = Path(reports_root) / ATTEMPTS_DIR / batch
    attempts.mkdir(parents=True, exist_ok=True)
    # The task counts its own attempts (see run_one_client); Dask's count of dead workers per
    # task (allowed-failures) is only the backstop, since it also charges tasks merely queued on
    # a worker that died. worker-saturation 1.0: clients wait at the scheduler, not on workers.
    with dask.config.set({"distributed.scheduler.allowed-failures": max(3, 4 * (retries + 1)),
                          "distributed.scheduler.worker-saturation": 1.0}):
        cluster = None
        if scheduler is None:
            n = max(1, int(workers or available_cores()))
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0", worker_dashboard_address=":0",
                                   memory_limit=None)
        try:
            with Client(scheduler or cluster, set_as_default=False) as dask_client:
                futures = {}
                for name in dict.fromkeys(clients):
                    fut = dask_client.submit(run_one_client, name, data_root, reports_root, steps, lang, timeout,
                                             playbook_path, str(attempts), retries, parameters,
                                             key=f"crmplay-{name}-{batch}", pure=False, retries=retries)
                    futures[fut] = name
                for fut in as_completed(list(futures), loop=dask_client.loop):
                    name = futures.pop(fut)
                    try:
                        run = fut.result()
                    except Exception as exc:  # noqa: BLE001 - KilledWorker, or an error escaping run_client
                        run = lost_run(name, reports_root, data_root, _why(exc, retries), parameters)
                    fut.release()  # a result held by a worker that dies later is not computed again
                    runs[name] = run
                    if on_client_done is not None:
                        on_client_done(run)
        finally:
            if cluster is not None:
                cluster.close()
            shutil.rmtree(attempts, ignore_errors=True)
            try:
                attempts.parent.rmdir()  # only when no other batch is running
            except OSError:
                pass
    return [runs[name] for name in clients]


__all__ = ["run_clients_on_cluster", "run_one_client", "lost_run", "RETRIES", "ATTEMPTS_DIR"]
