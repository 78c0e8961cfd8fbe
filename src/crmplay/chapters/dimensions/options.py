"""``[steps.dimensions]`` options."""
from crmplay.chapters.dimensions.scorecard import Options  # noqa: F401  (TEMPORARY: move the class here)
