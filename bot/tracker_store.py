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
import time
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa  # type: ignore[import-untyped]
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event
from sqlalchemy.exc import OperationalError, SQLAlchemyError  # type: ignore[import-untyped]

from bot.privacy import redact, redact_values

BUSY_TIMEOUT_MS = 250
# A save tries for about 4 seconds (the widget waits 8 for the whole turn), then the turn is kept
# in memory; while the store keeps failing, later saves try once only.
SAVE_ATTEMPTS = 8
RETRY_SECONDS = 0.25
# Conversations kept in memory while the store cannot take them; beyond this the oldest go.
MAX_UNSAVED = 2000
# Conversations held in memory between turns (see `_Held`), and for how long after their last turn:
# the session length (domain.yml), after which a conversation starts afresh anyway.
MAX_HELD = 5000
HELD_SECONDS = 60 * 60
# A conversation longer than WINDOW_AT messages is given to Rasa as its last KEEP_TURNS messages,
# with the slots and form as they stood before them (`window`).
WINDOW_AT = 40
KEEP_TURNS = 20
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


@dataclass
class _Held:
    """A conversation kept between turns, exactly as the database would give it back.

    `tracker` is what the next turn starts from; `saved` is how many of its events are in the
    database; `rows` is how many rows the database had for the conversation after the last read or
    write. The next turn uses it only if nothing has changed: the tracker was not left half-updated
    by a turn that failed, and no other process has written to the conversation since."""

    tracker: DialogueStateTracker
    saved: int
    rows: int
    used: float


def last_session(events: list[Event]) -> list[Event]:
    """The events from the latest session start on: what the database gives back for a turn."""
    for index in range(len(events) - 1, 0, -1):
        if isinstance(events[index], SessionStarted):
            return events[index:]
    return events


def window(tracker: DialogueStateTracker, slots: Any) -> DialogueStateTracker:
    """The conversation as Rasa needs it for the next turn, however long it has run.

    Rasa replays every event of the session for each prediction, so a turn's cost grows with the
    conversation. Beyond WINDOW_AT messages, the tracker holds the last KEEP_TURNS messages (from
    the listen before the first of them), preceded by the slots and form as they stood there. The
    policies look back 4 steps (config.yml) and the longest rule a few turns, so every prediction
    sees what it saw before; the database keeps the whole conversation."""
    events = list(tracker.events)
    session = last_session(events)
    users = [index for index, item in enumerate(session) if isinstance(item, UserUttered)]
    if len(users) <= WINDOW_AT:
        if len(session) == len(events):
            return tracker
        return DialogueStateTracker.from_events(tracker.sender_id, session, slots=slots)
    start = users[-KEEP_TURNS]
    while start > 0 and not (
        isinstance(session[start], ActionExecuted) and session[start].action_name == ACTION_LISTEN_NAME
    ):
        start -= 1
    before = DialogueStateTracker.from_events(tracker.sender_id, session[:start], slots=slots)
    carried: list[Event] = [
        SlotSet(name, slot.value, timestamp=session[start].timestamp)
        for name, slot in before.slots.items()
        if slot.value != slot.initial_value
    ]
    if before.active_loop_name:
        carried.append(ActiveLoop(before.active_loop_name, timestamp=session[start].timestamp))
    return DialogueStateTracker.from_events(tracker.sender_id, [*carried, *session[start:]], slots=slots)


class RedactingSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose saved events carry no identifiers."""

    SAVE_ATTEMPTS = SAVE_ATTEMPTS
    RETRY_SECONDS = RETRY_SECONDS
    MAX_UNSAVED = MAX_UNSAVED
    MAX_HELD = MAX_HELD

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
        # Conversations between turns, and those handed to Rasa for the turn under way (`_Held`).
        self._held: OrderedDict[str, _Held] = OrderedDict()
        self._in_turn: dict[str, _Held] = {}
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
        handed = self._in_turn.pop(tracker.sender_id, None)
        # The tracker this store gave Rasa for the turn: its events after `saved` are the new ones.
        start = handed.saved if handed is not None and handed.tracker is tracker else None
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(self.RETRY_SECONDS)
            try:
                known = handed.rows if start is not None and handed is not None else None
                rows, redacted = await loop.run_in_executor(self._writer, self._write, tracker, start, known)
            except OperationalError as busy:  # locked, read-only, disk full, file gone
                error = busy
                if attempt == 0 and attempts > 1:
                    logger.warning("The conversation store is busy; trying again for a few seconds.")
                continue
            except SQLAlchemyError as failure:
                error = failure
                break
            self._failing = False
            if not redacted:
                # What the database now holds, so the next turn need not read it back. A turn whose
                # words were redacted is read back instead: memory keeps no more than the database.
                self._hold(tracker, rows)
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

    def _write(
        self, tracker: DialogueStateTracker, start: int | None = None, rows: int | None = None
    ) -> tuple[int, bool]:
        """Write the tracker's events that are not stored yet, those from `start` on when known (on
        a worker thread; `rows`: how many the database held before, when known). Returns the
        conversation's rows now stored, and whether any words written were redacted."""
        redacted = False
        written = 0
        with self.session_scope() as session:
            new = (
                self._events_to_write(session, tracker)
                if start is None
                else itertools.islice(tracker.events, start, None)
            )
            for original in new:
                item = _redacted(original)
                data = item.as_dict()
                redacted = redacted or item is not original
                written += 1
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
            if rows is not None:
                return rows + written, redacted
            count = session.query(sa.func.count(self.SQLEvent.id)).filter_by(sender_id=tracker.sender_id)
            return int(count.scalar()), redacted

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
        held = self._in_turn.pop(sender_id, None) or self._held.pop(sender_id, None)
        for attempt in range(self.SAVE_ATTEMPTS):
            try:
                return self._hand_out(sender_id, held)
            except OperationalError:
                if attempt == self.SAVE_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(self.RETRY_SECONDS)
        return None

    def _hand_out(self, sender_id: str, held: _Held | None) -> DialogueStateTracker | None:
        """The conversation for this turn: the one held since its last turn when the database has
        not changed since (one count of its rows), otherwise read from the database."""
        with self.session_scope() as session:
            rows = session.query(sa.func.count(self.SQLEvent.id)).filter_by(sender_id=sender_id).scalar()
            if held is not None and len(held.tracker.events) == held.saved and rows == held.rows:
                tracker = held.tracker
            else:
                query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
                events = [json.loads(row.data) for row in query.all()]
                if not (self.domain and events):
                    return None
                full = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
                tracker = window(full, self.domain.slots)
        self._in_turn[sender_id] = _Held(tracker, len(tracker.events), int(rows), time.monotonic())
        return tracker

    def _hold(self, tracker: DialogueStateTracker, rows: int) -> None:
        """Keep the conversation just written for its next turn (the most recent MAX_HELD, for
        HELD_SECONDS after their last turn)."""
        kept = window(tracker, self.domain.slots)
        now = time.monotonic()
        self._held[tracker.sender_id] = _Held(kept, len(kept.events), rows, now)
        self._held.move_to_end(tracker.sender_id)
        while self._held and (
            len(self._held) > self.MAX_HELD or next(iter(self._held.values())).used < now - HELD_SECONDS
        ):
            self._held.popitem(last=False)
        for sender_id in [s for s, h in self._in_turn.items() if h.used < now - HELD_SECONDS]:
            del self._in_turn[sender_id]

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        waiting = self._unsaved.get(conversation_id)
        if waiting is not None:
            return waiting.copy()
        return await super().retrieve_full_tracker(conversation_id)

    def _events_to_write(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The tracker's events the database does not hold yet, for a tracker this store did not
        give out for the turn (a new conversation, or one kept in memory while the store failed)."""
        stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        if stored <= len(tracker.events):
            return itertools.islice(tracker.events, stored, None)
        # Shorter than the stored session: the conversation could not be read at the start of the
        # turn, so Rasa began it afresh (Rasa's own store would write none of it). What is newer
        # than the newest stored event is written, as the new session it is.
        newest = (
            session.query(sa.func.max(self.SQLEvent.timestamp))
            .filter_by(sender_id=tracker.sender_id)
            .scalar()
        ) or 0.0
        logger.error(
            "A conversation was saved shorter than the stored one (the store could not be read at the "
            "start of the turn); its new events are written as a new session."
        )
        return (item for item in tracker.events if (item.timestamp or 0.0) > newest)


def _redacted(item: Event) -> Event:
    """The event as it is written: the person's words redacted; the bot's own replies hold only our
    content and are kept as sent, so the record of advice given reads "NSPCC helpline on 0808 800
    5000", not "[phone number]". The same object when nothing changed."""
    data = item.as_dict()
    if data.get("event") == "bot" or data.get("event") == "action" and not data.get("action_text"):
        # An action's record is its name, the policy and Rasa's model ids: nobody's words.
        return item
    cleaned = redact_values(data)
    return item if cleaned == data else Event.from_parameters(cleaned)
