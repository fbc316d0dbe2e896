"""An SQL tracker store that redacts personal identifiers before an event is written.

Configured in endpoints.yml as `type: bot.tracker_store.RedactingSQLTrackerStore` (SQLite file by
default). The conversation in memory is untouched; what reaches the database has every string in
every event passed through `bot.privacy.redact` (the person's words, their parse, and the text a form
slot was filled from), except the bot's own replies, which are stored as sent.

For the SQLite file: it is created readable by this user only (0600, in a 0700 folder); a path
that cannot be written stops the start with a clear error (Rasa's own store would retry forever);
and it runs in WAL mode with a short busy timeout, so a reader never holds up a turn for long.
Old conversations are deleted by `tools/purge.py` (RETENTION_DAYS).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event  # type: ignore[import-untyped]
from sqlalchemy.exc import OperationalError  # type: ignore[import-untyped]

from bot.privacy import redact, redact_values

BUSY_TIMEOUT_MS = 2000
SAVE_ATTEMPTS = 4
logger = logging.getLogger(__name__)


class TrackerStoreError(RuntimeError):
    """The conversation store cannot be used; the message says why and what to change."""


def prepare_sqlite_file(path: Path) -> None:
    """Create the database file (0600) and its folder (0700) if missing, and check it is writable."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(descriptor)
        os.chmod(path, 0o600)
    except OSError as error:
        raise TrackerStoreError(
            f"Cannot open the conversation store {path}: {error.strerror}. Set TRACKER_DB in .env to a "
            "file this user can write."
        ) from error


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


class RedactingSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose saved events carry no identifiers."""

    def __init__(
        self, domain: Any = None, dialect: str = "sqlite", db: str = "rasa.db", **kwargs: Any
    ) -> None:
        if dialect == "sqlite":
            prepare_sqlite_file(Path(db))
        super().__init__(domain=domain, dialect=dialect, db=db, **kwargs)
        if dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            self.engine.dispose()  # connections made from now on get the pragmas
        redact("Warm up")  # load the name lists now, not on someone's first message

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Save, waiting out a store that another process holds for a few seconds: a turn is kept,
        not dropped to Rasa's in-memory fallback and forgotten when the store is free again."""
        for attempt in range(SAVE_ATTEMPTS):
            try:
                await super().save(tracker)
                return
            except OperationalError:
                if attempt == SAVE_ATTEMPTS - 1:
                    raise
                logger.warning("The conversation store is busy; trying again (%d).", attempt + 1)
                await asyncio.sleep(1)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        for item in super()._additional_events(session, tracker):
            data = item.as_dict()
            # The bot's own replies hold only our content: kept as sent, so the record of advice
            # given reads "NSPCC helpline on 0808 800 5000", not "[phone number]".
            yield item if data.get("event") == "bot" else Event.from_parameters(redact_values(data))
