"""The insights page for safeguarding leads, served by the bot at /insights/ (see docs/insights.md).

Off (404) unless INSIGHTS_TOKEN is set. Every request needs the token: as `Authorization: Bearer
<token>` (scripts, the CSV from a report job), or, in a browser, typed once into the sign-in form,
which sets a cookie (this path only) holding the time it was issued and a keyed hash of that time,
never the token; the server refuses it after 8 hours. A client address that sends 10 wrong tokens
in a minute is refused until the minute has passed. It reads the conversation store the bot itself
uses, through its database connection, and shows counts only (bot/insights/); the period ends
yesterday at the latest, so a page reloaded through the day can't show each new conversation.

    GET  /insights/?from=2026-11-01&to=2026-11-30&area=devon   the page
    GET  /insights/export.csv?...                               the same tables as CSV
    POST /insights/sign-in                                      token=... (form), sets the cookie
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from html import escape
from typing import Any
from urllib.parse import urlencode

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.areas import areas, now_uk
from bot.channels.common import env
from bot.insights.counts import Period, engine_for, read_conversations, summarise
from bot.insights.page import STYLE, render_csv, render_page
from bot.settings import settings

logger = logging.getLogger(__name__)

COOKIE = "insights_session"
COOKIE_SECONDS = 8 * 3600
DEFAULT_DAYS = 30
LONGEST_DAYS = 400
# Wrong tokens allowed a minute, for this process, before every try waits for the minute to pass.
WRONG_TRIES = 10
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class BadRequest(ValueError):
    """A filter that cannot be used; the message says what to change."""


class InsightsPage(InputChannel):
    """Not a chat channel: a page of counts, on the bot's own server (Rasa serves channels only)."""

    @classmethod
    def name(cls) -> str:
        return "insights"

    def url_prefix(self) -> str:
        return "/insights"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(token=env("INSIGHTS_TOKEN"))

    def __init__(self, token: str | None = None) -> None:
        self.token = token or None
        self._wrong: dict[str, list[float]] = {}

    def session_value(self, issued: int) -> str:
        assert self.token is not None
        signature = hmac.new(
            self.token.encode("utf-8"), f"insights-session:{issued}".encode(), hashlib.sha256
        )
        return f"{issued}.{signature.hexdigest()}"

    def session_ok(self, cookie: str, now: float | None = None) -> bool:
        issued, _, _ = cookie.partition(".")
        if not issued.isdigit():
            return False
        age = (now if now is not None else time.time()) - int(issued)
        fresh = 0 <= age < COOKIE_SECONDS
        return fresh and hmac.compare_digest(
            cookie.encode("utf-8"), self.session_value(int(issued)).encode("utf-8")
        )

    def too_many_wrong(self, client: str) -> bool:
        now = time.monotonic()
        recent = [t for t in self._wrong.get(client, []) if now - t < 60]
        if recent:
            self._wrong[client] = recent
        else:
            self._wrong.pop(client, None)
        return len(recent) >= WRONG_TRIES

    def token_ok(self, given: str, client: str) -> bool:
        assert self.token is not None
        ok = hmac.compare_digest(given.strip().encode("utf-8", "replace"), self.token.encode("utf-8"))
        if not ok:
            self._wrong.setdefault(client, []).append(time.monotonic())
        return ok

    def authorised(self, request: Request) -> bool:
        scheme, _, value = str(request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() == "bearer":
            return self.token_ok(value, _client(request))
        return self.session_ok(request.cookies.get(COOKIE) or "")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hooks = Blueprint("insights_page", __name__)

        @hooks.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            counted = await self._counted(
                request, lambda why: _message(400, "That period or area can't be shown", why)
            )
            if isinstance(counted, HTTPResponse):
                return counted
            summary, period, area = counted
            query = urlencode({"from": period.start, "to": period.end, "area": area or ""})
            names = {a.id: a.name for a in areas().all}
            logger.info(
                "Insights page shown for %s to %s (%s).", period.start, period.end, area or "all areas"
            )
            return response.html(render_page(summary, names, query), headers=HEADERS)

        @hooks.route("/export.csv", methods=["GET"])
        async def export(request: Request) -> HTTPResponse:
            counted = await self._counted(
                request, lambda why: response.text(why + "\n", status=400, headers=HEADERS)
            )
            if isinstance(counted, HTTPResponse):
                return counted
            summary, period, area = counted
            name = f"insights-{area or 'all'}-{period.start}-{period.end}.csv"
            headers = {**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
            return response.text(render_csv(summary), content_type="text/csv; charset=utf-8", headers=headers)

        @hooks.route("/sign-in", methods=["POST"])
        async def sign_in(request: Request) -> HTTPResponse:
            if self.token is None:
                return _off()
            if self.too_many_wrong(_client(request)):
                return _sign_in_page(429, "Too many wrong tokens from here: wait a minute and try again.")
            given = (request.form or {}).get("token") or ""
            if not isinstance(given, str) or not self.token_ok(given, _client(request)):
                return _sign_in_page(
                    401, "That token is not right. Check INSIGHTS_TOKEN with whoever runs the bot."
                )
            redirect = response.redirect("./", status=303, headers=HEADERS)
            redirect.cookies[COOKIE] = self.session_value(int(time.time()))
            cookie = redirect.cookies[COOKIE]
            cookie["path"] = "/insights"
            cookie["max-age"] = COOKIE_SECONDS
            cookie["httponly"] = True
            cookie["samesite"] = "Strict"
            cookie["secure"] = _https(request)
            return redirect

        return hooks

    async def _counted(
        self, request: Request, bad_filter: Callable[[str], HTTPResponse]
    ) -> tuple[Any, Period, str | None] | HTTPResponse:
        """The summary for the request's period and area, or the answer that refuses it."""
        refused = self._refusal(request)
        if refused:
            return refused
        try:
            period, area = _filters(request)
        except BadRequest as error:
            return bad_filter(str(error))
        # Off the event loop: reading a month of events must not hold up anyone's conversation.
        return await asyncio.to_thread(_summary, request, period, area), period, area

    def _refusal(self, request: Request) -> HTTPResponse | None:
        if self.token is None:
            return _off()
        if self.too_many_wrong(_client(request)):
            return _sign_in_page(429, "Too many wrong tokens from here: wait a minute and try again.")
        if not self.authorised(request):
            return _sign_in_page(401, "")
        return None


def _client(request: Request) -> str:
    return str(request.ip or "unknown")


def _https(request: Request) -> bool:
    return request.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


def _filters(request: Request) -> tuple[Period, str | None]:
    yesterday = now_uk().date() - timedelta(days=1)
    try:
        end = date.fromisoformat(request.args.get("to") or yesterday.isoformat())
        start = date.fromisoformat(
            request.args.get("from") or (end - timedelta(days=DEFAULT_DAYS - 1)).isoformat()
        )
    except ValueError as error:
        raise BadRequest("Dates are written as year-month-day, for example 2026-11-01.") from error
    # Today is still going on: shown live, one reload to the next would show each new conversation.
    end = min(end, yesterday)
    if end < start:
        raise BadRequest("The end of the period is before its start (the latest day shown is yesterday).")
    if (end - start).days >= LONGEST_DAYS:
        raise BadRequest(f"A period of up to {LONGEST_DAYS} days can be shown at once.")
    area = request.args.get("area") or None
    known = {a.id for a in areas().all}
    if area is not None and area not in known:
        raise BadRequest("That area is not one this assistant holds: " + ", ".join(sorted(known)) + ".")
    return Period(start, end), area


def _summary(request: Request, period: Period, area: str | None) -> Any:
    engine = _engine(request)
    conversations = read_conversations(engine, period, settings().default_area)
    return summarise(conversations, period, area)


def _engine(request: Request) -> Any:
    """The database connection of the bot's own tracker store (Rasa wraps it in others)."""
    store = getattr(getattr(request.app.ctx, "agent", None), "tracker_store", None)
    for _ in range(4):
        if store is None or hasattr(store, "engine"):
            break
        store = getattr(store, "_tracker_store", None) or getattr(store, "tracker_store", None)
    if store is not None and hasattr(store, "engine"):
        return store.engine
    return engine_for(settings().tracker_url)


def _off() -> HTTPResponse:
    return _message(
        404, "The insights page is off", "Whoever runs the bot can turn it on by setting INSIGHTS_TOKEN."
    )


def _message(status: int, title: str, text: str, extra: str = "") -> HTTPResponse:
    body = (
        f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width,initial-scale=1"><title>{escape(title)}</title><style>{STYLE}</style></head>'
        f"<body><main><h1>{escape(title)}</h1><p>{escape(text)}</p>{extra}</main></body></html>"
    )
    headers = dict(HEADERS)
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="insights"'
    return response.html(body, status=status, headers=headers)


def _sign_in_page(status: int, problem: str) -> HTTPResponse:
    form = (
        '<form method="post" action="sign-in"><label for="token">Insights token</label>'
        '<input id="token" name="token" type="password" autocomplete="current-password" required> '
        '<button type="submit">Sign in</button></form>'
    )
    text = problem or "Type the insights token (INSIGHTS_TOKEN) to see the counts."
    return _message(status, "Sign in to see the insights", text, form)
