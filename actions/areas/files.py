"""Reading data/areas/: every partnership file checked once, at start-up.

A missing or malformed field stops the action server with a message naming the file and the field,
so a bad edit never fails in the middle of a conversation. Notes may name the area's own fields,
such as `{form_page}`, so a note never repeats an address kept elsewhere in the file.
"""

from __future__ import annotations

import functools
import re
from datetime import time
from pathlib import Path
from typing import Any

import yaml

from actions.areas.model import DAYS, Area, AreaDirectory, Opening
from bot.settings import DATA, settings

AREAS_DIR = DATA / "areas"
_HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
# A UK number as people dial it: 0 and ten more digits, spaces allowed.
_PHONE = re.compile(r"^0(?: ?\d){10}$")
_MONTH = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


class AreaFileError(ValueError):
    """A partnership file that cannot be used, naming the file and the field."""


def load_directory(folder: Path = AREAS_DIR, default_id: str | None = None) -> AreaDirectory:
    """Every partnership file in `folder`, checked, with the default area from the settings."""
    areas: dict[str, Area] = {}
    elsewhere: tuple[str, ...] = ()
    for path in sorted(folder.glob("*.yml")):
        content = _read(path)
        if content.get("kind") == "national":
            continue
        if content.get("kind") == "elsewhere":
            places = content.get("places")
            if not isinstance(places, list) or not all(isinstance(p, str) and p.strip() for p in places):
                raise AreaFileError(f"{path.name}: field 'places' must be a list of place names")
            elsewhere = tuple(places)
            continue
        area = _parse_area(path, content)
        areas[area.id] = area
    if not areas:
        raise AreaFileError(f"no partnership files in {folder}")
    default_id = default_id or settings().default_area
    if default_id not in areas:
        raise AreaFileError(
            f"DEFAULT_AREA={default_id!r} is not one of the areas in data/areas/: {', '.join(sorted(areas))}"
        )
    held = {n.lower() for a in areas.values() for n in (a.name, a.id.replace("_", " "), *a.also_called)}
    clash = sorted(p for p in elsewhere if p.lower() in held)
    if clash:
        raise AreaFileError(f"elsewhere.yml: {', '.join(clash)} is also a partnership held here")
    return AreaDirectory(areas, default_id, elsewhere)


@functools.lru_cache(maxsize=1)
def national_lines(folder: Path = AREAS_DIR) -> dict[str, str]:
    """National numbers (999, NHS 111, NSPCC) by key, from data/areas/national.yml."""
    content = _read(folder / "national.yml")
    return {key: str(line["phone"]) for key, line in (content.get("lines") or {}).items()}


@functools.lru_cache(maxsize=1)
def areas() -> AreaDirectory:
    """The checked directory, loaded once per process."""
    return load_directory()


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

    def maybe_text(*keys: str) -> str | None:
        value = field(*keys, optional=True)
        if value is None:
            return None
        if not isinstance(value, str):
            raise AreaFileError(f"{path.name}: field '{'.'.join(keys)}' must be text")
        return value.strip()

    def text(*keys: str) -> str:
        value = field(*keys)
        if not isinstance(value, str):
            raise AreaFileError(f"{path.name}: field '{'.'.join(keys)}' must be text")
        return value.strip()

    def phone(value: Any, where: str) -> str:
        if not isinstance(value, str) or not _PHONE.match(value.strip()):
            raise AreaFileError(f"{path.name}: field '{where}' is not a UK phone number: {value!r}")
        return value.strip()

    def url(*keys: str) -> str:
        value = text(*keys)
        if not value.startswith("https://"):
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
        out_of_hours_phones=tuple(phone(p, f"out_of_hours.phones[{i}]") for i, p in enumerate(phones)),
        form_name=text("online_form", "name"),
        form_page=url("online_form", "page"),
        notes={k: _fill_note(path, k, " ".join(v.split()), content) for k, v in notes.items()},
        not_independently_mobile=maybe_text("not_independently_mobile"),
        injury_procedure=maybe_text("injury_procedure"),
        procedure_source_name=procedure.get("name") if isinstance(procedure, dict) else None,
        procedure_source_url=procedure.get("url") if isinstance(procedure, dict) else None,
        source_name=text("source", "name"),
        source_url=url("source", "url"),
        verified_on=verified,
    )


def _fill_note(path: Path, key: str, note: str, content: dict[str, Any]) -> str:
    """A note with `{form_page}` (the only field a note may name) written out."""
    try:
        return note.format(form_page=content["online_form"]["page"])
    except (KeyError, IndexError, ValueError) as error:
        raise AreaFileError(
            f"{path.name}: field 'notes.{key}' may only name {{form_page}} ({error})"
        ) from error
