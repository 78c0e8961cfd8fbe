"""What the command line prints and refuses, shared by the CLI and the cluster batch.

Example
-------
>>> print(text_table([["demo", "ok"]], ["client", "status"]))
client  status
------  ------
demo    ok
"""
from __future__ import annotations

from typing import Any, Sequence

from crmplay.core.config import client_folder_name_ok


def text_table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    """A plain fixed-width text table."""
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def refused_client_names(args: Any) -> str | None:
    """The one gate for client names on the command line: each must be a plain folder name (no
    path separators, no '..'), so nothing is read from or written to a folder outside the data
    and reports roots. Returns the message for the first refused name, else ``None``."""
    names = [args.client] if isinstance(getattr(args, "client", None), str) else []
    names += list(getattr(args, "clients", None) or [])
    for name in names:
        if not client_folder_name_ok(name):
            return (f"{name!r} is not a client folder name: give the name of a folder under the data root "
                    "(--data-root), with no path separators and no '..'")
    return None


__all__ = ["text_table", "refused_client_names"]
