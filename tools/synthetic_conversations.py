"""Fill a conversation store with a month of made-up conversations, for the insights page.

    python -m tools.synthetic_conversations build/insights-demo.db --month 2026-11 [--count 600]

Written with Rasa's own SQL tracker store, so the rows are exactly what the bot writes: sessions,
the person's message with its intent (and the safety rule, when one fired), the slots the bot sets,
the replies it gave. The made-up messages carry made-up names, NHS numbers and addresses on
purpose, and the store used is Rasa's plain one (no redaction), so a test can check that no word
of them ever reaches the page, the CSV or a log. The same seed gives the same month.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from actions.areas import UK_TIME

# Made-up identifiers: none may ever be shown by the insights page.
IDENTIFIERS = [
    "My name is Kerry-Ann Pollard",
    "NHS number 943 476 5919",
    "we live at 14 Marlpit Lane, EX4 7QD",
    "call me on 07700 900461",
    "baby Ozymandias Trelawney-Price",
    "email kerry.pollard@example.org",
]


@dataclass
class Turn:
    intent: str
    reply: str
    rule: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    loop: str | None = None  # "start" or "end" of the coping plan form


@dataclass
class Plan:
    """One made-up conversation: who, where, when, and its turns."""

    sender: str
    role: str | None
    area: str | None
    channel: str
    started: datetime
    turns: list[Turn]


def _phone(moment: datetime) -> str:
    return "open" if moment.weekday() < 5 and 9 <= moment.hour < 17 else "closed"


def _parent(rng: random.Random, moment: datetime) -> list[Turn]:
    kind = rng.choices(
        [
            "crying",
            "comfort",
            "walk_away",
            "plan",
            "plan_unfinished",
            "emergency",
            "fever",
            "breaking",
            "lost",
        ],
        weights=[20, 18, 10, 8, 4, 6, 6, 6, 8],
    )[0]
    role = {"role": "parent"}
    if kind == "crying":
        return [
            Turn("ask_crying_normal", "utter_icon_i", slots=role),
            Turn("ask_crying_curve", "utter_crying_curve"),
        ]
    if kind == "comfort":
        return [Turn("ask_comfort", "utter_icon_c", slots=role)]
    if kind == "walk_away":
        return [Turn("ask_walk_away", "utter_icon_o", slots=role), Turn("thanks", "utter_thanks")]
    if kind in ("plan", "plan_unfinished"):
        turns = [Turn("ask_coping_plan", "utter_ask_plan_calm_idea", slots=role, loop="start")]
        if kind == "plan":
            turns.append(Turn("affirm", "utter_ask_plan_support"))
            turns.append(Turn("affirm", "utter_coping_plan_summary", loop="end"))
        return turns
    if kind == "emergency":
        rule = rng.choice(["not_breathing", "fit", "shaken", "floppy_or_unresponsive"])
        return [Turn("emergency", "utter_emergency", rule=rule, slots={**role, "safety_concern": "unwell"})]
    if kind == "fever":
        return [Turn("urgent_health", "utter_urgent_health", rule="fever_under_3_months", slots=role)]
    if kind == "breaking":
        return [Turn("breaking_point", "utter_breaking_point_steps", rule="losing_it", slots=role)]
    return [Turn("greet", "utter_greet"), Turn("nlu_fallback", "utter_default")]


def _professional(rng: random.Random, moment: datetime) -> list[Turn]:
    kind = rng.choices(["injury", "concern", "contacts", "emergency", "fathers"], weights=[10, 8, 8, 2, 5])[0]
    role = {"role": "professional"}
    phone = _phone(moment)
    if kind == "injury":
        return [
            Turn(
                "guidance_injury_non_mobile",
                "utter_guidance",
                slots={**role, "last_guidance": "guidance_injury_non_mobile"},
            ),
            Turn("ask_contacts", f"utter_concerned_phone_{phone}"),
        ]
    if kind == "concern":
        return [
            Turn("raise_concern", "utter_ask_immediate_danger", slots=role),
            Turn("deny", "utter_ask_significant_harm"),
            Turn("deny", "utter_route_form"),
        ]
    if kind == "contacts":
        return [Turn("ask_contacts", f"utter_contacts_{phone}", slots=role)]
    if kind == "emergency":
        return [Turn("emergency", "utter_emergency_professional", rule="shaken", slots=role)]
    return [
        Turn("guidance_fathers", "utter_guidance", slots={**role, "last_guidance": "guidance_fathers"}),
        Turn("tell_more", "utter_guidance_detail"),
    ]


def plans(month: date, count: int, seed: int = 7) -> list[Plan]:
    """`count` conversations in the month: parents most in the evening and night on the widget,
    professionals on weekdays in office hours on Slack, Teams or the web."""
    rng = random.Random(seed)
    days = [month + timedelta(days=d) for d in range(31) if (month + timedelta(days=d)).month == month.month]
    result = []
    area: str | None
    for n in range(count):
        day = rng.choice(days)
        if rng.random() < 0.6:
            hour = rng.choice([0, 1, 2, 3, 4, 19, 20, 21, 22, 23, 6, 7, 13, 15, 17, 18])
            started = datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=UK_TIME)
            role, channel, turns = "parent", "webchat", _parent(rng, started)
            area = rng.choice(["devon", "devon", "dudley", "east_sussex"])
        else:
            while day.weekday() >= 5 and rng.random() < 0.85:
                day = rng.choice(days)
            started = datetime.combine(day, time(rng.choice(range(8, 19)), rng.randrange(60)), tzinfo=UK_TIME)
            role, channel, turns = (
                "professional",
                rng.choice(["slack", "msteams", "rest"]),
                _professional(rng, started),
            )
            area = rng.choice(["devon", "dudley", "east_sussex", None])
        result.append(Plan(f"synthetic-{n:05d}", role, area, channel, started, turns))
    return result


def events(plan: Plan, rng: random.Random) -> Iterator[Event]:
    stamp = plan.started.timestamp()
    yield ActionExecuted("action_session_start", timestamp=stamp)
    yield SessionStarted(timestamp=stamp)
    yield ActionExecuted("action_listen", timestamp=stamp)
    if plan.area:
        yield SlotSet("area", plan.area, timestamp=stamp)
    for i, turn in enumerate(plan.turns):
        stamp += rng.randint(20, 90)
        said = f"{rng.choice(IDENTIFIERS)} - made-up message {i} for {turn.intent}"
        parse = {"text": said, "intent": {"name": turn.intent, "confidence": 1.0}, "entities": []}
        if turn.rule:
            parse["safety_rule"] = turn.rule
        yield UserUttered(said, parse["intent"], [], parse, timestamp=stamp, input_channel=plan.channel)
        for name, value in turn.slots.items():
            yield SlotSet(name, value, timestamp=stamp)
        if turn.loop == "start":
            yield ActiveLoop("coping_plan_form", timestamp=stamp)
        yield ActionExecuted(turn.reply, timestamp=stamp + 1)
        yield BotUttered(
            f"Made-up reply to {said}", metadata={"utter_action": turn.reply}, timestamp=stamp + 1
        )
        if turn.loop == "end":
            yield ActiveLoop(None, timestamp=stamp + 1)
        yield ActionExecuted("action_listen", timestamp=stamp + 1)


def write(path: Path, all_plans: list[Plan], seed: int = 7) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    store = SQLTrackerStore(dialect="sqlite", db=str(path))
    rng = random.Random(seed)

    async def save_all() -> None:
        for number, plan in enumerate(all_plans, 1):
            tracker = DialogueStateTracker.from_events(plan.sender, list(events(plan, rng)))
            await store.save(tracker)
            if number % 200 == 0 or number == len(all_plans):
                print(f"  {number}/{len(all_plans)} conversations written", file=sys.stderr)

    asyncio.run(save_all())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="the SQLite file to write (created if missing)")
    parser.add_argument("--month", default=None, help="YYYY-MM (default: last month)")
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.month:
        try:
            month = date.fromisoformat(args.month + "-01")
        except ValueError:
            parser.error("--month is written as year-month, for example 2026-11")
    else:
        month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    if args.count < 1:
        parser.error("--count must be 1 or more")
    write(args.db, plans(month, args.count, args.seed), args.seed)
    print(f"{args.count} made-up conversations for {month:%B %Y} written to {args.db}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
