"""The hazard log (docs/safety/hazard-log.yml) names real tests: a control that points at a test
that was renamed or deleted is no control, so make test fails on it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "docs" / "safety" / "hazard-log.yml"
NAMED = re.compile(r"^(tests/[\w/]+\.py)::(\w+)$")
LEVELS = {
    "severity": {"minor", "significant", "considerable", "major", "catastrophic"},
    "likelihood": {"very low", "low", "medium", "high", "very high"},
}


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_every_test_the_hazard_log_names_exists() -> None:
    hazards = yaml.safe_load(LOG.read_text(encoding="utf-8"))["hazards"]
    missing = []
    named = 0
    for hazard in hazards:
        for control in hazard["controls"]:
            found = NAMED.match(control)
            if not found:
                continue
            named += 1
            path = ROOT / found.group(1)
            if not path.exists() or found.group(2) not in _functions(path):
                missing.append(f"{hazard['id']}: {control}")
    assert named >= 30
    assert missing == [], "the hazard log names tests that do not exist"


def test_every_hazard_is_rated_before_and_after_its_controls() -> None:
    hazards = yaml.safe_load(LOG.read_text(encoding="utf-8"))["hazards"]
    titles = {hazard["title"] for hazard in hazards}
    for needed in (
        "Missed emergency",
        "False reassurance",
        "Wrong or outdated number",
        "No reply when a part fails",
        "Reply to the wrong person",
        "Identifying data kept",
        "Message text in logs",
        "Outdated or wrong guidance",
    ):
        assert needed in titles
    for hazard in hazards:
        for stage in ("before", "after"):
            rating = hazard[stage]
            assert rating["severity"] in LEVELS["severity"] and rating["likelihood"] in LEVELS["likelihood"]
            assert 1 <= rating["risk"] <= 5
        assert hazard["after"]["risk"] <= hazard["before"]["risk"], hazard["id"]
