"""The chat widget in a real browser (Debian's chromium, driven by Playwright), against the trained bot.

The bot here is this module's own, because the last test stops it to see the widget's fallback.
"""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import start_bot
from tools.serve import BotProcesses

playwright_sync = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# As the machine notes say: without the background-networking flags Chromium keeps calling out.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
EXIT_PAGE = "https://www.bbc.co.uk/weather"
REPLY_WAIT_MS = 30_000


@pytest.fixture(scope="module")
def widget_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcesses]:
    running = start_bot(tmp_path_factory.mktemp("widget-bot"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: `make test` installs it (apt-get install chromium)")
    with playwright_sync.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE)
    # The quick exit opens a real outside page; offline, the test answers for it.
    context.route(
        "https://www.bbc.co.uk/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Weather</title>Weather"
        ),
    )
    opened = context.new_page()
    opened.dialogs = []
    opened.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    yield opened
    context.close()


def open_widget(page: Any, bot: BotProcesses, area: str | None = None) -> None:
    page.goto(bot.widget_page + (f"?area={area}" if area else ""))
    page.get_by_role("log", name="Conversation").wait_for()


def bot_bubbles(page: Any) -> Any:
    return page.locator(".sgw-msg-bot, .sgw-msg-notice")


def say(page: Any, text: str) -> str:
    """Type a message and press Enter; returns the text of the first new reply."""
    before = bot_bubbles(page).count()
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")
    bot_bubbles(page).nth(before).wait_for(timeout=REPLY_WAIT_MS)
    page.locator(".sgw-typing .sgw-dots").wait_for(state="detached", timeout=REPLY_WAIT_MS)
    return bot_bubbles(page).nth(before).inner_text()


def post(bot: BotProcesses, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        bot.widget_page + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_parent_talks_with_buttons_and_gets_icon_help(page: Any, widget_bot: BotProcesses) -> None:
    open_widget(page, widget_bot)
    assert page.get_by_role("link", name="999").first.get_attribute("href") == "tel:999"
    page.get_by_role("button", name="Parent or carer").click()
    bot_bubbles(page).nth(1).wait_for(timeout=REPLY_WAIT_MS)
    # The button's words are what the parent sees they said, not the payload.
    assert page.locator(".sgw-msg-user").last.inner_text().endswith("Parent or carer")
    before = bot_bubbles(page).count()
    page.get_by_role("button", name="Ways to soothe").last.click()
    bot_bubbles(page).nth(before).wait_for(timeout=REPLY_WAIT_MS)
    assert "skin to skin" in bot_bubbles(page).nth(before).inner_text()
    reply = say(page, "thanks. how long does this crying phase go on for")
    assert "week" in reply.lower()


def test_a_danger_message_gets_999_first_with_a_tel_link(page: Any, widget_bot: BotProcesses) -> None:
    open_widget(page, widget_bot)
    first = bot_bubbles(page).count()
    reply = say(page, "my baby has gone floppy and her lips are blue")
    assert "999" in reply
    assert bot_bubbles(page).nth(first).locator('a[href="tel:999"]').count() >= 1


def test_markup_typed_by_a_user_stays_text(page: Any, widget_bot: BotProcesses) -> None:
    open_widget(page, widget_bot)
    say(page, "<img src=x onerror=alert(1)>")
    assert page.locator(".sgw-root img").count() == 0
    assert "<img src=x onerror=alert(1)>" in page.locator(".sgw-msg-user").last.inner_text()
    assert page.dialogs == []


def test_only_the_sources_sites_become_links(page: Any, widget_bot: BotProcesses) -> None:
    open_widget(page, widget_bot)
    # A reply kept in this tab, as the widget keeps them, with one allowed and one unknown address.
    page.evaluate(
        """text => {
            const key = Object.keys(sessionStorage)[0];
            const chat = JSON.parse(sessionStorage.getItem(key));
            chat.messages.push({from: "bot", text: text});
            sessionStorage.setItem(key, JSON.stringify(chat));
        }""",
        "See iconcope.org or https://evil.example.com/x, or call 0345 155 1071.",
    )
    page.reload()
    bubble = page.locator(".sgw-msg-bot").last
    bubble.wait_for()
    hrefs = bubble.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["https://iconcope.org", "tel:03451551071"]
    assert "https://evil.example.com/x" in bubble.inner_text()


def test_a_slow_bot_shows_typing_then_the_built_in_help(page: Any, widget_bot: BotProcesses) -> None:
    open_widget(page, widget_bot, area="east_sussex")
    # The bot never answers: the request is held and never let through.
    page.route("**/webhooks/webchat/webhook", lambda route: None)
    page.get_by_label("Your message").fill("hello?")
    page.get_by_label("Your message").press("Enter")
    page.locator(".sgw-typing .sgw-dots").wait_for(timeout=3_000)
    notice = page.locator(".sgw-msg-notice").last
    notice.wait_for(timeout=12_000)
    text = notice.inner_text()
    assert "999" in text and "111" in text and "01323 464222" in text and "01273 335905" in text


def test_quick_exit_with_the_button_replaces_the_page_and_clears_the_chat(
    page: Any, widget_bot: BotProcesses
) -> None:
    page.goto("about:blank")
    open_widget(page, widget_bot)
    say(page, "how long does the crying last")
    assert page.evaluate("window.sessionStorage.length") > 0
    page.get_by_role("button", name="Leave this site").first.click()
    page.wait_for_url(EXIT_PAGE + "*")
    page.go_back()
    assert "webchat" not in page.url  # Back does not return to the chat
    open_widget(page, widget_bot)
    # Nothing of the conversation is left: no messages, no conversation id to carry on with.
    kept = page.evaluate("Object.keys(sessionStorage).map(k => JSON.parse(sessionStorage.getItem(k)))")
    assert all(not chat["session"] and chat["messages"] == [] for chat in kept)
    assert page.locator(".sgw-msg-user").count() == 0


def test_escape_twice_leaves_quickly(page: Any, widget_bot: BotProcesses) -> None:
    open_widget(page, widget_bot)
    say(page, "hi")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_PAGE + "*")


