"""The REST channel with bad input: every kind gets a clear 4xx or a normal reply, never a 5xx or a
hang, and what a client sends beyond the message is not stored unasked."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid

import pytest

from tests.channels.platforms import post
from tools.serve import BotProcesses


def send(bot: BotProcesses, body: bytes) -> tuple[int, list[dict]]:
    status, _, reply = post(bot.webhook, body, {"Content-Type": "application/json"})
    return status, json.loads(reply)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "empty body"),
        (b"not json", "not JSON"),
        (b'["a", "list"]', "a JSON list"),
        (b'{"message": "hello"}', "no sender"),
        (b'{"sender": "has spaces in it", "message": "hello"}', "a sender that is not an id"),
        (b'{"sender": "' + b"x" * 200 + b'", "message": "hello"}', "a sender 200 characters long"),
        (b'{"sender": "me-1", "message": 42}', "a message that is not text"),
        (b'{"sender": "me-1", "message": "   "}', "a message of spaces"),
        (b'{"sender": "me-1"}', "no message"),
        (b"[" * 100_000, "JSON nested 100,000 deep"),
    ],
)
def test_bad_requests_get_a_clear_4xx_that_still_names_999(bot: BotProcesses, body: bytes, why: str) -> None:
    status, replies = send(bot, body)
    assert status == 400, why
    assert "999" in replies[0]["text"]


def test_a_huge_message_is_answered_from_its_start_without_holding_the_server(bot: BotProcesses) -> None:
    text = "my baby is not breathing and has gone blue. " + "please help " * 20_000
    started = time.monotonic()
    status, replies = send(bot, json.dumps({"sender": f"huge-{uuid.uuid4().hex}", "message": text}).encode())
    assert status == 200
    assert "Call 999 now" in replies[0]["text"]
    assert time.monotonic() - started < 20


def test_metadata_beyond_the_allow_list_is_not_stored(bot: BotProcesses) -> None:
    sender = f"meta-{uuid.uuid4().hex}"
    body = {"sender": sender, "message": "hello", "metadata": {"area": "dudley", "junk": "J" * 100_000}}
    status, replies = send(bot, json.dumps(body).encode())
    assert status == 200 and replies
    with sqlite3.connect(bot.config.tracker_db) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)).fetchall()
    stored = " ".join(data for (data,) in rows)
    assert rows and "JJJJ" not in stored and "junk" not in stored


def test_a_conversation_sending_too_fast_is_told_to_wait() -> None:
    """The REST channel's limit, per conversation (checked here without the clock of a busy machine)."""
    from bot.channels.rest import RestChannel

    channel = RestChannel(rate_limit=3)
    assert channel.limiter is not None
    assert [channel.limiter.allow("a", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert channel.limiter.allow("b", now=3) and channel.limiter.allow("a", now=61)
    assert RestChannel(rate_limit=0).limiter is None


@pytest.mark.parametrize("sender", ["webchat-abc123", "slack-0f3a", "TEAMS-xyz"])
def test_a_rest_client_cannot_reach_another_channels_conversation(bot: BotProcesses, sender: str) -> None:
    status, replies = send(bot, json.dumps({"sender": sender, "message": "what did I say before"}).encode())
    assert status == 403
    assert "another channel" in replies[0]["text"] and "999" in replies[0]["text"]


def test_with_a_rest_token_set_only_requests_carrying_it_are_taken() -> None:
    from bot.channels.rest import RestChannel

    open_channel = RestChannel()
    assert open_channel.authorised({})
    guarded = RestChannel(token="s3cret-token")
    assert guarded.authorised({"authorization": "Bearer s3cret-token"})
    assert guarded.authorised({"authorization": "bearer  s3cret-token"})
    for headers in (
        {},
        {"authorization": "Bearer wrong"},
        {"authorization": "s3cret-token"},
        {"authorization": "Basic s3cret-token"},
        {"authorization": "Bearer \udcff"},
    ):
        assert not guarded.authorised(headers), headers
