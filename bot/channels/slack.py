"""Slack: agency staff ask the assistant in a direct message or by mentioning it in a channel.

Rasa mounts the channel at /webhooks/slack/ (credentials.yml); Slack's Events API and its
interactivity (button presses) both post to /webhooks/slack/webhook. Settings come from the
environment or .env: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (both unset: the channel is off and
answers 404), and SLACK_AREA, the partnership whose contacts people get (the default otherwise).
docs/channels.md is the set-up guide; deploy/slack/manifest.yml is the app's manifest.

Compared with Rasa's own Slack channel:
- Every request must carry Slack's signature over its exact body and a timestamp at most five
  minutes old; anything else gets 401 and is not read.
- Slack retries an event it thinks went unanswered. Each event is answered once: its id and its
  message are remembered for an hour, and a retry of one already taken gets 200 with
  `X-Slack-No-Retry`.
- A reply goes to the thread the question was asked in (a mention in a channel starts one under
  the question; a direct message is answered in place). Buttons are Slack blocks.
- Nothing identifying is stored: the conversation key is a keyed hash of team, channel, thread and
  user, the stored message has no Slack metadata, and mentions of people are removed from the text.
- The conversation starts with the professional role and SLACK_AREA's contacts.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.common import (
    NO_FILES,
    SeenEvents,
    UnknownArea,
    answer_as_professional,
    as_dict,
    channel_secret,
    channel_settings,
    known_area,
    pseudonym,
    pseudonym_key,
    short,
    slack_plain_text,
)

logger = logging.getLogger(__name__)

MAX_AGE_SECONDS = 5 * 60
# Slack's events are a few kilobytes; anything far larger is refused before it is read as JSON.
MAX_BODY_BYTES = 256 * 1024
SLACK_API = "https://slack.com/api/"
# Slack's limits: a section's text, the buttons in one actions block, a button's label and value.
SECTION_CHARS = 3000
BUTTONS_PER_BLOCK = 25
BUTTON_LABEL_CHARS = 75
BUTTON_VALUE_CHARS = 2000


def slack_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Slack-Signature` Slack sends: v0=HMAC-SHA256(secret, "v0:<timestamp>:<body>")."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signature_problem(secret: str, headers: Any, body: bytes, now: float | None = None) -> str | None:
    """Why the request is not Slack's, or None when its signature and timestamp check out."""
    timestamp = headers.get("X-Slack-Request-Timestamp") or ""
    signature = headers.get("X-Slack-Signature") or ""
    if not timestamp or not signature:
        return "unsigned"
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return "bad timestamp"
    if age > MAX_AGE_SECONDS:
        return "stale"
    # Compared as bytes: a header that is not ASCII is a bad signature, not a server error.
    if not hmac.compare_digest(slack_signature(secret, timestamp, body).encode(), signature.encode()):
        return "bad signature"
    return None


def mrkdwn_escape(text: str) -> str:
    """Slack reads &, < and > as markup; the bot's text is plain."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text_sections(text: str) -> list[dict[str, Any]]:
    """Section blocks holding the text, split at paragraph breaks to fit Slack's 3,000 characters."""
    sections: list[str] = []
    for paragraph in mrkdwn_escape(text).split("\n\n"):
        while len(paragraph) > SECTION_CHARS:
            sections.append(paragraph[:SECTION_CHARS])
            paragraph = paragraph[SECTION_CHARS:]
        if sections and len(sections[-1]) + 2 + len(paragraph) <= SECTION_CHARS:
            sections[-1] += "\n\n" + paragraph
        else:
            sections.append(paragraph)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": part}} for part in sections if part]


def button_blocks(buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    elements = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": str(button.get("title", ""))[:BUTTON_LABEL_CHARS]},
            "value": str(button.get("payload", button.get("title", "")))[:BUTTON_VALUE_CHARS],
            "action_id": f"reply-{index}",
        }
        for index, button in enumerate(buttons)
    ]
    return [
        {"type": "actions", "elements": elements[start : start + BUTTONS_PER_BLOCK]}
        for start in range(0, len(elements), BUTTONS_PER_BLOCK)
    ]


