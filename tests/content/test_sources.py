"""Every claim carries its source, and every number, age and time the bot can say is in the sources.

The sources are FACTS.md (cited as "FACTS §N") and the review documents (cited as "seed 004" or
"seed 004 5.8"), read from the copy in sources/ so the checks run on any clean clone; when the
team's ../shared/ is next to the repository, the copy must match it. A cited section, seed or paragraph that
does not exist fails; so does a reply that states a fact with nothing cited, and a phone number,
quantity ("48 hours", "38°C", "11%") or opening time that neither FACTS nor a seed contains.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from actions.areas import load_directory
from actions.guidance import GUIDANCE_DIR
from bot.settings import ROOT
from tests.content.test_content import AREAS_DIR, area_numbers

SOURCES = ROOT / "sources"
FACTS = SOURCES / "FACTS.md"
SEEDS = SOURCES / "seeds"
SHARED = ROOT.parent / "shared"
RESPONSE_SOURCES = ROOT / "data" / "content" / "response_sources.yml"

REF = re.compile(r"^(?:FACTS §(?P<section>\d+)|seed (?P<seed>\d{3})(?: (?P<para>\d+\.\d+))?|assistant)$")
# A reply states a fact when it names a number, a service or a source.
STATES_A_FACT = re.compile(r"\d|NHS|Samaritans|NSPCC|ICON|Childline|Cry-sis|Source", re.IGNORECASE)
QUANTITY = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:-\s*)?"
    r"(%|°C|hours?|seconds?|minutes?|months?|weeks?|days?|cm|metres?|times|years?|wks?)(?![a-z])",
    re.IGNORECASE,
)
WORD_NUMBERS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "twelve": "12",
}  # fmt: skip


@cache
def facts() -> str:
    return FACTS.read_text(encoding="utf-8")


@cache
def seed_file(number: str) -> Path | None:
    found = sorted(SEEDS.glob(f"{number}_*.txt"))
    return found[0] if found else None


@cache
def corpus() -> str:
    """FACTS and every seed, with number words as digits ("within four hours" -> "within 4 hours")."""
    text = facts() + "\n" + "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    text = text.replace("\u2011", "-")
    return re.sub(r"\b(" + "|".join(WORD_NUMBERS) + r")\b", lambda m: WORD_NUMBERS[m.group(1).lower()], text)


def ref_problem(ref: str) -> str | None:
    """Why a citation does not resolve, or None when it does."""
    match = REF.match(ref)
    if match is None:
        return f"{ref!r} is not 'FACTS §N', 'seed NNN', 'seed NNN P.Q' or 'assistant'"
    if match["section"] and not re.search(rf"^## {match['section']}\. ", facts(), re.MULTILINE):
        return f"{ref!r}: FACTS.md has no section {match['section']}"
    if match["seed"]:
        path = seed_file(match["seed"])
        if path is None:
            return f"{ref!r}: there is no seed {match['seed']}"
        if match["para"] and not re.search(
            rf"^{re.escape(match['para'])}\b", path.read_text(encoding="utf-8"), re.MULTILINE
        ):
            return f"{ref!r}: seed {match['seed']} has no paragraph {match['para']}"
    return None


def guidance_files() -> list[tuple[str, dict]]:
    return [
        (p.name, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sorted(GUIDANCE_DIR.glob("*.yml"))
    ]


def area_files() -> list[tuple[str, dict]]:
    return [(p.name, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in sorted(AREAS_DIR.glob("*.yml"))]


def responses() -> dict[str, str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {
        name: "\n".join(v.get("text", "") for v in variations)
        for name, variations in domain["responses"].items()
    }


def reply_texts() -> list[tuple[str, str]]:
    """Every text the bot can say: responses, guidance answers and area procedures and notes."""
    texts = list(responses().items())
    for name, content in guidance_files():
        texts += [(name, str(content.get(key) or "")) for key in ("short", "answer", "no_area_text")]
        texts += [(f"{name} ({area})", text) for area, text in (content.get("by_area") or {}).items()]
    for name, content in area_files():
        for key in ("not_independently_mobile", "injury_procedure"):
            texts.append((f"{name} {key}", str(content.get(key) or "")))
        texts += [(f"{name} notes.{key}", text) for key, text in (content.get("notes") or {}).items()]
    return texts


def test_the_sources_are_where_the_citations_point() -> None:
    assert FACTS.is_file(), f"FACTS.md not found at {FACTS}"
    assert seed_file("000") and seed_file("004")


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared next to this clone to compare the copy with")
def test_the_copy_of_the_sources_is_the_teams_current_one() -> None:
    refresh = "cp ../shared/content/FACTS.md sources/ && cp ../shared/seeds/*.txt sources/seeds/"
    assert FACTS.read_bytes() == (SHARED / "content" / "FACTS.md").read_bytes(), refresh
    theirs = {p.name: p.read_bytes() for p in (SHARED / "seeds").glob("*.txt")}
    ours = {p.name: p.read_bytes() for p in SEEDS.glob("*.txt")}
    assert ours == theirs, refresh


@pytest.mark.parametrize(
    ("ref", "resolves"),
    [
        ("FACTS §4", True),
        ("FACTS §99", False),
        ("seed 004", True),
        ("seed 004 7.21", True),
        ("seed 004 99.1", False),
        ("seed 777", False),
        ("FACTS 4", False),
    ],
)
def test_a_citation_that_does_not_exist_is_caught(ref: str, resolves: bool) -> None:
    assert (ref_problem(ref) is None) is resolves


def test_every_guidance_paragraph_names_what_it_rests_on() -> None:
    for name, content in guidance_files():
        rests_on = content.get("rests_on")
        assert isinstance(rests_on, dict) and rests_on.get("answer"), f"{name}: no rests_on.answer"
        for area in content.get("by_area") or {}:
            assert rests_on.get(area), f"{name}: the {area} paragraph has no rests_on.{area}"
        for part, refs in rests_on.items():
            problems = [p for p in map(ref_problem, refs) if p]
            assert not problems, f"{name} rests_on.{part}: {problems}"


def test_every_area_file_rests_on_the_facts() -> None:
    for name, content in area_files():
        refs = content.get("rests_on") or []
        assert refs, f"{name}: no rests_on"
        assert not [p for p in map(ref_problem, refs) if p], name


def test_every_reply_that_states_a_fact_names_what_it_rests_on() -> None:
    cited = yaml.safe_load(RESPONSE_SOURCES.read_text(encoding="utf-8"))
    for name, text in responses().items():
        if STATES_A_FACT.search(text):
            assert cited.get(name), f"{name} states a fact; add what it rests on to {RESPONSE_SOURCES.name}"
    for name, refs in cited.items():
        assert name in responses(), f"{RESPONSE_SOURCES.name} names {name}, which domain.yml does not have"
        problems = [p for p in map(ref_problem, refs) if p]
        assert not problems, f"{name}: {problems}"


def test_every_phone_number_in_the_area_files_is_in_facts() -> None:
    written = " ".join(facts().split())
    missing = {n for n in area_numbers() if n not in written}
    assert not missing, f"numbers in data/areas/ that FACTS.md does not have: {missing}"


def facts_row(area_name: str) -> str:
    """The line of FACTS.md section 6's table for one partnership."""
    rows = [line for line in facts().splitlines() if line.startswith(f"| {area_name}")]
    assert len(rows) == 1, f"FACTS.md has {len(rows)} table rows for {area_name}"
    return " ".join(rows[0].split())


