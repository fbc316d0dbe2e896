"""The summary as tables of shown values: small numbers suppressed, every number rounded.

Every count from 1 to 4 is shown as "<5", and every other number (totals too) is rounded to the
nearest 5, so no single conversation can be picked out: not from one table, not by subtracting a
table's cells from its total, and not by comparing two periods or two areas (each shown number is
only known to within 2 either way). A zero is shown as 0: it says nobody, so it picks nobody out.
The page, the CSV and `make insights` all show these tables and nothing else.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import yaml

from bot.insights.counts import DAYS, ROLES, ROUTE_NAMES, TIERS, Summary

SMALL = 5
ROUND_TO = 5
WEEKLY_COLUMNS = ("conversations", "safety net", "999 given")
SUPPRESSED = f"<{SMALL}"
GUIDANCE_DIR = Path(__file__).resolve().parents[2] / "data" / "guidance"


def shown(count: int) -> str:
    if count == 0:
        return "0"
    if count < SMALL:
        return SUPPRESSED
    return str(ROUND_TO * round(count / ROUND_TO))


@dataclass
class Table:
    """A titled table: `rows` of (label, shown values...), with the column names in `columns`."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""


@cache
def guidance_titles() -> dict[str, str]:
    titles = {}
    for path in sorted(GUIDANCE_DIR.glob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if "intent" in content and "title" in content:
            titles[content["intent"]] = content["title"]
    return titles


def label(name: str) -> str:
    """A readable name for an intent, a reply or a rule: "ask_walk_away" is "walk away"."""
    if name in guidance_titles():
        return guidance_titles()[name]
    for prefix in ("utter_", "ask_", "guidance_", "i_am_"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name.replace("_", " ")


def _counted(title: str, key: str, counts: Counter, first: str, total: bool, note: str = "") -> Table:
    """A two-column table of counts, largest first, with its total as the last row if `total`."""
    ordered = dict(sorted(counts.items(), key=lambda item: (-item[1], str(item[0]))))
    rows = [[label(str(name)), shown(count)] for name, count in ordered.items()]
    if total:
        rows.append(["Total", shown(sum(counts.values()))])
    return Table(key, title, [first, "Count"], rows, note)


def tables(summary: Summary) -> list[Table]:
    roles = Counter({role: summary.by_role.get(role, 0) for role in ROLES})
    tiers = Counter({tier: summary.safety_by_tier.get(tier, 0) for tier in TIERS})
    routes = Counter({route: summary.routes.get(route, 0) for route in ROUTE_NAMES})
    rules = Counter(
        {f"{label(tier)}: {label(rule)}": n for (tier, rule), n in summary.safety_by_rule.items()}
    )
    weeks = sorted(summary.weekly)
    period = summary.period

    def week_name(monday: date) -> str:
        first, last = max(monday, period.start), min(monday + timedelta(days=6), period.end)
        partial = "*" if (first, last) != (monday, monday + timedelta(days=6)) else ""
        return f"{first:%d %b}{partial}" if first == last else f"{first:%d %b}-{last:%d %b}{partial}"

    weekly = [[week_name(m), *(shown(summary.weekly[m].get(k, 0)) for k in WEEKLY_COLUMNS)] for m in weeks]
    heat = summary.route_heat
    hours = [[f"{hour:02d}:00", *(shown(heat.get((day, hour), 0)) for day in range(7))] for hour in range(24)]
    plans = Counter({"started": summary.plans_started, "finished": summary.plans_finished})
    return [
        _counted("Conversations by who was asking", "roles", roles, "Who", total=True),
        _counted("Conversations by channel", "channels", summary.by_channel, "Channel", total=True),
        Table(
            "weekly",
            "Each week",
            ["Week", "Conversations", "Safety net fired", "999 given"],
            weekly,
            note="* part of a week: the period starts or ends inside it.",
        ),
        _counted(
            "Topics asked",
            "topics",
            summary.topics,
            "Topic",
            total=False,
            note="Conversations that asked each topic at least once (a conversation may ask several).",
        ),
        _counted("Guidance given to professionals", "guidance", summary.guidance, "Topic", total=False),
        _counted("Routes given", "routes", routes, "Route", total=True, note="Each time a route was given."),
        Table(
            "route_hours",
            "Routes given, by hour of day and day of week (UK time)",
            ["Hour", *DAYS],
            hours,
        ),
        _counted(
            "Safety net replies, by tier",
            "safety_tiers",
            tiers,
            "Tier",
            total=False,
            note="Conversations where the safety net answered at that tier at least once.",
        ),
        _counted("Safety net replies, by tier and rule", "safety_rules", rules, "Tier: rule", total=False),
        _counted(
            'Where people got the "didn\'t understand" reply',
            "not_understood",
            Counter({f"after {label(k)}": v for k, v in summary.not_understood_after.items()}),
            "Point in the conversation",
            total=True,
            note="By the assistant's reply just before it.",
        ),
        _counted("Coping plans", "plans", plans, "Coping plans", total=False),
    ]
