"""What every channel of ours shares: pseudonymous conversation keys, slots a channel sets before the
first message, the lines sent when the bot cannot read a message, and the tidying of chat markup.

A chat platform identifies people by ids (a Slack user and channel, a Teams user and conversation).
The replies need those ids only while the request is open, so they are never stored: the tracker is
keyed by a keyed hash of them (`pseudonym`), and the stored message carries no channel metadata.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import logging
import os
import re
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import SlotSet
from sanic.request import Request

from bot import logs
from bot.settings import settings

logger = logging.getLogger(__name__)

SECRET_FILE = "webchat-secret"
# Sent with every answer that is not the bot's own, so nobody in danger is left without it.
EMERGENCY_LINE = "If a baby is in danger or seriously ill now, call 999."
TOO_LONG = (
    "That message is longer than I can read ({limit} characters at most). "
    "Please send it in shorter parts. " + EMERGENCY_LINE
)
NO_FILES = "I can't open files or pictures here. Please type your question in words. " + EMERGENCY_LINE
TOO_FAST = (
    "You're sending messages faster than I can answer. Please wait a few seconds and try again. "
    + EMERGENCY_LINE
)
NO_TEXT = "I didn't get any words in that message. Please type your question. " + EMERGENCY_LINE


def channel_secret(var_dir: Path | None = None) -> bytes:
    """The server's secret: WEBCHAT_SECRET from the environment or .env, otherwise one made on the
    first start and kept (readable by this user only) next to the tracker store."""
    configured = os.environ.get("WEBCHAT_SECRET")
    if configured is None:
        settings()  # loads .env into the environment
        configured = os.environ.get("WEBCHAT_SECRET")
    if configured:
        return configured.encode()
    folder = var_dir or settings().tracker_db.parent
    path = folder / SECRET_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another channel is making it: read it below
            pass
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_hex(32))
    # Never an empty secret: that would make conversation ids forgeable. Another process may be
    # writing the file this moment, so wait a little for it.
    for _ in range(50):
        secret = path.read_text().strip()
        if len(secret) >= 32:
            return secret.encode()
        time.sleep(0.1)
    raise RuntimeError(f"{path} holds no usable secret: delete it, or set WEBCHAT_SECRET in .env")


def pseudonym_key(secret: bytes) -> bytes:
    """A key of its own for conversation pseudonyms, derived from the server's secret."""
    return hmac.new(secret, b"conversation pseudonyms", hashlib.sha256).digest()


def pseudonym(secret: bytes, channel: str, *ids: str | None) -> str:
    """A stable conversation key for these platform ids that does not reveal them."""
    joined = "\x1f".join(part or "" for part in ids)
    digest = hmac.new(secret, f"{channel}\x1f{joined}".encode(), hashlib.sha256).hexdigest()
    return f"{channel}-{digest[:32]}"


def env(name: str) -> str:
    """A setting from the environment or .env ("" when unset)."""
    settings()  # loads .env into the environment without overriding it
    return (os.environ.get(name) or "").strip()


class SeenEvents:
    """Keys of messages taken in the last hour (bounded), so a redelivered one is not answered twice."""

    def __init__(self, ttl: float = 3600, remember: int = 10_000) -> None:
        self.ttl = ttl
        self._remember = remember
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, *keys: str | None, now: float | None = None) -> bool:
        """True, and remember the keys, when none of them was seen within the ttl."""
        now = time.monotonic() if now is None else now
        while self._seen and now - next(iter(self._seen.values())) > self.ttl:
            self._seen.popitem(last=False)
        present = [key for key in keys if key]
        if any(key in self._seen for key in present):
            return False
        for key in present:
            self._seen[key] = now
        while len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        return True


