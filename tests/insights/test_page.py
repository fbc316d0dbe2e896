"""The insights page served by the bot: behind its token, the made-up month's counts and charts,
accessible, and never a word anyone typed (in the page, the CSV or the bot's logs)."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.channels.insights import COOKIE_SECONDS, WRONG_TRIES, InsightsPage
from bot.insights.counts import Period, engine_for, read_conversations, summarise
from bot.insights.tables import shown
from tests.conftest import start_bot
from tools.serve import BotProcesses
from tools.synthetic_conversations import IDENTIFIERS, plans, write

TOKEN = "insights-test-token-4b1d"
MONTH = "from=2026-11-01&to=2026-11-30"
COUNT = 200


@pytest.fixture(scope="module")
def insights_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcesses]:
    folder = tmp_path_factory.mktemp("insights-bot")
    write(folder / "tracker.db", plans(date(2026, 11, 1), COUNT))
    # The made-up month is older than the default retention, which the launcher applies at start.
    running = start_bot(folder, env={"INSIGHTS_TOKEN": TOKEN, "RETENTION_DAYS": "3650"})
    yield running
    running.stop()


def get(bot: BotProcesses, path: str, headers: dict[str, str] | None = None) -> tuple[int, str, Any]:
    request = urllib.request.Request(f"http://localhost:{bot.rasa_port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read().decode("utf-8"), answer.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8"), error.headers


BEARER = {"Authorization": f"Bearer {TOKEN}"}


def test_the_page_is_off_without_a_token_set(bot: BotProcesses) -> None:
    status, body, _ = get(bot, "/insights/", BEARER)
    assert status == 404 and "INSIGHTS_TOKEN" in body


def test_the_token_is_required_for_the_page_and_the_csv(insights_bot: BotProcesses) -> None:
    for path in (f"/insights/?{MONTH}", f"/insights/export.csv?{MONTH}"):
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            status, body, answer_headers = get(insights_bot, path, headers)
            assert status == 401, (path, headers)
            assert "Bearer" in answer_headers["WWW-Authenticate"] and "Conversations" not in body
        assert get(insights_bot, path, BEARER)[0] == 200


def test_the_page_shows_the_month_counted_and_charted(insights_bot: BotProcesses, tmp_path: Path) -> None:
    status, page, headers = get(insights_bot, f"/insights/?{MONTH}", BEARER)
    assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
    assert f"<strong>{COUNT}</strong>Conversations" in page
    expected = summarise(
        read_conversations(
            engine_for(str(insights_bot.config.tracker_db)),
            Period(date(2026, 11, 1), date(2026, 11, 30)),
            "devon",
        ),
        Period(date(2026, 11, 1), date(2026, 11, 30)),
    )
    assert expected.conversations == COUNT
    routes = f'<th scope="row">daytime line</th><td>{shown(expected.routes["daytime line"])}</td>'
    assert expected.routes["daytime line"] >= 5 and routes in page
    assert page.count('role="img"') == 5 and "<script" not in page
    status, csv_text, headers = get(insights_bot, f"/insights/export.csv?{MONTH}&area=devon", BEARER)
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert "period,area,,devon" in csv_text and "attachment" in headers["Content-Disposition"]


def test_wrong_tokens_lock_out_only_the_address_that_sent_them() -> None:
    insights = InsightsPage(token=TOKEN)
    for _ in range(WRONG_TRIES):
        assert not insights.token_ok("guess", "203.0.113.9")
    assert insights.too_many_wrong("203.0.113.9")
    assert not insights.too_many_wrong("198.51.100.7") and insights.token_ok(TOKEN, "198.51.100.7")


def test_the_sign_in_cookie_is_refused_after_8_hours_or_when_forged() -> None:
    insights = InsightsPage(token=TOKEN)
    issued = 1_790_000_000
    cookie = insights.session_value(issued)
    assert TOKEN not in cookie
    assert insights.session_ok(cookie, now=issued + 60)
    assert not insights.session_ok(cookie, now=issued + COOKIE_SECONDS + 1)
    assert not insights.session_ok(f"{issued + 3600}.{cookie.split('.')[1]}", now=issued + 3700)
    assert not insights.session_ok(InsightsPage(token="another").session_value(issued), now=issued + 60)
    assert not insights.session_ok("", now=issued) and not insights.session_ok("x.y", now=issued)


def test_bad_filters_get_a_clear_answer(insights_bot: BotProcesses) -> None:
    for query, said in (
        ("from=01/11/2026", "year-month-day"),
        ("from=2026-11-30&to=2026-11-01", "before its start"),
        ("area=narnia", "not one this assistant holds"),
        ("from=2020-01-01&to=2026-11-30", "up to 400 days"),
    ):
        status, body, _ = get(insights_bot, f"/insights/?{query}", BEARER)
        assert status == 400 and said in body, query


def test_no_word_anyone_typed_reaches_the_page_the_csv_or_the_logs(insights_bot: BotProcesses) -> None:
    answers = [get(insights_bot, f"/insights/?{MONTH}", BEARER)[1]]
    answers.append(get(insights_bot, f"/insights/export.csv?{MONTH}", BEARER)[1])
    for area in ("devon", "dudley", "east_sussex"):
        answers.append(get(insights_bot, f"/insights/?{MONTH}&area={area}", BEARER)[1])
    assert insights_bot.log_dir is not None
    logs = [path.read_text(encoding="utf-8", errors="replace") for path in insights_bot.log_dir.glob("*.log")]
    assert any("Starting Rasa server" in log for log in logs)  # the bot's real log was read
    for text in answers + logs:
        assert "made-up" not in text.lower()
        for identifier in IDENTIFIERS:
            assert identifier not in text
        assert "Pollard" not in text and "943 476 5919" not in text and "Marlpit" not in text


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright_sync = pytest.importorskip("playwright.sync_api")
    from tests.web.test_widget import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: `make test` installs it (apt-get install chromium)")
    with playwright_sync.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_lead_signs_in_in_a_browser_and_the_page_passes_axe(
    browser: Any, insights_bot: BotProcesses, width: int
) -> None:
    from tests.web.test_widget import AXE, wcag_22_aa_violations

    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci in tests/web)")
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        base = f"http://localhost:{insights_bot.rasa_port}/insights/"
        page.goto(f"{base}?{MONTH}")
        page.get_by_label("Insights token").fill("not the token")
        page.get_by_role("button", name="Sign in").click()
        assert "not right" in page.inner_text("main")
        page.get_by_label("Insights token").fill(TOKEN)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}?{MONTH}")
        assert page.get_by_role("heading", name="What people asked the safeguarding assistant").is_visible()
        page.get_by_label("Area").select_option("dudley")
        page.get_by_role("button", name="Show").click()
        assert "area=dudley" in page.url and "Dudley, 01 November 2026" in page.inner_text("header")
        assert page.get_by_role("img", name="Conversations and 999 given, each week").is_visible()
        assert wcag_22_aa_violations(page) == []
        with page.expect_download() as download:
            page.get_by_role("link", name="Download these tables as CSV").click()
        assert download.value.suggested_filename == "insights-dudley-2026-11-01-2026-11-30.csv"
    finally:
        context.close()
