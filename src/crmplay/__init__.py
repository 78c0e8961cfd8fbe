"""crmplay: a Jupyter-based CRM consulting playbook.

A consultant drops a client's data into ``client_data/<client>/``; parameterised notebooks,
executed with papermill and backed by this package, walk through the engagement (needs audit,
NPS, loyalty program design, the attract/delight/retain dimensions) and render offline HTML
reports for stakeholders.
"""
from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("crmplay")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
