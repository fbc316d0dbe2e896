"""Long conversations and the conversation kept between turns (bot/tracker_store.py).

A conversation's next turn starts from what the store kept in memory, cut to its last messages when it
is long: every turn still costs about the same, the database keeps every event once, a second process
that wrote in between is never ignored, and memory holds no words the database does not."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import KEEP_TURNS, WINDOW_AT, RedactingSQLTrackerStore

DOMAIN = Domain.from_dict(
    {
        "slots": {
            "area": {"type": "text", "mappings": [{"type": "custom"}]},
            "role": {"type": "text", "mappings": [{"type": "custom"}]},
        }
    }
)


def turn(
    store: RedactingSQLTrackerStore, sender: str, text: str, slot: tuple[str, str] | None = None
) -> None:
    """One turn as Rasa runs it: fetch, add the message and the reply, save."""
    tracker = asyncio.run(store.retrieve(sender))
    if tracker is None:
        tracker = DialogueStateTracker(sender, DOMAIN.slots)
        tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text))
    if slot:
        tracker.update(SlotSet(*slot))
    tracker.update(ActionExecuted("utter_reply"))
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))


def stored(database: Path, sender: str) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return rows


def user_texts(tracker: DialogueStateTracker) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_a_long_conversation_is_given_to_rasa_as_its_last_messages_with_the_slots_it_had(
    tmp_path: Path,
) -> None:
    database = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(domain=DOMAIN, db=str(database))
    turn(store, "long", "message 0", slot=("area", "dudley"))
    for n in range(1, 120):
        turn(store, "long", f"message {n}", slot=("role", "parent") if n == 50 else None)

    tracker = asyncio.run(store.retrieve("long"))
    assert tracker is not None
    kept = user_texts(tracker)
    assert KEEP_TURNS <= len(kept) <= WINDOW_AT, len(kept)
    assert kept[-1] == "message 119" and kept == [f"message {n}" for n in range(120 - len(kept), 120)]
    # Slots set long before the window, and in it, are as they were.
    assert tracker.get_slot("area") == "dudley" and tracker.get_slot("role") == "parent"
    # The database has the whole conversation, each message once, in order.
    users = [data for kind, data in stored(database, "long") if kind == "user"]
    assert len(users) == 120 and all(f'"message {n}"' in users[n] for n in range(120))

    # A new store (the bot restarted) reads the database and gives the same window.
    again = asyncio.run(RedactingSQLTrackerStore(domain=DOMAIN, db=str(database)).retrieve("long"))
    assert again is not None and user_texts(again)[-1] == "message 119"
    assert again.get_slot("area") == "dudley" and len(user_texts(again)) <= WINDOW_AT


def test_a_turn_written_by_another_process_is_never_missed(tmp_path: Path) -> None:
    """Two Rasa processes share one database (PostgreSQL in production): each turn starts from the
    database's latest state, even when this process holds an older copy in memory."""
    database = tmp_path / "tracker.db"
    first = RedactingSQLTrackerStore(domain=DOMAIN, db=str(database))
    second = RedactingSQLTrackerStore(domain=DOMAIN, db=str(database))
    turn(first, "shared", "hello")
    turn(second, "shared", "I work in Dudley", slot=("area", "dudley"))
    turn(first, "shared", "what is the number")

    tracker = asyncio.run(first.retrieve("shared"))
    assert tracker is not None
    assert user_texts(tracker) == ["hello", "I work in Dudley", "what is the number"]
    assert tracker.get_slot("area") == "dudley"
    users = [data for kind, data in stored(database, "shared") if kind == "user"]
    assert len(users) == 3


def test_a_turn_that_failed_before_saving_leaves_nothing_behind(tmp_path: Path) -> None:
    database = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(domain=DOMAIN, db=str(database))
    turn(store, "failed", "hello")
    broken = asyncio.run(store.retrieve("failed"))
    assert broken is not None
    broken.update(UserUttered("this turn crashed"))  # never saved

    tracker = asyncio.run(store.retrieve("failed"))
    assert tracker is not None and user_texts(tracker) == ["hello"]
    turn(store, "failed", "are you there")
    users = [data for kind, data in stored(database, "failed") if kind == "user"]
    assert len(users) == 2 and "crashed" not in "".join(users)


def test_memory_keeps_no_words_the_database_redacted(tmp_path: Path) -> None:
    database = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(domain=DOMAIN, db=str(database))
    turn(store, "private", "her NHS number is 943 476 5919")
    tracker = asyncio.run(store.retrieve("private"))
    assert tracker is not None
    assert "943 476 5919" not in user_texts(tracker)[0]
    assert (
        user_texts(tracker)[0]
        == user_texts(
            asyncio.run(RedactingSQLTrackerStore(domain=DOMAIN, db=str(database)).retrieve("private"))
        )[0]
    )
