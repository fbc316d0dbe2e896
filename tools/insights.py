"""Print what the partnership's conversations show, as counts (`make insights`).

    python -m tools.insights [--from 2026-11-01] [--to 2026-11-30 | --month 2026-11] [--area devon]
                             [--db var/tracker.db | postgresql://...] [--csv out.csv] [--html out.html]

Reads the conversation store (TRACKER_DB by default) and prints the same suppressed tables as the
page at /insights/ (any number from 1 to 4 is "<5"); never a word anyone typed. The default period
is the 30 days up to yesterday (today, still going on, is never included). docs/insights.md says
what is counted and how to read it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

from actions.areas import areas, now_uk
from bot.insights.counts import Period, engine_for, read_conversations, summarise
from bot.insights.page import render_csv, render_page, render_text
from bot.settings import settings


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("write dates as year-month-day, for example 2026-11-01") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", type=_date, help="first day (default: 30 days ago)")
    parser.add_argument("--to", dest="end", type=_date, help="last day (default: today)")
    parser.add_argument("--month", help="a whole month, YYYY-MM (instead of --from and --to)")
    parser.add_argument("--area", help="one partnership: " + ", ".join(a.id for a in areas().all))
    parser.add_argument("--db", help="SQLite file or database URL (default: TRACKER_URL, else TRACKER_DB)")
    parser.add_argument("--csv", type=Path, help="also write the tables as CSV here")
    parser.add_argument("--html", type=Path, help="also write the page here")
    args = parser.parse_args(argv)
    config = settings()
    yesterday = now_uk().date() - timedelta(days=1)
    if args.month:
        try:
            start = date.fromisoformat(args.month + "-01")
        except ValueError:
            parser.error("--month is written as year-month, for example 2026-11")
        end = (start + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    else:
        # Today is left out, as on the page: it is still going on.
        end = min(args.end or yesterday, yesterday)
        start = args.start or end - timedelta(days=29)
    end = min(end, yesterday)
    if end < start:
        parser.error("--to is before --from (the latest day counted is yesterday)")
    names = {a.id: a.name for a in areas().all}
    if args.area and args.area not in names:
        parser.error(f"--area must be one of: {', '.join(names)}")
    db = args.db or config.tracker_url
    file = Path(db.removeprefix("sqlite:///")) if db.startswith("sqlite:///") or "://" not in db else None
    if file is not None and not file.exists():
        print(f"There is no conversation store at {file} yet (set TRACKER_DB, or --db).", file=sys.stderr)
        return 1
    period = Period(start, end)
    print(f"Reading conversations from {start} to {end}...", file=sys.stderr)
    summary = summarise(read_conversations(engine_for(db), period, config.default_area), period, args.area)
    print(render_text(summary, names), end="")
    if args.csv:
        args.csv.write_text(render_csv(summary), encoding="utf-8")
        print(f"\nCSV written to {args.csv}")
    if args.html:
        query = urlencode({"from": start, "to": end, "area": args.area or ""})
        args.html.write_text(render_page(summary, names, query), encoding="utf-8")
        print(f"Page written to {args.html}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
