"""An SQL tracker store that redacts personal identifiers before an event is written.

Configured in endpoints.yml as `type: bot.tracker_store.RedactingSQLTrackerStore`: the SQLite
file TRACKER_DB by default, or the database at TRACKER_URL (PostgreSQL, shared by several Rasa
processes). The conversation in memory is untouched; what reaches the database has every string in
every event passed through `bot.privacy.redact` (the person's words, their parse, and the text a form
slot was filled from), except the bot's own replies, which are stored as sent.

For the SQLite file: it is created readable by this user only (0600, in a 0700 folder); a path
that cannot be written stops the start with a clear error (Rasa's own store would retry forever);
and it runs in WAL mode with a short busy timeout, so a reader never holds up a turn for long.
Old conversations are deleted by `tools/purge.py` (RETENTION_DAYS).

Writes run on a worker thread, so SQLite's waits never hold up Rasa's event loop (every other
conversation). A store that another process holds is waited out for about 4 seconds. A store that
stays unavailable past that does not lose the turn: the conversation is kept in memory, an error is
logged (with no text), the next turn carries on from it, and while the store keeps failing later
saves try once only, so nobody waits seconds for every turn. The first save that works writes the
waiting events of every conversation kept in memory; at shutdown one last try is made and the
number lost, if any, is logged. Rasa's own fallback would answer the next turn from the stale
stored copy, so a form half filled would start again.
"""

from __future__ import annotations

import asyncio
import atexit
import itertools
import json
import logging
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event  # type: ignore[import-untyped]
from sqlalchemy.exc import OperationalError, SQLAlchemyError  # type: ignore[import-untyped]

from bot.privacy import redact, redact_values

BUSY_TIMEOUT_MS = 250
# A save tries for about 4 seconds (the widget waits 8 for the whole turn), then the turn is kept
# in memory; while the store keeps failing, later saves try once only.
SAVE_ATTEMPTS = 8
RETRY_SECONDS = 0.25
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
        self,
        domain: Any = None,
        dialect: str = "sqlite",
        db: str = "rasa.db",
        host: str | None = None,
        **kwargs: Any,
    ) -> None:
        # endpoints.yml's `url` arrives as `host`: a whole database URL (TRACKER_URL), or empty for
        # the SQLite file `db`.
        if host and "://" in host:
            dialect = host.split("://", 1)[0].split("+", 1)[0]
        else:
            host = None
        if dialect == "sqlite":
            prepare_sqlite_file(Path(db))
        super().__init__(domain=domain, dialect=dialect, db=db, host=host, **kwargs)
        if dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_busy_timeout)
            self.engine.dispose()  # connections made from now on get the busy timeout
            with self.engine.connect() as connection:  # WAL is kept in the file once set
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        self._unsaved: dict[str, DialogueStateTracker] = {}
        self._failing = False
        # Writes run here, so SQLite's busy waits never block Rasa's event loop.
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-store")
        atexit.register(self.write_waiting_at_exit)
        redact("Warm up")  # load the name lists now, not on someone's first message

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Save on a worker thread (SQLite's waits never hold up other conversations), waiting out a
        store that another process holds for a few seconds; past that, keep the conversation in
        memory (see the module's note) rather than drop the turn."""
        await self.stream_events(tracker)
        loop = asyncio.get_running_loop()
        attempts = 1 if self._failing else self.SAVE_ATTEMPTS
        error: Exception | None = None
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(self.RETRY_SECONDS)
            try:
                await loop.run_in_executor(self._writer, self._write, tracker)
            except OperationalError as busy:  # locked, read-only, disk full, file gone
                error = busy
                if attempt == 0 and attempts > 1:
                    logger.warning("The conversation store is busy; trying again for a few seconds.")
                continue
            except SQLAlchemyError as failure:
                error = failure
                break
            self._failing = False
            if self._unsaved.pop(tracker.sender_id, None) is not None or self._unsaved:
                await self._write_waiting(loop)
            return
        self._failing = True
        self._keep_in_memory(tracker)
        logger.error(
            "The conversation store could not be written (%s). The conversation is kept in memory "
            "until it can be; %d are waiting. Check TRACKER_DB's disk and that no other process "
            "holds the file.",
            type(error).__name__,
            len(self._unsaved),
        )

    def _write(self, tracker: DialogueStateTracker) -> None:
        """Write the tracker's events that are not stored yet (on a worker thread)."""
        with self.session_scope() as session:
            for item in self._additional_events(session, tracker):
                data = item.as_dict()
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=item.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()

    async def _write_waiting(self, loop: asyncio.AbstractEventLoop) -> None:
        """The store took a save again: write every conversation that was waiting in memory."""
        for sender_id, waiting in list(self._unsaved.items()):
            try:
                await loop.run_in_executor(self._writer, self._write, waiting)
            except SQLAlchemyError:
                return  # still failing; they stay in memory for the next good save
            if self._unsaved.get(sender_id) is waiting:
                del self._unsaved[sender_id]
        logger.warning("The conversation store took every conversation that was waiting in memory.")

    def _keep_in_memory(self, tracker: DialogueStateTracker) -> None:
        self._unsaved.pop(tracker.sender_id, None)
        self._unsaved[tracker.sender_id] = tracker.copy()
        while len(self._unsaved) > self.MAX_UNSAVED:
            self._unsaved.pop(next(iter(self._unsaved)))
            logger.error(
                "More than %d conversations are waiting for the store: the oldest is dropped.",
                self.MAX_UNSAVED,
            )

    def write_waiting_at_exit(self) -> None:
        """At shutdown: one last try for the conversations kept in memory; say how many are lost."""
        for sender_id, waiting in list(self._unsaved.items()):
            try:
                self._write(waiting)
                del self._unsaved[sender_id]
            except SQLAlchemyError:
                break
        if self._unsaved:
            logger.error(
                "%d conversations could not be written to the store and are lost at shutdown.",
                len(self._unsaved),
            )

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
        stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        if stored > len(tracker.events):
            # The conversation could not be read at the start of the turn, so Rasa began it afresh:
            # Rasa's own store would write none of it. Its events are kept, as the new session they are.
            logger.error(
                "A conversation was saved shorter than the stored one (the store could not be read "
                "at the start of the turn); its events are written as a new session."
            )
            stored = 0
        for item in itertools.islice(tracker.events, stored, None):
            data = item.as_dict()
            # The bot's own replies hold only our content: kept as sent, so the record of advice
            # given reads "NSPCC helpline on 0808 800 5000", not "[phone number]".
            yield item if data.get("event") == "bot" else Event.from_parameters(redact_values(data))
