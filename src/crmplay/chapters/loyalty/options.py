"""``[steps.loyalty]`` options."""
from crmplay.chapters.loyalty.chapter import Options  # noqa: F401  (TEMPORARY: move the class here)
