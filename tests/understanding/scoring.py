"""Scoring how well the bot understands people, for the blind rounds of the understanding issue.

Each blind message (and each turn of a blind conversation) is labelled with the kinds of reply a
careful person would accept (`replies.md` in the round's folder names them: `route_front_door`,
`guidance:torn_frenulum`, `parent_pointer`...). A reply is scored by its first bubble: which
response of domain.yml it opens (or which guidance topic, for `utter_guidance`), mapped to its
kind. Two things are checked on every bubble, whatever the first one was: a parent is never given
professionals' procedure text, and a reply never gives one area's numbers for another.

`python -m tests.understanding.scoring [roundN ...]` starts the trained bot and prints the report.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.safety.scoring import first_bubble

HERE = Path(__file__).parent
ROUNDS_DIR = HERE / "blind"
ROOT = HERE.parent.parent

# The kind of reply each response is. A kind the bot has no response for yet (for example
# `area_not_held`) is simply never given, and its messages count as misses.
RESPONSE_KINDS = {
    "utter_emergency": "emergency",
    "utter_emergency_professional": "emergency",
    "utter_route_emergency": "route_emergency",
    "utter_urgent_health": "urgent_health",
    "utter_urgent_health_professional": "urgent_health",
    "utter_parent_crisis": "parent_crisis",
    "utter_domestic_abuse": "domestic_abuse",
    "utter_breaking_point_steps": "breaking_point",
    "utter_safety_check": "safety_check",
    "utter_greet": "greet",
    "utter_parent_menu": "parent_menu",
    "utter_for_dads_and_partners": "dads_partners",
    "utter_icon_walkthrough": "icon",
    "utter_icon_i": "crying_normal",
    "utter_crying_curve": "crying_curve",
    "utter_basic_needs": "why_crying",
    "utter_icon_c": "comfort",
    "utter_icon_o": "walk_away",
    "utter_icon_n": "never_shake",
    "utter_other_carers": "other_carers",
    "utter_illness_999": "illness",
    "utter_illness_111": "illness",
    "utter_feeling_overwhelmed": "overwhelmed",
    "utter_coping_plan_intro": "coping_plan",
    "utter_ask_plan_calm_idea": "coping_plan",
    "utter_ask_plan_support": "coping_plan_next",
    "utter_coping_plan_summary": "coping_plan_next",
    "utter_ask_again_calm_idea": "coping_plan",
    "utter_ask_again_support": "coping_plan_next",
    "utter_coping_plan_stopped": "coping_plan_stopped",
    "utter_breaking_point_who_to_call": "who_to_call_parent",
    "utter_professional_intro": "professional_intro",
    "utter_triage_intro": "triage",
    "utter_ask_immediate_danger": "triage",
    "utter_ask_significant_harm": "triage",
    "utter_phone_open": "route_front_door",
    "utter_phone_closed": "route_front_door",
    "utter_concerned_phone_open": "route_front_door",
    "utter_concerned_phone_closed": "route_front_door",
    "utter_route_form": "route_form",
    "utter_contacts_open": "contacts",
    "utter_contacts_closed": "contacts",
    "utter_area_set": "area_set",
    "utter_area_unknown": "area_unknown",
    "utter_thanks": "thanks",
    "utter_acknowledge": "acknowledge",
    "utter_stop_nothing_to_stop": "acknowledge",
    "utter_goodbye": "goodbye",
    "utter_bot_challenge": "bot_challenge",
    "utter_privacy": "privacy",
    "utter_human": "human",
    "utter_out_of_scope": "out_of_scope",
    "utter_default": "not_understood",
    "utter_everyday_baby": "parent_pointer",
    "utter_other_service": "unknown_service",
    "utter_area_not_held": "area_not_held",
    "utter_who_to_call_parent": "who_to_call_parent",
    "utter_breaking_point_next": "breaking_point_next",
    "utter_form_after_call": "form_after_call",
    "utter_form_after_call_not_held": "form_after_call",
    "utter_guidance_for_parent": "parent_pointer",
    "utter_guidance_detail": "tell_more",
}
# Kinds that are professionals' procedure: a parent must never be given them.
PROFESSIONAL_KINDS = {
    "route_emergency",
    "route_front_door",
    "route_form",
    "contacts",
    "triage",
    "professional_intro",
}
PROFESSIONAL_RESPONSES = {
    "utter_emergency_professional",
    "utter_urgent_health_professional",
    "utter_have_ready",
}
SAFETY_KINDS = {
    "emergency",
    "urgent_health",
    "parent_crisis",
    "domestic_abuse",
    "breaking_point",
    "safety_check",
}
# What one kind of label also accepts: the parents' injury advice is the urgent-health reply.
SAME_AS = {"parent_injury": {"urgent_health"}}


def _guidance_openings() -> dict[str, str]:
    """The first paragraph of each guidance answer, mapped to `guidance:<topic>`."""
    openings = {}
    for path in sorted((ROOT / "data" / "guidance").glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        topic = content["intent"].removeprefix("guidance_")
        for key in ("short", "answer"):
            if content.get(key):
                openings[first_bubble(" ".join(str(content[key]).split()))] = f"guidance:{topic}"
    return openings


def _partnerships() -> list[dict[str, Any]]:
    """The partnerships' area files (not the national lines, not the places not held)."""
    files = [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "data" / "areas").glob("*.yml"))
    ]
    return [content for content in files if content.get("kind") not in ("national", "elsewhere")]


