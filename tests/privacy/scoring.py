"""Scores the redaction (bot/privacy.py) on a blind identifier corpus: what must go, what must stay.

    python -m tests.privacy.scoring round1      # prints the figures and every miss

A corpus (tests/privacy/blind/<round>/identifiers.yml) was written by someone who never saw the
redaction code: `identifiers` are messages with `must_go` substrings (a name, a number) that must
not survive and `must_stay` words the advice depends on; `calm` messages hold no identifier and
everything in `must_stay` must survive. Checks are case-sensitive, as the writer asked: "will" in a
calm message is a word, "Will" in a name is a name.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.privacy import redact

BLIND = Path(__file__).parent / "blind"


@dataclass
class Score:
    messages: int = 0
    clean: int = 0  # identifier messages with every must_go gone
    parts: int = 0
    parts_gone: int = 0
    calm: int = 0
    calm_kept: int = 0  # calm messages with every must_stay kept
    stay: int = 0
    stay_kept: int = 0  # must_stay words kept, in both lists
    leaks: list[tuple[str, str, list[str]]] = field(default_factory=list)
    losses: list[tuple[str, str, list[str]]] = field(default_factory=list)

    def report(self) -> str:
        figures = [
            ("identifier messages fully redacted", self.clean, self.messages),
            ("identifier parts removed", self.parts_gone, self.parts),
            ("calm messages left whole", self.calm_kept, self.calm),
            ("advice words kept (both lists)", self.stay_kept, self.stay),
        ]
        lines = [f"{label}: {got}/{total} ({got / total:.1%})" for label, got, total in figures]
        lines += [f"  LEAK  {left}  <- {text!r} -> {out!r}" for text, out, left in self.leaks]
        lines += [f"  LOST  {lost}  <- {text!r} -> {out!r}" for text, out, lost in self.losses]
        return "\n".join(lines)


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((BLIND / name / "identifiers.yml").read_text(encoding="utf-8"))


def measure(name: str) -> Score:
    corpus = load(name)
    score = Score()
    for item in corpus["identifiers"]:
        out = redact(item["text"])
        left = [part for part in item["must_go"] if part in out]
        score.messages += 1
        score.parts += len(item["must_go"])
        score.parts_gone += len(item["must_go"]) - len(left)
        score.clean += not left
        if left:
            score.leaks.append((item["text"], out, left))
        _stay(score, item, out)
    for item in corpus["calm"]:
        out = redact(item["text"])
        score.calm += 1
        lost = _stay(score, item, out)
        score.calm_kept += not lost
    return score


def _stay(score: Score, item: dict[str, Any], out: str) -> list[str]:
    stay = item.get("must_stay") or []
    lost = [word for word in stay if word not in out]
    score.stay += len(stay)
    score.stay_kept += len(stay) - len(lost)
    if lost:
        score.losses.append((item["text"], out, lost))
    return lost


if __name__ == "__main__":
    for round_name in sys.argv[1:] or sorted(p.name for p in BLIND.iterdir()):
        print(f"=== {round_name} ===")
        print(measure(round_name).report())
