"""Safeguarding partnerships: what one is (`model`), how their files are read and checked
(`files`), and whether a line is open now (`hours`).
"""

from actions.areas.files import AREAS_DIR, AreaFileError, areas, load_directory, national_lines
from actions.areas.hours import UK_TIME, is_bank_holiday, is_open, now_uk
from actions.areas.model import DAYS, Area, AreaDirectory, Opening

__all__ = [
    "AREAS_DIR",
    "DAYS",
    "UK_TIME",
    "Area",
    "AreaDirectory",
    "AreaFileError",
    "Opening",
    "areas",
    "is_bank_holiday",
    "is_open",
    "load_directory",
    "national_lines",
    "now_uk",
]
