"""Partnership files: opening hours at the boundaries, bank holidays, and clear start-up errors."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from actions.areas import AREAS_DIR, UK_TIME, AreaDirectory, AreaFileError, is_open, load_directory


@pytest.fixture(scope="module")
def directory() -> AreaDirectory:
    return load_directory(AREAS_DIR, "devon")


def uk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UK_TIME)


# 2026-11-20 is a Friday, 2026-11-19 a Thursday, 2026-11-21 a Saturday;
# 2026-12-28 is a Monday bank holiday (Boxing Day observed), 2027-01-04 an ordinary Monday.
@pytest.mark.parametrize(
    "area, moment, expected",
    [
        ("devon", "2026-11-20 15:59", True),
        ("devon", "2026-11-20 16:01", False),
        ("devon", "2026-11-19 16:59", True),
        ("devon", "2026-11-19 17:00", False),
        ("devon", "2026-11-19 08:59", False),
        ("devon", "2026-11-21 11:00", False),
        ("devon", "2026-12-28 11:00", False),
        ("devon", "2027-01-04 11:00", True),
        ("east_sussex", "2026-11-20 16:29", True),
        ("east_sussex", "2026-11-20 16:31", False),
        ("east_sussex", "2026-11-19 08:30", True),
        ("east_sussex", "2026-11-19 08:29", False),
        ("east_sussex", "2026-11-22 11:00", False),
        ("east_sussex", "2026-12-25 11:00", False),
        ("dudley", "2026-11-20 16:59", True),
        ("dudley", "2026-11-20 17:01", False),
        ("dudley", "2026-11-21 10:00", False),
        ("dudley", "2027-03-29 10:00", False),  # Easter Monday 2027
    ],
)
def test_daytime_line_hours(directory: AreaDirectory, area: str, moment: str, expected: bool) -> None:
    assert is_open(directory.get(area), uk(moment)) is expected


def test_hours_follow_uk_time_not_the_server_clock(directory: AreaDirectory) -> None:
    # 15:30 UTC on a June Friday is 16:30 in the UK (BST): Devon's line has closed.
    summer_utc = datetime.fromisoformat("2026-06-19T15:30:00+00:00")
    assert is_open(directory.get("devon"), summer_utc) is False


def test_areas_are_found_in_what_people_type(directory: AreaDirectory) -> None:
    assert directory.find_in_text("I'm a HV in East Sussex!").id == "east_sussex"
    assert directory.find_in_text("i work in dudley").id == "dudley"
    assert directory.find_in_text("i'm in leeds") is None


@pytest.mark.parametrize(
    "text, place",
    [
        ("HV in Exeter", "devon"),
        ("plymouth, devon", "Plymouth"),  # the longer name is the more precise: Plymouth is not Devon
        ("I'm in Torquay", "Torquay"),
        ("we're east sussex", "east_sussex"),
        ("SW in west sussex", "West Sussex"),
        ("Stourbridge office", "dudley"),
        ("Sandwell MASH", "Sandwell"),
        ("no place at all", None),
        # A correction names the place meant not: that one is not the answer.
        ("actualy im in devon not east sussex", "devon"),
        ("I work in Dudley rather than Devon", "dudley"),
        ("sorry, not devon, east sussex", "east_sussex"),
        ("i'm not in devon", None),
    ],
)
def test_a_place_is_a_partnership_held_here_or_named_as_not_held(
    directory: AreaDirectory, text, place
) -> None:
    found = directory.place_in_text(text)
    assert (found.id if hasattr(found, "id") else found) == place


def test_a_place_listed_both_as_held_and_not_held_is_refused(tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, "also_called: [devon county,", "also_called: [plymouth, devon county,")
    with pytest.raises(AreaFileError, match="Plymouth is also a partnership held here"):
        load_directory(folder, "devon")


def test_unknown_area_falls_back_to_the_default(directory: AreaDirectory) -> None:
    assert directory.get("leeds").id == "devon"
    assert directory.get(None).id == "devon"


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "areas"
    shutil.copytree(AREAS_DIR, folder)
    devon = folder / "devon.yml"
    text = devon.read_text()
    assert old in text
    devon.write_text(text.replace(old, new))
    return folder


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('  phone: "0345 155 1071"\n', "", "devon.yml: field 'daytime.phone' is missing"),
        ('"0345 155 1071"', '"call us"', "devon.yml: field 'daytime.phone' is not a UK phone number"),
        ('friday: "09:00-16:00"', 'friday: "9 till 4"', "devon.yml: field 'daytime.hours.friday'"),
        ('verified_on: "2026-11"', "verified_on: soon", "devon.yml: field 'verified_on'"),
        ("  page: https://www.dcfp", "  page: http://www.dcfp", "devon.yml: field 'online_form.page'"),
    ],
)
def test_a_broken_file_is_named_with_its_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(AreaFileError, match=message.replace("(", r"\(")):
        load_directory(broken_copy(tmp_path, old, new), "devon")


def test_an_unknown_default_area_is_refused() -> None:
    with pytest.raises(AreaFileError, match="DEFAULT_AREA='leeds'"):
        load_directory(AREAS_DIR, "leeds")


def test_the_action_server_refuses_to_start_on_a_bad_setting() -> None:
    import os
    import subprocess
    import sys

    from bot.settings import ROOT

    result = subprocess.run(
        [sys.executable, "-c", "import actions"],
        cwd=ROOT,
        env={**os.environ, "DEFAULT_AREA": "leeds", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Cannot start the action server: DEFAULT_AREA='leeds'" in result.stderr
