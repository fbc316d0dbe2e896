"""The REST channel (/webhooks/rest/webhook), in place of Rasa's own, for clients we trust to run
their own front end: the tests, the benchmark, and a partnership's integration behind its proxy.

Compared with Rasa's `rest` channel:
- The body must be a JSON object with a `sender` (a short id of letters, digits and `-_.:`) and a
  `message` string; anything else gets 400 with a reply that still names 999, never a 500.
- A message longer than `max_message_chars` is cut to that length: the safety net still reads its
  start, and the server is never held up by a huge one.
- Metadata is kept only for the keys on an allow-list (`area`), so nothing a client sends ends up
  stored unasked. The input channel is always `rest`.
- More than `rate_limit` messages a minute in one conversation get 429 with the 999 line
  (REST_RATE_LIMIT overrides it; 0 turns it off, as the benchmark does to measure the bot alone).
- When the bot has no reply at all (an action failed, timed out or its server is down), the person
  gets `help_now`: 999, 111, and for a professional their area's lines. Never silence.
- Nothing of the message is logged, also when processing fails.
- Conversation ids that belong to the other channels (`webchat-`, `slack-`, `teams-`) are refused
  with 403: a REST client cannot read or continue someone's widget, Slack or Teams conversation.
- With REST_TOKEN set, every request needs `Authorization: Bearer <REST_TOKEN>` (401 otherwise,
  compared in constant time). Set it whenever anything other than this machine can reach the port:
  without it, any client that can reach it chooses its own `sender`, so it could continue another
  REST client's conversation.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import logs
from bot.channels.common import (
    EMERGENCY_LINE,
    NO_TEXT,
    TOO_FAST,
    RateLimiter,
    conversation_slots,
    env,
    help_now,
)

logger = logging.getLogger(__name__)

_SENDER = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
METADATA_KEYS = ("area",)
BAD_REQUEST = (
    'I couldn\'t read that request. Send JSON like {"sender": "an-id", "message": "your question"}. '
    + EMERGENCY_LINE
)
OTHER_CHANNELS = ("webchat-", "slack-", "teams-")
NOT_YOURS = "That conversation id belongs to another channel; choose another sender. " + EMERGENCY_LINE
NOT_ALLOWED = "This address needs the bot's REST token. " + EMERGENCY_LINE
NO_SENDER = (
    'Please send a "sender": a short id for this conversation (letters, digits, - _ . :). ' + EMERGENCY_LINE
)


class RestChannel(InputChannel):
    """Rasa's REST webhook with checks, limits and a reply every time (see the module's docstring)."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        limit = env("REST_RATE_LIMIT") or str(credentials.get("rate_limit", 60))
        return cls(
            max_message_chars=int(credentials.get("max_message_chars", 2000)),
            rate_limit=int(limit),
            token=env("REST_TOKEN"),
        )

    def __init__(self, max_message_chars: int = 2000, rate_limit: int = 60, token: str | None = None) -> None:
        self.max_message_chars = max_message_chars
        self.limiter = RateLimiter(rate_limit, 60) if rate_limit > 0 else None
        self.token = token or None

    def authorised(self, headers: Any) -> bool:
        """True when no REST_TOKEN is set, or the request carries it as a bearer token."""
        if self.token is None:
            return True
        given = str(headers.get("authorization") or "")
        scheme, _, value = given.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode("utf-8", "replace"), self.token.encode("utf-8")
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hooks = Blueprint("rest_webhook", __name__)

        @hooks.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hooks.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.authorised(request.headers):
                refused = _reply(401, "", NOT_ALLOWED)
                refused.headers["WWW-Authenticate"] = 'Bearer realm="rest"'
                return refused
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError, RecursionError):
                body = None
            if not isinstance(body, dict):
                return _reply(400, "", BAD_REQUEST)
            sender = body.get("sender")
            if not isinstance(sender, str) or not _SENDER.fullmatch(sender):
                return _reply(400, "", NO_SENDER)
            if sender.lower().startswith(OTHER_CHANNELS):
                return _reply(403, "", NOT_YOURS)
            text = body.get("message")
            if not isinstance(text, str) or not text.strip():
                return _reply(400, sender, NO_TEXT)
            if self.limiter is not None and not self.limiter.allow(sender):
                return _reply(429, sender, TOO_FAST)
            text = text[: self.max_message_chars]
            metadata = (
                {
                    key: value
                    for key, value in (body.get("metadata") or {}).items()
                    if key in METADATA_KEYS and isinstance(value, str) and len(value) <= 40
                }
                if isinstance(body.get("metadata"), dict)
                else {}
            )
            collector = CollectingOutputChannel()
            try:
                with logs.in_flight(text):
                    await on_new_message(
                        UserMessage(text, collector, sender, input_channel="rest", metadata=metadata)
                    )
            except Exception as error:  # noqa: BLE001 - logged by kind only, and answered below
                logger.error("REST message not processed: %s", type(error).__name__)
            if not collector.messages:
                role, area = await conversation_slots(request, sender)
                logger.warning("No reply from the bot for a REST message; sent the help-now reply.")
                return response.json([{"recipient_id": sender, "text": help_now(role, area)}])
            return response.json(collector.messages)

        return hooks


def _reply(status: int, sender: str, text: str) -> HTTPResponse:
    # The same shape as a normal answer (a list of messages), so any client shows it.
    return response.json([{"recipient_id": sender, "text": text}], status=status)
