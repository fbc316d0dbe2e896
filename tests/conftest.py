"""Shared fixtures: the trained bot served over REST on ports of its own."""

from __future__ import annotations

import socket
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.settings import settings
from tools.serve import BotProcesses


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_bot(
    tmp_dir: Path, credentials: Path | None = None, env: dict[str, str] | None = None
) -> BotProcesses:
    """The trained model, the action server and an SQLite tracker store, as `make run` starts them
    (with other channels or settings when a test gives them)."""
    config = settings()
    if not config.model.exists():
        pytest.fail(f"{config.model} is missing: run `make train` (make test does) before these tests")
    config = config.replace(rasa_port=free_port(), action_port=free_port(), tracker_db=tmp_dir / "tracker.db")
    bot = BotProcesses(config, log_dir=tmp_dir / "logs", credentials=credentials, extra_env=env)
    bot.start()
    return bot


def report_rounds(names: list[str], measure: Callable[[str, BotProcesses], Any]) -> int:
    """Start the trained bot in a temporary folder and print each named round's report."""
    with tempfile.TemporaryDirectory() as tmp:
        running = start_bot(Path(tmp))
        try:
            for name in names:
                print(f"=== {name} ===")
                print(measure(name, running).report())
        finally:
            running.stop()
    return 0


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcesses]:
    running = start_bot(tmp_path_factory.mktemp("bot"))
    yield running
    running.stop()


class Conversation:
    """One user talking to the bot; `say` returns the texts of the bot's replies."""

    def __init__(self, bot: BotProcesses) -> None:
        self._bot = bot
        self.sender = f"test-{uuid.uuid4().hex}"

    def say(self, text: str) -> list[str]:
        return [reply.get("text", "") for reply in self._bot.send(self.sender, text)]


@pytest.fixture
def conversation(bot: BotProcesses) -> Conversation:
    return Conversation(bot)


def read_lines(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
