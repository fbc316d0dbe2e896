"""The redaction on the blind identifier corpora (tests/privacy/blind/): per round, no fewer
identifiers removed and no more advice words lost than its floor. `python -m tests.privacy.scoring`
prints every miss."""

from __future__ import annotations

import pytest
import yaml

from tests.privacy.scoring import BLIND, measure

ROUNDS = sorted(path.name for path in BLIND.iterdir() if (path / "identifiers.yml").exists())


@pytest.mark.parametrize("name", ROUNDS)
def test_a_blind_round_holds_its_floor(name: str) -> None:
    floor_file = BLIND / name / "floor.yml"
    assert floor_file.exists(), f"{name} has no floor.yml: measure it untouched first, then set one"
    floor = yaml.safe_load(floor_file.read_text(encoding="utf-8"))
    score = measure(name)
    assert score.clean >= floor["clean"], score.report()
    assert score.parts_gone >= floor["parts_gone"], score.report()
    assert score.calm_kept >= floor["calm_kept"], score.report()
    assert score.stay_kept >= floor["stay_kept"], score.report()


def test_the_public_lines_and_the_advice_survive_redaction() -> None:
    from bot.privacy import redact

    for text in (
        "NSPCC helpline 0808 800 5000, Samaritans 116 123, call 999 or 111",
        "Devon Front Door 0345 155 1071, out of hours 0345 6000 388",
        "she is 10/52 with a temp of 38.4, fed 120ml at 3am",
    ):
        assert redact(text) == text


def test_every_place_the_assistant_knows_survives_redaction() -> None:
    """Rasa reads the stored conversation back each turn and the actions look for the place in it:
    a redacted "Brierley Hill" would give a Dudley professional Devon's numbers."""
    from actions.areas.files import load_directory
    from bot.privacy import redact

    directory = load_directory()
    places = [*directory.elsewhere, *(n for a in directory.all for n in (a.name, *a.also_called))]
    for place in places:
        for text in (f"HV in {place}, what's the number", f"based at {place.lower()}", f"near {place}"):
            assert directory.place_in_text(redact(text)) == directory.place_in_text(text), text


def test_odd_input_never_breaks_redaction() -> None:
    from bot.privacy import redact, redact_values

    assert redact("a\x001\x00b \x000\x00 999") == "a1b 0 999"
    assert redact_values({"message_id": "ab12345678901234cd", "text": "call 07700 900123"}) == {
        "message_id": "ab12345678901234cd",
        "text": "call [phone number]",
    }
    assert (
        redact("Mrs Smith next door, her name is amelia jones") == "Mrs [name] next door, her name is [name]"
    )
