"""The website chat widget's channel: serves the widget and carries its messages to the bot.

Rasa mounts it at /webhooks/webchat/ (credentials.yml):

    GET  /webhooks/webchat/            a demo page with the widget open (?area=east_sussex)
    GET  /webhooks/webchat/widget.js   the widget, with each area's fallback numbers built in
    GET  /webhooks/webchat/widget.css  its styles
    POST /webhooks/webchat/session     a new conversation id, minted and signed here
    POST /webhooks/webchat/webhook     {"session", "message", "area"} -> {"replies": [...]}

The conversation id is random and signed with a secret (`WEBCHAT_SECRET`, see .env.example), so a
browser cannot choose or guess another person's conversation. Messages over the size limit and
conversations sending too fast get a clear answer that still names 999. The area an embed sets
(`data-area`) fills the area slot while the user has not named one. No message text is logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import yaml
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.areas.files import load_directory, national_lines
from bot import logs
from bot.channels.common import (
    EMERGENCY_LINE,
    NO_TEXT,
    TOO_FAST,
    TOO_LONG,
    RateLimiter,
    channel_secret,
    conversation_slots,
    fill_unset_slots,
    help_now,
)
from bot.settings import ROOT, settings

logger = logging.getLogger(__name__)

WEB_DIR = ROOT / "web"
# Web addresses the widget turns into links: the places the assistant's sources live (FACTS.md).
FACTS_FILE = ROOT / "sources" / "FACTS.md"
_DOMAIN = re.compile(r"\b((?:[a-z0-9-]+\.)+(?:uk|org|com|net))\b", re.IGNORECASE)


class SessionSigner:
    """Conversation ids the server minted: "<random>.<signature>"."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _signature(self, token: str) -> str:
        return hmac.new(self._secret, token.encode(), hashlib.sha256).hexdigest()[:32]

    def mint(self) -> str:
        token = secrets.token_urlsafe(18)
        return f"{token}.{self._signature(token)}"

    def sender_id(self, session: Any) -> str | None:
        """The conversation the id belongs to, or None when it was not minted here."""
        if not isinstance(session, str) or len(session) > 100 or session.count(".") != 1:
            return None
        token, signature = session.split(".")
        if not token or not hmac.compare_digest(signature, self._signature(token)):
            return None
        return f"webchat-{token}"


def widget_config(default_area: str) -> dict[str, Any]:
    """What the widget needs with it: each area's lines for the fallback, and the link allow-list."""
    directory = load_directory(default_id=default_area)
    national = national_lines()
    areas = {
        area.id: {
            "name": area.name,
            "daytime_name": area.daytime_name,
            "daytime_line": area.daytime_line,
            "hours": area.hours_text(),
            "out_of_hours_name": area.out_of_hours_name,
            "out_of_hours_line": area.out_of_hours_line,
        }
        for area in directory.all
    }
    return {
        "default_area": directory.default.id,
        "areas": areas,
        "national": {"emergency": national["emergency"], "nhs_111": national["nhs_111"]},
        "link_hosts": sorted(link_hosts(directory)),
        "greeting": greeting(),
    }


