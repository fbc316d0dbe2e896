"""Is this Rasa process ready to take people's messages? Exit 0 only if it answers a red-flag probe
with "Call 999 now" in the first reply.

The readiness check of the container images (docker-compose.yml, deploy/k8s/): `GET /` answers
as soon as the web server is up, before the model has loaded, and would say nothing about a model or
rule file that loaded wrong. This sends the same probe `make run` sends before it says "ready", as
a fresh conversation id each time (the id is a random "ready-..." one, so nothing identifies anyone).

    python -m tools.ready [--url http://localhost:5005] [--timeout 8]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
import uuid

from tools.serve import PROBE, probe_answered


def ready(url: str, timeout: float, token: str | None) -> tuple[bool, str]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"sender": f"ready-{uuid.uuid4().hex}", "message": PROBE}).encode()
    request = urllib.request.Request(f"{url.rstrip('/')}/webhooks/rest/webhook", data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            replies = json.loads(answer.read())
    except (urllib.error.URLError, OSError, ValueError) as error:
        return False, f"not answering: {error}"
    if not probe_answered(replies):
        return False, "answering, but a red-flag probe did not get 999 first (model or data/safety/)"
    return True, "ready: a red-flag probe got 999 first"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    port = os.environ.get("RASA_PORT") or "5005"
    parser.add_argument("--url", default=f"http://localhost:{port}")
    parser.add_argument("--timeout", type=float, default=8.0)
    args = parser.parse_args(argv)
    ok, why = ready(args.url, args.timeout, os.environ.get("REST_TOKEN"))
    print(why, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
