"""An SQL tracker store that redacts personal identifiers before an event is written.

Configured in endpoints.yml as `type: bot.tracker_store.RedactingSQLTrackerStore` (SQLite file by
default). The conversation in memory is untouched; what reaches the database has every string in
every event passed through `bot.privacy.redact`, including the text a form slot was filled from.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import redact_values


class RedactingSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose saved events carry no identifiers."""

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        for event in super()._additional_events(session, tracker):
            yield Event.from_parameters(redact_values(event.as_dict()))
