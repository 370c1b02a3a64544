"""What attendance does to an event's certificates: prepared, then confirmed or voided.

Before the event's last day has passed (:meth:`~mi_courseware.core.edition.Edition.ended`, at the
build time or ``SOURCE_DATE_EPOCH``), a new certificate is recorded as *prepared*: numbered
and printed (trainers hand them out at the end), never valid. Once the day has passed, the
roster's attendance decides: each prepared certificate whose holder qualifies is *confirmed*
(issued, same number, the same file when nothing else changed), each of the others is
*voided* (never valid, kept in the register and its history); who qualifies without one gets
one issued at once.

The issuing run (:mod:`.issue`) makes the decisions while it plans (:class:`Attendance`);
:func:`record` writes them, with the files' hashes, once the files are in place.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.core.people import Participant, shortfall
from mi_courseware.errors import UsageError, did_you_mean

if TYPE_CHECKING:
    from collections.abc import Iterable

    from mi_courseware.core.edition import Edition
    from mi_courseware.register import Certificate, Details, Location, Register


@dataclass
class Attendance:
    """What the roster's attendance decides for one run's certificates."""

    #: The event's last day has passed: certificates are issued (confirmed), not prepared.
    ended: bool
    #: Prepared certificates whose holder qualifies: confirmed once their file is in place.
    confirm: set[str] = field(default_factory=set)
    #: Prepared certificates whose holder does not: number -> (name, why), voided.
    void: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Prepared, before the end, for someone the roster no longer counts as attending: the
    #: file is kept (the certificate is still awaiting attendance) but not printed.
    unprinted: set[str] = field(default_factory=set)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def participants(
    edition: Edition, people: tuple[Participant, ...] | None
) -> tuple[Participant, ...]:
    """The edition's roster, or the ``--roster`` file's ``people`` as the check phase read
    them (their attendance assessed)."""
    return edition.participants if people is None else people


def attends(person: Participant | None) -> bool:
    """Whether the roster counts ``person`` as attending enough to earn a certificate."""
    return person is not None and person.attended and person.qualifies


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def select(
    people: Iterable[Participant], only: tuple[str, ...], rows: dict[str, Certificate]
) -> tuple[list[Participant], set[str]]:
    """Participants who earn a certificate, named by ``--only`` (id, email, name, number or
    code)."""
    attending = [p for p in people if attends(p)]
    if not only:
        return attending, set()
    chosen: list[Participant] = []
    numbers: set[str] = set()
    for wanted in only:
        key = _folded(wanted)
        hits = [
            p
            for p in attending
            if key in {_folded(p.name), _folded(p.id or ""), _folded(p.email or "")}
        ]
        rows_hit = [r for r in rows.values() if key in {r.number.casefold(), r.code.casefold()}]
        if not hits and not rows_hit:
            names = [p.name for p in attending]
            raise UsageError(
                f"--only: no attending participant '{wanted}'{did_you_mean(wanted, names)}"
            )
        chosen += [p for p in hits if p not in chosen]
        numbers |= {r.number for r in rows_hit}
    return chosen, numbers


def reserved_before_end(edition: Edition, row: Certificate) -> bool:
    """Whether ``row`` was numbered by a run before the event's last day had passed."""
    from mi_courseware.certificates.design import parse_stamp

    return not edition.ended(parse_stamp(row.issued_at))


def why_void(holder: Participant | None, edition: Edition) -> str:
    """Why ``holder``'s prepared certificate is voided, as the history records it."""
    if holder is None:
        return "not on the roster"
    if not holder.days:
        return "did not attend"
    return shortfall(holder, edition.certificate_requires, len(edition.days)) or "did not attend"


def reconcile(
    register: Register, edition: Edition, final: Path, details: Details, now: str
) -> None:
    """Finish an interrupted run: record staged PDFs that reached their place (a certificate
    numbered before the event's last day is prepared; :func:`record` decides the rest)."""
    assert edition.event is not None
    for row in register.for_event(edition.event.id).values():
        if row.pending_sha256 is None:
            continue
        path = final / f"{row.number}.pdf"
        if not (path.is_file() and sha256_file(path) == row.pending_sha256):
            register.clear_stage(row.number)
        elif row.status == "pending" and reserved_before_end(edition, row):
            register.prepare(row.number, row.pending_sha256, details, now)
        else:
            register.promote(row.number, row.pending_sha256, details, now)


def settle(
    register: Register,
    row: Certificate,
    digest: str,
    details: Details,
    now: str,
    attendance: Attendance,
) -> str | None:
    """The staged file of ``row`` is in place: prepare, issue, regenerate or confirm it.

    Returns the action for the run's summary (``None``: the file is the one recorded).
    """
    if row.status == "pending" and not attendance.ended:
        register.prepare(row.number, digest, details, now, current=row)
        return "prepared"
    action = register.promote(row.number, digest, details, now, current=row)
    if row.status == "prepared" and row.number in attendance.confirm:
        register.confirm(row.number, now)
        return "confirmed"
    return action


def record(
    location: Location,
    time: datetime,
    hashes: dict[str, str],
    details: Details,
    attendance: Attendance,
    keys: Path | None = None,
) -> dict[str, str]:
    """Step 5 of a run: staged PDFs are in place, the void ones gone; record it all in one
    transaction (``keys``: the register's key store). Returns number -> action for what
    changed."""
    from mi_courseware.register import Register, stamp

    now = stamp(time)
    actions: dict[str, str] = {}
    with Register(location, keys=keys) as register, register.transaction():
        rows = register.by_numbers(sorted(hashes))
        for number, digest in sorted(hashes.items()):
            row = rows.get(number)
            if row is None or row.pending_sha256 != digest:
                continue  # another run has moved on since; its own promote records it
            action = settle(register, row, digest, details, now, attendance)
            if action:
                actions[number] = action
        for number, (_, reason) in sorted(attendance.void.items()):
            row = register.get(number)
            if row is not None and row.status == "prepared":
                register.void(number, reason, now)
                actions[number] = "voided"
    return actions
