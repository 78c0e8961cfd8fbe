"""Step results: the headline figures each step writes to ``reports/<client>/results/<step>.json``.

The executive summary and the batch roll-up read these files, never a notebook's cells. Every
file carries ``step``, ``client``, ``crmplay_version`` and ``written_at`` beside the step's own
documented keys. Missing values (NaN, infinities) are written as ``null`` so the files are
strict JSON.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
from pathlib import Path
from typing import Any

from crmplay import __version__
from crmplay.core.fileio import write_json


def results_dir(reports_root: str | Path, client: str) -> Path:
    """``<reports_root>/<client>/results``."""
    return Path(reports_root) / client / "results"


def clean(obj: Any) -> Any:
    """Make ``obj`` strict-JSON-ready: NaN/inf -> None, numpy/pandas scalars -> Python."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if hasattr(obj, "to_dict") and hasattr(obj, "columns"):  # DataFrame
        return clean(obj.to_dict(orient="records"))
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)) and getattr(obj, "ndim", 0) == 0:
        obj = obj.item()
    if isinstance(obj, float) and (math.isnan(obj) or math.isinf(obj)):
        return None
    if obj is not None and not isinstance(obj, (str, int, float, bool, list, dict)):
        if hasattr(obj, "isoformat"):
            try:
                if obj != obj:  # NaT
                    return None
            except (TypeError, ValueError):
                pass
            return obj.isoformat()
    return obj


def write_results(reports_root: str | Path, client: str, step: str, figures: dict[str, Any]) -> Path:
    """Write one step's results atomically; returns the file path."""
    payload = {
        "step": step,
        "client": client,
        "crmplay_version": __version__,
        "written_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        **clean(figures),
    }
    return write_json(results_dir(reports_root, client) / f"{step}.json", payload)


def read_results(reports_root: str | Path, client: str, step: str) -> dict[str, Any] | None:
    """One step's results, or ``None`` when the step has not written any."""
    path = results_dir(reports_root, client) / f"{step}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))
