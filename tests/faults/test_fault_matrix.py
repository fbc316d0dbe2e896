"""The fault matrix: with the action server down, slow, or failing with a 500, every message still
gets a helpful reply: the safety net's own answer for danger, and for everything else either the
bot's answer or the help-now reply (999, 111, and a professional's area lines). Never silence.

The bot here talks to a stand-in action server whose behaviour the test switches; the real one is
started too but never called.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot.timeouts import ACTION_TIMEOUT_SECONDS
from tests.conftest import Conversation, free_port, start_bot
from tools.serve import BotProcesses

DEVON_LINE = "0345 155 1071"
SECRET_WORDS = "my neighbour Zebedee Quartermaine"


class ActionServer:
    """Answers Rasa's action calls as told: `mode` is "down", "slow" or "500"."""

    def __init__(self) -> None:
        self.mode = "down"
        self.calls = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.calls += 1
                if server.mode == "down":
                    self.connection.close()  # as if nothing were listening
                    return
                if server.mode == "slow":
                    time.sleep(ACTION_TIMEOUT_SECONDS + 6)
                # rasa-sdk's own habit on an error: the whole request (the tracker) in the body.
                data = json.dumps({"error": "boom", "request": json.loads(body or b"{}")}).encode()
                try:
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

        self.port = free_port()
        self._http = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._http.shutdown()


@pytest.fixture(scope="module")
def action_server() -> Iterator[ActionServer]:
    server = ActionServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def faulty_bot(
    action_server: ActionServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BotProcesses]:
    running = start_bot(
        tmp_path_factory.mktemp("faulty-bot"),
        env={"ACTION_SERVER_URL": f"http://127.0.0.1:{action_server.port}/webhook"},
    )
    yield running
    running.stop()


MODES = ["down", "slow", "500"]


@pytest.mark.parametrize("mode", MODES)
def test_a_professional_asking_for_the_front_door_gets_the_lines(
    faulty_bot: BotProcesses, action_server: ActionServer, mode: str
) -> None:
    action_server.mode = mode
    talk = Conversation(faulty_bot)
    talk.say("I'm a health visitor")
    started = time.monotonic()
    calls = action_server.calls
    replies = " ".join(talk.say(f"whats the front door number, it's about {SECRET_WORDS}"))
    assert action_server.calls > calls, "the contacts did not go through the action server"
    assert DEVON_LINE in replies and "999" in replies
    assert time.monotonic() - started < 4 * ACTION_TIMEOUT_SECONDS


@pytest.mark.parametrize("mode", MODES)
def test_a_parent_mid_coping_plan_gets_help_not_a_broken_plan(
    faulty_bot: BotProcesses, action_server: ActionServer, mode: str
) -> None:
    action_server.mode = mode
    talk = Conversation(faulty_bot)
    first = " ".join(talk.say("help me make a plan for when the crying gets too much"))
    # The plan's own start (its questions are Rasa's responses), or the help-now reply.
    assert "make a plan" in first or "can't answer that properly" in first
    assert "None" not in first
    replies = " ".join(talk.say("a cup of tea in the garden"))
    assert replies.strip(), "no reply at all"
    assert "None" not in replies
    assert "999" in replies or "Who could you call" in replies


@pytest.mark.parametrize("mode", MODES)
def test_danger_gets_the_safety_nets_own_answer(
    faulty_bot: BotProcesses, action_server: ActionServer, mode: str
) -> None:
    action_server.mode = mode
    replies = Conversation(faulty_bot).say("he shook her and now she's floppy and won't wake up")
    assert replies and "Call 999 now" in replies[0]


def test_a_locked_store_still_gets_danger_answered_and_the_bot_carries_on(faulty_bot: BotProcesses) -> None:
    """Another process holds the conversation store for 6 seconds, far past the busy timeout."""
    locked = threading.Event()

    def hold() -> None:
        db = sqlite3.connect(faulty_bot.config.tracker_db, timeout=10, isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(6)
        db.execute("ROLLBACK")
        db.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10)
    talk = Conversation(faulty_bot)
    replies = talk.say("my baby is not breathing")
    holder.join()
    assert replies and "Call 999 now" in replies[0]
    # The bot carries on once the store is free, and nothing is lost: the held turn (kept in memory
    # if the hold outlasted the store's few seconds of trying) is written with the next save.
    assert Conversation(faulty_bot).say("hello"), "the bot did not carry on after the store was free again"
    with sqlite3.connect(faulty_bot.config.tracker_db) as db:
        saved = db.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'user'", (talk.sender,)
        ).fetchone()[0]
    assert saved == 1


def test_no_message_text_reaches_the_log(faulty_bot: BotProcesses, action_server: ActionServer) -> None:
    """After every fault above, the words people typed are nowhere in either server's log."""
    assert faulty_bot.log_dir is not None
    logs = "".join(path.read_text(errors="replace") for path in faulty_bot.log_dir.glob("*.log"))
    assert logs, "no logs to check"
    assert "Zebedee" not in logs and "Quartermaine" not in logs
    assert "cup of tea" not in logs
    assert "baby is not breathing" not in logs
