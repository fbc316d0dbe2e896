"""Only Rasa may call the action server, and its errors never send back what people typed."""

from __future__ import annotations

import json

import pytest

from tests.channels.platforms import post
from tools.serve import BotProcesses

CALL = {"next_action": "action_give_contacts", "sender_id": "someone", "tracker": {"sender_id": "someone"}}


@pytest.mark.parametrize("token", [None, "", "not-the-token"])
def test_calls_without_the_shared_secret_are_refused(bot: BotProcesses, token: str | None) -> None:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["X-Action-Token"] = token
    status, _, body = post(f"http://127.0.0.1:{bot.action_port}/webhook", json.dumps(CALL).encode(), headers)
    assert status == 401 and b"not authorised" in body


def test_an_error_answers_with_an_id_not_the_conversation(bot: BotProcesses) -> None:
    broken = {
        "next_action": "action_give_contacts",
        "tracker": {"latest_message": {"text": "Zebedee lives here"}},
    }
    headers = {"Content-Type": "application/json", "X-Action-Token": bot.action_token}
    status, _, body = post(
        f"http://127.0.0.1:{bot.action_port}/webhook", json.dumps(broken).encode(), headers
    )
    assert status >= 400
    assert b"Zebedee" not in body
    if status == 500:
        assert "error_id" in json.loads(body)
