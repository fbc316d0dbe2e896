"""Content checks: guidance carries sources and dates, and every phone number comes from data/areas/."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from actions.guidance import GUIDANCE_DIR
from bot.settings import ROOT

AREAS_DIR = ROOT / "data" / "areas"
# Phone numbers as written: 0 then 10 more digits with spaces (or Childline's 0800 1111), 999, 111,
# 101 and Samaritans' 116 123.
PHONE = re.compile(r"(?<![\d/.-])(?:0\d{2,4}[ \d]{6,10}\d|0800 1111|116 123|999|111|101)(?![\d/])")


def numbers_in(text: str) -> set[str]:
    return {" ".join(match.split()) for match in PHONE.findall(text)}


def area_numbers() -> set[str]:
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            found.update(numbers_in(value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in AREAS_DIR.glob("*.yml"):
        walk(yaml.safe_load(path.read_text()))
    return found


def test_every_guidance_file_names_a_source_and_a_checked_date() -> None:
    files = sorted(GUIDANCE_DIR.glob("*.yml"))
    assert len(files) >= 15
    for path in files:
        content = yaml.safe_load(path.read_text())
        assert content.get("sources"), f"{path.name} has no sources"
        assert all(source.get("name") for source in content["sources"]), path.name
        assert re.fullmatch(r"\d{4}-\d{2}", str(content.get("checked"))), path.name


def test_every_area_file_has_a_source_and_verified_date() -> None:
    for path in AREAS_DIR.glob("*.yml"):
        content = yaml.safe_load(path.read_text())
        assert content["source"]["name"], path.name
        assert re.fullmatch(r"\d{4}-\d{2}", str(content["verified_on"])), path.name


def test_every_phone_number_the_bot_can_say_comes_from_data_areas() -> None:
    allowed = area_numbers()
    places = [ROOT / "domain.yml", *GUIDANCE_DIR.glob("*.yml"), *(ROOT / "actions").glob("*.py")]
    for path in places:
        stray = numbers_in(path.read_text()) - allowed
        assert not stray, f"{path.relative_to(ROOT)} has numbers not in data/areas/: {stray}"


def test_no_number_is_typed_into_the_action_code() -> None:
    # Actions read every contact from data/areas/; only 999 and 111, which are names as much as
    # numbers, may be written in code.
    for path in Path(ROOT / "actions").glob("*.py"):
        assert numbers_in(path.read_text()) <= {"999", "111"}, path.name


def test_a_professionals_injury_reply_opens_with_the_guidance_action_it_stands_for() -> None:
    """The static reply a professional gets for an injury (it works with the action server down)
    opens with the same words as the guidance answer behind its button, so the two never differ."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    variations = domain["responses"]["utter_urgent_health_professional"]
    topic_of = {"oral_injury": "torn_frenulum", "injury": "injury_non_mobile"}
    concerns = [(variation.get("condition") or [{}])[0].get("value") for variation in variations]
    assert set(topic_of) <= set(concerns)
    for variation, concern in zip(variations, concerns, strict=True):
        if concern not in topic_of:
            assert "999" in variation["text"]  # illness: the NHS advice, 999 signs included
            continue
        topic = topic_of[concern]
        short = " ".join(yaml.safe_load((GUIDANCE_DIR / f"{topic}.yml").read_text())["short"].split())
        first = variation["text"].split("\n\n")[0]
        assert first.startswith(short) and first.endswith("call 999."), topic
        assert any(b["payload"] == f"/guidance_{topic}" for b in variation["buttons"]), topic
