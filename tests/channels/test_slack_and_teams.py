"""Slack and Microsoft Teams against the trained bot, with both platforms played locally
(tests/channels/platforms.py): who is let in, where the replies go, what is stored, and that danger
gets 999 first with the action server up and down.

The bot here is this module's own (its channels point at the local platforms), and the last test
stops its action server.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml

from bot.channels.teams import Refused, SigningKeys, TokenVerifier
from tests.channels.platforms import APP_ID, BOT_ACCESS_TOKEN, Platforms, post, slack_headers
from tests.conftest import start_bot
from tools.serve import BotProcesses

SIGNING_SECRET = "slack-signing-secret-for-tests"
TEAM, BOT_USER, USER = "T0TESTTEAM1", "U0BOTUSER01", "U0TESTUSER1"
TENANT, OTHER_TENANT = "tenant-aaaa-1111", "tenant-zzzz-9999"
TEAMS_USER = "29:1teams-user-id-for-tests"
DUDLEY_LINE, EAST_SUSSEX_LINE = "0300 555 0050", "01323 464222"
DANGER = "dad just told me he shook the baby and now she's floppy and won't wake"


@pytest.fixture(scope="module")
def platforms() -> Iterator[Platforms]:
    stub = Platforms()
    yield stub
    stub.close()


REST_TOKEN = "rest-token-for-the-test"


@pytest.fixture(scope="module")
def channel_bot(platforms: Platforms, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcesses]:
    folder = tmp_path_factory.mktemp("channel-bot")
    credentials = folder / "credentials.yml"
    credentials.write_text(
        yaml.safe_dump(
            {
                "bot.channels.rest.RestChannel": None,
                "bot.channels.slack.SlackInput": {"api_url": platforms.slack_api},
                "bot.channels.teams.TeamsInput": {
                    "openid_metadata_url": platforms.openid_metadata,
                    "token_url": platforms.token_url,
                },
            }
        )
    )
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_AREA": "dudley",
        "TEAMS_APP_ID": APP_ID,
        "TEAMS_APP_PASSWORD": "teams-app-password",
        "TEAMS_TENANT_ID": TENANT,
        "TEAMS_AREA": "east_sussex",
        "REST_TOKEN": REST_TOKEN,
    }
    running = start_bot(folder, credentials=credentials, env=env)
    yield running
    running.stop()


# --- Slack ------------------------------------------------------------------------------------


def slack_event(
    text: str, channel: str, *, direct: bool = False, thread_ts: str | None = None, ts: str | None = None
) -> dict[str, Any]:
    ts = ts or f"{time.time():.6f}"
    event: dict[str, Any] = {
        "type": "message" if direct else "app_mention",
        "user": USER,
        "text": text if direct else f"<@{BOT_USER}> {text}",
        "ts": ts,
        "event_ts": ts,
        "channel": channel,
    }
    if direct:
        event["channel_type"] = "im"
    if thread_ts:
        event["thread_ts"] = thread_ts
    return {
        "type": "event_callback",
        "team_id": TEAM,
        "api_app_id": "A0TESTAPP01",
        "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"user_id": BOT_USER, "is_bot": True}],
        "event": event,
    }


def new_channel(prefix: str = "C") -> str:
    return f"{prefix}0{uuid.uuid4().hex[:9].upper()}"


def send_slack(bot: BotProcesses, body: dict[str, Any], **header_changes: str) -> tuple[int, dict[str, str]]:
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **slack_headers(SIGNING_SECRET, data), **header_changes}
    status, reply_headers, _ = post(f"http://127.0.0.1:{bot.rasa_port}/webhooks/slack/webhook", data, headers)
    return status, reply_headers


def slack_replies(
    platforms: Platforms, channel: str, count: int = 1, timeout: float = 60
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        posts = [
            p
            for p in platforms.wait_for_posts("chat.postMessage", 1, 2)
            if p["body"].get("channel") == channel
        ]
        if len(posts) >= count:
            time.sleep(1.5)  # let the rest of this answer arrive
            return [
                p
                for p in platforms.posts
                if "chat.postMessage" in p["path"] and p["body"].get("channel") == channel
            ]
    return [
        p for p in platforms.posts if "chat.postMessage" in p["path"] and p["body"].get("channel") == channel
    ]


def texts(posts: list[dict[str, Any]]) -> str:
    return "\n".join(str(p["body"].get("text", "")) for p in posts)


def test_a_signed_mention_is_answered_in_its_thread_as_a_professional_in_slacks_area(
    channel_bot: BotProcesses, platforms: Platforms
) -> None:
    channel = new_channel()
    body = slack_event("what's the number for the front door?", channel)
    status, _ = send_slack(channel_bot, body)
    assert status == 200
    posts = slack_replies(platforms, channel)
    assert posts, "a signed mention got no reply in Slack"
    assert all(p["body"].get("thread_ts") == body["event"]["ts"] for p in posts)
    assert all(p["auth"] == "Bearer xoxb-test-token" for p in posts)
    # Professional by default, with SLACK_AREA's lines (Dudley), not the parents' list of people.
    assert DUDLEY_LINE in texts(posts)
    assert "Samaritans" not in texts(posts)


def test_a_reply_in_a_thread_stays_in_that_thread_and_a_direct_message_is_answered_in_place(
    channel_bot: BotProcesses, platforms: Platforms
) -> None:
    channel = new_channel()
    body = slack_event("what is a strategy discussion", channel, thread_ts="1700000000.000100")
    assert send_slack(channel_bot, body)[0] == 200
    posts = slack_replies(platforms, channel)
    assert posts and all(p["body"].get("thread_ts") == "1700000000.000100" for p in posts)

    direct = new_channel("D")
    assert send_slack(channel_bot, slack_event("what is a CP medical", direct, direct=True))[0] == 200
    posts = slack_replies(platforms, direct)
    assert posts and all("thread_ts" not in p["body"] for p in posts)


@pytest.mark.parametrize(
    "change",
    [
        "unsigned",
        "badly signed",
        "signed with another secret",
        "stale (6 minutes old)",
        "body changed after signing",
    ],
)
def test_requests_not_signed_by_slack_are_refused_and_not_answered(
    channel_bot: BotProcesses, platforms: Platforms, change: str
) -> None:
    channel = new_channel()
    body = slack_event(DANGER, channel)
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **slack_headers(SIGNING_SECRET, data)}
    if change == "unsigned":
        headers = {"Content-Type": "application/json"}
    elif change == "badly signed":
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    elif change == "signature not ASCII":
        headers["X-Slack-Signature"] = "v0=" + "\u00e9" * 64
    elif change == "signed with another secret":
        headers.update(slack_headers("not-the-secret", data))
    elif change == "stale (6 minutes old)":
        headers.update(slack_headers(SIGNING_SECRET, data, timestamp=int(time.time()) - 360))
    else:
        data = data.replace(b"floppy", b"flopsy")
    status, _, _ = post(f"http://127.0.0.1:{channel_bot.rasa_port}/webhooks/slack/webhook", data, headers)
    assert 400 <= status < 500
    assert slack_replies(platforms, channel, timeout=4) == []


def test_a_retry_of_an_answered_event_is_not_answered_twice(
    channel_bot: BotProcesses, platforms: Platforms
) -> None:
    channel = new_channel()
    body = slack_event("what is disguised compliance", channel)
    assert send_slack(channel_bot, body)[0] == 200
    first = slack_replies(platforms, channel)
    assert first
    status, headers = send_slack(
        channel_bot, body, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )
    assert status == 200 and headers.get("X-Slack-No-Retry") == "1"
    status, _ = send_slack(
        channel_bot, body, **{"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"}
    )
    assert status == 200
    assert len(slack_replies(platforms, channel, timeout=4)) == len(first)


@pytest.mark.parametrize(
    ("change", "answered"),
    [
        ("the bot's own message", False),
        ("an edit of an earlier message", False),
        ("a message_changed event", False),
        ("a photo with words", True),
        ("a thread reply also sent to the channel", True),
    ],
)
def test_only_what_people_send_is_answered(
    channel_bot: BotProcesses, platforms: Platforms, change: str, answered: bool
) -> None:
    channel = new_channel("D")
    body = slack_event("what is a strategy discussion", channel, direct=True)
    event = body["event"]
    if change == "the bot's own message":
        event["bot_id"] = "B0BOTID0001"
    elif change == "an edit of an earlier message":
        event["edited"] = {"user": USER, "ts": event["ts"]}
    elif change == "a message_changed event":
        event["subtype"] = "message_changed"
    elif change == "a photo with words":
        event.update(subtype="file_share", files=[{"id": "F0FILE00001", "mimetype": "image/jpeg"}])
    else:
        event["subtype"] = "thread_broadcast"
    assert send_slack(channel_bot, body)[0] == 200
    assert bool(slack_replies(platforms, channel, timeout=20 if answered else 4)) is answered


def test_a_photo_without_words_gets_a_plain_answer_that_names_999(
    channel_bot: BotProcesses, platforms: Platforms
) -> None:
    channel = new_channel("D")
    body = slack_event("", channel, direct=True)
    body["event"].update(subtype="file_share", files=[{"id": "F0FILE00002", "mimetype": "image/png"}])
    assert send_slack(channel_bot, body)[0] == 200
    posts = slack_replies(platforms, channel)
    assert (
        len(posts) == 1
        and "files or pictures" in posts[0]["body"]["text"]
        and "999" in posts[0]["body"]["text"]
    )


def test_slacks_url_check_is_answered_with_its_challenge(channel_bot: BotProcesses) -> None:
    data = json.dumps(
        {"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}
    )
    headers = {"Content-Type": "application/json", **slack_headers(SIGNING_SECRET, data.encode())}
    status, _, reply = post(
        f"http://127.0.0.1:{channel_bot.rasa_port}/webhooks/slack/webhook", data.encode(), headers
    )
    assert status == 200
    assert json.loads(reply)["challenge"] == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"


def test_buttons_come_as_blocks_and_a_press_is_answered_in_the_same_thread(
    channel_bot: BotProcesses, platforms: Platforms
) -> None:
    channel = new_channel()
    body = slack_event("hello", channel)
    assert send_slack(channel_bot, body)[0] == 200
    posts = slack_replies(platforms, channel)
    actions = [b for p in posts for b in p["body"].get("blocks") or [] if b["type"] == "actions"]
    assert actions, "the greeting's buttons did not come as Slack blocks"
    button = actions[0]["elements"][0]
    assert button["type"] == "button" and button["text"]["text"] and button["value"]

    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": USER},
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel, "thread_ts": body["event"]["ts"]},
        "message": {"ts": "1700000001.000200", "thread_ts": body["event"]["ts"]},
        "actions": [
            {"type": "button", "action_id": button["action_id"], "value": button["value"], "action_ts": "1"}
        ],
    }
    data = urlencode({"payload": json.dumps(payload)}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **slack_headers(SIGNING_SECRET, data)}
    before = len(posts)
    status, _, _ = post(f"http://127.0.0.1:{channel_bot.rasa_port}/webhooks/slack/webhook", data, headers)
    assert status == 200
    after = slack_replies(platforms, channel, count=before + 1)
    assert len(after) > before
    assert all(p["body"].get("thread_ts") == body["event"]["ts"] for p in after[before:])


# --- Microsoft Teams --------------------------------------------------------------------------


def teams_activity(platforms: Platforms, text: str, tenant: str = TENANT, **changes: Any) -> dict[str, Any]:
    conversation = f"19:{uuid.uuid4().hex}@thread.tacv2;messageid=1700000000001"
    activity = {
        "type": "message",
        "id": "1700000000001",
        "channelId": "msteams",
        "serviceUrl": platforms.service_url,
        "from": {"id": TEAMS_USER, "name": "A Test User", "aadObjectId": "aad-object-id-for-tests"},
        "conversation": {"id": conversation, "conversationType": "channel", "tenantId": tenant},
        "recipient": {"id": f"28:{APP_ID}", "name": "Safeguarding"},
        "text": f"<at>Safeguarding</at> {text}",
        "entities": [
            {"type": "mention", "text": "<at>Safeguarding</at>", "mentioned": {"id": f"28:{APP_ID}"}}
        ],
        "channelData": {"tenant": {"id": tenant}, "teamsChannelId": "19:channel@thread.tacv2"},
    }
    activity.update(changes)
    return activity


def send_teams(bot: BotProcesses, activity: dict[str, Any], token: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    url = f"http://127.0.0.1:{bot.rasa_port}/webhooks/botframework/webhook"
    return post(url, json.dumps(activity).encode(), headers)[0]


def teams_replies(
    platforms: Platforms, activity: dict[str, Any], timeout: float = 30
) -> list[dict[str, Any]]:
    where = f"/teams/v3/conversations/{activity['conversation']['id']}/activities"
    return platforms.wait_for_posts(where, 1, timeout) if timeout > 5 else _now(platforms, where, timeout)


def _now(platforms: Platforms, where: str, wait: float) -> list[dict[str, Any]]:
    time.sleep(wait)
    return [p for p in platforms.posts if where in p["path"]]


def card_or_text(posts: list[dict[str, Any]]) -> str:
    parts = []
    for p in posts:
        parts.append(str(p["body"].get("text", "")))
        parts += [str(a["content"].get("text", "")) for a in p["body"].get("attachments", [])]
    return "\n".join(parts)


def test_a_valid_teams_token_is_accepted_and_answered_as_a_professional_in_teams_area(
    channel_bot: BotProcesses, platforms: Platforms
) -> None:
    activity = teams_activity(platforms, "what's the number for the front door?")
    assert send_teams(channel_bot, activity, platforms.teams_token()) == 200
    posts = teams_replies(platforms, activity)
    assert posts, "a verified Teams message got no reply"
    # Posted with the bot's own token from the login endpoint, as replies to the message.
    assert all(p["auth"] == f"Bearer {BOT_ACCESS_TOKEN}" for p in posts)
    assert all(p["body"].get("replyToId") == activity["id"] for p in posts)
    assert platforms.token_requests[-1]["client_id"] == [APP_ID]
    assert EAST_SUSSEX_LINE in card_or_text(posts)
    assert "Samaritans" not in card_or_text(posts)


def test_teams_buttons_come_as_a_card_whose_press_sends_the_payload(
    channel_bot: BotProcesses, platforms: Platforms
) -> None:
    activity = teams_activity(platforms, "hi")
    assert send_teams(channel_bot, activity, platforms.teams_token()) == 200
    posts = teams_replies(platforms, activity)
    cards = [a for p in posts for a in p["body"].get("attachments", [])]
    assert cards and cards[0]["contentType"] == "application/vnd.microsoft.card.hero"
    button = cards[0]["content"]["buttons"][0]
    assert button["type"] == "messageBack" and button["title"] and button["value"]["payload"].startswith("/")

    press = dict(activity, id="1700000000002", text=button["text"], value=button["value"])
    assert send_teams(channel_bot, press, platforms.teams_token()) == 200
    assert len(
        platforms.wait_for_posts(f"/teams/v3/conversations/{activity['conversation']['id']}/", len(posts) + 1)
    ) > len(posts)


@pytest.mark.parametrize(
    "forgery",
    [
        "no token",
        "wrong audience",
        "wrong issuer",
        "expired",
        "alg none",
        "HS256 keyed with the public key",
        "unsigned RS256",
        "reply address not the token's",
        "another tenant",
    ],
)
def test_teams_requests_without_a_valid_token_are_refused_and_not_answered(
    channel_bot: BotProcesses, platforms: Platforms, forgery: str
) -> None:
    activity = teams_activity(platforms, DANGER)
    token: str | None = platforms.teams_token()
    if forgery == "no token":
        token = None
    elif forgery == "wrong audience":
        token = platforms.teams_token(aud="another-app-id")
    elif forgery == "wrong issuer":
        token = platforms.teams_token(iss="https://sts.windows.net/someone-else/")
    elif forgery == "expired":
        token = platforms.teams_token(exp=int(time.time()) - 3600, nbf=int(time.time()) - 7200)
    elif forgery == "alg none":
        token = platforms.forged_token("none")
    elif forgery == "HS256 keyed with the public key":
        token = platforms.forged_token("HS256")
    elif forgery == "unsigned RS256":
        token = platforms.forged_token("RS256")
    elif forgery == "reply address not the token's":
        activity["serviceUrl"] = "http://127.0.0.1:9/steal-the-token/"
    else:
        activity = teams_activity(platforms, DANGER, tenant=OTHER_TENANT)
    status = send_teams(channel_bot, activity, token)
    assert status in (401, 403)
    assert teams_replies(platforms, activity, timeout=3) == []


def test_without_microsofts_keys_every_token_is_refused(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Keys that cannot be fetched mean 503 and a log line, never an unchecked message; once they
    can be fetched again the same verifier takes tokens, and then uses its cache."""
    monkeypatch.setattr("bot.channels.teams.RETRY_AFTER_FAILURE_SECONDS", 0)
    stub = Platforms()
    try:
        stub.keys_available = False
        keys = SigningKeys(stub.openid_metadata)
        verifier = TokenVerifier(APP_ID, keys, TENANT)
        activity = {
            "channelId": "msteams",
            "serviceUrl": stub.service_url,
            "channelData": {"tenant": {"id": TENANT}},
        }
        with pytest.raises(Refused) as refused:
            asyncio.run(verifier.verify(f"Bearer {stub.teams_token()}", activity))
        assert refused.value.status == 503
        assert "could not fetch Microsoft's signing keys" in caplog.text
        stub.keys_available = True
        assert asyncio.run(verifier.verify(f"Bearer {stub.teams_token()}", activity))["aud"] == APP_ID
        asyncio.run(verifier.verify(f"Bearer {stub.teams_token()}", activity))
        assert keys.fetches == 2  # the failed try and one fetch: the third token used the cache
    finally:
        stub.close()