def _area_numbers() -> dict[str, set[str]]:
    """Every phone number of each partnership, digits only."""
    return {
        content["id"]: {
            re.sub(r"\D", "", p) for p in [content["daytime"]["phone"], *content["out_of_hours"]["phones"]]
        }
        for content in _partnerships()
    }


@dataclass(frozen=True)
class Reading:
    """How the bot's reply to one message reads to the person who sent it."""

    kind: str  # the kind of the first bubble ("other:<response>" if it is none of the known ones)
    kinds: tuple[str, ...]  # the kinds of every bubble
    professional_text: bool  # professionals' procedure anywhere in the reply
    areas_given: frozenset[str]  # the partnerships whose numbers the reply gives


class Reader:
    def __init__(self) -> None:
        domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
        self.openings: dict[str, str] = {}
        for name, variations in domain["responses"].items():
            for variation in variations:
                text = variation.get("text") or ""
                opening = first_bubble(text)
                if opening and "{" not in opening:
                    self.openings.setdefault(opening, name)
        # Responses that open with a value ("{before_phone}Phone the {area_name}..."): match
        # their fixed words as a pattern.
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        for name, variations in domain["responses"].items():
            for variation in variations:
                opening = first_bubble(variation.get("text") or "")
                if "{" in opening:
                    parts = re.split(r"\{[^}]*\}", opening)
                    if not "".join(parts).strip():
                        continue  # all values ("{short}{local}"): guidance, read by its opening
                    pattern = ".*?".join(re.escape(p) for p in parts)
                    self.patterns.append((re.compile(f"^{pattern}$", re.S), name))
        self.guidance = _guidance_openings()
        self.numbers = _area_numbers()

    def response(self, bubble: str) -> str | None:
        opening = first_bubble(bubble)
        if opening in self.openings:
            return self.openings[opening]
        for pattern, name in self.patterns:
            if pattern.match(opening):
                return name
        return None

    def kind(self, bubble: str) -> str:
        opening = first_bubble(bubble)
        if opening in self.guidance:
            return self.guidance[opening]
        # A professional's injury reply opens with the guidance's own action, then "call 999"
        # (utter_urgent_health_professional): it is that guidance's answer, first bubble and all.
        for short, kind in self.guidance.items():
            if opening.startswith(short) and opening != short:
                return kind
        name = self.response(bubble)
        if name is None:
            return "other:unknown"
        return RESPONSE_KINDS.get(name, f"other:{name}")

    def read(self, replies: list[str]) -> Reading:
        bubbles = [r for r in replies if r.strip()]
        if not bubbles:
            return Reading("no_reply", (), False, frozenset())
        kinds = tuple(self.kind(b) for b in bubbles)
        names = {self.response(b) for b in bubbles}
        professional = any(k in PROFESSIONAL_KINDS or k.startswith("guidance:") for k in kinds) or bool(
            names & PROFESSIONAL_RESPONSES
        )
        digits = re.sub(r"\D", "", " ".join(bubbles))
        given = frozenset(area for area, nums in self.numbers.items() if any(n in digits for n in nums))
        return Reading(kinds[0], kinds, professional, given)


