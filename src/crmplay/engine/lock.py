"""One run at a time per client: an advisory lock on ``<reports_root>/.crmplay-locks/<client>.lock``
(beside the client's folder, so the report folder itself holds nothing but the report).

A second ``crmplay run`` (or a batch) on a client whose reports another process is writing does
not wait silently and does not interleave its files with the other run's: it is refused with a
message naming the process that holds the lock. The operating system releases the lock when the
holding process ends, however it ends (a ``kill -9`` included), so a stale lock file never blocks.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

from crmplay.core.errors import CrmplayError

LOCK_DIR = ".crmplay-locks"


class ClientLockedError(CrmplayError):
    """Another process is running the same client into the same reports folder."""

    def __init__(self, client_dir: Path, holder: str):
        self.client_dir = Path(client_dir)
        self.holder = holder
        who = f"process {holder}" if holder else "another process"
        super().__init__(f"another crmplay run ({who}) is writing {self.client_dir}; "
                         "wait for it to finish, then run again")


class ClientLock:
    """Hold the lock of one client's reports folder (``with ClientLock(dir):`` or acquire/release)."""

    def __init__(self, client_dir: str | Path):
        self.client_dir = Path(client_dir)
        self._fd: int | None = None

    def acquire(self) -> "ClientLock":
        """Take the lock without waiting; raises :class:`ClientLockedError` when it is held."""
        folder = self.client_dir.parent / LOCK_DIR
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / f"{self.client_dir.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip()
            os.close(fd)
            raise ClientLockedError(self.client_dir, holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "ClientLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


__all__ = ["ClientLock", "ClientLockedError", "LOCK_DIR"]
