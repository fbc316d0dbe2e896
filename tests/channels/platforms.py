"""Slack and Microsoft, played locally: the HTTP endpoints the bot calls out to, and the requests
those platforms would send to the bot, signed as they sign them.

Nothing here reaches the network. The stub server answers Slack's `chat.postMessage`, Microsoft's
OpenID metadata and signing keys (a local RSA key, published with an endorsement for `msteams`),
the login endpoint's client-credentials token, and the Bot Framework's "send to conversation", and
records every call so a test can read what the bot posted where.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.channels.teams import TOKEN_ISSUER

KEY_ID = "test-key-1"
APP_ID = "00000000-aaaa-bbbb-cccc-000000000001"
BOT_ACCESS_TOKEN = "bot-access-token-from-login"


class Platforms:
    """The stub server; `posts` holds what the bot sent, `keys_available` switches Microsoft's keys."""

    def __init__(self) -> None:
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_pem = self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.posts: list[dict[str, Any]] = []
        self.token_requests: list[dict[str, list[str]]] = []
        self.keys_available = True
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()

    # --- what the bot calls ---------------------------------------------------------------------

    @property
    def slack_api(self) -> str:
        return f"{self.base}/slack/api/"

    @property
    def openid_metadata(self) -> str:
        return f"{self.base}/botframework/openid"

    @property
    def token_url(self) -> str:
        return f"{self.base}/login/token"

    @property
    def service_url(self) -> str:
        return f"{self.base}/teams/"

    def jwk(self) -> dict[str, Any]:
        key = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {**key, "kid": KEY_ID, "use": "sig", "endorsements": ["msteams"]}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        platforms = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                if not platforms.keys_available:
                    self._json(503, {"error": "unavailable"})
                elif self.path == "/botframework/openid":
                    self._json(
                        200, {"issuer": TOKEN_ISSUER, "jwks_uri": f"{platforms.base}/botframework/keys"}
                    )
                elif self.path == "/botframework/keys":
                    self._json(200, {"keys": [platforms.jwk()]})
                else:
                    self._json(404, {})

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/login/token":
                    platforms.token_requests.append(parse_qs(body.decode()))
                    self._json(
                        200, {"token_type": "Bearer", "expires_in": 3600, "access_token": BOT_ACCESS_TOKEN}
                    )
                    return
                try:
                    payload = json.loads(body or b"{}")
                except ValueError:
                    payload = {key: values[0] for key, values in parse_qs(body.decode()).items()}
                with platforms._lock:
                    platforms.posts.append(
                        {"path": self.path, "auth": self.headers.get("Authorization"), "body": payload}
                    )
                if self.path.startswith("/slack/api/"):
                    self._json(200, {"ok": True, "ts": f"{time.time():.6f}"})
                else:
                    self._json(200, {"id": uuid.uuid4().hex})

        return Handler

    # --- what the bot receives ------------------------------------------------------------------

    def wait_for_posts(self, where: str, count: int = 1, timeout: float = 60) -> list[dict[str, Any]]:
        """The posts whose path contains `where`, once there are `count` of them and no more arrive."""
        deadline = time.monotonic() + timeout
        seen, settled = -1, 0.0
        while time.monotonic() < deadline:
            found = [post for post in list(self.posts) if where in post["path"]]
            if len(found) >= count:
                if len(found) == seen and time.monotonic() - settled > 1.5:
                    return found
                if len(found) != seen:
                    seen, settled = len(found), time.monotonic()
            time.sleep(0.2)
        return [post for post in list(self.posts) if where in post["path"]]

    def teams_token(self, service_url: str | None = None, **changes: Any) -> str:
        """A Bot Framework token as Microsoft signs it; `changes` overrides claims (None removes one)."""
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": TOKEN_ISSUER,
            "aud": APP_ID,
            "exp": now + 3600,
            "nbf": now - 60,
            "serviceurl": service_url or self.service_url,
        }
        for name, value in changes.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": KEY_ID})

    def forged_token(self, alg: str) -> str:
        """A token with a valid-looking body that was not signed with Microsoft's key: `alg: none`,
        HS256 keyed with the public key (the classic key-confusion forgery), or RS256 unsigned."""
        now = int(time.time())
        claims = {"iss": TOKEN_ISSUER, "aud": APP_ID, "exp": now + 3600, "serviceurl": self.service_url}
        header = {"alg": alg, "typ": "JWT", "kid": KEY_ID}
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        if alg == "HS256":
            signature = hmac.new(self.public_pem, signing_input.encode(), hashlib.sha256).digest()
            return f"{signing_input}.{_b64(signature)}"
        return f"{signing_input}."


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def slack_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Slack's signing: v0=HMAC-SHA256(signing secret, "v0:<timestamp>:<body>"), written out here
    rather than imported from the bot, so the test checks the bot against Slack's rule."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """POST and return (status, headers, body), also for 4xx and 5xx answers."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