# --- Privacy and safety -----------------------------------------------------------------------


def test_stored_conversations_hold_no_platform_ids_and_no_identifiers(
    channel_bot: BotProcesses, platforms: Platforms
) -> None:
    channel = new_channel()
    link = (
        "<https://mosaic.council.gov.uk/case?child=JaneDoe&id=12345|mosaic.council.gov.uk/case?child=JaneDoe>"
    )
    text = f"NHS number 943 476 5919, see {link} <#C0PRIVATE1|smith-family> is a strategy meeting needed"
    send_slack(channel_bot, slack_event(text, channel))
    activity = teams_activity(platforms, "NHS number 943 476 5919, who do I call")
    send_teams(channel_bot, activity, platforms.teams_token())
    assert slack_replies(platforms, channel) and teams_replies(platforms, activity)
    store = Path(channel_bot.config.tracker_db)
    # The replies go out before the turn is saved (Slack's is answered in the background): wait
    # for both conversations' turns to be in the store.
    deadline = time.monotonic() + 30
    while True:
        with sqlite3.connect(store) as db:
            rows = db.execute("SELECT sender_id, data FROM events").fetchall()
        stored = json.dumps(rows)
        if ("[web address]" in stored and stored.count("[NHS number]") >= 4) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    senders = {sender for sender, _ in rows}
    assert any(s.startswith("slack-") for s in senders) and any(s.startswith("teams-") for s in senders)
    dump = json.dumps(rows)
    # This test's own messages were stored, redacted, in conversations that start as a professional's.
    assert dump.count("[NHS number]") >= 2 and "[web address]" in dump
    for sender in {s for s in senders if s.startswith(("slack-", "teams-"))}:
        roles = [json.loads(d).get("value") for s, d in rows if s == sender and '"name": "role"' in d]
        assert roles and roles[0] == "professional"
    for identifier in (
        USER,
        BOT_USER,
        TEAM,
        channel,
        TEAMS_USER,
        TENANT,
        "aad-object-id-for-tests",
        activity["conversation"]["id"].split(";")[0],
        "943 476 5919",
        "JaneDoe",
        "smith-family",
        "<at>",
    ):
        assert identifier not in dump, f"{identifier!r} was stored"


