"""Identifiers are redacted before anything is stored, and what matters to the bot is kept."""

from __future__ import annotations

import sqlite3

import pytest

from bot.privacy import redact
from tests.conftest import Conversation
from tools.serve import BotProcesses


@pytest.mark.parametrize(
    "typed, kept, removed",
    [
        ("NHS number 943 476 5919", "[NHS number]", "943 476 5919"),
        ("nhs no 9434765919", "[NHS number]", "9434765919"),
        ("ring me on 07700 900123", "[phone number]", "07700 900123"),
        ("or +44 7700 900 123", "[phone number]", "7700 900 123"),
        ("we live at 12 Acacia Avenue", "[address]", "Acacia"),
        ("postcode EX1 1AB", "[postcode]", "EX1 1AB"),
        ("born 01/02/2024", "[date]", "01/02/2024"),
        ("my name is sarah", "my name is [name]", "sarah"),
        ("my son Jack won't settle", "my son [name]", "Jack"),
        ("email jo.bloggs@example.com", "[email]", "jo.bloggs"),
        ("email me kerry_w @ hotmail . co . uk", "[email]", "kerry_w"),
        ("its dani dot rees at gmail dot com", "[email]", "dani dot rees"),
        ("email dani.rees at gmail.com", "[email]", "dani.rees"),
        ("its kerry at hotmail dot co dot uk", "[email]", "kerry"),
    ],
)
def test_identifiers_are_replaced(typed: str, kept: str, removed: str) -> None:
    result = redact(typed)
    assert kept in result and removed not in result


@pytest.mark.parametrize(
    "text",
    [
        "she's 6 weeks old and cries for 3 hours a day",
        "temperature of 38.5 at 3am",
        "i called 111",
        "my baby isn't breathing",
        "have a look at nhs dot uk",
        "see you at the clinic. com on tuesday",
    ],
)
def test_ordinary_numbers_and_words_are_kept(text: str) -> None:
    assert redact(text) == text


def test_the_stored_conversation_holds_no_identifiers(bot: BotProcesses) -> None:
    conversation = Conversation(bot)
    conversation.say("hi my name is Priya, my son Arlo's NHS number is 485 777 3456")
    conversation.say("help me make a plan")
    conversation.say("a cup of tea")
    replies = conversation.say("my sister Bethany on 07700 900 982")
    assert any("someone in your family" in reply for reply in replies)

    database = bot.config.tracker_db
    with sqlite3.connect(database) as db:
        rows = [
            row[0]
            for row in db.execute("select data from events where sender_id = ?", (conversation.sender,))
        ]
    stored = "\n".join(rows)
    assert rows, "nothing was stored for the conversation"
    for identifier in ("Priya", "Arlo", "485 777 3456", "Bethany", "07700 900 982"):
        assert identifier not in stored
    assert "[NHS number]" in stored and "[phone number]" in stored
