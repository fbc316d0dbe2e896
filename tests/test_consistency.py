"""The parts that must agree with each other, checked so a newcomer's edit cannot half-land.

A guidance topic is a content file, an intent, NLU examples and a rule; a form must be interrupted
by every safety tier; every response named anywhere exists, and every response is said by
something (a rule, a story, a form's question, an action, or Rasa itself).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.safety.rulebook import TIERS
from bot.settings import DATA, ROOT
from tools.validate_data import form_questions, responses_named_in_actions

DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
# Responses Rasa says by itself: the default fallback's reply.
SAID_BY_RASA = {"utter_default"}


def load(folder: str, key: str) -> Iterator[dict[str, Any]]:
    for path in sorted((DATA / folder).glob("*.yml")):
        yield from yaml.safe_load(path.read_text(encoding="utf-8")).get(key) or []


RULES = list(load("rules", "rules"))
STORIES = list(load("stories", "stories"))


def steps_of(items: list[dict[str, Any]], key: str) -> set[str]:
    return {step[key] for item in items for step in item.get("steps", []) if key in step}


def nlu_intents() -> set[str]:
    return {block["intent"] for block in load("nlu", "nlu") if "intent" in block}


def guidance_intents() -> dict[str, Path]:
    return {
        yaml.safe_load(path.read_text(encoding="utf-8"))["intent"]: path
        for path in sorted((DATA / "guidance").glob("*.yml"))
    }


def answered_by_guidance() -> set[str]:
    found = set()
    for rule in RULES:
        steps = rule.get("steps", [])
        for step, following in zip(steps, steps[1:], strict=False):
            if "intent" in step and following.get("action") == "action_guidance":
                found.add(step["intent"])
    return found


@pytest.mark.parametrize("intent", sorted(guidance_intents()))
def test_every_guidance_topic_is_an_intent_with_examples_and_a_rule(intent: str) -> None:
    assert intent in DOMAIN["intents"], f"{intent} (data/guidance/) is not an intent in domain.yml"
    assert intent in nlu_intents(), f"{intent} has no NLU examples in data/nlu/"
    assert intent in answered_by_guidance(), f"no rule answers {intent} with action_guidance"


def test_every_guidance_intent_has_a_content_file() -> None:
    without = {i for i in DOMAIN["intents"] if isinstance(i, str) and i.startswith("guidance_")} - set(
        guidance_intents()
    )
    assert without == set(), f"guidance intents without a file in data/guidance/: {without}"
    assert answered_by_guidance() <= set(guidance_intents()), "action_guidance answers an intent with no file"


@pytest.mark.parametrize("form", sorted(DOMAIN["forms"]))
@pytest.mark.parametrize("tier", sorted(set(TIERS) - {"safety_check"}))
def test_every_form_is_interrupted_by_every_safety_tier(form: str, tier: str) -> None:
    interrupting = [
        rule
        for rule in RULES
        if {"active_loop": form} in (rule.get("condition") or [])
        and rule.get("steps", [{}])[0].get("intent") == tier
    ]
    assert interrupting, f"no rule answers {tier} in the middle of {form}"
    steps = interrupting[0]["steps"]
    assert {"action": "action_deactivate_loop"} in steps or any("active_loop" in s for s in steps), (
        f"the {tier} rule in {form} does not end or keep the form deliberately"
    )


def said_by_something() -> set[str]:
    named = steps_of(RULES, "action") | steps_of(STORIES, "action")
    return named | form_questions() | responses_named_in_actions() | SAID_BY_RASA


def test_every_response_named_anywhere_exists() -> None:
    named = {n for n in said_by_something() if n.startswith("utter_")} - SAID_BY_RASA
    asked_by_forms = form_questions()
    missing = {n for n in named - set(DOMAIN["responses"]) if n not in asked_by_forms}
    # A form asks `utter_ask_<slot>` or `utter_ask_<form>_<slot>`: one of the two must exist.
    for slot in {s for form in DOMAIN["forms"].values() for s in form["required_slots"]}:
        if not ({f"utter_ask_{slot}"} | {f"utter_ask_{f}_{slot}" for f in DOMAIN["forms"]}) & set(
            DOMAIN["responses"]
        ):
            missing.add(f"utter_ask_{slot}")
    assert missing == set(), f"named but not in domain.yml responses: {sorted(missing)}"


def test_every_response_is_said_by_something() -> None:
    unused = set(DOMAIN["responses"]) - said_by_something()
    assert unused == set(), f"responses nothing says (remove them or say them): {sorted(unused)}"


def test_every_action_named_in_rules_and_stories_is_declared() -> None:
    custom = {
        a
        for a in steps_of(RULES, "action") | steps_of(STORIES, "action")
        if a.startswith("action_")
        and a not in ("action_deactivate_loop", "action_listen", "action_restart", "action_back")
    }
    declared = set(DOMAIN.get("actions") or [])
    assert custom <= declared, f"custom actions not listed in domain.yml: {sorted(custom - declared)}"


def test_every_response_variable_is_one_an_action_fills() -> None:
    """A `{name}` in a response is a slot or a value some action passes; a typo would show raw."""
    slots = set(DOMAIN.get("slots") or {})
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "actions").rglob("*.py"))
    filled = set(re.findall(r'"(\w+)":', source)) | set(re.findall(r"\b(\w+)=", source))
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            for variable in re.findall(r"{(\w+)}", variation.get("text", "")):
                assert variable in slots | filled, f"{name} uses {{{variable}}}, which nothing fills"
