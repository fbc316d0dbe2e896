"""What the partnership learns from its conversations: counts, never text.

Reads the tracker store's `events` table (SQLite by default, any database SQLAlchemy reaches) and
keeps, for each conversation (a session: it starts again after 60 minutes of quiet), only labels:
who was asking (the `role` slot), the area (the `area` slot, else the default partnership), the
channel, the intents asked, the guidance topics given, the routes given and when, the safety net's
tier and rule, where the "didn't understand" reply came, and whether a coping plan was started and
finished. The text anyone typed, the bot's replies and every other slot value are never read into
these records: from an event's stored JSON only the fields named in `_KEPT` are taken.

Small numbers are suppressed where they are shown (`shown`, `suppress`), not here: the counts
here are exact so tests can check them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import create_engine, text  # type: ignore[import-untyped]
from sqlalchemy.engine import Engine  # type: ignore[import-untyped]

from actions.areas import UK_TIME

# The replies that give each route (domain.yml). A professional's 999 reply and a parent's both
# count as 999; the phone line is the daytime line when open, else the out-of-hours line.
ROUTES = {
    "utter_emergency": "999",
    "utter_emergency_professional": "999",
    "utter_route_emergency": "999",
    "utter_phone_open": "daytime line",
    "utter_concerned_phone_open": "daytime line",
    "utter_contacts_open": "daytime line",
    "utter_phone_closed": "out-of-hours line",
    "utter_concerned_phone_closed": "out-of-hours line",
    "utter_contacts_closed": "out-of-hours line",
    "utter_route_form": "online form",
}
ROUTE_NAMES = ["999", "daytime line", "out-of-hours line", "online form"]
# "Sorry, I didn't understand" (utter_default) and the coping plan's "Sorry, I didn't catch that".
NOT_UNDERSTOOD = {"utter_default", "utter_ask_again_calm_idea", "utter_ask_again_support"}
PLAN_FORM = "coping_plan_form"
PLAN_FINISHED = "utter_coping_plan_summary"
# The safety net's tiers, most urgent first (data/safety/).
TIERS = ["emergency", "parent_crisis", "domestic_abuse", "breaking_point", "urgent_health", "safety_check"]
# Intents that are not a topic: greetings, yes/no, and the safety net's tiers (counted apart).
NOT_TOPICS = {
    "greet", "goodbye", "thanks", "acknowledge", "affirm", "deny", "stop", "nlu_fallback",
    "i_am_parent", "i_am_professional", *TIERS,
}  # fmt: skip
# A safety tier with no rule named came from a button ("/emergency"), not from the safety net.
BUTTON = "a button"
ROLES = ["parent", "professional", "not said"]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
# Slots whose value is a label the bot itself chose, never the user's words.
LABEL_SLOTS = {"role", "area", "last_guidance"}


@dataclass
class Conversation:
    """One session, as labels only."""

    started: datetime
    role: str = "not said"
    area: str | None = None
    channel: str = "unknown"
    user_turns: int = 0
    topics: list[str] = field(default_factory=list)
    guidance: list[str] = field(default_factory=list)
    routes: list[tuple[str, datetime]] = field(default_factory=list)
    safety: list[tuple[str, str]] = field(default_factory=list)
    not_understood_after: list[str] = field(default_factory=list)
    plan_started: bool = False
    plan_finished: bool = False


@dataclass
class Period:
    start: date
    end: date  # inclusive

    @property
    def bounds(self) -> tuple[float, float]:
        first = datetime.combine(self.start, time(), tzinfo=UK_TIME)
        after = datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UK_TIME)
        return first.timestamp(), after.timestamp()

    def weeks(self) -> list[date]:
        """The Mondays of the weeks the period touches."""
        monday = self.start - timedelta(days=self.start.weekday())
        return [monday + timedelta(weeks=i) for i in range((self.end - monday).days // 7 + 1)]


def engine_for(db: str) -> Engine:
    """A database URL (`postgresql://...`, `sqlite:///...`) or the path of an SQLite file."""
    return create_engine(db if "://" in db else f"sqlite:///{db}")


def read_conversations(engine: Engine, period: Period, default_area: str) -> list[Conversation]:
    """Every conversation that started in the period and has at least one message from a person,
    oldest first. Each is read whole (a conversation at midnight at the end of the period counts
    once, with its role and area), so the store is read up to the period's end only: it holds
    RETENTION_DAYS of conversations at most."""
    first, after = period.bounds
    query = text(
        "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events "
        "WHERE sender_id IN (SELECT DISTINCT sender_id FROM events WHERE timestamp >= :first "
        "AND timestamp < :after) ORDER BY sender_id, id"
    )
    with engine.connect() as connection:
        rows = connection.execute(query, {"first": first, "after": after})
        conversations = list(_conversations(rows, default_area))
    return sorted(
        (c for c in conversations if c.user_turns and first <= c.started.timestamp() < after),
        key=lambda c: c.started,
    )


def _kept(row_type: str, action_name: str | None, data: str | None) -> dict[str, Any]:
    """From an event's stored JSON, only the labels this page uses; never a text."""
    try:
        stored = json.loads(data or "{}")
    except ValueError:
        return {}
    if not isinstance(stored, dict):
        return {}
    if row_type == "user":
        parse = stored.get("parse_data") or {}
        return {"rule": parse.get("safety_rule"), "channel": stored.get("input_channel")}
    if row_type == "bot":
        return {"reply": (stored.get("metadata") or {}).get("utter_action")}
    if row_type == "slot" and action_name in LABEL_SLOTS:
        value = stored.get("value")
        return {"value": value if isinstance(value, str) else None}
    if row_type == "active_loop":
        return {"loop": stored.get("name")}
    return {}


