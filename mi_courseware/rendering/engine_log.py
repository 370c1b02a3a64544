"""What the PDF engine says while it renders: warnings naming the document, never our errors.

WeasyPrint logs what it could not do (an image it could not decode, a link to an anchor that
is nowhere) and goes on. Passed to the tool's own log as they came, such lines read
``mi-courseware: error: ...`` while the run succeeds. Here they are held back while a
document renders, by the thread that renders it: when the document is made, each is a
warning at the document's file; when it fails, the failure's own error says what went wrong
and the engine's lines follow at ``-v``. Lines below the level the command shows (the engine
speaks only at ``-vv``) and lines of other threads pass as before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mi_courseware.errors import display_path

log = logging.getLogger(__name__)
_held = threading.local()
#: The warnings given by this process, by file: each is given once.
_said: set[tuple[str, str]] = set()


class _HoldBack(logging.Filter):
    """Keeps the engine's warnings and errors of a thread that is rendering, for later."""

    def filter(self, record: logging.LogRecord) -> bool:
        held: list[str] | None = getattr(_held, "lines", None)
        if held is None or record.levelno < logging.WARNING:
            return True
        held.append(record.getMessage())
        return False


_FILTER = _HoldBack()


@contextmanager
def engine_messages(asked_by: Path, identifier: str) -> Iterator[None]:
    """Render inside: the engine's messages become warnings at ``asked_by`` when the block
    ends well, notes at ``-v`` when it fails."""
    engine = logging.getLogger("weasyprint")
    if _FILTER not in engine.filters:
        engine.addFilter(_FILTER)
    outer: list[str] | None = getattr(_held, "lines", None)
    lines: list[str] = []
    _held.lines = lines
    try:
        yield
    except BaseException:
        for line in dict.fromkeys(lines):
            log.info("%s: the PDF engine also said: %s", identifier, line)
        raise
    finally:
        _held.lines = outer
    where = display_path(asked_by)
    for line in dict.fromkeys(lines):
        if (where, line) not in _said:  # once: every certificate rendered whole says the same
            _said.add((where, line))
            log.warning("%s: the PDF engine: %s", identifier, line, extra={"where": where})
