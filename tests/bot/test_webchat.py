"""The widget channel's own parts: signed conversation ids, the rate limit, what the widget is given."""

from __future__ import annotations

import re

from bot.channels.common import RateLimiter
from bot.channels.webchat import SessionSigner, widget_config
from bot.settings import ROOT


def test_a_minted_id_is_accepted_and_names_its_own_conversation() -> None:
    signer = SessionSigner(b"secret")
    first, second = signer.mint(), signer.mint()
    assert first != second
    assert signer.sender_id(first) == "webchat-" + first.split(".")[0]
    assert signer.sender_id(second) != signer.sender_id(first)


def test_ids_not_minted_with_this_secret_are_refused() -> None:
    signer = SessionSigner(b"secret")
    token, signature = signer.mint().split(".")
    other = SessionSigner(b"another secret").mint()
    changed = signature[:-1] + ("1" if signature[-1] == "0" else "0")
    for forged in (other, f"{token}.{changed}", f"{token}x.{signature}", token, "", None, 42, "a.b.c"):
        assert signer.sender_id(forged) is None


def test_the_rate_limit_counts_each_conversation_in_its_window() -> None:
    limiter = RateLimiter(limit=3, window=60)
    assert [limiter.allow("a", now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limiter.allow("b", now=3)
    assert limiter.allow("a", now=60.5)  # the first message has left the window


def test_the_widget_carries_each_areas_lines_from_the_area_files() -> None:
    config = widget_config("devon")
    assert set(config["areas"]) == {"devon", "east_sussex", "dudley"}
    facts = (ROOT / "sources" / "FACTS.md").read_text(encoding="utf-8")
    for area in config["areas"].values():
        for number in re.findall(
            r"0\d{3,4} \d{3,4} ?\d{3,4}", area["daytime_line"] + " " + area["out_of_hours_line"]
        ):
            assert number in facts
    assert config["areas"]["dudley"]["daytime_line"] == "0300 555 0050 (option 3)"
    assert config["national"] == {"emergency": "999", "nhs_111": "111"}


def test_only_the_sources_sites_become_links() -> None:
    hosts = widget_config("devon")["link_hosts"]
    assert {"iconcope.org", "nhs.uk", "dcfp.org.uk", "eastsussex.gov.uk", "gov.uk"} <= set(hosts)
    assert not any("example" in host or "bit.ly" in host for host in hosts)


def test_the_greeting_is_the_bots_own() -> None:
    greeting = widget_config("devon")["greeting"]
    assert "999" in greeting["text"]
    assert [b["title"] for b in greeting["buttons"]][:2] == ["Parent or carer", "Professional"]
