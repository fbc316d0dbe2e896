"""Microsoft Teams (through the Bot Framework): agency staff ask the assistant in a chat or a channel.

Rasa mounts the channel at /webhooks/botframework/ (credentials.yml); the Azure Bot's messaging
endpoint is /webhooks/botframework/webhook. Settings come from the environment or .env:
TEAMS_APP_ID and TEAMS_APP_PASSWORD (either unset: the channel is off and answers 404), TEAMS_TENANT_ID
for a single-tenant bot (then only that tenant's messages are taken, and the bot's own token comes
from that tenant), and TEAMS_AREA, the partnership whose contacts people get. docs/channels.md is
the set-up guide; `make teams-package` builds the Teams app package.

Compared with Rasa's own Bot Framework channel:
- Microsoft's signing keys are fetched when the first message arrives, not when the server starts,
  and kept for a day; a key id not yet seen fetches them again (at most every five minutes). When
  they cannot be fetched, messages are refused (503) and the log says why: never accepted unchecked.
- The token must be RS256 (nothing else is accepted, whatever its header says), signed by one of
  those keys, issued by the Bot Framework, for this app id (the audience), not expired, endorsed for
  the activity's channel, and carry the same serviceUrl the activity asks us to reply to, so a
  forged activity cannot send the bot's own access token somewhere else.
- Replies are posted without blocking the server, to the conversation and message they answer.
  `<at>` mentions are removed from the text; buttons come as a card whose presses come back as the
  button's payload.
- Nothing identifying is stored: the conversation key is a keyed hash of the Teams ids, and the
  stored message carries no Teams metadata.
- The conversation starts with the professional role and TEAMS_AREA's contacts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import aiohttp
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common import (
    NO_FILES,
    SeenEvents,
    UnknownArea,
    answer_as_professional,
    as_dict,
    channel_secret,
    channel_settings,
    env,
    known_area,
    pseudonym,
    pseudonym_key,
    short,
    teams_plain_text,
)

logger = logging.getLogger(__name__)

OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
TOKEN_ISSUER = "https://api.botframework.com"
LOGIN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
DEFAULT_TENANT = "botframework.com"
SCOPE = "https://api.botframework.com/.default"
ALGORITHMS = ["RS256"]
CLOCK_SKEW_SECONDS = 5 * 60
KEYS_MAX_AGE_SECONDS = 24 * 3600
KEYS_REFETCH_SECONDS = 5 * 60
RETRY_AFTER_FAILURE_SECONDS = 30
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=10)
POST_ATTEMPTS = 3
RETRY_STATUSES = {412, 429, 502, 503, 504}
# Activities are a few kilobytes; anything far larger is refused before it is read as JSON.
MAX_BODY_BYTES = 256 * 1024
_BEARER = re.compile(r"Bearer\s+(\S+)\s*$")


class Refused(Exception):
    """A request that is not taken: the status to answer with, and why (for the log)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class SigningKeys:
    """Microsoft's token signing keys, fetched on first use and cached (see the module's docstring)."""

    def __init__(self, metadata_url: str = OPENID_METADATA_URL) -> None:
        self.metadata_url = metadata_url
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched = 0.0
        self._tried = 0.0
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def key(self, key_id: str) -> dict[str, Any]:
        """The JSON Web Key with this id; Refused(503) when the keys cannot be had, 401 when unknown."""
        if key_id in self._keys and time.monotonic() - self._fetched <= KEYS_MAX_AGE_SECONDS:
            return self._keys[key_id]  # the usual case: no waiting on anyone's refresh
        async with self._lock:
            now = time.monotonic()
            due = not self._keys or now - self._fetched > KEYS_MAX_AGE_SECONDS or key_id not in self._keys
            # After a failure, or for a key id not yet published, ask again only now and then.
            wait = KEYS_REFETCH_SECONDS if self._keys else RETRY_AFTER_FAILURE_SECONDS
            if due and (not self._tried or now - self._tried > wait):
                await self._fetch()
        if not self._keys:
            raise Refused(503, "Microsoft's signing keys are unavailable")
        if key_id not in self._keys:
            raise Refused(401, "token signed with a key Microsoft does not publish")
        return self._keys[key_id]

    async def _fetch(self) -> None:
        self._tried = time.monotonic()
        self.fetches += 1
        try:
            async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT, trust_env=True) as session:
                async with session.get(self.metadata_url) as reply:
                    reply.raise_for_status()
                    jwks_uri = (await reply.json(content_type=None))["jwks_uri"]
                async with session.get(jwks_uri) as reply:
                    reply.raise_for_status()
                    keys = (await reply.json(content_type=None))["keys"]
            fetched = {key["kid"]: key for key in keys if isinstance(key, dict) and "kid" in key}
        except Exception as error:  # noqa: BLE001 - any failure means: refuse, and say why
            if self._keys and time.monotonic() - self._fetched <= 2 * KEYS_MAX_AGE_SECONDS:
                logger.warning(
                    "Teams: could not refresh Microsoft's signing keys (%s); using the cached ones.", error
                )
                return
            self._keys = {}
            logger.error(
                "Teams: could not fetch Microsoft's signing keys from %s (%s: %s). Messages are refused "
                "until they can be fetched.",
                self.metadata_url,
                type(error).__name__,
                error,
            )
            return
        self._keys = fetched
        self._fetched = time.monotonic()


