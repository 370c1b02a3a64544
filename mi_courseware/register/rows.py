"""The register's rows as Python sees them, and the timestamp format it stores."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# the register's steps (reserve, stage, promote) are test pauses too
from mi_courseware.workers import PAUSE, pause_at

__all__ = ["PAUSE", "Certificate", "Details", "HistoryEntry", "pause_at", "stamp"]


@dataclass(frozen=True)
class Details:
    """What a certificate says besides the holder's name, as recorded for ``verify``."""

    course: str
    client: str
    dates: str
    cpd_hours: float | None
    #: The issue date it prints, ``YYYY-MM-DD`` (the event's last day; ``None`` for an event
    #: without dates: then the day it was numbered).
    issued_on: str | None = None


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
    #: The issue date printed on it (see :class:`Details`); ``None`` when not recorded.
    issued_on: str | None = None
    layout: int | None = None  # the design it was laid out in (None: the first)

    @property
    def issue_date(self) -> str:
        """The date it gives as its issue date, ``YYYY-MM-DD``: what a third party is told
        (the day it was numbered when no other is recorded)."""
        return self.issued_on or self.issued_at[:10]

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
