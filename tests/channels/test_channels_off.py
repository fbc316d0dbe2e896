"""Without their settings, Slack and Teams are off: the bot starts, and their addresses say so."""

from __future__ import annotations

import json
import urllib.request

import pytest

from bot.channels.common import env
from tests.channels.platforms import post
from tools.serve import BotProcesses


@pytest.mark.parametrize(
    ("channel", "setting"), [("slack", "SLACK_BOT_TOKEN"), ("botframework", "TEAMS_APP_ID")]
)
def test_a_channel_without_its_settings_is_off_and_refuses_messages(
    bot: BotProcesses, channel: str, setting: str
) -> None:
    if env(setting):
        pytest.skip(f"{setting} is set here, so the {channel} channel is on")
    base = f"http://127.0.0.1:{bot.rasa_port}/webhooks/{channel}/"
    with urllib.request.urlopen(base, timeout=10) as reply:
        assert json.loads(reply.read()) == {"status": "off"}
    status, _, _ = post(
        base + "webhook", b'{"type": "message", "text": "hello"}', {"Content-Type": "application/json"}
    )
    assert status == 404