def greeting() -> dict[str, Any]:
    """The bot's own greeting (utter_greet in domain.yml), shown before the first message."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    first = domain["responses"]["utter_greet"][0]
    return {"text": first["text"], "buttons": first.get("buttons", [])}


def link_hosts(directory: Any) -> set[str]:
    """Hosts of the web addresses in the fact sheet and the area files."""
    text = FACTS_FILE.read_text(encoding="utf-8") if FACTS_FILE.exists() else ""
    for area in directory.all:
        text += " ".join(("", area.form_page, area.source_url, area.procedure_source_url or ""))
    return {host.lower().removeprefix("www.") for host in _DOMAIN.findall(text)}


class WebChatInput(InputChannel):
    """The widget's channel (see the module's docstring)."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            max_message_chars=int(credentials.get("max_message_chars", 1000)),
            rate_limit=int(credentials.get("rate_limit", 15)),
            rate_window=float(credentials.get("rate_window_seconds", 60)),
        )

    def __init__(self, max_message_chars: int = 1000, rate_limit: int = 15, rate_window: float = 60) -> None:
        self.max_message_chars = max_message_chars
        self.signer = SessionSigner(channel_secret())
        self.limiter = RateLimiter(rate_limit, rate_window)
        self.config = widget_config(settings().default_area)
        # Read once: the files and the area lines they carry are fixed while the server runs.
        self.page = (WEB_DIR / "demo.html").read_text(encoding="utf-8")
        self.script = (
            (WEB_DIR / "widget.js")
            .read_text(encoding="utf-8")
            .replace("/*CONFIG*/ null", json.dumps(self.config))
        )
        self.styles = (WEB_DIR / "widget.css").read_text(encoding="utf-8")

    def _area(self, value: Any) -> str | None:
        return value if isinstance(value, str) and value in self.config["areas"] else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hooks = Blueprint("webchat_widget", __name__)

        @hooks.route("/", methods=["GET"])
        async def demo(request: Request) -> HTTPResponse:
            area = self._area(request.args.get("area")) or self.config["default_area"]
            return response.html(self.page.replace("{{area}}", area), headers=_page_headers())

        @hooks.route("/widget.js", methods=["GET"])
        async def script(request: Request) -> HTTPResponse:
            return response.text(
                self.script, content_type="text/javascript; charset=utf-8", headers=_static_headers()
            )

        @hooks.route("/widget.css", methods=["GET"])
        async def styles(request: Request) -> HTTPResponse:
            return response.text(
                self.styles, content_type="text/css; charset=utf-8", headers=_static_headers()
            )

        @hooks.route("/session", methods=["POST", "OPTIONS"])
        async def session(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty(headers=_cors())
            return response.json({"session": self.signer.mint()}, headers=_cors())

        @hooks.route("/webhook", methods=["POST", "OPTIONS"])
        async def receive(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty(headers=_cors())
            try:
                body = json.loads(request.body or b"{}")
            except (ValueError, UnicodeDecodeError, RecursionError):
                body = None
            if not isinstance(body, dict):
                return _answer(400, "I couldn't read that message. " + EMERGENCY_LINE)
            sender_id = self.signer.sender_id(body.get("session"))
            if sender_id is None:
                return response.json({"error": "unknown_session", "replies": []}, status=403, headers=_cors())
            text = body.get("message")
            if not isinstance(text, str) or not text.strip():
                return _answer(400, NO_TEXT)
            if len(text) > self.max_message_chars:
                return _answer(413, TOO_LONG.format(limit=f"{self.max_message_chars:,}"))
            if not self.limiter.allow(sender_id):
                return _answer(429, TOO_FAST)
            collector = CollectingOutputChannel()
            # The embed's area fills the area slot until the user names one (and after a new session).
            await fill_unset_slots(request, sender_id, collector, {"area": self._area(body.get("area"))})
            metadata = {"area": self._area(body.get("area"))}
            try:
                with logs.in_flight(text):
                    await on_new_message(
                        UserMessage(text, collector, sender_id, input_channel=self.name(), metadata=metadata)
                    )
            except Exception as error:  # noqa: BLE001 - logged by kind only, and answered below
                logger.error("Widget message not processed: %s", type(error).__name__)
            if not collector.messages:  # an action failed or its server is down: never silence
                logger.warning("No reply from the bot for a widget message; sent the help-now reply.")
                role, area = await conversation_slots(request, sender_id)
                collector.messages.append({"text": help_now(role, area or self._area(body.get("area")))})
            replies = [
                {key: message[key] for key in ("text", "buttons") if message.get(key)}
                for message in collector.messages
            ]
            return response.json({"replies": [r for r in replies if r]}, headers=_cors())

        return hooks


def _answer(status: int, text: str) -> HTTPResponse:
    return response.json({"replies": [{"text": text}]}, status=status, headers=_cors())


def _cors() -> dict[str, str]:
    # Partnership sites embed the widget from this server. No cookies are used: the signed
    # conversation id is the only key, so any site may call.
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type",
        "Cache-Control": "no-store",
    }


def _page_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        ),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }


def _static_headers() -> dict[str, str]:
    return {
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Access-Control-Allow-Origin": "*",
    }