def test_the_chat_is_kept_only_in_the_tab(page: Any, widget_bot: BotProcesses) -> None:
    open_widget(page, widget_bot)
    say(page, "hello")
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("window.localStorage.length") == 0
    page.reload()
    page.get_by_role("log", name="Conversation").wait_for()
    assert page.locator(".sgw-msg-user").first.inner_text().endswith("hello")
    assert "only in this browser tab" in page.locator("#sgw-privacy").inner_text()


def test_keyboard_only(page: Any, widget_bot: BotProcesses) -> None:
    open_widget(page, widget_bot)
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent || document.activeElement.id"))
        if page.evaluate("document.activeElement.id") == "sgw-input":
            break
    assert "999" in reached and "Leave this site" in reached and "sgw-input" in reached
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    page.keyboard.type("what is ICON")
    page.keyboard.press("Enter")
    bot_bubbles(page).nth(1).wait_for(timeout=REPLY_WAIT_MS)
    page.locator(".sgw-typing .sgw-dots").wait_for(state="detached", timeout=REPLY_WAIT_MS)
    # The reply's buttons are reached with Tab and pressed with Enter.
    count = bot_bubbles(page).count()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.sgw-buttons') !== null"):
            break
    assert page.evaluate("document.activeElement.closest('.sgw-buttons') !== null")
    page.keyboard.press("Enter")
    bot_bubbles(page).nth(count).wait_for(timeout=REPLY_WAIT_MS)


def test_small_screens_targets_and_reduced_motion(browser: Any, widget_bot: BotProcesses) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640}, reduced_motion="reduce")
    page = context.new_page()
    try:
        open_widget(page, widget_bot)
        say(page, "why do babies cry")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        for box in page.locator(".sgw-root button").evaluate_all(
            "nodes => nodes.filter(n => n.offsetParent).map(n => n.getBoundingClientRect().toJSON())"
        ):
            assert box["width"] >= 24 and box["height"] >= 24
        page.get_by_label("Your message").fill("are you there")
        page.get_by_label("Your message").press("Enter")
        animation = page.evaluate(
            "(() => { const d = document.querySelector('.sgw-dots'); "
            "return d ? getComputedStyle(d, '::after').animationName : 'none'; })()"
        )
        assert animation == "none"
    finally:
        context.close()


def wcag_22_aa_violations(page: Any) -> list[tuple[str, list]]:
    """axe-core's WCAG 2.2 AA violations on the page now: (rule, the first three elements)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


@pytest.mark.parametrize("width", [390, 1280])
def test_no_wcag_22_aa_violations(browser: Any, widget_bot: BotProcesses, width: int) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci in tests/web)")
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    try:
        open_widget(page, widget_bot)
        say(page, "is it normal for a 6 week old to cry for hours")
        assert wcag_22_aa_violations(page) == []
    finally:
        context.close()


def test_the_embed_area_gives_that_areas_numbers(page: Any, widget_bot: BotProcesses) -> None:
    open_widget(page, widget_bot, area="east_sussex")
    say(page, "I'm a health visitor")
    say(page, "what's the phone number for the front door")
    replies = " ".join(bot_bubbles(page).all_inner_texts())
    assert "01323 464222" in replies
    assert "0345 155 1071" not in replies


def test_a_forged_or_missing_conversation_id_is_refused(widget_bot: BotProcesses) -> None:
    status, minted = post(widget_bot, "session", {})
    assert status == 200
    token, signature = minted["session"].split(".")
    for forged in (f"{token}.{'0' * len(signature)}", "webchat-someone-else", "", None):
        status, body = post(widget_bot, "webhook", {"session": forged, "message": "hello"})
        assert status == 403 and body["replies"] == []
    status, body = post(widget_bot, "webhook", {"session": minted["session"], "message": "hello"})
    assert status == 200 and body["replies"]


def test_too_long_and_too_fast_get_clear_answers_with_999(widget_bot: BotProcesses) -> None:
    _, minted = post(widget_bot, "session", {})
    status, body = post(widget_bot, "webhook", {"session": minted["session"], "message": "a" * 1001})
    assert status == 413
    assert "shorter parts" in body["replies"][0]["text"] and "999" in body["replies"][0]["text"]
    statuses = [
        post(widget_bot, "webhook", {"session": minted["session"], "message": "ok"})[0] for _ in range(16)
    ]
    assert statuses[:15] == [200] * 15
    status, body = post(widget_bot, "webhook", {"session": minted["session"], "message": "ok"})
    assert status == 429 and "999" in body["replies"][0]["text"]


def test_with_the_bot_stopped_the_widget_gives_999_111_and_the_areas_numbers(
    page: Any, widget_bot: BotProcesses
) -> None:
    # Runs last in this module: it stops the module's bot.
    open_widget(page, widget_bot, area="dudley")
    widget_bot.stop()
    reply = say(page, "is anyone there")
    assert "999" in reply and "111" in reply
    assert "0300 555 0050" in reply and "0300 555 8574" in reply
    assert page.locator(".sgw-msg-notice").last.locator('a[href="tel:999"]').count() == 1
