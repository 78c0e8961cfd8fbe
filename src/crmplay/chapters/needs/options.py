"""``[steps.needs]`` options."""
from crmplay.chapters.needs.chapter import Options  # noqa: F401  (TEMPORARY: move the class here)
