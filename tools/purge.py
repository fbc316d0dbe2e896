"""Delete conversations nobody has written to for RETENTION_DAYS (default 30), then reclaim the space.

`make purge` runs it, and the launcher runs it at every start; it is safe to run from cron while
the bot is serving (SQLite's WAL mode and a busy timeout let both work). A conversation is deleted
whole, when its newest event is older than the limit, so nobody's conversation is cut in the middle.

    python -m tools.purge              # the settings' TRACKER_DB and RETENTION_DAYS
    python -m tools.purge --days 7
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

from bot.settings import settings

DEFAULT_DAYS = 30


def retention_days() -> int:
    settings()  # loads .env
    value = os.environ.get("RETENTION_DAYS") or str(DEFAULT_DAYS)
    days = int(value)
    if days < 1:
        raise ValueError(f"RETENTION_DAYS must be 1 or more, not {value}")
    return days


def purge(database: Path, days: int, now: float | None = None) -> tuple[int, int]:
    """Delete conversations whose newest event is older than `days`; returns (conversations, events)."""
    if days < 1:
        raise ValueError(f"the retention period must be 1 day or more, not {days}")
    if not database.exists():
        return 0, 0
    cutoff = (time.time() if now is None else now) - days * 86_400
    db = sqlite3.connect(database, timeout=10, isolation_level=None)
    try:
        if not db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='events'").fetchone():
            return 0, 0
        old_senders = "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < ?"
        # One write transaction: a conversation resumed meanwhile is neither counted nor deleted.
        db.execute("BEGIN IMMEDIATE")
        try:
            old = [sender for (sender,) in db.execute(old_senders, (cutoff,))]
            delete = f"DELETE FROM events WHERE sender_id IN ({old_senders})"  # noqa: S608
            removed = db.execute(delete, (cutoff,)).rowcount
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if old:
            # The deleted text must leave the file too, not just the index.
            db.execute("VACUUM")
            # Then out of the write-ahead log too (a reader still open may hold it for a moment).
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return len(old), removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--days", type=int, default=None, help=f"keep this many days (RETENTION_DAYS, default {DEFAULT_DAYS})"
    )
    parser.add_argument("--db", type=Path, default=None, help="the SQLite file (TRACKER_DB)")
    args = parser.parse_args(argv)
    try:
        days = args.days if args.days is not None else retention_days()
        database = args.db or settings().tracker_db
        conversations, events = purge(database, days)
    except ValueError as error:
        print(f"Not purged: {error}", file=sys.stderr)
        return 2
    print(
        f"Purged {conversations} conversation(s), {events} event(s), older than {days} days from {database}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
