"""Start the action server and Rasa together, wait until the bot answers, stop both on Ctrl-C.

`make run` calls this; the tests and the benchmark use `BotProcesses` to run the same thing on
ports of their own. Settings come from `bot.settings` (the environment, then `.env`).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError  # type: ignore[import-untyped]

from bot.settings import ROOT, Settings, settings
from tools.purge import purge, retention_days

# Sent before the bot is called ready: it must get 999 in the first reply.
PROBE = "my baby is not breathing"
# The safety net's emergency reply opens with this (domain.yml utter_emergency); other replies that
# merely mention 999 (the help-now reply, the fallback) do not count.
EMERGENCY_OPENING = "Call 999 now"


def probe_answered(replies: list[dict]) -> bool:
    """True when the first reply is the safety net's emergency answer."""
    return bool(replies) and EMERGENCY_OPENING in str(replies[0].get("text", ""))


# The action server is started again at most this often (seconds) if it keeps dying.
RESTART_INTERVAL = 10.0


class BotProcesses:
    """The action server and Rasa as child processes, with the REST channel on `rasa_port`."""

    def __init__(
        self,
        config: Settings,
        log_dir: Path | None = None,
        credentials: Path | None = None,
        extra_env: dict[str, str] | None = None,
        with_actions: bool = True,
    ) -> None:
        self.config = config
        # The channels (credentials.yml unless a test gives its own) and settings only they read.
        self.credentials = credentials or ROOT / "credentials.yml"
        self.extra_env = extra_env or {}
        # False: another BotProcesses' action server (config.action_server_url) serves this Rasa too.
        self.with_actions = with_actions
        self.rasa_port = config.rasa_port
        self.action_port = config.action_port
        self._log_dir = log_dir
        self._actions: subprocess.Popen | None = None
        self._rasa: subprocess.Popen | None = None
        self._env: dict[str, str] = {}
        self._last_restart = 0.0

    @property
    def log_dir(self) -> Path | None:
        """Where the two servers' logs are written (None: to this terminal)."""
        return self._log_dir

    @property
    def action_token(self) -> str:
        """The secret this start gave Rasa and the action server (actions/server.py)."""
        return self._env.get("ACTION_TOKEN", "")

    @property
    def rest_token_set(self) -> bool:
        """Whether REST requests need `Authorization: Bearer <REST_TOKEN>` (bot/channels/rest.py)."""
        return bool(self._env.get("REST_TOKEN"))

    @property
    def webhook(self) -> str:
        return f"http://localhost:{self.rasa_port}/webhooks/rest/webhook"

    @property
    def widget_page(self) -> str:
        """The chat widget's demo page (bot/channels/webchat.py)."""
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/webchat/"

    def start(self, timeout: float = 300.0) -> float:
        """Start both servers; returns seconds until the bot answered its first message."""
        started = time.monotonic()
        self.config.tracker_db.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        env = {
            **os.environ,
            **self.config.as_environment(),
            # Rasa's usage reporting stays off unless someone turns it on in .env.
            "RASA_TELEMETRY_ENABLED": os.environ.get("RASA_TELEMETRY_ENABLED", "false"),
            # The secret only Rasa's calls to the action server carry (actions/server.py): fresh at
            # each start unless .env sets one.
            "ACTION_TOKEN": os.environ.get("ACTION_TOKEN") or secrets.token_hex(32),
            "ACTION_HOST": os.environ.get("ACTION_HOST") or "127.0.0.1",
            **self.extra_env,
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONPATH": str(ROOT),
        }
        self._env = env
        if self.with_actions:
            self._actions = self._spawn_actions()
        self._rasa = self._spawn(
            [
                sys.executable,
                "-m",
                "rasa",
                "run",
                "--model",
                str(self.config.model),
                "--port",
                str(self.rasa_port),
                "--credentials",
                str(self.credentials),
                # Only this machine unless RASA_HOST says otherwise (a reverse proxy in front).
                "--interface",
                os.environ.get("RASA_HOST") or "127.0.0.1",
                "--endpoints",
                "endpoints.yml",
            ],
            env,
            "rasa.log",
        )
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self._rasa.poll() is not None:
                raise RuntimeError(f"Rasa stopped during start-up (exit code {self._rasa.returncode})")
            try:
                if self.send(f"warmup-{uuid.uuid4().hex}", "hello", timeout=10) is not None:
                    self._probe_safety_net()
                    return time.monotonic() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(1)
        self.stop()
        raise TimeoutError(f"the bot did not answer within {timeout:.0f} s")

    def _probe_safety_net(self) -> None:
        """Never call the bot ready unless a red flag gets the emergency reply (a model or a rule
        file that loaded wrong would otherwise answer [] to everything, danger included)."""
        replies = self.send(f"probe-{uuid.uuid4().hex}", PROBE, timeout=30)
        if not probe_answered(replies):
            self.stop()
            raise RuntimeError(
                "the safety net did not answer a red-flag probe with 999: check the model and data/safety/ "
                "(the Rasa log says more)"
            )

    def _spawn_actions(self) -> subprocess.Popen:
        command = [sys.executable, "-m", "actions.server", "--port", str(self.action_port)]
        return self._spawn(command, self._env, "actions.log")

    def supervise(self) -> str:
        """Check both servers once: "ok"; "restarted" when the action server had died and was started
        again (Rasa, and with it the safety replies, kept serving); "rasa stopped" when Rasa did."""
        if self._rasa is None or self._rasa.poll() is not None:
            return "rasa stopped"
        if not self.with_actions or self._actions is not None and self._actions.poll() is None:
            return "ok"
        now = time.monotonic()
        if now - self._last_restart < RESTART_INTERVAL:
            return "waiting"
        self._last_restart = now
        self._actions = self._spawn_actions()
        return "restarted"

    def send(self, sender: str, text: str, timeout: float = 30) -> list[dict]:
        """One message over the REST channel; returns the bot's replies."""
        headers = {"Content-Type": "application/json"}
        if self._env.get("REST_TOKEN"):
            headers["Authorization"] = f"Bearer {self._env['REST_TOKEN']}"
        request = urllib.request.Request(
            self.webhook, data=json.dumps({"sender": sender, "message": text}).encode(), headers=headers
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def pids(self) -> dict[str, int]:
        return {name: p.pid for name, p in (("rasa", self._rasa), ("actions", self._actions)) if p}

    def running(self) -> bool:
        processes = (self._rasa, self._actions) if self.with_actions else (self._rasa,)
        return all(p is not None and p.poll() is None for p in processes)

    def stop_actions(self) -> None:
        """Stop only the action server (the safety replies must still work without it)."""
        terminate(self._actions)

    def stop(self) -> None:
        terminate(self._rasa)
        terminate(self._actions)

    def _spawn(self, command: list[str], env: dict[str, str], log_name: str) -> subprocess.Popen:
        if self._log_dir is None:
            return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        self._log_dir.mkdir(parents=True, exist_ok=True)
        log = open(self._log_dir / log_name, "ab")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def terminate(process: subprocess.Popen | None) -> None:
    """Stop a process started in a session of its own (start_new_session), with its children."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _stop_on_signal(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Ctrl-C and `kill` both stop the two servers, never leaving one running on its own. SIGINT
    # is set explicitly because a shell starting us in the background would have it ignored.
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGINT, _stop_on_signal)
    config = settings()
    try:
        conversations, _ = purge(config.scale_out["TRACKER_URL"] or config.tracker_db, retention_days())
    except ValueError as error:
        print(f"Could not start the bot: {error}", file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        # Rasa itself waits for a database that is still starting; old conversations go next time.
        conversations = 0
        print(f"Old conversations not purged now: the store can't be reached yet ({type(error).__name__}).")
    if conversations:
        print(f"Deleted {conversations} conversation(s) older than the retention period (RETENTION_DAYS).")
    bot = BotProcesses(config)
    print("Starting the action server and Rasa (loading the model takes about a minute)...")
    try:
        seconds = bot.start()
    except (RuntimeError, TimeoutError) as error:
        bot.stop()
        print(f"Could not start the bot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        bot.stop()
        return 0
    print(
        f"\nThe bot is answering (ready after {seconds:.0f} s).\n"
        f"  Chat widget:    {bot.widget_page}  (add ?area=east_sussex or ?area=dudley)\n"
        f"  REST webhook:   {bot.webhook}\n"
        f"  Action server:  http://localhost:{bot.action_port}/health\n\n"
        "Try it:\n"
        f"  curl -s -X POST {bot.webhook} -H 'Content-Type: application/json' \\\n"
        + ("       -H 'Authorization: Bearer <REST_TOKEN from .env>' \\\n" if bot.rest_token_set else "")
        + '       -d \'{"sender": "me", "message": "my baby will not stop crying"}\'\n\n'
        "Press Ctrl-C to stop both servers."
    )
    try:
        while True:
            state = bot.supervise()
            if state == "rasa stopped":
                print("Rasa stopped unexpectedly; stopping the action server.", file=sys.stderr)
                return 1
            if state == "restarted":
                print(
                    "The action server stopped; started it again (Rasa and its safety replies kept serving)."
                )
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping...")
        return 0
    finally:
        bot.stop()


if __name__ == "__main__":
    sys.exit(main())