def _conversations(rows: Iterable[Any], default_area: str) -> Iterator[Conversation]:
    sender = None
    current: Conversation | None = None
    last_reply = "the start"
    for sender_id, row_type, stamp, intent, action, data in rows:
        moment = datetime.fromtimestamp(stamp or 0, UK_TIME)
        if sender_id != sender or row_type == "session_started" or current is None:
            if current is not None:
                yield _finish(current, default_area)
            sender, current, last_reply = sender_id, Conversation(started=moment), "the start"
            if row_type == "session_started":
                continue
        kept = _kept(row_type, action, data)
        if row_type == "user":
            current.user_turns += 1
            current.channel = kept.get("channel") or current.channel
            if intent in TIERS:
                current.safety.append((intent, kept.get("rule") or BUTTON))
            elif intent and intent not in NOT_TOPICS:
                current.topics.append(intent)
        elif row_type == "bot":
            reply = kept.get("reply") or "a reply"
            if reply in ROUTES:
                current.routes.append((ROUTES[reply], moment))
            if reply in NOT_UNDERSTOOD:
                current.not_understood_after.append(last_reply)
            if reply == PLAN_FINISHED:
                current.plan_finished = True
            last_reply = reply
        elif row_type == "slot" and kept.get("value"):
            if action == "role":
                current.role = kept["value"]
            elif action == "area":
                current.area = kept["value"]
            elif action == "last_guidance":
                current.guidance.append(kept["value"])
        elif row_type == "active_loop" and kept.get("loop") == PLAN_FORM:
            current.plan_started = True
    if current is not None:
        yield _finish(current, default_area)


def _finish(conversation: Conversation, default_area: str) -> Conversation:
    conversation.area = conversation.area or default_area
    if conversation.role not in ROLES:
        conversation.role = "not said"
    return conversation


@dataclass
class Summary:
    """The exact counts for one period and area (all areas when `area` is None)."""

    period: Period
    area: str | None
    conversations: int
    by_role: Counter[str]
    by_channel: Counter[str]
    topics: Counter[str]
    guidance: Counter[str]
    routes: Counter[str]
    routes_by_hour_day: Counter[tuple[str, int, int]]  # (route, weekday 0-6, hour)
    safety_by_tier: Counter[str]
    safety_by_rule: Counter[tuple[str, str]]  # (tier, rule)
    not_understood: int
    not_understood_after: Counter[str]
    plans_started: int
    plans_finished: int
    weekly: dict[date, Counter[str]]  # Monday -> conversations, safety net, 999

    @property
    def route_heat(self) -> Counter[tuple[int, int]]:
        heat: Counter[tuple[int, int]] = Counter()
        for (_route, day, hour), count in self.routes_by_hour_day.items():
            heat[(day, hour)] += count
        return heat


def summarise(conversations: list[Conversation], period: Period, area: str | None = None) -> Summary:
    chosen = [c for c in conversations if area is None or c.area == area]
    weekly: dict[date, Counter[str]] = {monday: Counter() for monday in period.weeks()}
    summary = Summary(
        period=period,
        area=area,
        conversations=len(chosen),
        by_role=Counter(c.role for c in chosen),
        by_channel=Counter(c.channel for c in chosen),
        topics=Counter(),
        guidance=Counter(),
        routes=Counter(),
        routes_by_hour_day=Counter(),
        safety_by_tier=Counter(),
        safety_by_rule=Counter(),
        not_understood=0,
        not_understood_after=Counter(),
        plans_started=sum(c.plan_started for c in chosen),
        plans_finished=sum(c.plan_finished for c in chosen),
        weekly=weekly,
    )
    for c in chosen:
        week = weekly.setdefault(c.started.date() - timedelta(days=c.started.weekday()), Counter())
        week["conversations"] += 1
        # Each is counted once per conversation: a topic asked twice is one person asking.
        summary.topics.update(set(c.topics))
        summary.guidance.update(set(c.guidance))
        for tier, rule in set(c.safety):
            summary.safety_by_rule[(tier, rule)] += 1
        for tier in {tier for tier, _ in c.safety}:
            summary.safety_by_tier[tier] += 1
        if c.safety:
            week["safety net"] += 1
        for route, moment in c.routes:
            summary.routes[route] += 1
            summary.routes_by_hour_day[(route, moment.weekday(), moment.hour)] += 1
        if any(route == "999" for route, _ in c.routes):
            week["999 given"] += 1
        summary.not_understood += len(c.not_understood_after)
        summary.not_understood_after.update(c.not_understood_after)
    return summary
