"""The launcher's red-flag probe counts only the safety net's own emergency answer."""

from __future__ import annotations

from bot.channels.common import help_now
from tools.serve import probe_answered


def test_only_the_emergency_answer_passes_the_probe() -> None:
    assert probe_answered([{"text": "📞 Call 999 now. A baby who is not breathing needs emergency help."}])
    assert not probe_answered([])
    # Replies that merely mention 999 are not the safety net answering.
    assert not probe_answered([{"text": help_now(None, None)}])
    assert not probe_answered([{"text": "Sorry, I didn't quite understand. If a baby is hurt, call 999."}])
