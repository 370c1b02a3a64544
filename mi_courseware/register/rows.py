"""The register's rows as Python sees them, and the timestamp format it stores."""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Details:
    """What a certificate says besides the holder's name, as recorded for ``verify``."""

    course: str
    client: str
    dates: str
    cpd_hours: float | None


@dataclass(frozen=True)
class Certificate:
    """One row of the register."""

    number: str
    code: str
    event: str
    identity: str
    name: str
    course: str
    client: str
    dates: str
    cpd_hours: float | None
    issued_at: str
    changed_at: str
    sha256: str | None
    status: str
    pending_name: str | None
    pending_at: str | None
    pending_sha256: str | None
    confirmed_at: str | None = None
    key_id: str | None = None  # the issuer's key printed on it (None: issued before keys were)

    @property
    def active(self) -> bool:
        """Issued (or reissued) and not revoked: a certificate that is valid today."""
        return self.status in ("issued", "reissued")


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a certificate's history."""

    number: str
    at: str
    action: str
    name: str
    sha256: str | None
    detail: str


def stamp(when: datetime) -> str:
    """A UTC timestamp as stored: ``2027-03-12T09:30:00Z``."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


#: Test hook: ``MI_COURSEWARE_TEST_PAUSE=<step>`` (``reserve``, ``stage`` or ``promote``) makes
#: a run stop at the first such call, inside its transaction, say so on standard error and
#: wait for a signal, so that a test can kill it at a known step instead of at a random moment.
PAUSE = "MI_COURSEWARE_TEST_PAUSE"


def pause_at(step: str) -> None:
    """Stop here when the test hook :data:`PAUSE` names ``step`` (see above)."""
    if os.environ.get(PAUSE) != step:
        return
    sys.stderr.write(f"mi-courseware: test pause at {step}\n")
    sys.stderr.flush()
    while True:  # until the test's SIGKILL
        signal.pause()
