"""Public names of a package imported on first use (PEP 562), so importing the package is cheap.

Example
-------
>>> getattr_, dir_ = lazy_exports("json", {"JSONDecoder2": ("json.decoder", "JSONDecoder")})
>>> getattr_("JSONDecoder2").__name__, "JSONDecoder2" in dir_()
('JSONDecoder', True)
"""
from __future__ import annotations

import sys
from importlib import import_module
from typing import Any, Callable, Mapping


def lazy_exports(package: str, exports: Mapping[str, tuple[str, str]]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package`` for ``exports``
    (``{public name: (module, attribute)}``); a name is imported once, then kept in the package."""

    def __getattr__(name: str) -> Any:
        try:
            module, attribute = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(import_module(module), attribute)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__


__all__ = ["lazy_exports"]
