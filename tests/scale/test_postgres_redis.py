"""Two Rasa processes on one PostgreSQL store and one Redis lock store, sharing one action server.

One conversation's messages alternate between the two processes, two of them sent at the same
moment: what one process learnt (the area) the other uses, every message is stored once and in
order with its turn whole, identifiers are redacted, and retention deletes the conversation.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text  # type: ignore[import-untyped]

from bot.settings import settings
from tests.conftest import free_port
from tests.scale.services import postgres, redis_server
from tools.purge import purge
from tools.serve import BotProcesses

DUDLEY = ("0300 555 0050", "0300 555 8574")
DEVON = "0345 155 1071"


@pytest.fixture(scope="module")
def two_bots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[BotProcesses, BotProcesses, str]]:
    folder = tmp_path_factory.mktemp("scale")
    with postgres(folder / "postgres") as url, redis_server() as redis_port:
        config = settings()
        if not config.model.exists():
            pytest.fail(f"{config.model} is missing: run `make train` (make test does) before these tests")
        scale_out = {
            **config.scale_out,
            "TRACKER_URL": url,
            "LOCK_STORE": "redis",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(redis_port),
        }
        first_config = config.replace(
            rasa_port=free_port(),
            action_port=free_port(),
            tracker_db=folder / "unused.db",
            scale_out=scale_out,
        )
        # Both Rasa processes call the first one's action server, with its token.
        shared = {"ACTION_TOKEN": secrets.token_hex(16)}
        first = BotProcesses(first_config, log_dir=folder / "first", extra_env=shared)
        second = BotProcesses(
            first_config.replace(rasa_port=free_port(), action_server_url=first_config.action_server_url),
            log_dir=folder / "second",
            extra_env=shared,
            with_actions=False,
        )
        first.start()
        try:
            second.start()
            try:
                yield first, second, url
            finally:
                second.stop()
        finally:
            first.stop()


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def stored(url: str, sender: str) -> list[tuple[str, dict]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
            )
            return [(kind, json.loads(data)) for kind, data in rows]
    finally:
        engine.dispose()


def test_one_conversation_across_two_processes(two_bots: tuple[BotProcesses, BotProcesses, str]) -> None:
    first, second, url = two_bots
    sender = f"scale-{uuid.uuid4().hex}"
    said = []

    def say(bot: BotProcesses, message: str) -> str:
        said.append(message)
        return texts(bot.send(sender, message))

    assert say(first, "hi")
    say(second, "I'm a health visitor in Dudley")
    # The area was set by the other process: this one reads it from the shared store.
    number = say(first, "what number do I ring to make a referral?")
    assert any(line in number for line in DUDLEY) and DEVON not in number
    say(second, "the baby is Jo Bloggs, NHS number 943 476 5919, I'm worried about a bruise on her ear")

    # Two messages at the same moment, one to each process, four times: the lock store must take
    # each pair in turn (Rasa's own Redis lock store lost one of a pair in about one run in three).
    rounds = [
        ("what are the out of hours numbers", "thanks"),
        ("ok", "and what are the daytime hours?"),
        ("thank you", "ok thanks"),
        ("cheers", "got it"),
    ]
    answers: dict[str, str] = {}

    def send(bot: BotProcesses, message: str, barrier: threading.Barrier) -> None:
        barrier.wait()
        answers[message] = texts(bot.send(sender, message, timeout=60))

    for pair in rounds:
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=send, args=(bot, m, barrier))
            for bot, m in zip((first, second), pair, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        said += list(pair)
    assert DUDLEY[1] in answers[rounds[0][0]] and all(answers.get(m) for pair in rounds for m in pair)

    danger = say(second, "she's gone floppy and isn't breathing properly")
    assert danger.startswith("📞 Call 999 now") or "Call 999 now" in danger.split("\n")[0]

    events = stored(url, sender)
    users = [data for kind, data in events if kind == "user"]
    # Every message stored once: as many as were sent, none twice.
    assert len(users) == len(said), [u["text"] for u in users]
    stamps = [data["timestamp"] for _, data in events]
    assert len(set(map(json.dumps, (data for _, data in events)))) == len(events)
    # In order: the sequential messages as sent (the two at once in either order), timestamps rising.
    order = [u["text"] for u in users]
    assert order[:3] == said[:3] and "[NHS number]" in order[3]
    for turn, at_once in enumerate(rounds):
        assert set(order[4 + 2 * turn : 6 + 2 * turn]) == set(at_once)
    assert order[-1] == said[-1]
    assert stamps == sorted(stamps)
    # Each turn whole: every message's replies are stored before the next message (never interleaved).
    for index, (kind, _) in enumerate(events):
        if kind == "user" and index:
            before = [(k, data) for k, data in events[:index] if k in ("action", "user")]
            assert before[-1][0] == "action" and before[-1][1]["name"] == "action_listen", index
    # Identifiers redacted before they were stored.
    everything = json.dumps([data for _, data in events])
    assert "943 476 5919" not in everything and "Bloggs" not in everything and "[NHS number]" in everything


def test_retention_deletes_from_postgresql(two_bots: tuple[BotProcesses, BotProcesses, str]) -> None:
    first, second, url = two_bots
    sender = f"scale-old-{uuid.uuid4().hex}"
    first.send(sender, "hello")
    second.send(sender, "is it normal for a newborn to cry a lot")
    assert stored(url, sender)
    # A month later, nobody having written, the conversation goes; a recent one stays.
    recent = f"scale-new-{uuid.uuid4().hex}"
    second.send(recent, "hi")
    conversations, events = purge(url, 30, now=time.time() + 31 * 86_400)
    assert conversations >= 2 and events > 0
    assert stored(url, sender) == [] and stored(url, recent) == []
    second.send(recent, "hi again")
    assert purge(url, 30)[0] == 0 and stored(url, recent)
