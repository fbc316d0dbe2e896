"""The action server: rasa-sdk's own app, started by `python -m actions.server` with three changes.

1. **Only Rasa may call it.** Every request but /health must carry the shared secret in the
   `X-Action-Token` header (ACTION_TOKEN; the launcher makes a fresh one at each start when .env
   has none, and endpoints.yml sends it). Anything else gets 401, checked in constant time.
2. **Errors say nothing.** rasa-sdk answers an exception with a 500 whose body is the whole
   request (the conversation, with what people typed), and Rasa logs that body. Here the answer is
   an error id, logged with the exception's type and the action's name only.
3. **It listens on ACTION_HOST** (127.0.0.1 unless .env says otherwise), not on every interface.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import uuid

from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import logs
from bot.settings import settings

logger = logging.getLogger(__name__)

HEADER = "X-Action-Token"


def create(token: str) -> object:
    """rasa-sdk's app for the `actions` package, with the token check and the quiet error answer."""
    if not token:
        raise SystemExit("ACTION_TOKEN is not set: the action server would take calls from anyone")
    app = create_app("actions", cors_origins=None)

    @app.on_request
    async def only_rasa(request: Request) -> HTTPResponse | None:
        if request.path == "/health":
            return None
        given = request.headers.get(HEADER, "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            logger.warning("Refused a call to the action server without the right %s.", HEADER)
            return response.json({"error": "not authorised"}, status=401)
        return None

    @app.exception(Exception)
    async def quiet_error(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException) and exception.status_code < 500:
            # Sanic's own answers (not found, wrong method, unreadable JSON) keep their status.
            return response.json({"error": str(exception.status_code)}, status=exception.status_code)
        error_id = uuid.uuid4().hex[:12]
        action = (request.json or {}).get("next_action") if _json_object(request) else None
        logger.error("Action server error %s in %s: %s", error_id, action or "?", type(exception).__name__)
        return response.json({"error": "internal error", "error_id": error_id}, status=500)

    return app


def _json_object(request: Request) -> bool:
    try:
        return isinstance(request.json, dict)
    except Exception:  # noqa: BLE001 - an unreadable body is simply not one
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description="The custom action server (rasa-sdk) for the assistant.")
    parser.add_argument("--port", type=int, default=settings().action_port)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s - %(message)s")
    logs.install()
    host = os.environ.get("ACTION_HOST") or "127.0.0.1"
    app = create(os.environ.get("ACTION_TOKEN", ""))
    logger.info("Action server on http://%s:%s (calls need %s).", host, args.port, HEADER)
    app.run(host, args.port, workers=1, access_log=False)  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
