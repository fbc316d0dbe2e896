"""What a safeguarding partnership is to the assistant: its lines, hours, form and notes.

The files in data/areas/ become these objects in `actions.areas.files`, where they are checked;
whether a line is open at a moment is `actions.areas.hours`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Opening:
    start: time
    end: time


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    also_called: tuple[str, ...]
    daytime_name: str
    daytime_phone: str
    daytime_option: str | None
    hours: dict[str, Opening]
    out_of_hours_name: str
    out_of_hours_phones: tuple[str, ...]
    form_name: str
    form_page: str
    notes: dict[str, str]
    not_independently_mobile: str | None
    injury_procedure: str | None
    procedure_source_name: str | None
    procedure_source_url: str | None
    source_name: str
    source_url: str
    verified_on: str

    @property
    def daytime_line(self) -> str:
        """How to dial the daytime line, with any menu option after the number."""
        return self.daytime_phone + (f" ({self.daytime_option})" if self.daytime_option else "")

    @property
    def out_of_hours_line(self) -> str:
        return " or ".join(self.out_of_hours_phones)

    def hours_text(self) -> str:
        """Opening hours in words, days with the same hours grouped: "Mon-Thu 9:00-17:00, ..."."""
        groups: list[tuple[list[str], Opening]] = []
        for day in DAYS:
            opening = self.hours.get(day)
            if opening is None:
                continue
            if groups and groups[-1][1] == opening and DAYS.index(groups[-1][0][-1]) == DAYS.index(day) - 1:
                groups[-1][0].append(day)
            else:
                groups.append(([day], opening))
        parts = []
        for days, opening in groups:
            label = days[0][:3].title() + (f"-{days[-1][:3].title()}" if len(days) > 1 else "")
            parts.append(f"{label} {_clock(opening.start)}-{_clock(opening.end)}")
        return ", ".join(parts)


def _clock(moment: time) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


class AreaDirectory:
    """Every partnership, by id, and the one used until a user says where they work."""

    def __init__(self, areas: dict[str, Area], default_id: str, elsewhere: tuple[str, ...] = ()) -> None:
        self._areas = areas
        self.default = areas[default_id]
        # Places with no partnership here (data/areas/elsewhere.yml), as people write them.
        self.elsewhere = elsewhere

    def get(self, area_id: str | None) -> Area:
        """The area with this id, or the default one."""
        return self._areas.get(area_id or "", self.default)

    @property
    def all(self) -> list[Area]:
        return sorted(self._areas.values(), key=lambda area: area.name)

    def place_in_text(self, text: str) -> Area | str | None:
        """The place a message names: a partnership held here, or the name of a place that is not
        ("Plymouth"). The longest name wins, so "Plymouth, Devon" is Plymouth and "East Sussex" is
        not Sussex."""
        lowered = " ".join(re.sub(r"[^a-z ]+", " ", text.lower()).split())
        names: list[tuple[str, Area | str]] = [
            (name.lower(), area)
            for area in self._areas.values()
            for name in (area.name, area.id.replace("_", " "), *area.also_called)
        ]
        for place in self.elsewhere:
            names.append((" ".join(re.sub(r"[^a-z ]+", " ", place.lower()).split()), place))
        for name, found in sorted(names, key=lambda pair: -len(pair[0])):
            if _named(name, lowered):
                return found
        return None

    def find_in_text(self, text: str) -> Area | None:
        """The area a message names ("I'm in Dudley", "east sussex"), longest name first."""
        lowered = " ".join(re.sub(r"[^a-z ]+", " ", text.lower()).split())
        names = sorted(
            (
                (name.lower(), area)
                for area in self._areas.values()
                for name in (area.name, area.id.replace("_", " "), *area.also_called)
            ),
            key=lambda pair: -len(pair[0]),
        )
        for name, area in names:
            if _named(name, lowered):
                return area
        return None


# "I'm in Devon, not East Sussex", "Dudley rather than Devon": a place after these is the one meant not.
_NEGATED = re.compile(
    r"\b(?:not|isnt|isn t|no longer|instead of|rather than|moved from|wrong area)(?: in| at| from)?\s*$"
)


def _named(name: str, lowered: str) -> bool:
    """True when the (lowered, punctuation-free) message names the place, other than to say "not"."""
    return any(
        not _NEGATED.search(lowered[: match.start()])
        for match in re.finditer(rf"\b{re.escape(name)}\b", lowered)
    )
