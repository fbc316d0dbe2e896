"""What is kept and for how long: the store's file is private, a bad path stops the start, and old
conversations are deleted whole, from the file itself."""

from __future__ import annotations

import asyncio
import stat
import time
from pathlib import Path

import pytest
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import RedactingSQLTrackerStore, TrackerStoreError
from tools.purge import main as purge_main
from tools.purge import purge

DAY = 86_400


def save(store: RedactingSQLTrackerStore, sender: str, text: str, when: float) -> None:
    """One more message in the conversation, at `when`."""
    tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker(sender, [])
    tracker.update(UserUttered(text, timestamp=when))
    asyncio.run(store.save(tracker))


def test_the_store_file_is_readable_by_this_user_only(tmp_path: Path) -> None:
    database = tmp_path / "var" / "tracker.db"
    RedactingSQLTrackerStore(db=str(database))
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700


def test_a_store_path_that_cannot_be_written_stops_the_start_with_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    started = time.monotonic()
    with pytest.raises(TrackerStoreError, match="TRACKER_DB"):
        RedactingSQLTrackerStore(db=str(blocker / "tracker.db"))
    assert time.monotonic() - started < 5  # Rasa's own store would retry every 5 s, for ever


def test_old_conversations_are_deleted_whole_and_recent_ones_kept(tmp_path: Path) -> None:
    database = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(db=str(database))
    now = time.time()
    save(store, "old-conversation", "quite old words about the crying", now - 40 * DAY)
    save(store, "old-conversation", "and a later message, still old", now - 31 * DAY)
    save(store, "mixed-conversation", "started long ago", now - 60 * DAY)
    save(store, "mixed-conversation", "but still going yesterday", now - 1 * DAY)
    save(store, "recent-conversation", "only this week", now - 2 * DAY)
    store.engine.dispose()

    conversations, events = purge(database, 30, now=now)

    assert (conversations, events) == (1, 2)
    kept = RedactingSQLTrackerStore(db=str(database))
    assert asyncio.run(kept.retrieve("old-conversation")) is None
    mixed = asyncio.run(kept.retrieve("mixed-conversation"))
    assert mixed is not None and len([e for e in mixed.events if isinstance(e, UserUttered)]) == 2
    assert asyncio.run(kept.retrieve("recent-conversation")) is not None
    kept.engine.dispose()
    # Gone from the file, not just from the index.
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("tracker.db*"))
    assert b"quite old words" not in on_disk and b"old-conversation" not in on_disk


def test_purge_from_the_command_line_reports_what_it_did(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    database = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(db=str(database))
    save(store, "ancient", "words", time.time() - 400 * DAY)
    store.engine.dispose()
    assert purge_main(["--db", str(database), "--days", "30"]) == 0
    assert "Purged 1 conversation(s)" in capsys.readouterr().out


def test_a_retention_of_less_than_a_day_is_refused_not_a_wipe(tmp_path: Path) -> None:
    database = tmp_path / "tracker.db"
    store = RedactingSQLTrackerStore(db=str(database))
    save(store, "live", "words", time.time())
    store.engine.dispose()
    for days in (0, -5):
        with pytest.raises(ValueError, match="1 day or more"):
            purge(database, days)
        assert purge_main(["--db", str(database), "--days", str(days)]) == 2
    assert purge(database, 30) == (0, 0)