def short(value: Any, limit: int = 60) -> str:
    """A value from a request, cut short for a log line (never message text)."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def as_dict(value: Any) -> dict[str, Any]:
    """The value when it is a JSON object, else an empty one (requests are not trusted to be well formed)."""
    return value if isinstance(value, dict) else {}


def help_now(role: str | None, area_id: str | None) -> str:
    """What the person gets when the bot has no answer at all (an action failed, timed out or its
    server is down): never silence. Built from data/areas/ (FACTS §3 and §7), so it needs nothing
    but the files."""
    from actions.areas.files import load_directory, national_lines

    national = national_lines()
    opening = "Sorry, I can't answer that properly just now."
    if role == "professional":
        directory = load_directory(default_id=settings().default_area)
        area = next((a for a in directory.all if a.id == area_id), directory.default)
        return (
            f"{opening} If a child is in immediate danger, call {national['emergency']}. "
            f"{area.name}: {area.daytime_name} {area.daytime_line} ({area.hours_text()}); "
            f"out of hours, {area.out_of_hours_name} {area.out_of_hours_line}."
        )
    return (
        f"{opening} If a baby is in danger or seriously ill, call {national['emergency']} now. "
        f"If you are worried your baby is unwell, call NHS {national['nhs_111']}. "
        "If the crying is getting too much, put your baby down safely in their cot and take a few "
        "minutes away: it's OK to walk away."
    )


async def conversation_slots(request: Request, sender_id: str) -> tuple[str | None, str | None]:
    """The conversation's role and area, read back after a turn (None, None if it can't be read)."""
    agent = getattr(request.app.ctx, "agent", None)
    try:
        tracker = await agent.processor.get_tracker(sender_id)  # type: ignore[union-attr]
        return tracker.get_slot("role"), tracker.get_slot("area")
    except Exception:  # noqa: BLE001 - the fallback works without them
        return None, None


class RateLimiter:
    """At most `limit` messages per `window` seconds for each conversation."""

    def __init__(self, limit: int, window: float, remember: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self._remember = remember
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        times = self._seen.pop(key, None) or deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        allowed = len(times) < self.limit
        if allowed:
            times.append(now)
        self._seen[key] = times
        while len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        return allowed


async def answer_as_professional(
    request: Request,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    output: Any,
    sender: str,
    text: str,
    channel: str,
    area: str | None,
    max_chars: int,
) -> None:
    """A Slack or Teams message, answered: too long gets a clear answer; the conversation starts as a
    professional's in the channel's area; no reply at all (an action failed or its server is down)
    gets the help-now reply. `output` counts what it sent in `sent`."""
    try:
        if len(text) > max_chars:
            await output.send_text_message(sender, TOO_LONG.format(limit=f"{max_chars:,}"))
            return
        await fill_unset_slots(request, sender, output, {"role": "professional", "area": area})
        with logs.in_flight(text):
            await on_new_message(UserMessage(text, output, sender, input_channel=channel, metadata={}))
    except Exception as error:  # noqa: BLE001 - the person must still be told where to go
        logger.error("%s message not answered: %s", channel, type(error).__name__)
    if not output.sent:
        logger.warning("No reply from the bot for a %s message; sent the help-now reply.", channel)
        role, slot_area = await conversation_slots(request, sender)
        await output.send_text_message(sender, help_now(role or "professional", slot_area or area))


def channel_settings(channel: str, *names: str) -> list[str]:
    """The named settings, all of them, or all "" (the channel off, said in one log line)."""
    values = [env(name) for name in names]
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        logger.info("%s channel off: %s not set (docs/channels.md).", channel, " and ".join(missing))
        return ["" for _ in names]
    return values


class UnknownArea(ValueError):
    """A channel's area setting names no partnership held here."""


def known_area(setting: str) -> str | None:
    """The partnership a channel's setting names (None when unset: the default partnership).

    A mistyped area raises UnknownArea: staff given another partnership's numbers is worse than a
    channel that is off until the setting is put right.
    """
    value = env(setting)
    if not value:
        return None
    from actions.areas.files import load_directory

    ids = {area.id for area in load_directory(default_id=settings().default_area).all}
    if value not in ids:
        raise UnknownArea(f"{setting}={value!r} is not one of {', '.join(sorted(ids))}")
    return value


async def fill_unset_slots(
    request: Request, sender_id: str, output: OutputChannel, values: dict[str, Any]
) -> None:
    """Set each slot that is still empty in this conversation (a new session starts empty again).

    Used for what the channel knows before anyone speaks: the embed's area, or that a Slack or
    Teams user is a professional. The person can still change either by saying so.
    """
    values = {name: value for name, value in values.items() if value is not None}
    agent = getattr(request.app.ctx, "agent", None)
    if not values or agent is None or agent.processor is None:
        return
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.processor.fetch_tracker_and_update_session(sender_id, output)
        changed = False
        for name, value in values.items():
            if tracker.get_slot(name) is None:
                tracker.update(SlotSet(name, value))
                changed = True
        if changed:
            await agent.processor.save_tracker(tracker)


_SLACK_USER = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_SLACK_CHANNEL = re.compile(r"<#C[A-Z0-9]+(?:\|([^>]*))?>")
_SLACK_WEB_LINK = re.compile(r"<https?://[^>]*>", re.IGNORECASE)
_SLACK_LINK = re.compile(r"<(?:mailto|tel):([^|>]*)(?:\|[^>]*)?>", re.IGNORECASE)
_SLACK_SPECIAL = re.compile(r"<!(?:here|channel|everyone)(?:\|[^>]*)?>|<!subteam\^[A-Z0-9]+(?:\|[^>]*)?>")
_TEAMS_MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t]{2,}")


def slack_plain_text(text: str) -> str:
    """A Slack message as the person wrote it, less what could identify anyone: mentions of people,
    groups and channels removed (they are ids, and a private channel may be named after a family),
    web links replaced (a case-record link can carry a child's name), e-mail addresses and phone
    numbers left as typed for the redaction to catch, and Slack's escapes undone."""
    text = _SLACK_USER.sub(" ", text)
    text = _SLACK_SPECIAL.sub(" ", text)
    text = _SLACK_CHANNEL.sub(" ", text)
    text = _SLACK_WEB_LINK.sub("[web address]", text)
    text = _SLACK_LINK.sub(lambda m: m.group(1), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _SPACES.sub(" ", text).strip()


def teams_plain_text(text: str) -> str:
    """A Teams message as the person wrote it: `<at>` mentions and any markup removed."""
    text = _TEAMS_MENTION.sub(" ", text)
    text = re.sub(r"<br\s*/?>|</p>|</div>", "\n", text, flags=re.IGNORECASE)
    text = html.unescape(_TAG.sub("", text))
    return _SPACES.sub(" ", text).strip()
