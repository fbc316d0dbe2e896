"""An SQL tracker store that redacts personal identifiers before an event is written.

Configured in endpoints.yml as `type: bot.tracker_store.RedactingSQLTrackerStore` (SQLite file by
default). The conversation in memory is untouched; what reaches the database has every string in
every event passed through `bot.privacy.redact` (the person's words, their parse, and the text a form
slot was filled from), except the bot's own replies, which are stored as sent.

For the SQLite file: it is created readable by this user only (0600, in a 0700 folder); a path
that cannot be written stops the start with a clear error (Rasa's own store would retry forever);
and it runs in WAL mode with a short busy timeout, so a reader never holds up a turn for long.
Old conversations are deleted by `tools/purge.py` (RETENTION_DAYS).

A store that another process holds is waited out in short tries (each blocks Rasa's event loop for
at most the busy timeout, and the waits between them let other conversations go on). A store that
stays unavailable past that window does not lose the turn: the conversation is kept in memory, an
error is logged (with no text), the next turn carries on from it, and the first save that works
writes every event that was waiting. Rasa's own fallback would answer the next turn from the stale
stored copy, so a form half filled would start again.
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
from sqlalchemy.exc import OperationalError, SQLAlchemyError  # type: ignore[import-untyped]

from bot.privacy import redact, redact_values

BUSY_TIMEOUT_MS = 250
# About ten seconds of trying before a turn is kept in memory instead.
SAVE_ATTEMPTS = 14
RETRY_SECONDS = 0.5
# Conversations kept in memory while the store cannot take them; beyond this the oldest go.
MAX_UNSAVED = 2000
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


def _sqlite_busy_timeout(connection: Any, _record: Any) -> None:
    # First thing on every connection: anything before it would wait Python's default 5 s.
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


class RedactingSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose saved events carry no identifiers."""

    SAVE_ATTEMPTS = SAVE_ATTEMPTS
    RETRY_SECONDS = RETRY_SECONDS
    MAX_UNSAVED = MAX_UNSAVED

    def __init__(
        self, domain: Any = None, dialect: str = "sqlite", db: str = "rasa.db", **kwargs: Any
    ) -> None:
        if dialect == "sqlite":
            prepare_sqlite_file(Path(db))
        super().__init__(domain=domain, dialect=dialect, db=db, **kwargs)
        if dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_busy_timeout)
            self.engine.dispose()  # connections made from now on get the busy timeout
            with self.engine.connect() as connection:  # WAL is kept in the file once set
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        self._unsaved: dict[str, DialogueStateTracker] = {}
        redact("Warm up")  # load the name lists now, not on someone's first message

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Save, waiting out a store that another process holds for a few seconds; past that, keep
        the conversation in memory (see the module's note) rather than drop the turn."""
        error: Exception | None = None
        for attempt in range(self.SAVE_ATTEMPTS):
            try:
                await super().save(tracker)
            except OperationalError as busy:  # locked, read-only, disk full, file gone
                error = busy
                if attempt == 0:
                    logger.warning("The conversation store is busy; trying again for a few seconds.")
                await asyncio.sleep(self.RETRY_SECONDS)
                continue
            except SQLAlchemyError as failure:
                error = failure
                break
            if self._unsaved.pop(tracker.sender_id, None) is not None:
                logger.warning(
                    "The conversation store took a conversation it could not take before (%d still waiting).",
                    len(self._unsaved),
                )
            return
        self._keep_in_memory(tracker)
        logger.error(
            "The conversation store could not be written (%s). The conversation is kept in memory "
            "until it can be; %d are waiting. Check TRACKER_DB's disk and that no other process "
            "holds the file.",
            type(error).__name__,
            len(self._unsaved),
        )

    def _keep_in_memory(self, tracker: DialogueStateTracker) -> None:
        self._unsaved.pop(tracker.sender_id, None)
        self._unsaved[tracker.sender_id] = tracker.copy()
        while len(self._unsaved) > self.MAX_UNSAVED:
            self._unsaved.pop(next(iter(self._unsaved)))

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        waiting = self._unsaved.get(sender_id)
        if waiting is not None:
            return waiting.copy()
        for attempt in range(self.SAVE_ATTEMPTS):
            try:
                return await super().retrieve(sender_id)
            except OperationalError:
                if attempt == self.SAVE_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(self.RETRY_SECONDS)
        return None

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        waiting = self._unsaved.get(conversation_id)
        if waiting is not None:
            return waiting.copy()
        return await super().retrieve_full_tracker(conversation_id)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        for item in super()._additional_events(session, tracker):
            data = item.as_dict()
            # The bot's own replies hold only our content: kept as sent, so the record of advice
            # given reads "NSPCC helpline on 0808 800 5000", not "[phone number]".
            yield item if data.get("event") == "bot" else Event.from_parameters(redact_values(data))
