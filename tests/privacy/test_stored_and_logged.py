"""Both blind identifier corpora (about 600 messages written by people who never saw the redaction
code), sent to the trained bot over REST, one conversation each: what the stored database holds and
what the two servers' logs hold.

- The logs hold none of it: no identifier from any message, whether redaction catches it or not.
- The store holds nothing that redaction removes: the bot's own processing (Rasa's slot filling,
  parse data, metadata, form answers) never keeps a copy that slipped past it. What redaction itself
  still misses is measured, and held to a floor, by test_blind_redaction.py.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from bot.privacy import redact
from tests.privacy.scoring import load
from tools.serve import BotProcesses

ROUNDS = ("round1", "round2")


def corpus() -> list[dict[str, Any]]:
    return [item for name in ROUNDS for item in load(name)["identifiers"]]


def checkable(part: str) -> bool:
    """Parts too short or too common to search a log for ("12", "Sam" inside "Samaritans")."""
    return len(part) >= 4 and not part.isdigit() or len(re.sub(r"\D", "", part)) >= 6


def appears(part: str, text: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(part)}(?![A-Za-z0-9])", text) is not None


@pytest.fixture(scope="module")
def sent(bot: BotProcesses) -> list[tuple[str, dict[str, Any]]]:
    items = corpus()
    senders = [f"corpus-{uuid.uuid4().hex}" for _ in items]

    def send(pair: tuple[str, dict[str, Any]]) -> None:
        sender, item = pair
        assert bot.send(sender, item["text"], timeout=60), "no reply"

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(send, zip(senders, items, strict=True)))
    return list(zip(senders, items, strict=True))


def test_the_corpus_is_the_size_the_issue_asks(sent: list[tuple[str, dict[str, Any]]]) -> None:
    assert len(sent) >= 150


def test_the_logs_hold_no_identifier_from_any_message(
    bot: BotProcesses, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    assert bot.log_dir is not None
    logs = "".join(path.read_text(errors="replace") for path in bot.log_dir.glob("*.log"))
    assert "Loading model" in logs, "the logs are not the running bot's (nothing was checked)"
    leaked = [
        (part, item["text"])
        for _, item in sent
        for part in item["must_go"]
        if checkable(part) and appears(part, logs)
    ]
    assert not leaked, f"{len(leaked)} identifiers in the logs, e.g. {leaked[:5]}"


def test_the_store_holds_nothing_that_redaction_removes(
    bot: BotProcesses, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    stored: dict[str, str] = {}
    with sqlite3.connect(bot.config.tracker_db) as db:
        for sender, data in db.execute("SELECT sender_id, data FROM events WHERE sender_id LIKE 'corpus-%'"):
            # Stored JSON escapes quotes and non-ASCII; compare with the text as it was typed.
            event = json.loads(data)
            stored[sender] = stored.get(sender, "") + "\n" + json.dumps(event, ensure_ascii=False)
    assert len(stored) == len(sent), "some conversations were not stored at all"
    assert sum("[name]" in text for text in stored.values()) > 100, "the text is not stored redacted"
    kept_by_the_bot = []
    for sender, item in sent:
        caught = [part for part in item["must_go"] if part not in redact(item["text"])]
        kept_by_the_bot += [(part, item["text"]) for part in caught if appears(part, stored[sender])]
    assert not kept_by_the_bot, (
        f"{len(kept_by_the_bot)} identifiers redaction removes were stored anyway, e.g. {kept_by_the_bot[:5]}"
    )


def test_safety_checks_do_not_log_an_error_each(
    bot: BotProcesses, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    """The safety question's buttons carry a payload in braces, which Rasa took for a slot and logged
    at ERROR, with a traceback, every time it was asked: noise that hides real errors."""
    assert bot.log_dir is not None
    replies = bot.send(f"check-{uuid.uuid4().hex}", "something is wrong with my baby")
    payloads = [button["payload"] for reply in replies for button in reply.get("buttons", [])]
    assert (
        '/emergency{"safety_concern": "hurt"}' in payloads
        or '/emergency{"safety_concern": "unwell"}' in payloads
    )
    logs = "".join(path.read_text(errors="replace") for path in bot.log_dir.glob("*.log"))
    assert "interpolator" not in logs
