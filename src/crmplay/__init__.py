"""crmplay: a Jupyter-based CRM consulting playbook.

A consultant drops a client's data into ``client_data/<client>/``; parameterised notebooks,
executed with papermill and backed by this package, walk through the engagement (needs audit,
NPS, loyalty program design, the attract/delight/retain dimensions) and render offline HTML
reports for stakeholders.
"""
import sys as _sys
from importlib.metadata import PackageNotFoundError, version as _version

# nbformat validates notebooks with jsonschema, which imports the optional IRI checker
# ``rfc3987_syntax`` when it is installed (jupyterlab brings it); that module compiles a grammar
# for 1-3 s at import, in every process that reads a notebook. Notebook validation checks no
# IRI format, so crmplay leaves the checker out (a None entry makes the import fail fast).
_sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

try:
    __version__ = _version("crmplay")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
