"""What ``crmplay open`` and ``crmplay render`` share: the work folder's layout and its checks.

A client's work folder is ``<work-root>/<client>/``: the parameterised chapter notebooks, their
scratch reports root :data:`SCRATCH` and the record :data:`MANIFEST` of what was opened (see
:mod:`crmplay.engine.workspace`). It never lies inside the client's data.
"""
from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

from crmplay.core.errors import CrmplayError

#: The default folder of the work folders (``<work-root>/<client>/``).
DEFAULT_WORK_ROOT = "work"
#: The scratch reports root inside a work folder: the copies write their results there.
SCRATCH = "_reports"
#: What ``crmplay open`` wrote, and with which parameters.
MANIFEST = "workspace.json"


class WorkspaceError(CrmplayError):
    """A work folder cannot be opened or rendered (the message says why and what to do)."""


def client_dir(client: str, data_root: Path, reports_root: Path) -> Path:
    """The client's data folder, once crmplay accepts to work for ``client`` at all
    (:func:`crmplay.engine.prepare.client_refusal`); :class:`WorkspaceError` otherwise."""
    from crmplay.engine.prepare import client_refusal

    refusal = client_refusal(client, data_root, reports_root)
    if refusal:
        raise WorkspaceError(refusal)
    folder = Path(data_root) / client
    if not folder.is_dir():
        raise WorkspaceError(f"no client folder {folder} (crmplay new {client} creates one)")
    return folder


def work_folder(client: str, work_root: Path, data_root: Path) -> Path:
    """``<work_root>/<client>`` resolved, refused (:class:`WorkspaceError`) when it leads out of
    the work root or overlaps the client data."""
    from crmplay.core.fileio import OutsideFolderError, inside

    try:
        folder = inside(work_root, client)
    except OutsideFolderError as exc:
        raise WorkspaceError(f"the work folder of {client!r} is refused: {exc}") from exc
    data_root = Path(data_root).resolve()
    if folder == data_root or data_root in folder.parents or folder in data_root.parents:
        raise WorkspaceError(f"the work folder {folder} overlaps the client data {data_root}: crmplay never "
                             "writes into client data; choose another --work-root")
    return folder


def now_iso() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``, or ``None`` when absent, unreadable or not an object."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


__all__ = ["DEFAULT_WORK_ROOT", "SCRATCH", "MANIFEST", "WorkspaceError", "client_dir", "work_folder",
           "now_iso", "read_json"]
