"""Where the project is, and its settings: the environment first, then `.env`, then defaults.

Every part reads its settings here: the launcher (`tools/serve.py`), the action server (the
default partnership) and the tests. `.env.example` lists them with what each is for.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
# The spaCy pipeline `tools/spacy_pipeline.py` builds (no model is downloaded), and the list of
# common English words it writes next to it, which the safety net never "corrects".
SPACY_MODEL = ROOT / "build" / "spacy_en"
KNOWN_WORDS_FILE = "known_words.txt"

DEFAULTS = {
    "RASA_PORT": "5005",
    "ACTION_PORT": "5055",
    "TRACKER_DB": str(ROOT / "var" / "tracker.db"),
    "MODEL": str(ROOT / "models" / "safeguarding.tar.gz"),
    "DEFAULT_AREA": "devon",
    # Scale-out (docs/deployment.md): empty TRACKER_URL keeps the SQLite file TRACKER_DB; a
    # postgresql://user:password@host:5432/db URL puts every Rasa process on one PostgreSQL store.
    "TRACKER_URL": "",
    # in_memory for one Rasa process; redis when several serve the same conversations.
    "LOCK_STORE": "in_memory",
    "REDIS_HOST": "localhost",
    "REDIS_PORT": "6379",
    "REDIS_PASSWORD": "",
    "REDIS_DB": "0",
}
# LOCK_STORE=redis means this project's Redis lock store (Rasa's own issues tickets non-atomically).
LOCK_STORES = {"redis": "bot.lock_store.AtomicRedisLockStore"}
SCALE_OUT = ("TRACKER_URL", "LOCK_STORE", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_DB")


@dataclass(frozen=True)
class Settings:
    rasa_port: int
    action_port: int
    action_server_url: str
    tracker_db: Path
    model: Path
    default_area: str
    # TRACKER_URL, LOCK_STORE and the REDIS_* settings, as endpoints.yml reads them.
    scale_out: dict[str, str] = dataclasses.field(default_factory=lambda: {k: DEFAULTS[k] for k in SCALE_OUT})

    @property
    def tracker_url(self) -> str:
        """The conversation store's database URL: TRACKER_URL, or the SQLite file TRACKER_DB."""
        return self.scale_out["TRACKER_URL"] or f"sqlite:///{self.tracker_db}"

    def as_environment(self) -> dict[str, str]:
        """The settings as the environment variables the servers read (endpoints.yml uses them)."""
        return {
            "RASA_PORT": str(self.rasa_port),
            "ACTION_PORT": str(self.action_port),
            "ACTION_SERVER_URL": self.action_server_url,
            "TRACKER_DB": str(self.tracker_db),
            "MODEL": str(self.model),
            "DEFAULT_AREA": self.default_area,
            **self.scale_out,
            "LOCK_STORE": LOCK_STORES.get(self.scale_out["LOCK_STORE"], self.scale_out["LOCK_STORE"]),
        }

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed; the action server URL follows a new action port."""
        if "action_port" in changes and "action_server_url" not in changes:
            changes["action_server_url"] = _action_url(int(changes["action_port"]))
        return dataclasses.replace(self, **changes)


def _action_url(port: int) -> str:
    return f"http://localhost:{port}/webhook"


def settings() -> Settings:
    """Read now (tests and tools change the environment): environment, then `.env`, then defaults."""
    load_dotenv(ROOT / ".env", override=False)
    value = {key: os.environ.get(key) or default for key, default in DEFAULTS.items()}
    action_port = int(value["ACTION_PORT"])
    return Settings(
        rasa_port=int(value["RASA_PORT"]),
        action_port=action_port,
        action_server_url=os.environ.get("ACTION_SERVER_URL") or _action_url(action_port),
        tracker_db=_path(value["TRACKER_DB"]),
        model=_path(value["MODEL"]),
        default_area=value["DEFAULT_AREA"],
        scale_out={key: os.environ.get(key) or DEFAULTS[key] for key in SCALE_OUT},
    )


def _path(value: str) -> Path:
    """Relative paths in `.env` are relative to the project, wherever the command runs from."""
    path = Path(value)
    return path if path.is_absolute() else ROOT / path
