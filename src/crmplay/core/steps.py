"""Steps and their graph: the :class:`Step` record every chapter is declared with, the checks of a
step graph, and the reader of a custom playbook file.

Each ``[[step]]`` names one notebook. ``requires`` lists canonical tables the step cannot run
without (all of them), ``requires_any`` tables of which at least one must exist, and
``depends_on`` the steps whose results it reads (they run first; a failed or skipped
dependency does not stop the step, which then states what is missing).

The runner uses this module only; it knows nothing about what a step computes.

"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from crmplay.core.errors import CrmplayError

_KNOWN_KEYS = {"id", "title", "title_fa", "notebook", "guide", "requires", "requires_any", "depends_on"}


class PlaybookError(CrmplayError, ValueError):
    """A playbook.toml that cannot be used (unknown keys, unknown dependencies, cycles...)."""


@dataclass(frozen=True)
class Step:
    """One engagement step: a notebook plus what it needs.

    Attributes
    ----------
    id : str
        Short identifier (``nps``); also the results file name and the report file name.
    title, title_fa : str
        Chapter title in English and Persian (``title_fa`` falls back to ``title``).
    notebook : Path
        Absolute path of the step notebook.
    guide : str or None
        The consultant's guide page for this step (file name in the playbook folder).
    requires : tuple of str
        Canonical tables that must all be present.
    requires_any : tuple of str
        Canonical tables of which at least one must be present (empty: no such condition).
    depends_on : tuple of str
        Steps that run before this one.
    options : type, optional
        The frozen dataclass that validates the step's ``[steps.<id>]`` options in client.toml.
    results : type, optional
        The step's typed results record (a :class:`crmplay.core.results.ResultsRecord`).
    reads : tuple of str, optional
        Every canonical table the step may read, required or not (``None``: all of them); a
        change in one of them reruns the step (:mod:`crmplay.engine.incremental`).
    settings : tuple of str, optional
        The ``client.toml`` sections the step uses besides its own ``[steps.<id>]``
        (``economics``, ``survey``, ``steps.needs``...; ``None``: all of them).
    """

    id: str
    title: str
    notebook: Path
    title_fa: str = ""
    guide: str | None = None
    requires: tuple[str, ...] = ()
    requires_any: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = ()
    options: type | None = None
    results: type | None = None
    reads: tuple[str, ...] | None = None
    settings: tuple[str, ...] | None = None

    def title_for(self, lang: str) -> str:
        """The step title in ``lang`` (Persian when available, else English)."""
        return self.title_fa if lang == "fa" and self.title_fa else self.title

    def missing_data(self, has_table: Callable[[str], bool]) -> str | None:
        """Why the step cannot run with the client's data, or ``None`` when it can.

        ``has_table`` answers whether the client supplied a table (``ClientConfig.has_table``).
        """
        absent = [t for t in self.requires if not has_table(t)]
        if absent:
            return "the client supplied no " + " and no ".join(absent) + " data"
        if self.requires_any and not any(has_table(t) for t in self.requires_any):
            return "the client supplied none of: " + ", ".join(self.requires_any)
        return None


def check_steps(steps: Iterable[Step], where: str) -> None:
    """Raise :class:`PlaybookError` on duplicate ids, unknown dependencies or a dependency circle."""
    steps = list(steps)
    problems: list[str] = []
    ids = [s.id for s in steps]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"step id {dup!r} appears more than once")
    for s in steps:
        for dep in s.depends_on:
            if dep not in ids:
                problems.append(f"step {s.id!r} depends on unknown step {dep!r}")
    if not problems:
        cycle = _find_cycle(steps)
        if cycle:
            problems.append("steps depend on each other in a circle: " + " -> ".join(cycle))
    if problems:
        raise PlaybookError(f"{where}:\n  - " + "\n  - ".join(problems))


def critical_first(steps: Sequence[Step]) -> list[Step]:
    """``steps`` in the order a scheduler should start them when several can run: the steps
    more others wait on (directly or through other steps) first, playbook order among equals.

    A step nothing waits on (the data overview) goes last: started first, it would hold a
    worker while the steps the rest of the run waits for queue behind it.

    >>> a, b, c, d = (Step(id=i, title=i, notebook=Path(i)) for i in "abcd")
    >>> c = Step(id="c", title="c", notebook=Path("c"), depends_on=("b",))
    >>> d = Step(id="d", title="d", notebook=Path("d"), depends_on=("c",))
    >>> [s.id for s in critical_first([a, b, c, d])]
    ['b', 'c', 'a', 'd']
    """
    steps = list(steps)
    dependents: dict[str, set[str]] = {s.id: set() for s in steps}
    for s in steps:
        for dep in s.depends_on:
            if dep in dependents:
                dependents[dep].add(s.id)

    def waiting_on(step_id: str, seen: set[str]) -> set[str]:
        for child in dependents[step_id] - seen:
            seen.add(child)
            waiting_on(child, seen)
        return seen

    count = {s.id: len(waiting_on(s.id, set())) for s in steps}
    return [s for _, s in sorted(enumerate(steps), key=lambda pair: (-count[pair[1].id], pair[0]))]


def load_playbook(path: str | Path, notebooks: str | Path | None = None) -> list[Step]:
    """Read and check a custom playbook file; steps come back in file order.

    The engagement's own chapters come from :mod:`crmplay.chapters.registry`; a playbook file
    is for a consultant (or a test) who runs other notebooks through the same engine.

    Parameters
    ----------
    path : path
        A playbook TOML file of ``[[step]]`` sections (keys: id, title, title_fa, notebook,
        guide, requires, requires_any, depends_on).
    notebooks : path, optional
        Folder holding the step notebooks; default the playbook file's own folder. Absolute
        notebook paths in the file are used as they are.

    Raises
    ------
    PlaybookError
        on unknown keys, duplicate ids, unknown or cyclic dependencies, or a missing notebook
        entry. (A notebook file that does not exist is reported by the runner as a failed step.)
    """
    path = Path(path)
    notebooks = Path(notebooks) if notebooks is not None else path.parent
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PlaybookError(f"{path}: cannot read the playbook: {exc}") from None
    entries = raw.get("step", [])
    if not isinstance(entries, list) or not entries:
        raise PlaybookError(f"{path}: expected one or more [[step]] sections")
    problems: list[str] = []
    steps: list[Step] = []
    for n, entry in enumerate(entries, start=1):
        where = f"step {n}" + (f" ({entry.get('id')})" if isinstance(entry, dict) and "id" in entry else "")
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a table")
            continue
        unknown = set(entry) - _KNOWN_KEYS
        if unknown:
            problems.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(_KNOWN_KEYS))}")
        for key in ("id", "title", "notebook"):
            if not isinstance(entry.get(key), str) or not entry.get(key):
                problems.append(f"{where}: '{key}' must be non-empty text")
        lists = {k: _str_tuple(entry.get(k, []), f"{where}: '{k}'", problems) for k in ("requires", "requires_any", "depends_on")}
        if any(not isinstance(entry.get(k), str) for k in ("id", "title", "notebook")):
            continue
        nb = Path(entry["notebook"])
        steps.append(Step(
            id=entry["id"], title=entry["title"], title_fa=str(entry.get("title_fa", "")),
            notebook=nb if nb.is_absolute() else notebooks / nb,
            guide=entry.get("guide"), **lists,
        ))
    if problems:
        raise PlaybookError(f"{path}:\n  - " + "\n  - ".join(problems))
    check_steps(steps, str(path))
    return steps


def select_steps(steps: list[Step], wanted: Iterable[str] | None) -> list[Step]:
    """The steps named in ``wanted`` (all when ``None`` or empty), in playbook order.

    Raises
    ------
    PlaybookError
        naming any unknown step and the known ones.
    """
    if not wanted:
        return list(steps)
    wanted = list(dict.fromkeys(wanted))
    known = {s.id for s in steps}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise PlaybookError(f"unknown step(s) {', '.join(unknown)}; the playbook has {', '.join(s.id for s in steps)}")
    return [s for s in steps if s.id in wanted]


def _str_tuple(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where} must be a list of text")
        return ()
    return tuple(value)


def _find_cycle(steps: list[Step]) -> list[str] | None:
    """A dependency circle as a list of ids (first == last), or ``None``."""
    deps = {s.id: s.depends_on for s in steps}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in deps[node]:
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for s in steps:
        if s.id not in state:
            found = visit(s.id)
            if found:
                return found
    return None


__all__ = ["Step", "PlaybookError", "check_steps", "load_playbook", "select_steps"]
