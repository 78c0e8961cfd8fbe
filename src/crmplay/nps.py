"""Public API of the nps chapter, re-exported from :mod:`crmplay.chapters.nps` (stable import path)."""
from crmplay.chapters.nps import *  # noqa: F401,F403
from crmplay.chapters.nps import __all__  # noqa: F401
