"""Show how the safety net reads a message and which rules fire, for whoever edits data/safety/.

    python -m tools.explain_safety "she's gone a funny colour and won't wake"

Prints the words as the rules see them (base forms, corrections, measures), the concepts and rule
parts found (and those a "not" cancelled), the exceptions that apply, and the rules that fired.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.safety.net import SafetyNet
from bot.settings import DATA, SPACY_MODEL

RULES = DATA / "safety"


def explain(net: SafetyNet, text: str) -> str:
    evaluation = net.evaluate(text)
    doc = evaluation.doc
    lines = [
        f"message: {text}",
        "read as: "
        + " ".join(
            token.text if token.text == token.lemma_ else f"{token.text}({token.lemma_})" for token in doc
        ),
    ]

    def words(spans: list[tuple[int, int]]) -> str:
        return ", ".join(repr(doc[s:e].text) for s, e in spans)

    concepts = [name for name in evaluation.spans if name in net.book.concepts]
    lines.append(
        "concepts: "
        + ("; ".join(f"{name} {words(evaluation.spans[name])}" for name in sorted(concepts)) or "none")
    )
    cancelled = sorted(evaluation.negated)
    if cancelled:
        lines.append(
            "cancelled by a 'not': "
            + "; ".join(f"{name} {words(evaluation.negated[name])}" for name in cancelled)
        )
    excluded = {name: spans for name, spans in evaluation.excluded.items() if spans}
    if excluded:
        lines.append(
            "exceptions: "
            + "; ".join(
                f"{'talking about, not reporting' if name == '*' else name} {words(spans)}"
                for name, spans in sorted(excluded.items())
            )
        )
    if evaluation.fired:
        for rule in evaluation.fired:
            unsure = " (only if not otherwise understood)" if rule.when_unsure else ""
            lines.append(f"fired: {rule.tier} / {rule.name} ({rule.source}){unsure}")
    else:
        lines.append("fired: nothing")
    assessment = net.assess(text)
    for rule in evaluation.settled:
        lines.append(
            f"settled: {rule.tier} / {rule.name}: the message ends saying it is over (over_now, over_since)"
        )
    if evaluation.over and not evaluation.settled:
        lines.append(
            "over: the message ends saying it is over (over_now), so a classifier's guess alone asks nothing"
        )
    decision = assessment.finding or assessment.if_unsure
    lines.append("decision: " + (f"{decision.tier} ({decision.concern})" if decision else "no safety reply"))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    net = SafetyNet.from_paths(Path(SPACY_MODEL), Path(RULES))
    for text in argv:
        print(explain(net, text), end="\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
