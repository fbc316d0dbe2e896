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

from sqlalchemy import create_engine, inspect, text  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url  # type: ignore[import-untyped]
from sqlalchemy.exc import SQLAlchemyError  # type: ignore[import-untyped]

from bot.settings import settings

DEFAULT_DAYS = 30


def retention_days() -> int:
    settings()  # loads .env
    value = os.environ.get("RETENTION_DAYS") or str(DEFAULT_DAYS)
    days = int(value)
    if days < 1:
        raise ValueError(f"RETENTION_DAYS must be 1 or more, not {value}")
    return days


def purge(database: Path | str, days: int, now: float | None = None) -> tuple[int, int]:
    """Delete conversations whose newest event is older than `days`; returns (conversations, events).
    `database` is the SQLite file, or a database URL (TRACKER_URL: PostgreSQL)."""
    if days < 1:
        raise ValueError(f"the retention period must be 1 day or more, not {days}")
    cutoff = (time.time() if now is None else now) - days * 86_400
    if isinstance(database, str):
        if database.startswith("sqlite:///"):
            database = Path(database.removeprefix("sqlite:///"))
        else:
            return _purge_server(database, cutoff)
    if not database.exists():
        return 0, 0
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


def _purge_server(url: str, cutoff: float) -> tuple[int, int]:
    """The same on a database server (PostgreSQL), in one transaction; then VACUUM, so the deleted
    rows leave the table's files rather than wait for autovacuum."""
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("events"):
            return 0, 0
        old_senders = "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"
        with engine.begin() as connection:
            old = [sender for (sender,) in connection.execute(text(old_senders), {"cutoff": cutoff})]
            delete = text(f"DELETE FROM events WHERE sender_id IN ({old_senders})")  # noqa: S608
            removed = connection.execute(delete, {"cutoff": cutoff}).rowcount
        if old and engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM events"))
    finally:
        engine.dispose()
    return len(old), removed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--days", type=int, default=None, help=f"keep this many days (RETENTION_DAYS, default {DEFAULT_DAYS})"
    )
    parser.add_argument("--db", default=None, help="SQLite file or database URL (TRACKER_URL or TRACKER_DB)")
    args = parser.parse_args(argv)
    try:
        days = args.days if args.days is not None else retention_days()
        config = settings()
        database: Path | str = args.db or (config.scale_out["TRACKER_URL"] or config.tracker_db)
        if isinstance(database, str) and "://" not in database:
            database = Path(database)
        conversations, events = purge(database, days)
    except ValueError as error:
        print(f"Not purged: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(
            f"Not purged: the conversation store can't be reached ({type(error).__name__}).", file=sys.stderr
        )
        return 2
    where = database if isinstance(database, Path) else make_url(database).__repr__()  # password hidden
    print(f"Purged {conversations} conversation(s), {events} event(s), older than {days} days from {where}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
