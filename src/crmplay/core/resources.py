"""Where the shipped notebooks, report templates and playbook pages live.

They are top-level folders of the source tree (``notebooks/``, ``templates/``, ``playbook/``)
and ship inside the wheel as the resource packages ``crmplay._notebooks``,
``crmplay._templates`` and ``crmplay._playbook`` (see ``pyproject.toml``), so both an editable
and a regular install find them through :mod:`importlib.resources`.
"""
from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def _root(package: str) -> Path:
    root: Traversable = resources.files(package)
    # Installed as plain files (wheel or editable): a real directory on disk. Zip imports
    # are not supported because papermill and nbconvert need real paths.
    path = Path(str(root))
    if not path.is_dir():
        raise RuntimeError(f"crmplay resources for {package} are not on the file system: {root}")
    return path


def notebooks_dir() -> Path:
    """Folder holding the step notebooks (``00_data_overview.ipynb`` ...)."""
    return _root("crmplay._notebooks")


def templates_dir() -> Path:
    """Folder holding the nbconvert report templates and the client-data templates."""
    return _root("crmplay._templates")


def playbook_dir() -> Path:
    """Folder holding ``playbook.toml`` and one guide page per step."""
    return _root("crmplay._playbook")


def locales_dir() -> Path:
    """Folder holding the message catalogues."""
    return _root("crmplay.locales")
