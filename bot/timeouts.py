"""How long the bot waits for its custom actions, set shorter than Rasa's own default.

Rasa 3.6 waits up to 5 minutes for the action server (`DEFAULT_REQUEST_TIMEOUT`), longer than its
60-second conversation lock and far longer than anyone waits in a chat. The timeouts are ordered
action < lock < client: an action that has not answered in ACTION_TIMEOUT_SECONDS counts as failed,
the turn ends, and the channel sends the help-now reply (bot/channels/common.py) instead of
silence. Rasa reads the value when it calls an action, so setting it when our channels are
imported (Rasa loads them at start-up, before any message) is enough.
"""

from __future__ import annotations

import rasa.core.actions.action

ACTION_TIMEOUT_SECONDS = 8


def apply() -> None:
    rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT = ACTION_TIMEOUT_SECONDS
