"""With the action server stopped, emergency and breaking-point messages still get their replies.

The bot here is a second instance of its own, so stopping its action server cannot disturb the
other suites.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.serve import BotProcesses
from tests.conftest import Conversation, first_bubble, start_bot


@pytest.fixture(scope="module")
def bot_without_actions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcesses]:
    bot = start_bot(tmp_path_factory.mktemp("bot-actions-down"))
    # Show the action server really was serving: the coping plan needs it to check answers.
    plan = Conversation(bot)
    plan.say("help me make a plan")
    assert "Who could you call" in " ".join(plan.say("a cup of tea"))
    bot.stop_actions()
    # ...and that it is really gone now: the same step gets no answer from it.
    check = Conversation(bot)
    check.say("help me make a plan")
    assert "Who could you call" not in " ".join(check.say("a cup of tea"))
    yield bot
    bot.stop()


def test_emergency_still_gets_999(bot_without_actions: BotProcesses, domain_texts) -> None:
    replies = Conversation(bot_without_actions).say("my baby's not breathing and he's blue")
    assert replies and replies[0] == first_bubble(domain_texts["utter_emergency"])


def test_breaking_point_still_gets_its_steps(bot_without_actions: BotProcesses, domain_texts) -> None:
    replies = Conversation(bot_without_actions).say("i'm at the end of my tether with her")
    assert replies and replies[0] == first_bubble(domain_texts["utter_breaking_point_steps"])
    assert any("never shake" in reply for reply in replies)


def test_emergency_mid_form_still_gets_999(bot_without_actions: BotProcesses, domain_texts) -> None:
    conversation = Conversation(bot_without_actions)
    conversation.say("help me make a plan")
    replies = conversation.say("she's having a fit")
    assert replies and replies[0] == first_bubble(domain_texts["utter_emergency"])


def test_emergency_mid_triage_still_gets_999(bot_without_actions: BotProcesses, domain_texts) -> None:
    conversation = Conversation(bot_without_actions)
    conversation.say("i have a safeguarding concern about a newborn")
    replies = conversation.say("he's stopped breathing")
    assert replies and replies[0] == first_bubble(domain_texts["utter_emergency"])
