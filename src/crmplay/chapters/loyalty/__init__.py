"""The loyalty chapter's public API."""
from crmplay.chapters.loyalty.chapter import *  # noqa: F401,F403
from crmplay.chapters.loyalty.chapter import __all__  # noqa: F401