def acceptable(expect: list[str], reading: Reading) -> bool:
    accepted = set(expect)
    for label in expect:
        accepted |= SAME_AS.get(label, set())
    return reading.kind in accepted


def _area_names() -> dict[str, list[str]]:
    """Each partnership's names as people write them: its name and `also_called` (towns, and the
    names of its own line and form, such as "SPoA")."""
    return {
        content["id"]: [w.lower() for w in [content["name"], *content.get("also_called", [])]]
        for content in _partnerships()
    }


AREA_NAMES = _area_names()


def areas_named(text: str) -> set[str]:
    lowered = " ".join(re.findall(r"[a-z']+", text.lower()))
    return {
        area
        for area, words in AREA_NAMES.items()
        if any(re.search(rf"\b{re.escape(w)}\b", lowered) for w in words)
    }


def area_in_force(label: str, texts: list[str]) -> set[str]:
    """The areas whose numbers are right after these messages: the labelled one, or the partnership
    the person named last ("now switch to East Sussex", "SPoA number"). A place not held stays so."""
    if label == "not_held":
        return set()
    for text in reversed(texts):
        named = areas_named(text)
        if named:
            return named
    return {"devon" if label == "none" else label}


def _gives_other(label: str, texts: list[str], reading: Reading) -> bool:
    return bool(reading.areas_given - area_in_force(label, texts))


@dataclass
class Round:
    name: str
    messages: list[dict]
    conversations: list[dict]

    @classmethod
    def load(cls, name: str) -> Round:
        folder = ROUNDS_DIR / name
        messages = yaml.safe_load((folder / "messages.yml").read_text(encoding="utf-8"))["messages"]
        conversations = yaml.safe_load((folder / "conversations.yml").read_text(encoding="utf-8"))
        return cls(name, messages, conversations["conversations"])

    def floor(self) -> dict[str, int]:
        """The counts this round may not fall below (or above, for the failures) until it meets the
        issue's targets: floor.yml in its folder."""
        return yaml.safe_load((ROUNDS_DIR / self.name / "floor.yml").read_text(encoding="utf-8"))

    def all_texts(self) -> list[str]:
        return [m["text"] for m in self.messages] + [
            t["user"] for c in self.conversations for t in c["turns"]
        ]


def available_rounds() -> list[str]:
    return sorted(p.name for p in ROUNDS_DIR.iterdir() if (p / "messages.yml").exists())


