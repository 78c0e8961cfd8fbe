"""The needs chapter's public API."""
from crmplay.chapters.needs.chapter import *  # noqa: F401,F403
from crmplay.chapters.needs.chapter import __all__  # noqa: F401