def test_danger_gets_999_first_in_both_channels_with_the_action_server_up_and_down(
    channel_bot: BotProcesses, platforms: Platforms
) -> None:
    """Last in this module: it stops the action server."""
    for actions_up in (True, False):
        if not actions_up:
            channel_bot.stop_actions()
        channel = new_channel()
        send_slack(channel_bot, slack_event(DANGER, channel))
        posts = slack_replies(platforms, channel)
        # The safety net's own answer ("Call 999 now"), not a fallback that happens to name 999.
        assert posts and "Call 999 now" in posts[0]["body"]["text"], f"Slack, action server up: {actions_up}"
        assert "went wrong" not in texts(posts)

        activity = teams_activity(platforms, DANGER)
        assert send_teams(channel_bot, activity, platforms.teams_token()) == 200
        posts = teams_replies(platforms, activity)
        assert posts and "Call 999 now" in card_or_text(posts[:1]), f"Teams, action server up: {actions_up}"
        assert "went wrong" not in card_or_text(posts)


# --- REST with a token (the channel bot runs with REST_TOKEN set) -------------------------------


def test_with_rest_token_set_rest_requests_without_it_are_refused(channel_bot: BotProcesses) -> None:
    body = json.dumps({"sender": f"rest-{uuid.uuid4().hex}", "message": "my baby is not breathing"}).encode()
    for headers in ({}, {"Authorization": "Bearer not-the-token"}):
        status, _, reply = post(channel_bot.webhook, body, {"Content-Type": "application/json", **headers})
        assert status == 401
        assert "999" in json.loads(reply)[0]["text"]
    # The launcher sends the token (its red-flag probe passed to get here), and so does any client.
    replies = channel_bot.send(f"rest-{uuid.uuid4().hex}", "my baby is not breathing")
    assert "Call 999 now" in replies[0]["text"]