class TokenVerifier:
    """Checks the Bot Framework's bearer token on an incoming activity."""

    def __init__(self, app_id: str, keys: SigningKeys, tenant_id: str = "") -> None:
        self.app_id = app_id
        self.keys = keys
        self.tenant_id = tenant_id

    async def verify(self, authorization: str | None, activity: dict[str, Any]) -> dict[str, Any]:
        """The token's claims, or Refused with the status to answer."""
        claims, jwk = await self.token(authorization)
        self.check_activity(claims, jwk, activity)
        return claims

    async def token(self, authorization: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """The claims of a token Microsoft signed for this app, and the key it was signed with.
        Checked before the request body is even read."""
        match = _BEARER.match(authorization or "")
        if not match:
            raise Refused(401, "no bearer token")
        token = match.group(1)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Refused(401, "unreadable token") from error
        if header.get("alg") not in ALGORITHMS:
            raise Refused(401, f"token algorithm {short(header.get('alg'), 20)} is not allowed")
        key_id = header.get("kid")
        if not isinstance(key_id, str):
            raise Refused(401, "token names no signing key")
        jwk = await self.keys.key(key_id)
        try:
            claims = jwt.decode(
                token,
                key=_public_key(jwk),
                algorithms=ALGORITHMS,
                audience=self.app_id,
                issuer=TOKEN_ISSUER,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Refused(401, "token expired") from error
        except jwt.InvalidAudienceError as error:
            raise Refused(401, "token is for another app") from error
        except jwt.InvalidIssuerError as error:
            raise Refused(401, "token not issued by the Bot Framework") from error
        except jwt.PyJWTError as error:
            raise Refused(401, f"token not valid ({type(error).__name__})") from error
        return claims, jwk

    def check_activity(self, claims: dict[str, Any], jwk: dict[str, Any], activity: dict[str, Any]) -> None:
        """The activity is one this token may carry: an endorsed channel, the token's own reply
        address (so the bot's access token is never sent elsewhere), this tenant when one is set."""
        endorsements = jwk.get("endorsements")
        channel_id = activity.get("channelId")
        if (
            not isinstance(endorsements, list)
            or not isinstance(channel_id, str)
            or channel_id not in endorsements
        ):
            raise Refused(403, f"signing key not endorsed for channel {short(channel_id, 30)}")
        service_url = activity.get("serviceUrl")
        if not isinstance(service_url, str) or not service_url:
            raise Refused(400, "activity has no serviceUrl")
        if str(claims.get("serviceurl", "")).rstrip("/") != service_url.rstrip("/"):
            raise Refused(403, "activity's serviceUrl is not the one in the token")
        if self.tenant_id and _tenant(activity) != self.tenant_id:
            raise Refused(403, "message from another tenant")


def _public_key(jwk: dict[str, Any]) -> RSAPublicKey:
    key = RSAAlgorithm.from_jwk(json.dumps(jwk))
    if not isinstance(key, RSAPublicKey):  # a published key is public; anything else is refused
        raise Refused(401, "signing key is not an RSA public key")
    return key


def _tenant(activity: dict[str, Any]) -> str:
    tenant = as_dict(as_dict(activity.get("channelData")).get("tenant")).get("id")
    tenant = tenant or as_dict(activity.get("conversation")).get("tenantId")
    return tenant if isinstance(tenant, str) else ""


class BotToken:
    """The bot's own access token for posting replies (client credentials), cached until near expiry."""

    def __init__(self, app_id: str, password: str, token_url: str) -> None:
        self.app_id = app_id
        self.password = password
        self.token_url = token_url
        self._token = ""
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def get(self, session: aiohttp.ClientSession) -> str:
        async with self._lock:
            if self._token and time.monotonic() < self._expires - 300:
                return self._token
            form = {
                "grant_type": "client_credentials",
                "client_id": self.app_id,
                "client_secret": self.password,
                "scope": SCOPE,
            }
            async with session.post(self.token_url, data=form) as reply:
                if reply.status != 200:
                    raise RuntimeError(f"token endpoint answered {reply.status}")
                data = await reply.json(content_type=None)
            self._token = str(data["access_token"])
            self._expires = time.monotonic() + int(data.get("expires_in", 3600))
            return self._token


def teams_text(text: str) -> str:
    """Teams reads replies as Markdown, which joins single lines: keep each line on its own."""
    return re.sub(r"(?<!\n)\n(?!\n)", "\n\n", text)


def _retry_after(header: str | None, attempt: int) -> float:
    try:
        return min(max(float(header or ""), 0.0), 10.0)
    except ValueError:
        return float(2**attempt)


class TeamsReplies(OutputChannel):
    """Posts the bot's replies into the conversation, as replies to the message they answer."""

    @classmethod
    def name(cls) -> str:
        return "botframework"

    def __init__(self, activity: dict[str, Any], token: BotToken) -> None:
        self.service_url = str(activity["serviceUrl"]).rstrip("/")
        self.conversation = as_dict(activity.get("conversation"))
        self.bot = as_dict(activity.get("recipient"))
        self.user = as_dict(activity.get("from"))
        self.reply_to = activity.get("id") if isinstance(activity.get("id"), str) else None
        self.token = token
        self.sent = 0

    async def _post(self, body: dict[str, Any]) -> None:
        self.sent += 1
        # The id goes into the path escaped, so no id can point the bot's token at another path.
        conversation_id = quote(str(self.conversation.get("id", "")), safe="")
        url = f"{self.service_url}/v3/conversations/{conversation_id}/activities"
        body = {
            "type": "message",
            "from": self.bot,
            "recipient": {"id": self.user.get("id")},
            "conversation": {"id": self.conversation.get("id")},
            **({"replyToId": self.reply_to} if self.reply_to else {}),
            **body,
        }
        try:
            async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT, trust_env=True) as session:
                for attempt in range(POST_ATTEMPTS):
                    headers = {"Authorization": f"Bearer {await self.token.get(session)}"}
                    async with session.post(url, json=body, headers=headers) as reply:
                        if reply.status < 300:
                            return
                        # Microsoft asks for these to be retried; a reply (a 999 reply too) is not dropped.
                        if reply.status not in RETRY_STATUSES or attempt == POST_ATTEMPTS - 1:
                            logger.error("Teams did not take a reply: HTTP %s", reply.status)
                            return
                        await asyncio.sleep(_retry_after(reply.headers.get("Retry-After"), attempt))
        except Exception as error:  # noqa: BLE001 - logged by kind only: never the text
            logger.error("Could not post a reply to Teams: %s", type(error).__name__)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._post({"text": teams_text(text), "textFormat": "markdown"})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        card = {
            "contentType": "application/vnd.microsoft.card.hero",
            "content": {
                "text": teams_text(text),
                "buttons": [
                    {
                        "type": "messageBack",
                        "title": str(button.get("title", "")),
                        "displayText": str(button.get("title", "")),
                        "text": str(button.get("payload", button.get("title", ""))),
                        "value": {"payload": str(button.get("payload", button.get("title", "")))},
                    }
                    for button in buttons
                ],
            },
        }
        await self._post({"attachments": [card]})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._post({"text": image})

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self._post(dict(json_message))


class TeamsInput(InputChannel):
    """The Bot Framework endpoint for Teams, verified (see the module's docstring)."""

    @classmethod
    def name(cls) -> str:
        return "botframework"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        app_id, password = channel_settings("Teams", "TEAMS_APP_ID", "TEAMS_APP_PASSWORD")
        tenant = env("TEAMS_TENANT_ID")
        try:
            area = known_area("TEAMS_AREA")
        except UnknownArea as error:
            if app_id:
                logger.error("Teams channel off: %s (docs/channels.md).", error)
            app_id = password = ""
            area = None
        return cls(
            app_id=app_id,
            password=password,
            tenant_id=tenant,
            area=area,
            openid_metadata_url=str(credentials.get("openid_metadata_url") or OPENID_METADATA_URL),
            token_url=str(credentials.get("token_url") or LOGIN_URL.format(tenant=tenant or DEFAULT_TENANT)),
            max_message_chars=int(credentials.get("max_message_chars", 1000)),
        )

    def __init__(
        self,
        app_id: str,
        password: str,
        tenant_id: str = "",
        area: str | None = None,
        openid_metadata_url: str = OPENID_METADATA_URL,
        token_url: str = LOGIN_URL.format(tenant=DEFAULT_TENANT),
        max_message_chars: int = 1000,
    ) -> None:
        self.enabled = bool(app_id and password)
        self.verifier = TokenVerifier(app_id, SigningKeys(openid_metadata_url), tenant_id)
        self.token = BotToken(app_id, password, token_url)
        self.area = area
        self.max_message_chars = max_message_chars
        self.key_secret = pseudonym_key(channel_secret()) if self.enabled else b""
        self.seen = SeenEvents()
        self._tasks: set[asyncio.Task] = set()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hooks = Blueprint("botframework_webhook", __name__)

        @hooks.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "off"})

        @hooks.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.json({"error": "The Teams channel is not configured here."}, status=404)
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": "Request too large."}, status=413)
            try:
                # The token first: nothing from an unchecked sender is parsed.
                claims, jwk = await self.verifier.token(request.headers.get("Authorization"))
                try:
                    activity = json.loads(request.body or b"{}")
                except (ValueError, UnicodeDecodeError, RecursionError):
                    activity = None
                if not isinstance(activity, dict):
                    raise Refused(400, "unreadable activity")
                self.verifier.check_activity(claims, jwk, activity)
            except Refused as refused:
                logger.warning("Refused a Teams request: %s.", refused.reason)
                return response.json({"error": "Not authorised."}, status=refused.status)
            if activity.get("type") != "message":
                return response.json({}, status=200)
            conversation_id = as_dict(activity.get("conversation")).get("id")
            if not isinstance(conversation_id, str) or not conversation_id:
                return response.json({"error": "No conversation to answer in."}, status=400)
            # Redelivered (or replayed while its token lasts): answered once.
            if not self.seen.first_time(f"{conversation_id}:{short(activity.get('id'), 200)}"):
                return response.json({}, status=200)
            # Answered after the 200, so a slow turn never makes the Bot Framework give up and resend.
            task = asyncio.create_task(self._message(request, activity, on_new_message))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return response.json({}, status=200)

        return hooks

    async def _message(
        self,
        request: Request,
        activity: dict[str, Any],
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        output = TeamsReplies(activity, self.token)
        sender = pseudonym(
            self.key_secret,
            "teams",
            _tenant(activity),
            str(as_dict(activity.get("conversation")).get("id") or ""),
            str(as_dict(activity.get("from")).get("id") or ""),
        )
        value = activity.get("value")
        # A card button press comes back with its payload in `value` (see send_text_with_buttons).
        if isinstance(value, dict) and isinstance(value.get("payload"), str):
            text = value["payload"]
        else:
            text = teams_plain_text(str(activity.get("text") or ""))
        if not text and activity.get("attachments"):
            await output.send_text_message(sender, NO_FILES)
            return
        text = text or "hello"  # a mention with no words is a hello
        await answer_as_professional(
            request, on_new_message, output, sender, text, self.name(), self.area, self.max_message_chars
        )
