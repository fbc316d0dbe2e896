"""A conversation store that another process holds, or that stops taking writes mid-conversation:
other conversations are not frozen while it waits, and no turn is forgotten."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import BUSY_TIMEOUT_MS, RedactingSQLTrackerStore

DOMAIN = Domain.from_dict({"slots": {"area": {"type": "text", "mappings": [{"type": "custom"}]}}})


@contextmanager
def held(database: Path) -> Iterator[None]:
    """Another process's write transaction on the file, as a backup or a second bot would hold it."""
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def stored_user_turns(database: Path, sender: str) -> list[str]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
        ).fetchall()
    return [row[0] for row in rows]


def test_while_the_store_is_held_other_conversations_are_not_frozen(tmp_path: Path) -> None:
    """Four conversations saving at once while another process holds the file for 3 seconds."""
    database = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(db=str(database))
    trackers = []
    for n in range(4):
        tracker = DialogueStateTracker(f"held-{n}", [])
        tracker.update(UserUttered("hello"))
        trackers.append(tracker)
    gaps: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        last = time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(0.02)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    async def scenario() -> None:
        stop = asyncio.Event()
        ticking = asyncio.create_task(ticker(stop))
        await asyncio.gather(*(store.save(tracker) for tracker in trackers))
        stop.set()
        await ticking

    def release_later() -> None:
        time.sleep(3)
        holder.execute("ROLLBACK")

    holder = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    releaser = threading.Thread(target=release_later)
    releaser.start()
    asyncio.run(scenario())
    releaser.join()
    holder.close()

    for n in range(4):
        assert len(stored_user_turns(database, f"held-{n}")) == 1, "a turn was lost once the store was free"
    # The event loop (every other conversation) was never held up for long; the margin is wide so a
    # slow machine does not fail it, while a loop that waited on SQLite would miss it by seconds.
    longest = max(gaps, default=float("inf"))  # no tick at all: frozen for the whole wait
    assert longest < 2 * BUSY_TIMEOUT_MS / 1000 + 0.5, f"the loop froze for {longest:.1f} s"


def test_a_store_that_stops_taking_writes_loses_no_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(domain=DOMAIN, db=str(database))
    monkeypatch.setattr(store, "SAVE_ATTEMPTS", 2)
    monkeypatch.setattr(store, "RETRY_SECONDS", 0.05)

    def turn(text: str, slot: str | None = None) -> None:
        tracker = asyncio.run(store.retrieve("form")) or DialogueStateTracker("form", DOMAIN.slots)
        tracker.update(UserUttered(text))
        if slot:
            tracker.update(SlotSet("area", slot))
        asyncio.run(store.save(tracker))

    turn("hi there")
    with held(database), caplog.at_level(logging.WARNING):
        turn("I work in Dudley", slot="dudley")  # the store cannot take it
        turn("what is the front door number")  # carries on from memory, not from the stale copy
        carried = asyncio.run(store.retrieve("form"))
    assert carried is not None and carried.get_slot("area") == "dudley", "the turn in memory was forgotten"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "kept in memory" in errors[0].getMessage()
    assert all("Dudley" not in r.getMessage() for r in caplog.records), "message text in the log"
    assert len(stored_user_turns(database, "form")) == 1  # only the turn before the store was held

    turn("thanks")  # the store is free again: everything that waited is written
    assert len(stored_user_turns(database, "form")) == 4
    reread = RedactingSQLTrackerStore(domain=DOMAIN, db=str(database))
    restored = asyncio.run(reread.retrieve("form"))
    assert restored is not None and restored.get_slot("area") == "dudley"


def test_conversations_kept_in_memory_are_written_when_the_store_takes_any_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone who got the 999 reply and left never sends another message: their turn must still
    reach the store once it works again, not wait for them."""
    database = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(domain=DOMAIN, db=str(database))
    monkeypatch.setattr(store, "SAVE_ATTEMPTS", 2)
    monkeypatch.setattr(store, "RETRY_SECONDS", 0.05)

    def turn(sender: str, text: str) -> None:
        tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker(sender, DOMAIN.slots)
        tracker.update(UserUttered(text))
        asyncio.run(store.save(tracker))

    with held(database):
        turn("left", "she is not breathing")
        started = time.monotonic()
        turn("other", "hello")  # while it keeps failing, a save tries once, not for seconds
        assert time.monotonic() - started < 2
    assert stored_user_turns(database, "left") == []
    turn("other", "are you there")
    assert len(stored_user_turns(database, "left")) == 1, "the waiting conversation was not written"
    assert len(stored_user_turns(database, "other")) == 2


def test_a_conversation_that_could_not_be_read_is_still_written(tmp_path: Path) -> None:
    """When the store cannot be read at the start of a turn, Rasa begins the conversation afresh;
    what follows is written as a new session instead of silently not at all."""
    database = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(domain=DOMAIN, db=str(database))
    earlier = DialogueStateTracker("unread", DOMAIN.slots)
    for text in ("one", "two", "three"):
        earlier.update(UserUttered(text))
    asyncio.run(store.save(earlier))
    afresh = DialogueStateTracker("unread", DOMAIN.slots)
    afresh.update(UserUttered("my baby has gone blue"))
    asyncio.run(store.save(afresh))
    turns = stored_user_turns(database, "unread")
    assert len(turns) == 4 and "gone blue" in turns[-1]
