"""Public API of the needs chapter, re-exported from :mod:`crmplay.chapters.needs` (stable import path)."""
from crmplay.chapters.needs import *  # noqa: F401,F403
from crmplay.chapters.needs import __all__  # noqa: F401
