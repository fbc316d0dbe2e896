"""The blind rounds of the understanding issue, against the trained bot over REST.

Each round was written by a helper who saw only the fact sheet, the voice guide, the seeds, the
issue and the list of reply kinds (`replies.md`), never data/ or tests/. The issue's targets: at
least 95% of messages and 90% of conversations get an acceptable reply, at most 3% of in-scope
messages get "didn't understand", no parent is given professionals' procedure text, and no reply
gives one area's numbers for another. A round not yet at those targets keeps its measured counts
in floor.yml, and no change may fall below them.
"""

from __future__ import annotations

import pytest

from tests.understanding import scoring
from tests.understanding.scoring import Result, Round, available_rounds

ROUNDS = available_rounds()


def test_each_round_is_the_size_the_issue_asks() -> None:
    for name in ROUNDS:
        round_ = Round.load(name)
        assert len(round_.messages) >= 400 and len(round_.conversations) >= 60, name
        assert {m["group"] for m in round_.messages} >= {"parent", "professional"}
        assert {m["area"] for m in round_.messages} >= {"devon", "east_sussex", "dudley", "not_held"}


@pytest.fixture(scope="module", params=ROUNDS)
def measured(request: pytest.FixtureRequest, bot) -> tuple[str, Result]:
    outcome = scoring.measure(request.param, bot)
    print(f"\n{request.param}: {outcome.summary()}")
    return request.param, outcome


def test_no_round_falls_below_its_floor(measured: tuple[str, Result]) -> None:
    name, outcome = measured
    floor = Round.load(name).floor()
    good, _ = outcome.message_score()
    conversations, _ = outcome.conversation_score()
    not_understood, _ = outcome.not_understood()
    worse = []
    if good < floor["messages_acceptable"]:
        worse.append(f"messages acceptable {good}, floor {floor['messages_acceptable']}")
    if conversations < floor["conversations_acceptable"]:
        worse.append(f"conversations acceptable {conversations}, floor {floor['conversations_acceptable']}")
    if not_understood > floor["not_understood"]:
        worse.append(f"'didn't understand' {not_understood}, floor {floor['not_understood']}")
    if len(outcome.parent_given_professional_text()) > floor["parents_given_professional_text"]:
        worse.append(f"parents given professionals' text {len(outcome.parent_given_professional_text())}")
    if len(outcome.wrong_area_numbers()) > floor["wrong_area_numbers"]:
        worse.append(f"another area's numbers {len(outcome.wrong_area_numbers())}")
    assert worse == [], "\n".join(worse) + "\n" + outcome.report()


def test_a_professionals_injury_reply_reads_as_the_guidance_it_opens_with() -> None:
    import yaml

    from bot.settings import ROOT

    reader = scoring.Reader()
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    kinds = {}
    for variation in domain["responses"]["utter_urgent_health_professional"]:
        concern = (variation.get("condition") or [{}])[0].get("value")
        kinds[concern] = reader.kind(variation["text"])
    assert kinds["injury"] == "guidance:injury_non_mobile"
    assert kinds["oral_injury"] == "guidance:torn_frenulum"
    assert kinds["fever"] == "urgent_health"  # an illness is the safety reply itself


def test_the_area_in_force_is_the_one_named_last() -> None:
    # A professional who switches area, or names a town or the area's own line, is in that area.
    assert scoring.area_in_force("devon", ["devon county", "now switch to East Sussex"]) == {"east_sussex"}
    assert scoring.area_in_force("none", ["SPoA number"]) == {"east_sussex"}
    assert scoring.area_in_force("none", ["what's the number"]) == {"devon"}
    # A place not held never makes any partnership's numbers right.
    employed_elsewhere = "I'm employed by Dudley but the family live in Walsall"
    assert scoring.area_in_force("not_held", [employed_elsewhere]) == set()
