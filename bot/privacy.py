"""Redaction of personal identifiers from what people type, before anything is stored.

People in distress type names, NHS numbers, phone numbers and addresses. The assistant needs none
of them, so they are replaced with a placeholder such as "[NHS number]" in every stored event.
The patterns are deliberately broad: a wrongly removed number costs nothing, a kept one might.
"""

from __future__ import annotations

import re
from typing import Any

# (replacement, pattern) pairs, applied in order.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("[email]", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("[web address]", re.compile(r"\bhttps?://\S+", re.IGNORECASE)),
    # NHS numbers: 10 digits, often written 3-3-4.
    ("[NHS number]", re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")),
    # UK phone numbers: 0 or +44 followed by 9-10 more digits, spaces allowed.
    ("[phone number]", re.compile(r"(?<![\d+])(?:\+44\s?|0)(?:\d[\s-]?){8,10}\d(?!\d)")),
    # Dates such as a date of birth: 01/02/2024, 1-2-24, 1.2.2024.
    ("[date]", re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?!\d)")),
    # UK postcodes: EX1 1AB, SW1A 1AA, ex11ab.
    ("[postcode]", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)),
    # House number and street: 12 Acacia Avenue, 3a high st.
    (
        "[address]",
        re.compile(
            r"\b\d+[a-z]?,?\s+(?:[A-Za-z']+\s+){1,3}"
            r"(?:street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|court|place|"
            r"gardens|terrace|grove|hill|park|square|row|walk|mews)\b",
            re.IGNORECASE,
        ),
    ),
    # A name after words that introduce one: "my name is sam", "she's called Jo", "my son Jack".
    (
        r"\1[name]",
        re.compile(
            r"\b((?:my name is|my name's|i'm called|i am called|called|named)\s+)[a-z][a-z'-]+",
            re.IGNORECASE,
        ),
    ),
    (
        r"\1[name]",
        re.compile(
            r"\b((?:[Mm]y|[Oo]ur|[Hh]er|[Hh]is|[Tt]heir|[Tt]he) (?:son|daughter|baby|partner|husband|wife|"
            r"boyfriend|girlfriend|sister|brother|mum|dad|friend|neighbour|nephew|niece|grandson|"
            r"granddaughter|ex) )[A-Z][a-z'-]+"
        ),
    ),
]


def redact(text: str) -> str:
    """The text with personal identifiers replaced by placeholders."""
    for placeholder, pattern in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def redact_values(value: Any) -> Any:
    """Redact every string inside a JSON-like value (dicts, lists, strings)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_values(item) for item in value]
    return value
