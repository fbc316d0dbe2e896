"""`make bench`: this assistant against a stock `rasa init` bot (Rasa 3.6.21 defaults), in one run.

Both bots are trained and started by this script and driven over their REST channels with the same
load, so the figures that matter are the ratios, which hold on a noisy machine. It prints figures
and the issue's targets beside them; nothing here passes or fails (docs/benchmarks.md).

What is measured, for each bot:
- training: `rasa train --force` into a temporary folder (skip with --no-train);
- start-up: from launching the servers to the first REST answer;
- one user: 10 conversations of 10 turns, one message at a time: per-turn p50 and p95;
- throughput: 20 conversations of 10 turns at the same time: turns answered per second;
- long conversation: one conversation of 200 turns: the median of turns 191-200 over the median of
  turns 6-15 (turns 1-5 include the session start);
- peak resident memory of each process (VmHWM), after all of the above.

The stock bot is scaffolded by Rasa's own `rasa init` template into build/bench-stock/ (kept as a
cache; its model is retrained when --no-train is not given or no model exists). It has no custom
actions, so it runs without an action server, with Rasa's default in-memory tracker store.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bot.safety.net import SafetyNet
from bot.settings import ROOT, SPACY_MODEL, settings
from tools.serve import BotProcesses, terminate

STOCK_DIR = ROOT / "build" / "bench-stock"
OUR_PORTS = (5205, 5255)
STOCK_PORT = 5206
USERS = 20
TURNS = 10
LONG_TURNS = 200

# Ten turns in each bot's own domain, so each answers as it was built to.
OUR_CONVERSATION = [
    "hi",
    "my baby won't stop crying, is that normal?",
    "how can i calm her down",
    "is it ok to leave him in the cot for a bit",
    "could she be ill, she feels hot",
    "im so tired",
    "what number do i call in devon",
    "i'm a health visitor, a 4 month old has a bruise on her ear",
    "thanks",
    "bye",
]
STOCK_CONVERSATION = [
    "hi",
    "I am sad",
    "yes",
    "are you a bot?",
    "no",
    "I am great",
    "hello there",
    "very bad",
    "yes it did",
    "bye",
]


@dataclass
class Figures:
    name: str
    training_s: float | None = None
    startup_s: float = 0.0
    turns_ms: list[float] = field(default_factory=list)
    throughput: float = 0.0
    long_ms: list[float] = field(default_factory=list)
    peak_mb: dict[str, float] = field(default_factory=dict)

    @property
    def p50(self) -> float:
        return statistics.median(self.turns_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.turns_ms)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]

    @property
    def turn10_ms(self) -> float:
        return statistics.median(self.long_ms[5:15])

    @property
    def turn200_ms(self) -> float:
        return statistics.median(self.long_ms[-10:])

    @property
    def growth(self) -> float:
        return self.turn200_ms / self.turn10_ms

    @property
    def total_peak_mb(self) -> float:
        return sum(self.peak_mb.values())


def post(url: str, sender: str, text: str) -> list[dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def timed(send: Callable[[str, str], object], sender: str, text: str) -> float:
    started = time.perf_counter()
    send(sender, text)
    return (time.perf_counter() - started) * 1000


def peak_mb(pid: int) -> float:
    """The most resident memory the process has had (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def train(project: Path, out: Path, log: Path) -> float:
    started = time.monotonic()
    with open(log, "ab") as output:
        subprocess.run(
            [sys.executable, "-m", "rasa", "train", "--force", "--out", str(out)],
            cwd=project,
            check=True,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"},
        )
    return time.monotonic() - started


def scaffold_stock() -> None:
    """The `rasa init` template, as Rasa 3.6.21 ships it (no custom actions, default config)."""
    if (STOCK_DIR / "domain.yml").exists():
        return
    STOCK_DIR.parent.mkdir(parents=True, exist_ok=True)
    code = f"from rasa.cli.scaffold import create_initial_project; create_initial_project({str(STOCK_DIR)!r})"
    subprocess.run([sys.executable, "-c", code], check=True)


class StockBot:
    """Stock Rasa: `rasa run` with the template's credentials (REST) and no endpoints."""

    def __init__(self, model: Path, log: Path) -> None:
        self.model = model
        self.log = log
        self.url = f"http://127.0.0.1:{STOCK_PORT}/webhooks/rest/webhook"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 300) -> float:
        started = time.monotonic()
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "rasa",
                    "run",
                    "--model",
                    str(self.model),
                    "--port",
                    str(STOCK_PORT),
                    "--interface",
                    "127.0.0.1",
                ],
                cwd=STOCK_DIR,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"the stock bot stopped during start-up; see {self.log}")
            try:
                if post(self.url, f"warmup-{uuid.uuid4().hex}", "hello"):
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError("the stock bot did not answer")

    def send(self, sender: str, text: str) -> object:
        return post(self.url, sender, text)

    def pids(self) -> dict[str, int]:
        return {"rasa": self.process.pid} if self.process else {}

    def stop(self) -> None:
        terminate(self.process)


def one_user(send: Callable[[str, str], object], conversation: Sequence[str]) -> list[float]:
    """Ten conversations of ten turns, one message at a time."""
    samples = []
    for _ in range(10):
        sender = uuid.uuid4().hex
        samples += [timed(send, sender, text) for text in conversation]
    return samples


