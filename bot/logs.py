"""No message text in the logs, in either server, whatever Rasa or a library decides to log.

Two rules, applied to every log record as it is made (a record factory, so no handler, logger or
library can miss them):

1. **Exception messages are withheld.** A traceback keeps its frames and each exception's type, but
   not its message: Rasa logs an action server's error body (the whole conversation) inside one, and
   a `KeyError` can carry what someone typed.
2. **Words in flight are masked.** While a message is being answered its text is registered
   (`in_flight`); any record that quotes it, whole or any three words of it in a row, gets
   "[message text]" instead. Rasa's own debug lines quote the message like that.
3. **The values of a failed SQL statement are withheld**: SQLAlchemy puts the stored event (with
   what someone typed) in its error text, and Rasa logs it when the store is locked.

`install()` is called where each process starts: the Rasa server imports bot.channels, the action
server imports actions.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import traceback
from collections.abc import Iterator
from types import TracebackType
from typing import Any

MASK = "[message text]"
_WINDOW = 3
_lock = threading.Lock()
_texts: dict[int, list[str]] = {}
_installed = False


@contextlib.contextmanager
def in_flight(text: str) -> Iterator[None]:
    """Mask this text in every log record made while the block runs."""
    key = id(text)
    forms = sorted({text, text.strip(), _json_escaped(text), *_windows(text)}, key=len, reverse=True)
    with _lock:
        _texts[key] = [form for form in forms if len(form) >= 4]
    try:
        yield
    finally:
        with _lock:
            _texts.pop(key, None)


# SQLAlchemy puts the values of a failed statement (a stored event, with what someone typed) in
# its error text, and Rasa logs that text.
_SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*(?:\(Background on this error|$))", re.DOTALL)


def mask(message: str) -> str:
    """The message with any text in flight (or a long stretch of one) masked, and SQL values withheld."""
    message = _SQL_PARAMETERS.sub("[parameters withheld]", message)
    with _lock:
        registered = list(_texts.values())
    for forms in registered:
        for form in forms:
            if form in message:
                message = message.replace(form, MASK)
    return message


def _json_escaped(text: str) -> str:
    return json.dumps(text)[1:-1]


def _windows(text: str) -> list[str]:
    """Every run of three words, as written and as JSON would write it."""
    words = text.split()
    runs = [" ".join(words[i : i + _WINDOW]) for i in range(max(len(words) - _WINDOW + 1, 1))]
    return runs + [_json_escaped(run) for run in runs]


def format_exception_without_messages(exc_info: Any) -> str:
    """A traceback with every exception's message withheld (types and frames kept)."""
    kind, value, trace = exc_info
    lines: list[str] = []
    seen: set[int] = set()

    def walk(error: BaseException | None, tb: TracebackType | None) -> None:
        if error is None or id(error) in seen:
            return
        seen.add(id(error))
        cause = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
        if cause is not None:
            walk(cause, cause.__traceback__)
            lines.append("\nThe above led to:\n\n")
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_tb(tb))
        lines.append(f"{type(error).__module__}.{type(error).__qualname__}: (message withheld)\n")

    walk(value, trace)
    return "".join(lines).rstrip("\n")


def install() -> None:
    """Apply both rules to every record this process makes (once)."""
    global _installed
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - a broken format string: keep the template only
                message = str(record.msg)
            record.msg, record.args = mask(message), None
            if record.exc_info and record.exc_info[1] is not None:
                record.exc_text = mask(format_exception_without_messages(record.exc_info))
                record.exc_info = None
        except Exception:  # noqa: BLE001 - logging must never fail, nor leak: say only where
            record.msg, record.args, record.exc_info, record.exc_text = (
                "(log message withheld)",
                None,
                None,
                None,
            )
        return record

    logging.setLogRecordFactory(factory)
    # Python warnings (Rasa's raise_warning can quote a message) go through the same records.
    logging.captureWarnings(True)
