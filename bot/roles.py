"""Who is asking: a parent or carer, or a professional, from what people say.

"HV here", "I'm a social worker", "a family on my caseload" show a professional; "my baby",
"our little one", "grandma here" show a parent or carer. The cues are in data/roles.yml, where a
safeguarding lead can read and extend them. The component adds an entity `role`, which fills the
`role` slot for the rest of the conversation until another cue, or "I'm a parent" / "I'm a
professional", changes it. Replies that differ by role (the fallback, the safety question, the
guidance) read that slot.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.settings import DATA

ROLES_FILE = DATA / "roles.yml"
PARENT, PROFESSIONAL = "parent", "professional"
ROLE_ENTITY = "role"

# A job counts as the writer's own only in these shapes: "I'm a midwife", "as a GP", "working as
# a social worker", "HV here", or the job opening the message ("Midwife, Exeter. ...", "GP dudley. ...").
_SELF = r"(?:i'?m|i am|as|i work as|working as|we'?re|we are|speaking as|my role is|my job is)"
_OPENING = r"^\W*(?:(?:hi|hello|hiya|hey|morning|afternoon|evening)\b\W*)?"
# After an opening job, what shows it is the writer's: "HV, ...", "Midwife here", "SW in Dudley".
# "HV Devon, ..." and "GP dudley. ..." too: one place word, then punctuation (but never "HV said, ...").
# Words that, after a job, show someone else's job being talked about ("GP closed, baby not right",
# "HV coming tomorrow."), not a place the writer works in.
_NOT_A_PLACE = (
    r"(?:closed|shut|open|appointment|appt|surgery|practice|visit|visited|visiting|came|coming|come|"
    r"rang|called|phoned|booked|gave|prescribed|checked|saw|seen|sent|referred|weighed|is|was|are|"
    r"were|wont|won't|cant|can't|isn't|didn't|doesn't|tomorrow|today|yesterday|again|busy|away|off)\b"
)
_OPENING_END = (
    r"\s*(?:[,:;.!\-\u2013\u2014]|\s+(?:here|from|in|at|based|working|for)\b"
    rf"|\s+(?!said\b|says\b|told\b|thinks?\b|reckons?\b|asked\b|wants?\b|{_NOT_A_PLACE})[a-z']+\s*[,:;.!\-\u2013\u2014])"
)


_DENIED = re.compile(r"\b(?:not|never|no|isn't|aint|ain't)\s+(?:an?\s+|the\s+)?(?:health\s+)?professional\b")
# "I'm a midwife but asking as a mum", "I work in a nursery but this is about my own baby": a
# professional writing about their own child is a parent here, whatever their job.
_AS_A_PARENT = re.compile(
    r"\b(?:asking|here|writing|speaking|messaging|this is)\s+(?:just\s+)?as\s+(?:a\s+)?"
    r"(?:mum|mom|mam|dad|parent|mother|father|nan|grandparent)\b"
    r"|\babout my own (?:baby|son|daughter|child|little one|lo|boy|girl)\b"
    r"|\bmy own (?:baby|son|daughter|child|little one|\d+\s*(?:week|wk|month)s?\s*old)\b"
)
_OWN_PARENTS = re.compile(
    r"\b(?:(?:my|our|me|mi)(?:\s+(?:husband|wife|partner|boyfriend|girlfriend|ex|fiance|fiancee)'?s)?"
    r"|(?:husband|wife|partner|boyfriend|girlfriend)'?s|in-?laws?)\s+(?:parents|mum|mam|mom|dad|mother|father)\b"
)
# "my 3 week old", "my 2mo", "my 10 month old": a baby's age with "my" is a parent's or carer's.
_MY_BABY_AGE = r"(?:my|our)\s+\d+\s*(?:-\s*)?(?:day|days|week|weeks|wk|wks|w|month|months|mo|mth|mths|m)\b"
# "I'm 20 weeks", "im 34 wks pregnant": the writer is expecting a baby.
_PREGNANT_WEEKS = r"(?:i'?m|i am)\s+\d+\s*(?:weeks|wks|wk|w)\b(?!\s+(?:into|in)\b)"


class RoleCues:
    """The cues of data/roles.yml, compiled."""

    def __init__(
        self, jobs: list[str], work: list[str], parent: list[str], hints: list[str] | None = None
    ) -> None:
        job = _alternatives(jobs)
        self._professional = re.compile(
            rf"\b{_SELF}\s+(?:an?\s+|the\s+)?(?:student\s+|trainee\s+|community\s+)?{job}\b"
            rf"|{_OPENING}{job}{_OPENING_END}"
            rf"|\b{job}\s+here\b"
            rf"|\b{_alternatives(work)}\b"
        )
        self._parent = re.compile(rf"\b{_alternatives(parent)}\b|\b{_MY_BABY_AGE}|\b{_PREGNANT_WEEKS}")
        self._hint = re.compile(rf"\b{_alternatives(hints)}\b") if hints else None

    @classmethod
    def from_file(cls, path: Path = ROLES_FILE) -> RoleCues:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        lists = {key: content.get(key) for key in ("professional_job", "professional_work", "parent")}
        lists["professional_hint"] = content.get("professional_hint") or []
        for key, words in lists.items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                raise ValueError(f"{path.name}: '{key}' must be a list of words")
        return cls(
            lists["professional_job"], lists["professional_work"], lists["parent"], lists["professional_hint"]
        )

    def role_of(self, text: str) -> str | None:
        """The role a message shows, or None. A professional cue wins over a parent one ("the
        mother says my client's baby..."), unless they say they are asking as a parent."""
        lowered = " ".join(text.lower().replace("\u2019", "'").split())
        # "just a mum, not a professional": a job said not to be theirs is no cue.
        lowered = _DENIED.sub(" ", lowered)
        # "my parents say..." is the writer's own mum and dad, not a baby's parents seen from outside.
        lowered = _OWN_PARENTS.sub("my folks", lowered)
        if _AS_A_PARENT.search(lowered):
            return PARENT
        if self._professional.search(lowered):
            return PROFESSIONAL
        if self._parent.search(lowered):
            return PARENT
        if self._hint is not None and self._hint.search(lowered):
            return PROFESSIONAL
        return None


def _alternatives(words: list[str]) -> str:
    # Longest first, so "community midwife" is tried before "midwife".
    ordered = sorted({w.strip().lower() for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class RoleCueExtractor(GraphComponent, EntityExtractorMixin):
    """Adds the entity `role` when a message shows who is asking. It runs after the intent
    classifiers, so that "I'm a parent"/"I'm a professional" as classified agrees with the words."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self, cues: RoleCues) -> None:
        self._cues = cues

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RoleCueExtractor:
        return cls(RoleCues.from_file())

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue  # a button's payload says what it means itself
            role = self._cues.role_of(text)
            if role is None:
                continue
            entity = {
                "entity": ROLE_ENTITY,
                "value": role,
                "start": 0,
                "end": len(text),
                "extractor": type(self).__name__,
                "confidence_entity": 1.0,
            }
            message.set(ENTITIES, (message.get(ENTITIES) or []) + [entity], add_to_output=True)
            _agree_with_the_cue(message, role)
        return messages


# "just a mum, not a professional" reads to the classifier like "I'm a professional": when the
# words show the other role, the role the words show wins.
_ROLE_INTENTS = {PARENT: "i_am_parent", PROFESSIONAL: "i_am_professional"}


def _agree_with_the_cue(message: Message, role: str) -> None:
    intent = message.get(INTENT) or {}
    said = intent.get(INTENT_NAME_KEY)
    if said not in _ROLE_INTENTS.values() or said == _ROLE_INTENTS[role]:
        return
    top = {**intent, INTENT_NAME_KEY: _ROLE_INTENTS[role]}
    ranking = [
        r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != top[INTENT_NAME_KEY]
    ]
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)
