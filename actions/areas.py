"""Safeguarding partnerships as data: the files in data/areas/, checked once at start-up.

`areas()` loads and validates every partnership file; a missing or malformed field stops the action
server with a message naming the file and the field, so a bad edit never fails mid-conversation.
`is_open` says whether an area's daytime line is open at a moment (UK time, weekends, bank holidays).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import yaml

AREAS_DIR = Path(__file__).resolve().parent.parent / "data" / "areas"
UK_TIME = ZoneInfo("Europe/London")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
# A UK number as people dial it: 0 and ten more digits, spaces allowed.
_PHONE = re.compile(r"^0(?: ?\d){10}$")
_MONTH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
# England's bank holidays: every partnership here is in England.
_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")


class AreaFileError(ValueError):
    """A partnership file that cannot be used, naming the file and the field."""


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


class AreaDirectory:
    """Every partnership, by id, with the default one from DEFAULT_AREA (Devon unless set)."""

    def __init__(self, areas: dict[str, Area], default_id: str) -> None:
        if default_id not in areas:
            raise AreaFileError(
                f"DEFAULT_AREA={default_id!r} is not one of the areas in data/areas/: "
                f"{', '.join(sorted(areas))}"
            )
        self._areas = areas
        self.default = areas[default_id]

    @classmethod
    def load(cls, folder: Path = AREAS_DIR, default_id: str | None = None) -> AreaDirectory:
        areas: dict[str, Area] = {}
        for path in sorted(folder.glob("*.yml")):
            content = _read(path)
            if content.get("kind") == "national":
                continue
            area = _parse_area(path, content)
            areas[area.id] = area
        if not areas:
            raise AreaFileError(f"no partnership files in {folder}")
        return cls(areas, default_id or os.environ.get("DEFAULT_AREA", "devon"))

    def get(self, area_id: str | None) -> Area:
        """The area with this id, or the default one."""
        return self._areas.get(area_id or "", self.default)

    @property
    def all(self) -> list[Area]:
        return sorted(self._areas.values(), key=lambda area: area.name)

    def find_in_text(self, text: str) -> Area | None:
        """The area a message names ("I'm in Dudley", "east sussex"), longest name first."""
        lowered = " ".join(re.sub(r"[^a-z ]+", " ", text.lower()).split())
        names = sorted(
            ((name.lower(), area) for area in self._areas.values()
             for name in (area.name, area.id.replace("_", " "), *area.also_called)),
            key=lambda pair: -len(pair[0]),
        )
        for name, area in names:
            if re.search(rf"\b{re.escape(name)}\b", lowered):
                return area
        return None


@functools.lru_cache(maxsize=1)
def national_lines(folder: Path = AREAS_DIR) -> dict[str, str]:
    """National numbers (999, NHS 111, NSPCC) by key, from data/areas/national.yml."""
    content = _read(folder / "national.yml")
    return {key: str(line["phone"]) for key, line in (content.get("lines") or {}).items()}


@functools.lru_cache(maxsize=1)
def areas() -> AreaDirectory:
    """The checked directory, loaded once per process."""
    return AreaDirectory.load()


def is_open(area: Area, when: datetime) -> bool:
    """Whether the area's daytime line is open at `when` (closed at weekends and bank holidays)."""
    local = when.astimezone(UK_TIME) if when.tzinfo else when.replace(tzinfo=UK_TIME)
    if local.date() in _BANK_HOLIDAYS:
        return False
    opening = area.hours.get(DAYS[local.weekday()])
    return opening is not None and opening.start <= local.time() < opening.end


def now_uk() -> datetime:
    return datetime.now(UK_TIME)


def _clock(moment: time) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def _read(path: Path) -> dict[str, Any]:
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise AreaFileError(f"{path.name}: not valid YAML ({error})") from error
    if not isinstance(content, dict):
        raise AreaFileError(f"{path.name}: expected a mapping of fields")
    return content


def _parse_area(path: Path, content: dict[str, Any]) -> Area:
    def field(*keys: str, optional: bool = False) -> Any:
        value: Any = content
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                raise AreaFileError(f"{path.name}: field '{'.'.join(keys)}' is missing")
            value = value[key]
        if value in (None, "", [], {}) and not optional:
            raise AreaFileError(f"{path.name}: field '{'.'.join(keys)}' is empty")
        return value

    def text(*keys: str, optional: bool = False) -> str | None:
        value = field(*keys, optional=optional)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise AreaFileError(f"{path.name}: field '{'.'.join(keys)}' must be text")
        return value.strip()

    def phone(value: Any, where: str) -> str:
        if not isinstance(value, str) or not _PHONE.match(value.strip()):
            raise AreaFileError(f"{path.name}: field '{where}' is not a UK phone number: {value!r}")
        return value.strip()

    def url(*keys: str, optional: bool = False) -> str | None:
        value = text(*keys, optional=optional)
        if value is not None and not value.startswith("https://"):
            raise AreaFileError(f"{path.name}: field '{'.'.join(keys)}' must be an https:// address")
        return value

    hours: dict[str, Opening] = {}
    raw_hours = field("daytime", "hours")
    if not isinstance(raw_hours, dict):
        raise AreaFileError(f"{path.name}: field 'daytime.hours' must list days and times")
    for day, span in raw_hours.items():
        if day not in DAYS:
            raise AreaFileError(f"{path.name}: field 'daytime.hours.{day}' is not a day of the week")
        match = _HOURS.match(str(span))
        if not match:
            raise AreaFileError(f"{path.name}: field 'daytime.hours.{day}' must look like 09:00-17:00")
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        if not (0 <= h1 < 24 and 0 <= h2 < 24 and m1 < 60 and m2 < 60) or (h1, m1) >= (h2, m2):
            raise AreaFileError(f"{path.name}: field 'daytime.hours.{day}' is not a valid time span")
        hours[day] = Opening(time(h1, m1), time(h2, m2))

    phones = field("out_of_hours", "phones")
    if not isinstance(phones, list):
        raise AreaFileError(f"{path.name}: field 'out_of_hours.phones' must be a list")
    notes = field("notes", optional=True) or {}
    if not isinstance(notes, dict) or not all(isinstance(v, str) for v in notes.values()):
        raise AreaFileError(f"{path.name}: field 'notes' must map names to text")
    verified = str(field("verified_on"))
    if not _MONTH.match(verified):
        raise AreaFileError(f"{path.name}: field 'verified_on' must be a date such as 2026-11")
    procedure = field("procedure_source", optional=True)
    also = field("also_called", optional=True) or []
    option = content["daytime"].get("phone_option")
    return Area(
        id=text("id"),
        name=text("name"),
        also_called=tuple(str(a) for a in also),
        daytime_name=text("daytime", "name"),
        daytime_phone=phone(field("daytime", "phone"), "daytime.phone"),
        daytime_option=str(option) if option else None,
        hours=hours,
        out_of_hours_name=text("out_of_hours", "name"),
        out_of_hours_phones=tuple(
            phone(p, f"out_of_hours.phones[{i}]") for i, p in enumerate(phones)
        ),
        form_name=text("online_form", "name"),
        form_page=url("online_form", "page"),
        notes={k: " ".join(v.split()) for k, v in notes.items()},
        not_independently_mobile=text("not_independently_mobile", optional=True),
        injury_procedure=text("injury_procedure", optional=True),
        procedure_source_name=procedure.get("name") if isinstance(procedure, dict) else None,
        procedure_source_url=procedure.get("url") if isinstance(procedure, dict) else None,
        source_name=text("source", "name"),
        source_url=url("source", "url"),
        verified_on=verified,
    )