@dataclass
class Result:
    messages: list[tuple[dict, Reading]] = field(default_factory=list)
    # Each conversation with the reading of each of its turns.
    conversations: list[tuple[dict, list[Reading]]] = field(default_factory=list)

    def turns(self) -> list[tuple[dict, dict, Reading]]:
        return [
            (c, t, r) for c, readings in self.conversations for t, r in zip(c["turns"], readings, strict=True)
        ]

    def message_score(self) -> tuple[int, int]:
        return sum(acceptable(m["expect"], r) for m, r in self.messages), len(self.messages)

    def conversation_score(self) -> tuple[int, int]:
        good = sum(
            all(acceptable(t["expect"], r) for t, r in zip(c["turns"], rs, strict=True))
            for c, rs in self.conversations
        )
        return good, len(self.conversations)

    def not_understood(self) -> tuple[int, int]:
        """In-scope messages (not labelled as gibberish) given "didn't understand"."""
        in_scope = [(m, r) for m, r in self.messages if "not_understood" not in m["expect"]]
        in_scope += [(t, r) for _, t, r in self.turns() if "not_understood" not in t["expect"]]
        return sum(r.kind == "not_understood" for _, r in in_scope), len(in_scope)

    def parent_given_professional_text(self) -> list[str]:
        items = [(m["text"], m["group"], r) for m, r in self.messages]
        items += [(t["user"], c["group"], r) for c, t, r in self.turns()]
        return [text for text, group, r in items if group == "parent" and r.professional_text]

    def wrong_area_numbers(self) -> list[str]:
        """Replies giving numbers of a partnership other than the one the person is in: the one
        labelled, or the one they named last in the conversation (they may switch)."""
        wrong = [m["text"] for m, r in self.messages if _gives_other(m["area"], [m["text"]], r)]
        for c, readings in self.conversations:
            said = [t["user"] for t in c["turns"]]
            for i, r in enumerate(readings):
                if _gives_other(c["area"], said[: i + 1], r):
                    wrong.append(said[i])
        return wrong

    def summary(self) -> str:
        good, n = self.message_score()
        cgood, cn = self.conversation_score()
        nu, scope = self.not_understood()
        return (
            f"messages with an acceptable reply: {good}/{n} ({good / n:.1%}); "
            f"conversations with every turn acceptable: {cgood}/{cn} ({cgood / cn:.1%}); "
            f"in-scope given 'didn't understand': {nu}/{scope} ({nu / scope:.1%}); "
            f"parents given professionals' text: {len(self.parent_given_professional_text())}; "
            f"replies with another area's numbers: {len(self.wrong_area_numbers())}"
        )

    def report(self) -> str:
        lines = [self.summary().replace("; ", "\n")]
        for key in ("group", "area"):
            lines.append(f"\nmessages by {key}:")
            groups: dict[str, list[tuple[dict, Reading]]] = defaultdict(list)
            for m, r in self.messages:
                groups[m[key]].append((m, r))
            for name in sorted(groups):
                items = groups[name]
                good = sum(acceptable(m["expect"], r) for m, r in items)
                lines.append(f"  {name:14} {good:4}/{len(items):<4} {good / len(items):6.1%}")
        lines.append("\nmessages by first expected kind:")
        by_kind: dict[str, list[tuple[dict, Reading]]] = defaultdict(list)
        for m, r in self.messages:
            by_kind[m["expect"][0]].append((m, r))
        for name in sorted(by_kind):
            items = by_kind[name]
            good = sum(acceptable(m["expect"], r) for m, r in items)
            lines.append(f"  {name:34} {good:4}/{len(items):<4} {good / len(items):6.1%}")
        misses = [(m, r) for m, r in self.messages if not acceptable(m["expect"], r)]
        lines.append(
            "\nwhat the misses got: "
            + ", ".join(f"{k}={v}" for k, v in Counter(r.kind for _, r in misses).most_common())
        )
        lines.append("\nmissed messages:")
        for m, r in misses:
            lines.append(f"  [{m['group']}/{m['area']}] expected {m['expect']} got {r.kind}: {m['text']}")
        lines.append("\nconversation turns missed:")
        for c, t, r in self.turns():
            if not acceptable(t["expect"], r):
                lines.append(f"  [{c['group']}/{c['area']}] expected {t['expect']} got {r.kind}: {t['user']}")
        lines.append("\nparents given professionals' text:")
        lines += [f"  {text}" for text in self.parent_given_professional_text()]
        lines.append("\nreplies with another area's numbers:")
        lines += [f"  {text}" for text in self.wrong_area_numbers()]
        return "\n".join(lines)


def evaluate(round_: Round, say: Callable[[list[str]], list[list[str]]], reader: Reader) -> Result:
    """`say(turns)` plays the turns as one new conversation and returns the replies to each."""
    result = Result()
    for m in round_.messages:
        result.messages.append((m, reader.read(say([m["text"]])[0])))
    for c in round_.conversations:
        replies = say([t["user"] for t in c["turns"]])
        result.conversations.append((c, [reader.read(r) for r in replies]))
    return result


def measure(name: str, bot: Any) -> Result:
    from tests.conftest import Conversation

    def say(turns: list[str]) -> list[list[str]]:
        conversation = Conversation(bot)
        return [conversation.say(turn) for turn in turns]

    return evaluate(Round.load(name), say, Reader())


def main(argv: list[str]) -> int:
    """Start the trained bot and print the report for the named rounds (default: all)."""
    from tests.conftest import report_rounds

    return report_rounds(argv or available_rounds(), measure)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
