"""``[steps.nps]`` options (moved here from scores.py by the chapter restructuring)."""
from crmplay.chapters.nps.scores import Options  # noqa: F401  (TEMPORARY: move the class here)
