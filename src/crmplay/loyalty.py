"""Public API of the loyalty chapter, re-exported from :mod:`crmplay.chapters.loyalty` (stable import path)."""
from crmplay.chapters.loyalty import *  # noqa: F401,F403
from crmplay.chapters.loyalty import __all__  # noqa: F401
