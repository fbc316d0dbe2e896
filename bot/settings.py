"""Where the project is, and its settings: the environment first, then `.env`, then defaults."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