class SlackReplies(OutputChannel):
    """Sends the bot's replies to one Slack channel, in one thread when there is one."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    def __init__(self, client: AsyncWebClient, channel: str, thread_ts: str | None) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.sent = 0

    async def _post(self, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        self.sent += 1
        arguments: dict[str, Any] = {"channel": self.channel, "text": mrkdwn_escape(text)}
        if blocks:
            arguments["blocks"] = blocks
        if self.thread_ts:
            arguments["thread_ts"] = self.thread_ts
        try:
            await self.client.chat_postMessage(**arguments)
        except SlackApiError as error:  # the error names Slack's reason, never the text
            logger.error("Slack did not take a reply: %s", error.response.get("error"))
        except Exception as error:  # noqa: BLE001 - a failed post must not stop the others
            logger.error("Could not reach Slack to post a reply: %s", type(error).__name__)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._post(text, text_sections(text) if len(text) > SECTION_CHARS else None)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._post(text, text_sections(text) + button_blocks(buttons))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._post(image)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        text = str(json_message.get("text", ""))
        blocks = json_message.get("blocks")
        await self._post(text, blocks if isinstance(blocks, list) else None)


class SlackInput(InputChannel):
    """Slack's Events API and interactivity, checked and answered (see the module's docstring)."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        token, secret = channel_settings("Slack", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
        try:
            area = known_area("SLACK_AREA")
        except UnknownArea as error:
            if token:
                logger.error("Slack channel off: %s (docs/channels.md).", error)
            token = secret = ""
            area = None
        return cls(
            token=token,
            signing_secret=secret,
            area=area,
            api_url=str(credentials.get("api_url") or SLACK_API),
            max_message_chars=int(credentials.get("max_message_chars", 1000)),
        )

    def __init__(
        self,
        token: str,
        signing_secret: str,
        area: str | None = None,
        api_url: str = SLACK_API,
        max_message_chars: int = 1000,
    ) -> None:
        self.enabled = bool(token and signing_secret)
        self.signing_secret = signing_secret
        self.area = area
        self.max_message_chars = max_message_chars
        # Slack's rate limits and dropped connections are retried, so a reply (a 999 reply too) is
        # not lost to a busy moment.
        retries = [AsyncRateLimitErrorRetryHandler(max_retry_count=2), AsyncConnectionErrorRetryHandler()]
        self.client = (
            AsyncWebClient(token=token, base_url=api_url, retry_handlers=retries) if self.enabled else None
        )
        self.key_secret = pseudonym_key(channel_secret()) if self.enabled else b""
        self.seen = SeenEvents()
        self._tasks: set[asyncio.Task] = set()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hooks = Blueprint("slack_webhook", __name__)

        @hooks.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "off"})

        @hooks.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.json({"error": "The Slack channel is not configured here."}, status=404)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": "Request too large."}, status=413)
            problem = signature_problem(self.signing_secret, request.headers, request.body or b"")
            if problem:
                logger.warning("Refused a Slack request: %s.", problem)
                return response.json({"error": "Not signed by Slack."}, status=401)
            content_type = (request.headers.get("content-type") or "").split(";")[0].strip()
            try:
                if content_type == "application/x-www-form-urlencoded":
                    form = parse_qs((request.body or b"").decode("utf-8"))
                    payload = json.loads(form.get("payload", ["{}"])[0])
                    return await self._interaction(request, payload, on_new_message)
                body = json.loads(request.body or b"{}")
            except (ValueError, UnicodeDecodeError, RecursionError):
                return response.json({"error": "Unreadable request."}, status=400)
            if not isinstance(body, dict):
                return response.json({"error": "Unreadable request."}, status=400)
            if body.get("type") == "url_verification":
                return response.json({"challenge": body.get("challenge", "")})
            if body.get("type") == "event_callback":
                return await self._event(request, body, on_new_message)
            return response.text("")

        return hooks

    async def _event(
        self, request: Request, body: dict[str, Any], on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        event = as_dict(body.get("event"))
        if not _is_person_speaking(event):
            return response.text("")
        channel = str(event.get("channel") or "")
        if not self.seen.first_time(str(body.get("event_id") or ""), f"{channel}:{event.get('ts')}"):
            retry = request.headers.get("X-Slack-Retry-Num")
            if retry:
                logger.info("Slack retry #%s of an event already answered.", short(retry, 10))
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        direct = event.get("channel_type") == "im"
        # A mention in a channel is answered in a thread under it; a direct message in place.
        thread = _text_or_none(event.get("thread_ts")) or (None if direct else _text_or_none(event.get("ts")))
        team = _text_or_none(body.get("team_id"))
        sender = pseudonym(self.key_secret, "slack", team, channel, thread, _text_or_none(event.get("user")))
        text = slack_plain_text(str(event.get("text") or ""))
        if not text and event.get("files"):
            self._reply(channel, thread, NO_FILES)
        else:
            # A mention with no words is a hello.
            self._answer(request, sender, channel, thread, text or "hello", on_new_message)
        return response.text("")

    async def _interaction(
        self, request: Request, payload: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """A button press: its value is sent to the bot as the person's message."""
        payload = as_dict(payload)
        actions = payload.get("actions")
        if payload.get("type") != "block_actions" or not isinstance(actions, list) or not actions:
            return response.text("")
        action = as_dict(actions[0])
        value = action.get("value")
        if not isinstance(value, str) or not value:
            return response.text("")
        container = as_dict(payload.get("container"))
        channel = _text_or_none(as_dict(payload.get("channel")).get("id")) or _text_or_none(
            container.get("channel_id")
        )
        if not channel:
            return response.json({"error": "No channel to answer in."}, status=400)
        thread = _text_or_none(container.get("thread_ts")) or _text_or_none(
            as_dict(payload.get("message")).get("thread_ts")
        )
        team = _text_or_none(as_dict(payload.get("team")).get("id"))
        user = _text_or_none(as_dict(payload.get("user")).get("id"))
        if not self.seen.first_time(f"action:{channel}:{action.get('action_ts')}:{user}"):
            return response.text("")
        sender = pseudonym(self.key_secret, "slack", team, channel, thread, user)
        self._answer(request, sender, channel, thread, value, on_new_message)
        return response.text("")

    def _reply(self, channel: str, thread: str | None, text: str) -> None:
        """A reply of the channel's own (not the bot's), after Slack has had its 200."""
        assert self.client is not None
        self._keep(
            asyncio.create_task(SlackReplies(self.client, channel, thread).send_text_message("", text))
        )

    def _keep(self, task: asyncio.Task) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _answer(
        self,
        request: Request,
        sender: str,
        channel: str,
        thread: str | None,
        text: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        """Answer after Slack has had its 200 (it waits 3 seconds at most), keeping the task alive."""
        assert self.client is not None
        output = SlackReplies(self.client, channel, thread)
        self._keep(asyncio.create_task(self._handle(request, sender, output, text, on_new_message)))

    async def _handle(
        self,
        request: Request,
        sender: str,
        output: SlackReplies,
        text: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        await answer_as_professional(
            request, on_new_message, output, sender, text, self.name(), self.area, self.max_message_chars
        )


# Messages people send: plain ones, ones with a file attached, and thread replies also sent to
# the channel. Edits, deletions, joins and the bot's own messages are not questions.
_PEOPLES_SUBTYPES = ("file_share", "thread_broadcast")


def _is_person_speaking(event: dict[str, Any]) -> bool:
    """A message a person sent the bot: a mention, or a direct message (not an edit, not a bot)."""
    subtype = event.get("subtype")
    if event.get("bot_id") or event.get("edited") or not (subtype is None or subtype in _PEOPLES_SUBTYPES):
        return False
    if not isinstance(event.get("user"), str) or not isinstance(event.get("channel"), str):
        return False
    if not (isinstance(event.get("text"), str) and event["text"]) and not event.get("files"):
        return False
    if event.get("type") == "app_mention":
        return True
    return event.get("type") == "message" and event.get("channel_type") == "im"


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
