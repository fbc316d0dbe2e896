"""Whether a partnership's daytime line is open at a moment: UK time, weekends, bank holidays."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import holidays

from actions.areas.model import DAYS, Area

UK_TIME = ZoneInfo("Europe/London")
# England's bank holidays: every partnership here is in England.
_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")


def is_open(area: Area, when: datetime) -> bool:
    """Whether the area's daytime line is open at `when` (closed at weekends and bank holidays)."""
    local = when.astimezone(UK_TIME) if when.tzinfo else when.replace(tzinfo=UK_TIME)
    if local.date() in _BANK_HOLIDAYS:
        return False
    opening = area.hours.get(DAYS[local.weekday()])
    return opening is not None and opening.start <= local.time() < opening.end


def is_bank_holiday(when: datetime) -> bool:
    """Whether `when` is on one of England's bank holidays (UK time)."""
    local = when.astimezone(UK_TIME) if when.tzinfo else when.replace(tzinfo=UK_TIME)
    return local.date() in _BANK_HOLIDAYS


def now_uk() -> datetime:
    return datetime.now(UK_TIME)
