"""`rasa data validate`, failing on every warning but two known false alarms.

Rasa 3.6's validator counts a response as used only when a story or rule names it, so it warns
about the `utter_ask_<slot>` questions that a form asks by itself and the responses a custom action
chooses; and it wants NLU examples for every intent, but the safety net's tiers are set by its rules
(data/safety/), not learnt. Those warnings are dropped here only when the slot really is asked by a
form, the response really is named in actions/, or the intent really is a safety tier; anything
else fails the build. Run as `python -m tools.validate_data`.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import yaml

from bot.safety.rulebook import TIERS
from bot.settings import ROOT

_UNUSED = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule\.")
_NO_EXAMPLES = re.compile(r"The intent '(\w+)' is listed in the domain file, but is not found in the NLU")
_WARNING = re.compile(r"UserWarning: (.*)")


def form_questions(domain_file: Path = Path("domain.yml")) -> set[str]:
    """The `utter_ask_<slot>` responses that forms in the domain ask."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    questions = set()
    for form_name, form in (domain.get("forms") or {}).items():
        for slot in form.get("required_slots") or []:
            questions.add(f"utter_ask_{slot}")
            questions.add(f"utter_ask_{form_name}_{slot}")
    return questions


def responses_named_in_actions(folder: Path = ROOT / "actions") -> set[str]:
    """Every response name written in the custom actions' code (as a whole string, never built
    from pieces, so that this finds them all)."""
    names = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                # "utter_action" is the key under which Rasa keeps a message's response name.
                if re.fullmatch(r"utter_\w+", node.value) and node.value != "utter_action":
                    names.add(node.value)
    return names


def main() -> int:
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate"],
        capture_output=True,
        text=True,
    )
    output = result.stdout + result.stderr
    asked_elsewhere = form_questions() | responses_named_in_actions()
    problems = []
    for warning in _WARNING.findall(output):
        unused = _UNUSED.search(warning)
        if unused and unused.group(1) in asked_elsewhere:
            continue
        no_examples = _NO_EXAMPLES.search(warning)
        if no_examples and no_examples.group(1) in TIERS:
            continue
        problems.append(warning)
    if result.returncode != 0 or problems:
        print(output[-4000:] if result.returncode != 0 else "", file=sys.stderr)
        for problem in problems:
            print(f"validation warning: {problem}", file=sys.stderr)
        print("rasa data validate: FAILED", file=sys.stderr)
        return 1
    print("rasa data validate: clean (responses asked by forms or chosen by actions count as used)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