def test_each_areas_lines_and_hours_are_that_areas_in_facts() -> None:
    # Per area and per field, so two areas' numbers or hours swapped would be caught.
    for area in load_directory().all:
        row = facts_row(area.name)
        assert area.daytime_phone in row, f"{area.id}: daytime {area.daytime_phone} is not in its FACTS row"
        for phone in area.out_of_hours_phones:
            assert phone in row, f"{area.id}: out of hours {phone} is not in its FACTS row"
        assert area.hours_text() in row, f"{area.id}: hours '{area.hours_text()}' are not in its FACTS row"


def test_swapped_numbers_or_hours_would_be_caught() -> None:
    devon, dudley = (facts_row(name) for name in ("Devon", "Dudley"))
    assert "0300 555 0050" not in devon and "0345 155 1071" not in dudley
    assert "Mon-Fri 9:00-17:00" not in devon


def test_every_age_time_and_figure_the_bot_can_say_is_in_the_sources() -> None:
    unsourced = []
    for where, text in reply_texts():
        for number, unit in QUANTITY.findall(text):
            stem = unit if unit in ("%", "°C") else unit.lower().rstrip("s")[:4]
            pattern = rf"(?<![\d.]){re.escape(number)}\s*(?:-\s*)?{re.escape(stem)}"
            if not re.search(pattern, corpus(), re.IGNORECASE):
                unsourced.append(f"{where}: {number} {unit}")
    assert not unsourced, f"not in FACTS.md or the seeds: {unsourced}"


def test_a_figure_not_in_the_sources_would_be_caught() -> None:
    assert QUANTITY.findall("pauses of more than 10 seconds") == [("10", "seconds")]
    assert not re.search(r"(?<![\d.])17\s*(?:-\s*)?hour", corpus(), re.IGNORECASE)


def test_the_content_review_table_is_up_to_date() -> None:
    from tools.content_review import OUT, render

    assert OUT.read_text(encoding="utf-8") == render(), "run: python -m tools.content_review"