def throughput(send: Callable[[str, str], object], conversation: Sequence[str]) -> float:
    """Turns answered per second with USERS conversations at the same time."""
    barrier = threading.Barrier(USERS)

    def talk(_: int) -> None:
        sender = uuid.uuid4().hex
        barrier.wait()
        for text in conversation:
            send(sender, text)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=USERS) as pool:
        list(pool.map(talk, range(USERS)))
    return USERS * len(conversation) / (time.perf_counter() - started)


def long_conversation(send: Callable[[str, str], object], conversation: Sequence[str]) -> list[float]:
    sender = uuid.uuid4().hex
    return [timed(send, sender, conversation[turn % len(conversation)]) for turn in range(LONG_TURNS)]


def ratio_line(label: str, ours: float, stock: float, target: str, unit: str = "") -> str:
    return f"{label:<44} {ours:>9.1f}{unit:<5} {stock:>9.1f}{unit:<5} {ours / stock:>6.2f}x   {target}"


def report(ours: Figures, stock: Figures) -> str:
    lines = [
        f"{'':<44} {'ours':>14} {'stock':>14} {'ratio':>7}   target",
        ratio_line("per turn, one user: p50", ours.p50, stock.p50, "<= 0.50x", " ms"),
        ratio_line("per turn, one user: p95", ours.p95, stock.p95, "", " ms"),
        ratio_line(f"throughput, {USERS} at once (turns/s)", ours.throughput, stock.throughput, ">= 2.50x"),
        ratio_line("long conversation: turn ~10", ours.turn10_ms, stock.turn10_ms, "", " ms"),
        ratio_line("long conversation: turn ~200", ours.turn200_ms, stock.turn200_ms, "", " ms"),
        f"{'turn 200 over turn 10':<44} {ours.growth:>9.2f}x{'':<4} {stock.growth:>9.2f}x{'':<4} "
        f"{'':>7}   ours <= 1.50x",
        ratio_line("start-up to the first answer", ours.startup_s, stock.startup_s, "<= 1.00x", " s"),
    ]
    if ours.training_s and stock.training_s:
        lines.append(ratio_line("training (rasa train --force)", ours.training_s, stock.training_s, "", " s"))
    for process, value in ours.peak_mb.items():
        lines.append(f"{'peak memory: ' + process:<44} {value:>9.0f} MB")
    lines.append(
        ratio_line("peak memory, all processes", ours.total_peak_mb, stock.total_peak_mb, "<= 1.00x", " MB")
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--no-train", action="store_true", help="use the models as they are; no training time"
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args()

    net = SafetyNet.from_paths(SPACY_MODEL, ROOT / "data" / "safety")
    texts = OUR_CONVERSATION * 50
    started = time.perf_counter()
    for text in texts:
        net.assess(text)
    print(f"safety net alone: {(time.perf_counter() - started) / len(texts) * 1000:.2f} ms per message")

    scaffold_stock()
    ours, stock = Figures("ours"), Figures("stock")
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        our_model = settings().model
        stock_model = STOCK_DIR / "models" / "stock.tar.gz"
        if not args.no_train or not stock_model.exists():
            print("training the stock bot (rasa train --force) ...", flush=True)
            stock.training_s = train(STOCK_DIR, work / "stock-model", work / "stock-train.log")
            stock_model.parent.mkdir(exist_ok=True)
            shutil.copy(next((work / "stock-model").glob("*.tar.gz")), stock_model)
        if not args.no_train:
            print("training this assistant (rasa train --force) ...", flush=True)
            ours.training_s = train(ROOT, work / "our-model", work / "our-train.log")

        config = settings().replace(
            rasa_port=OUR_PORTS[0], action_port=OUR_PORTS[1], tracker_db=work / "tracker.db", model=our_model
        )
        # The REST channel's per-conversation rate limit is off: this measures the bot itself.
        our_bot = BotProcesses(config, log_dir=work / "ours", extra_env={"REST_RATE_LIMIT": "0"})
        stock_bot = StockBot(stock_model, work / "stock-run.log")
        print("starting both bots ...", flush=True)
        ours.startup_s = our_bot.start()
        try:
            stock.startup_s = stock_bot.start()
            try:
                our_send = lambda sender, text: our_bot.send(sender, text, timeout=60)  # noqa: E731
                # Each measurement runs for both bots back to back, so the machine is in the same
                # state for both; a few turns first warm up each bot.
                for send, conversation in (
                    (our_send, OUR_CONVERSATION),
                    (stock_bot.send, STOCK_CONVERSATION),
                ):
                    one_user(send, conversation[:5])
                bots = ((ours, our_send, OUR_CONVERSATION), (stock, stock_bot.send, STOCK_CONVERSATION))
                print("measuring: one user ...", flush=True)
                for figures, send, conversation in bots:
                    figures.turns_ms = one_user(send, conversation)
                print("measuring: throughput ...", flush=True)
                for figures, send, conversation in bots:
                    figures.throughput = throughput(send, conversation)
                print("measuring: long conversation ...", flush=True)
                for figures, send, conversation in bots:
                    figures.long_ms = long_conversation(send, conversation)
                for process, pid in our_bot.pids().items():
                    ours.peak_mb[process] = peak_mb(pid)
                stock.peak_mb["rasa"] = peak_mb(stock_bot.pids()["rasa"])
            finally:
                stock_bot.stop()
        finally:
            our_bot.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print()
    print(report(ours, stock))
    if args.json:
        args.json.write_text(json.dumps({f.name: f.__dict__ for f in (ours, stock)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
