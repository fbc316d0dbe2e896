"""What the channels make of platform markup, both ways: a person's words without ids or tags, and
replies that fit Slack's blocks and read well in Teams."""

from __future__ import annotations

from bot.channels.common import pseudonym, slack_plain_text, teams_plain_text
from bot.channels.slack import SECTION_CHARS, button_blocks, mrkdwn_escape, text_sections
from bot.channels.teams import teams_text


def test_slack_mentions_channels_and_web_links_are_removed_and_addresses_left_for_redaction() -> None:
    text = "<@U0BOTUSER01> my colleague <@U0ABCDEF12|sam> asked &amp; <!here> see <https://www.nhs.uk|nhs.uk>"
    assert slack_plain_text(text) == "my colleague asked & see [web address]"
    # A case-record link can carry a child's name, a private channel a family's.
    record = "<https://mosaic.example.gov.uk/case?child=JaneDoe|mosaic.example.gov.uk/case?child=JaneDoe>"
    assert "JaneDoe" not in slack_plain_text(f"see {record}")
    assert slack_plain_text("<mailto:a@b.org|a@b.org> in <#C0123ABCD|smith-family>") == "a@b.org in"
    assert slack_plain_text("ring <tel:01234567890|01234 567890>") == "ring 01234567890"


def test_teams_at_mentions_and_markup_are_removed() -> None:
    text = "<at>Safeguarding</at> <p>bruise on a 3 month old&nbsp;&amp; <b>not</b> rolling</p>"
    assert teams_plain_text(text) == "bruise on a 3 month old\xa0& not rolling"
    assert teams_plain_text("<at id='0'>Jo Bloggs</at> who do I call") == "who do I call"


def test_pseudonyms_are_stable_and_do_not_contain_the_ids() -> None:
    first = pseudonym(b"secret", "slack", "T1", "C1", "", "U0TESTUSER1")
    assert first == pseudonym(b"secret", "slack", "T1", "C1", "", "U0TESTUSER1")
    assert first != pseudonym(b"secret", "slack", "T1", "C1", "1700.1", "U0TESTUSER1")
    assert first != pseudonym(b"another", "slack", "T1", "C1", "", "U0TESTUSER1")
    assert "U0TESTUSER1" not in first and first.startswith("slack-")


def test_long_slack_replies_are_split_into_sections_slack_accepts() -> None:
    paragraphs = ["word " * 500, "more " * 700, "short"]
    sections = text_sections("\n\n".join(paragraphs))
    assert all(len(s["text"]["text"]) <= SECTION_CHARS for s in sections)
    assert "".join(s["text"]["text"] for s in sections).replace("\n\n", "") == "".join(paragraphs)


def test_slack_text_and_buttons_are_escaped_and_within_limits() -> None:
    assert mrkdwn_escape("A&E <now>") == "A&amp;E &lt;now&gt;"
    blocks = button_blocks([{"title": "x" * 100, "payload": "/ask"}] * 30)
    assert [len(b["elements"]) for b in blocks] == [25, 5]
    assert all(len(e["text"]["text"]) <= 75 for b in blocks for e in b["elements"])


def test_teams_keeps_each_line_of_a_list_on_its_own() -> None:
    assert teams_text("Who you can call now:\n• someone\n• NHS 111\n\nNext") == (
        "Who you can call now:\n\n• someone\n\n• NHS 111\n\nNext"
    )
