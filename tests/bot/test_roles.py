"""Who is asking, from the cues in data/roles.yml, as people actually write."""

from __future__ import annotations

import pytest

from bot.roles import PARENT, PROFESSIONAL, RoleCues

CUES = RoleCues.from_file()


@pytest.mark.parametrize(
    "text",
    [
        "HV here, mum says the bruise is from the car seat",
        "I'm a midwife in Exeter",
        "im a student social worker",
        "Midwife, Tiverton. 3/52 baby with a mark on the cheek",
        "as a GP what's the threshold for a CP medical",
        "hi, SW from dudley",
        "worried about a baby on my caseload",
        "on a home visit and the baby has a mark",
        "a family i work with has a new baby",
        "the mother says he rolled off the sofa",
        "i work as a nursery nurse",
        "GP Exeter. 9 week old with a mark behind the ear",
        "health visitor Bideford \u2013 small tear under the top lip",
        "dentist here, saw a torn frenulum",
        "bruise on a 4 month old, what's the procedure",
        "parents are lovely but should i refer",
        "2mo with a mark on the cheek, parents reckon the cat did it",
        "split lip on a 6 week old, seen on visit today",
    ],
)
def test_a_professional_is_recognised(text: str) -> None:
    assert CUES.role_of(text) == PROFESSIONAL


@pytest.mark.parametrize(
    "text",
    [
        "my baby wont stop crying",
        "our little one is 5 weeks",
        "grandma here, minding him tonight",
        "I'm the dad",
        "gp appointment tomorrow for my son",  # a job a parent mentions is not theirs
        "my health visitor said it was colic",
        "just a mum, not a professional",
        "small bruise on my 3 week olds forehead",
        "co-parenting dad, I have him at weekends",
        "stay at home dad and she cries all afternoon",
        "I'm 30 weeks, what support is there in Devon",
        "babysitting my nieces baby",
        "I'm the mum and the dad works nights",
        # A professional's hint ("the baby's dad", "weigh clinic") never beats a parent's own words.
        "i'm her mum and the baby's dad keeps shouting at her",
        "At weigh clinic today the HV said my baby has dropped two centiles",
        "As the parents, we're worried about our 6 week old",
        "can i self refer for help as a parent in east sussex",
        "me and my partner are shattered, he cries all night",
    ],
)
def test_a_parent_or_carer_is_recognised(text: str) -> None:
    assert CUES.role_of(text) == PARENT


@pytest.mark.parametrize(
    "text",
    [
        "what number do i call",
        "should i take her to the gp",
        "our social worker said it's fine",
        "hi",
        "HV said, try a warm bath",  # a job opening the message, then what it said: not the writer's
        "midwife says, she's fine",
        "gp closed, baby not right, who do i call",  # someone else's job, then what it is doing
        "HV coming tomorrow. she's still hot",
        "my parents say i should let her cry it out",  # the writer's own mum and dad
        "my mum says he's just hungry",
        "my husband's parents reckon it's colic",
        "are these petechiae?",
    ],
)
def test_no_cue_leaves_the_role_as_it_was(text: str) -> None:
    assert CUES.role_of(text) is None


def test_a_cue_is_a_whole_word() -> None:
    # "sw" inside "swaddle", "pc" inside "pcs", "mw" inside "mwah" are not jobs.
    assert CUES.role_of("sw: have you got tips on swaddling") == PROFESSIONAL
    assert CUES.role_of("swaddle tips, pcs, mwah") is None


def test_the_role_the_words_show_wins_over_the_classifier() -> None:
    from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.roles import RoleCueExtractor

    extractor = RoleCueExtractor(CUES)
    message = Message(data={TEXT: "just a mum not a professional"})
    message.set(INTENT, {"name": "i_am_professional", "confidence": 0.9})
    message.set(INTENT_RANKING_KEY, [{"name": "i_am_professional", "confidence": 0.9}])
    extractor.process([message])
    assert message.get(INTENT)["name"] == "i_am_parent"
    assert [e["value"] for e in message.get("entities")] == ["parent"]
    other = Message(data={TEXT: "my baby is 5 weeks"})
    other.set(INTENT, {"name": "ask_comfort", "confidence": 0.9})
    extractor.process([other])
    assert other.get(INTENT)["name"] == "ask_comfort"  # only a role intent is put right


def test_a_professional_asking_about_their_own_baby_is_a_parent_here() -> None:
    cues = RoleCues.from_file()
    assert cues.role_of("I'm a midwife but asking as a mum tbh, my own 5 week old won't settle") == PARENT
    assert cues.role_of("i work in a nursery but this is about my own baby") == PARENT
    assert cues.role_of("I'm a midwife, the mum says her own baby cries all night") == PROFESSIONAL
