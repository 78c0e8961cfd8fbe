"""Atomic file writes: every output is written to a temporary name and renamed into place.

A reader (a stakeholder's browser, the batch roll-up, a second run) therefore sees either the
previous complete file or the new complete file, never half of one.

:func:`inside` is the one gate for paths: a file crmplay reads from a client folder (or writes
under a reports root) must resolve, after symbolic links, inside that folder.
"""
from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from crmplay.core.errors import CrmplayError


@contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    On an exception the temporary file is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_text(target: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``target`` atomically and return the target path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(target)


#: A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(frame: Any) -> Any:
    """A copy of DataFrame ``frame`` whose text cells cannot run as spreadsheet formulas: a text
    cell starting with ``= + - @``, a tab or a carriage return gets a leading ``'`` (the usual
    guard against CSV injection). Numbers are left as they are.

    >>> import pandas as pd
    >>> spreadsheet_safe(pd.DataFrame({"a": ["=HYPERLINK(1)", "ok", -3]})).a.tolist()
    ["'=HYPERLINK(1)", 'ok', -3]
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith("string"):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v)
    return out


def write_csv(target: str | os.PathLike[str], frame: Any, *, bom: bool = True, **to_csv: Any) -> Path:
    """Write DataFrame ``frame`` as CSV atomically, formulas neutralised (:func:`spreadsheet_safe`),
    with a UTF-8 byte-order mark by default so spreadsheet programs read Persian text right."""
    text = spreadsheet_safe(frame).to_csv(**to_csv)
    return write_text(target, text, encoding="utf-8-sig" if bom else "utf-8")


def write_bytes(target: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return the target path."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def write_json(target: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as pretty UTF-8 JSON (non-ASCII kept readable) atomically."""
    text = json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False, default=_json_default)
    return write_text(target, text + "\n")


def _json_default(value: Any) -> Any:
    # numpy / pandas scalars and timestamps, without importing either at module load.
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON: {value!r}")


class OutsideFolderError(CrmplayError, ValueError):
    """A path that leaves the folder it must stay in (absolute, ``..``, or a symlink out).

    ``root`` is the folder, ``path`` the path as given (never its target: a message must not
    tell where a planted link points).
    """

    def __init__(self, root: str | os.PathLike[str], path: str | os.PathLike[str], why: str):
        self.root = Path(root)
        self.path = Path(path)
        self.why = why
        super().__init__(f"{Path(path).as_posix()}: {why}")


def inside(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> Path:
    """The real path of ``path`` (relative to ``root``, or absolute) when it stays inside ``root``.

    The one gate for every file crmplay reads from a client folder (and writes under a reports
    root): symlinks are resolved on both sides before the comparison, so a link that points
    outside is refused however it is spelled. Nothing is opened; ``path`` need not exist.

    Raises
    ------
    OutsideFolderError
        when ``path`` resolves outside ``root`` (why: ``"absolute path"``,
        ``"climbs out of the folder"`` or ``"leads outside the folder (symbolic link)"``).

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> inside(root, "data/x.csv") == root.resolve() / "data" / "x.csv"
    True
    >>> inside(root, "../x.csv")
    Traceback (most recent call last):
    ...
    crmplay.core.fileio.OutsideFolderError: ../x.csv: climbs out of the folder
    """
    root_real = Path(root).resolve()
    given = Path(path)
    candidate = given if given.is_absolute() else Path(root) / given
    try:
        real = candidate.resolve(strict=False)
    except (OSError, RuntimeError):  # a symlink loop
        raise OutsideFolderError(root, path, "cannot be resolved (symbolic link loop)") from None
    if real == root_real or root_real in real.parents:
        return real
    if given.is_absolute():
        raise OutsideFolderError(root, path, "absolute path")
    if ".." in given.parts:
        raise OutsideFolderError(root, path, "climbs out of the folder")
    raise OutsideFolderError(root, path, "leads outside the folder (symbolic link)")
