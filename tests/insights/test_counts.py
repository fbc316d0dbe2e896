"""The insights counts on a made-up month: right, suppressed, and free of anything anyone typed."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from actions.areas import UK_TIME
from bot.insights.counts import (
    NOT_UNDERSTOOD,
    ROUTES,
    Period,
    Summary,
    engine_for,
    read_conversations,
    summarise,
)
from bot.insights.page import render_csv, render_page, render_text
from bot.insights.tables import SUPPRESSED, shown, tables
from bot.settings import ROOT
from tools.synthetic_conversations import IDENTIFIERS, Plan, Turn, plans, write

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
COUNT = 300
AREAS = {"devon": "Devon", "dudley": "Dudley", "east_sussex": "East Sussex"}


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Plan]]:
    made_up = plans(NOVEMBER.start, COUNT)
    path = tmp_path_factory.mktemp("insights") / "tracker.db"
    write(path, made_up)
    return path, made_up


def summary_of(month: tuple[Path, list[Plan]], area: str | None = None) -> Summary:
    path, _ = month
    return summarise(read_conversations(engine_for(str(path)), NOVEMBER, "devon"), NOVEMBER, area)


def test_counts_match_what_the_conversations_were(month: tuple[Path, list[Plan]]) -> None:
    _, made_up = month
    summary = summary_of(month)
    assert summary.conversations == COUNT
    roles = Counter(p.role if any("role" in t.slots for t in p.turns) else "not said" for p in made_up)
    assert summary.by_role == roles
    replies = Counter(t.reply for p in made_up for t in p.turns)
    assert summary.routes["999"] == replies["utter_emergency"] + replies["utter_emergency_professional"]
    assert summary.routes["online form"] == replies["utter_route_form"]
    assert (
        summary.routes["daytime line"]
        == replies["utter_concerned_phone_open"] + replies["utter_contacts_open"]
    )
    assert summary.not_understood == replies["utter_default"]
    assert summary.plans_started == sum(any(t.loop == "start" for t in p.turns) for p in made_up)
    assert summary.plans_finished == replies["utter_coping_plan_summary"]
    assert 0 < summary.plans_finished < summary.plans_started
    tiers = Counter(t.intent for p in made_up for t in p.turns if t.rule)
    assert summary.safety_by_tier == tiers
    assert summary.topics["guidance_injury_non_mobile"] == sum(
        any(t.intent == "guidance_injury_non_mobile" for t in p.turns) for p in made_up
    )


def test_an_area_counts_only_its_own_conversations(month: tuple[Path, list[Plan]]) -> None:
    _, made_up = month
    # A conversation that never named an area is the default partnership's (Devon here).
    for area in AREAS:
        expected = sum((p.area or "devon") == area for p in made_up)
        assert summary_of(month, area).conversations == expected
    assert sum(summary_of(month, area).conversations for area in AREAS) == COUNT


@pytest.mark.parametrize("month", ["2026-07", "2026-11"])  # British Summer Time, then GMT
def test_routes_are_placed_at_the_uk_hour_they_were_given(month: str, tmp_path: Path) -> None:
    first = date.fromisoformat(month + "-01")
    period = Period(first, date(first.year, first.month, 30))
    write(tmp_path / "tracker.db", plans(first, 150))
    summary = summarise(read_conversations(engine_for(str(tmp_path / "tracker.db")), period, "devon"), period)
    assert sum(summary.route_heat.values()) == sum(summary.routes.values())
    # The made-up professionals got the daytime line only on weekdays 09:00-17:00, UK time.
    daytime = {(day, hour) for (route, day, hour) in summary.routes_by_hour_day if route == "daytime line"}
    assert daytime and all(day < 5 and 9 <= hour < 17 for day, hour in daytime)
    assert any(hour == 9 for _, hour in daytime)  # an hour early (UTC in summer) would fail here
    out_of_hours = {(d, h) for (route, d, h) in summary.routes_by_hour_day if route == "out-of-hours line"}
    assert all(day >= 5 or not 9 <= hour < 17 for day, hour in out_of_hours)


def test_a_conversation_across_midnight_counts_once_in_the_period_it_began(tmp_path: Path) -> None:
    turns = [Turn("i_am_professional", "utter_professional_intro", slots={"role": "professional"})]
    turns += [Turn("ask_contacts", "utter_contacts_closed") for _ in range(4)]
    late = datetime(2026, 11, 30, 23, 58, tzinfo=UK_TIME)
    write(tmp_path / "tracker.db", [Plan("late", "professional", "dudley", "slack", late, turns)])
    engine = engine_for(str(tmp_path / "tracker.db"))
    november = read_conversations(engine, NOVEMBER, "devon")
    december = Period(date(2026, 12, 1), date(2026, 12, 31))
    assert [(c.role, c.area, len(c.routes)) for c in november] == [("professional", "dudley", 4)]
    assert read_conversations(engine, december, "devon") == []


def test_the_replies_counted_are_the_bots_own() -> None:
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    assert set(ROUTES) | NOT_UNDERSTOOD <= set(responses)
    # Every reply that starts "Call 999 now" (the emergency replies) counts as the 999 route, but the
    # safety question ("Call 999 now if ... Is your baby breathing normally?"), a tier of its own.
    starts = [
        name
        for name, variations in responses.items()
        if any(str(v.get("text", "")).lstrip("📞 ").startswith("Call 999 now") for v in variations)
    ]
    starts.remove("utter_safety_check")
    assert starts and all(ROUTES.get(name) == "999" for name in starts), starts


def test_every_number_shown_is_rounded_and_small_ones_suppressed(month: tuple[Path, list[Plan]]) -> None:
    assert [shown(n) for n in (0, 1, 4, 5, 7, 8, 12, 13, 598)] == [
        "0",
        "<5",
        "<5",
        "5",
        "5",
        "10",
        "10",
        "15",
        "600",
    ]
    for area in (None, *AREAS):
        for table in tables(summary_of(month, area)):
            for row in table.rows:
                for value in row[1:]:
                    assert value in ("0", SUPPRESSED) or int(value) % 5 == 0, (table.title, row)
    # The made-up month has rules that fired fewer than 5 times: they show as <5.
    rules = next(t for t in tables(summary_of(month)) if t.key == "safety_rules")
    assert any(row[1] == SUPPRESSED for row in rules.rows)


def test_nothing_anyone_typed_reaches_the_page_the_csv_or_the_summary(month: tuple[Path, list[Plan]]) -> None:
    summary = summary_of(month)
    outputs = [
        render_page(summary, AREAS, "from=2026-11-01"),
        render_csv(summary),
        render_text(summary, AREAS),
    ]
    for output in outputs:
        assert "made-up" not in output.lower()
        for identifier in IDENTIFIERS:
            for part in identifier.split(" "):
                if len(part) > 4 and not part.isalpha():
                    assert part not in output
            assert identifier not in output
        assert "Pollard" not in output and "Ozymandias" not in output and "943 476" not in output


def test_the_page_has_its_three_charts_each_with_words_and_a_table(month: tuple[Path, list[Plan]]) -> None:
    page = render_page(summary_of(month), AREAS, "")
    assert page.count('role="img"') >= 3
    for title in ("Conversations and 999 given, each week", "by hour of day and day of week", "Topics asked"):
        assert title in page
    assert page.count("<table>") == len(tables(summary_of(month)))
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def test_make_insights_prints_the_summary_and_writes_the_csv(
    month: tuple[Path, list[Plan]], tmp_path: Path
) -> None:
    path, _ = month
    out = tmp_path / "month.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.insights",
            "--db",
            str(path),
            "--month",
            "2026-11",
            "--area",
            "dudley",
            "--csv",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Insights: Dudley, 2026-11-01 to 2026-11-30" in done.stdout
    assert "Conversations by who was asking" in done.stdout and "Routes given" in done.stdout
    csv_text = out.read_text(encoding="utf-8")
    assert csv_text.startswith("table,row,column,value") and "period,area,,dudley" in csv_text
    for text in (done.stdout, done.stderr, csv_text):
        assert "made-up" not in text and "Pollard" not in text


def test_bad_input_to_make_insights_gets_a_clear_answer(tmp_path: Path) -> None:
    for args, said in (
        (["--db", str(tmp_path / "none.db")], "There is no conversation store"),
        (["--from", "1st Nov"], "year-month-day"),
        (["--area", "narnia"], "--area must be one of"),
        (["--from", "2026-11-10", "--to", "2026-11-01"], "--to is before --from"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "tools.insights", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode != 0 and said in done.stderr, (args, done.stderr)
