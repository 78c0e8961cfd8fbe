"""The crmplay error family: every error crmplay raises on purpose derives from :class:`CrmplayError`.

A caller that wants "anything crmplay refused" catches ``CrmplayError``; each subclass keeps the
context a consultant needs to fix the cause (the file, the key, the row, the column, the value
and what was expected), as attributes, not only inside the message.

=====================  ==============================================  ============================
class                  raised when                                     context it carries
=====================  ==============================================  ============================
``ConfigError``        client.toml cannot be used                      ``path``, ``problems``
``DataError``          a client data file cannot be used               ``problems`` (file, row,
                                                                       column, value, expected)
``PlaybookError``      a step list cannot be used                      message
``AnalysisError``      a chapter's analysis cannot run on the tables   message (and subclass fields)
``DemoError``          the demo generator is asked for something odd   message
=====================  ==============================================  ============================
"""
from __future__ import annotations


class CrmplayError(Exception):
    """Base of every error crmplay raises on purpose."""


class AnalysisError(CrmplayError, ValueError):
    """A chapter's analysis cannot run on the tables it was given (too few rows, no ratings...)."""


__all__ = ["CrmplayError", "AnalysisError"]
