"""Print the figures we track: training time, start-up time, per-turn latency over REST, memory,
and the safety net's own speed. Nothing here passes or fails; it prints numbers to compare.

Run with `make bench` (add BENCH_ARGS=--train to time a full training run as well).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bot.safety.net import SafetyNet
from bot.settings import ROOT, SPACY_MODEL, settings
from tools.serve import BotProcesses

MESSAGES = [
    "hello",
    "my baby won't stop crying, is that normal?",
    "how can i calm her down",
    "is it ok to leave him in the cot for a bit",
    "could she be ill, she feels hot",
    "i'm so tired",
    "thanks",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_training() -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "rasa", "train", "--force", "--out", out],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.monotonic() - started


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    pids += [int(p) for p in children.split()]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", action="store_true", help="also time a forced training run")
    parser.add_argument("--turns", type=int, default=50, help="length of the long conversation")
    args = parser.parse_args()

    if args.train:
        print(f"training (forced, 2 cores): {time_training():.0f} s")

    net = SafetyNet.from_paths(SPACY_MODEL, ROOT / "data" / "safety")
    texts = MESSAGES * 100
    started = time.perf_counter()
    for text in texts:
        net.assess(text)
    per_check = (time.perf_counter() - started) / len(texts) * 1000
    print(f"safety net alone: {per_check:.2f} ms per message ({len(texts)} messages)")

    with tempfile.TemporaryDirectory() as tmp:
        config = settings().replace(rasa_port=5105, action_port=5155, tracker_db=Path(tmp) / "tracker.db")
        # The REST channel's per-conversation rate limit is off here: this measures the bot itself.
        bot = BotProcesses(config, log_dir=Path(tmp) / "logs", extra_env={"REST_RATE_LIMIT": "0"})
        startup = bot.start()
        try:
            print(f"start-up until the first REST answer: {startup:.1f} s")
            first_turns = []
            for _ in range(60):
                sender = uuid.uuid4().hex
                started = time.perf_counter()
                bot.send(sender, MESSAGES[1])
                first_turns.append((time.perf_counter() - started) * 1000)
            print(
                f"per turn, new conversation (n=60): p50 {statistics.median(first_turns):.0f} ms, "
                f"p95 {percentile(first_turns, 0.95):.0f} ms"
            )
            sender = uuid.uuid4().hex
            by_turn = []
            for turn in range(args.turns):
                started = time.perf_counter()
                bot.send(sender, MESSAGES[turn % len(MESSAGES)])
                by_turn.append((time.perf_counter() - started) * 1000)
            tenth = max(1, args.turns // 10)
            print(
                f"per turn, one {args.turns}-turn conversation: first {tenth} turns p50 "
                f"{statistics.median(by_turn[:tenth]):.0f} ms, last {tenth} turns p50 "
                f"{statistics.median(by_turn[-tenth:]):.0f} ms"
            )
            pids = bot.pids()
            print(
                f"memory: Rasa {rss_mb(pids['rasa']):.0f} MB, "
                f"action server {rss_mb(pids['actions']):.0f} MB (resident)"
            )
        finally:
            bot.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
