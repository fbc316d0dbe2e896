"""No message text in the logs, whatever way it tries to get there: a quoted message, an exception's
message, `extra=` fields, a warning, an SQL error, or an exception nobody caught (in the main
thread, another thread or a finalizer). Each case runs in a fresh process, the way a server runs,
because `bot.logs.install()` changes that process's logging for good."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Amelia Quartermaine lives at 12 Juniper Close"

PRELUDE = f"""
import logging, sys, threading, warnings
from bot import logs
class WithExtra(logging.Formatter):
    def format(self, record):
        return super().format(record) + " user=" + str(getattr(record, "user", "-"))
handler = logging.StreamHandler(sys.stderr)
handler.setFormatter(WithExtra("%(levelname)s %(name)s %(message)s"))
logging.basicConfig(level=logging.INFO, handlers=[handler])
logs.install()
SECRET = {SECRET!r}
log = logging.getLogger("rasa.core.processor")
"""

CASES = {
    "quoted while answering": """
with logs.in_flight(SECRET):
    log.info("Received user message '%s'", SECRET)
    log.warning(f"Could not parse: {SECRET.upper()!r} ... {SECRET}")
    log.info("Partial: " + " ".join(SECRET.split()[2:6]))
""",
    "an exception's message": """
try:
    raise KeyError(SECRET)
except KeyError:
    log.exception("Action failed")
""",
    "extra fields": """
with logs.in_flight(SECRET):
    log.info("with extra", extra={"user": SECRET})
log.info("not text", extra={"user": {"typed": SECRET}})
""",
    "a warning": """
with logs.in_flight(SECRET):
    warnings.warn(f"Slot value {SECRET} looks odd")
""",
    "an SQL error": """
log.error("(sqlite3.OperationalError) database is locked [SQL: INSERT INTO events] "
          "[parameters: ('test', 'user', '{\\"text\\": \\"" + SECRET + "\\"}')] "
          "(Background on this error at: x)")
""",
    "an uncaught error in a thread": """
thread = threading.Thread(target=lambda: (_ for _ in ()).throw(ValueError(SECRET)), name="worker")
thread.start(); thread.join()
""",
    "an error in a finalizer": """
class Leaky:
    def __del__(self):
        raise RuntimeError(SECRET)
Leaky()
""",
    "an uncaught error in the main thread": """
raise RuntimeError(SECRET)
""",
}


def run(case: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(PRELUDE) + textwrap.dedent(CASES[case])],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def leaked(output: str) -> list[str]:
    words = ["Amelia", "Quartermaine", "Juniper", "AMELIA", "12 Juniper"]
    return [word for word in words if word in output]


def test_no_way_of_logging_lets_the_text_through() -> None:
    for case in CASES:
        result = run(case)
        output = result.stdout + result.stderr
        assert output.strip(), f"{case}: nothing was logged, so nothing was checked"
        assert not leaked(output), f"{case} leaked {leaked(output)}:\n{output[-1500:]}"


def test_what_is_withheld_still_says_what_happened() -> None:
    """A log that hides everything would be useless to whoever mends the fault."""
    exception = run("an exception's message").stderr
    assert "Action failed" in exception and "KeyError: (message withheld)" in exception
    assert "[message text]" in run("quoted while answering").stderr
    sql = run("an SQL error").stderr
    assert "database is locked" in sql and "[parameters withheld]" in sql
    thread = run("an uncaught error in a thread").stderr
    assert "ended thread worker" in thread and "ValueError: (message withheld)" in thread
    finalizer = run("an error in a finalizer").stderr
    assert "could not be raised" in finalizer and "RuntimeError: (message withheld)" in finalizer
    main = run("an uncaught error in the main thread")
    assert main.returncode != 0, "an uncaught error must still stop the process"
    assert "uncaught error stopped the process" in main.stderr
