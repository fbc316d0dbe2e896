"""No message text in the logs, in either server, whatever Rasa or a library decides to log.

Two rules, applied to every log record as it is made (a record factory, so no handler, logger or
library can miss them):

1. **Exception messages are withheld.** A traceback keeps its frames and each exception's type, but
   not its message: Rasa logs an action server's error body (the whole conversation) inside one, and
   a `KeyError` can carry what someone typed.
2. **Words in flight are masked.** While a message is being answered its text is registered
   (`in_flight`); any record that quotes it, whole or any three words of it in a row, in any
   letter case, gets "[message text]" instead. Rasa's own debug lines quote the message like that.
3. **The values of a failed SQL statement are withheld**: SQLAlchemy puts the stored event (with
   what someone typed) in its error text, and Rasa logs it when the store is locked.

The same rules reach what does not start as a record: fields passed with `extra=` (masked after
the record is made), Python warnings, and exceptions nobody caught, in the main thread, in other
threads or in finalizers (Python would print those with their messages straight to stderr, which
is the log file under `make run`).

Debug logging is not covered and is never shipped: the launcher runs Rasa at INFO, and Rasa's debug
lines print whole events and slot values from earlier turns. Whoever turns it on (`--debug`,
LOG_LEVEL=DEBUG) gets a warning at start to use it only with made-up conversations.

`install()` is called where each process starts: the Rasa server imports bot.channels, the action
server imports actions.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
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
    """The message with any text in flight (or a long stretch of one) masked, in any letter case,
    and SQL values withheld."""
    message = _SQL_PARAMETERS.sub("[parameters withheld]", message)
    with _lock:
        registered = list(_texts.values())
    if not registered:
        return message
    lowered = message.lower()
    if len(lowered) != len(message):  # a letter whose lower case is longer: slower, same result
        for forms in registered:
            for form in forms:
                message = re.sub(re.escape(form), MASK, message, flags=re.IGNORECASE)
        return message
    spans: list[tuple[int, int]] = []
    for forms in registered:
        for form in forms:
            needle = form.lower()
            start = lowered.find(needle)
            while start != -1:
                spans.append((start, start + len(needle)))
                start = lowered.find(needle, start + 1)
    if not spans:
        return message
    pieces: list[str] = []
    end = 0
    for start, stop in sorted(spans):
        if start >= end:
            pieces.append(message[end:start])
            pieces.append(MASK)
            end = stop
        elif stop > end:
            end = stop
    pieces.append(message[end:])
    return "".join(pieces)


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
    _mask_extra_fields()
    _log_uncaught_exceptions()


_STANDARD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def _mask_extra_fields() -> None:
    """`extra=` fields are set on a record after the factory has made it: mask them there."""
    make_record = logging.Logger.makeRecord

    def masked_make_record(self: logging.Logger, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(self, *args, **kwargs)
        for name, value in list(vars(record).items()):
            if name in _STANDARD_FIELDS or value is None or isinstance(value, (bool, int, float)):
                continue  # numbers stay numbers: Sanic's access log formats its status with %d
            try:
                setattr(record, name, mask(value) if isinstance(value, str) else "(withheld)")
            except Exception:  # noqa: BLE001 - logging must never fail
                setattr(record, name, "(withheld)")
        return record

    logging.Logger.makeRecord = masked_make_record  # type: ignore[method-assign]


def _log_uncaught_exceptions() -> None:
    """Exceptions nobody caught are logged by type and frames only, like every other record."""
    logger = logging.getLogger("uncaught")

    def main_thread(kind: type[BaseException], value: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, trace)
            return
        logger.critical("An uncaught error stopped the process.", exc_info=(kind, value, trace))

    def other_thread(hook: threading.ExceptHookArgs) -> None:
        if hook.exc_type is SystemExit:
            return
        name = hook.thread.name if hook.thread is not None else "?"
        logger.error(
            "An uncaught error ended thread %s.",
            name,
            exc_info=(hook.exc_type, hook.exc_value, hook.exc_traceback),  # type: ignore[arg-type]
        )

    def unraisable(hook: Any) -> None:
        logger.error(
            "An error that could not be raised (in a finalizer or callback) was ignored.",
            exc_info=(hook.exc_type, hook.exc_value, hook.exc_traceback),
        )

    sys.excepthook = main_thread
    threading.excepthook = other_thread
    sys.unraisablehook = unraisable


def warn_if_debug() -> None:
    """Say so at start when Rasa logs at DEBUG (see the module's note)."""
    if logging.getLogger("rasa").isEnabledFor(logging.DEBUG):
        logging.getLogger(__name__).warning(
            "Debug logging is on: Rasa's debug lines print conversations (events and slot values). "
            "Use it only with made-up conversations, never with real users."
        )
