"""With the action server stopped, every safety tier still gets its reply (they are responses
Rasa sends itself), alone and in the middle of a form.

The bot here is a second instance of its own, so stopping its action server cannot disturb the
other suites.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.conftest import Conversation, start_bot
from tests.safety.scoring import classify, response_openings
from tools.serve import BotProcesses


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


@pytest.fixture(scope="module")
def openings() -> dict[str, str]:
    return response_openings()


@pytest.mark.parametrize(
    "message, tier",
    [
        ("my baby's not breathing and he's blue", "emergency"),
        ("i'm at the end of my tether with her", "breaking_point"),
        ("i want to end my life", "parent_crisis"),
        ("my boyfriend is hitting me and the baby is here", "domestic_abuse"),
        ("my 4 week old has a temperature of 38.3", "urgent_health"),
        ("his breathing sounds odd", "safety_check"),
    ],
)
def test_every_tier_is_answered_without_the_action_server(
    bot_without_actions: BotProcesses, openings, message: str, tier: str
) -> None:
    assert classify(Conversation(bot_without_actions).say(message), openings).tier == tier


def test_emergency_mid_form_still_gets_999(bot_without_actions: BotProcesses, openings) -> None:
    conversation = Conversation(bot_without_actions)
    conversation.say("help me make a plan")
    reply = classify(conversation.say("she's having a fit"), openings)
    assert reply.tier == "emergency" and reply.has_999


def test_emergency_mid_triage_still_gets_999(bot_without_actions: BotProcesses, openings) -> None:
    conversation = Conversation(bot_without_actions)
    conversation.say("i have a safeguarding concern about a newborn")
    reply = classify(conversation.say("he's stopped breathing"), openings)
    assert reply.tier == "emergency" and reply.has_999


def test_the_launcher_starts_a_dead_action_server_again(bot_without_actions: BotProcesses) -> None:
    """Last here: `make run` watches both servers; a dead action server is started again while Rasa
    (and its safety replies) keeps serving, and custom actions work again."""
    assert bot_without_actions.supervise() == "restarted"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        plan = Conversation(bot_without_actions)
        plan.say("help me make a plan")
        if "Who could you call" in " ".join(plan.say("a cup of tea")):
            break
        time.sleep(3)
    else:
        pytest.fail("the restarted action server never answered")
    assert bot_without_actions.supervise() == "ok"
