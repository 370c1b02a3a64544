"""What ``send`` recorded: each message written to an outbox or answered by the mail server.

A message is recorded once the server has accepted it (``sent``) or it is in the outbox
(``outbox``), in a write transaction of its own: a run killed or cut off resumes after the
last one recorded, and only the message in flight at that moment may go twice. A message
the server refused is recorded ``failed`` with the server's words, and is sent again by the
next run. ``register forget`` erases a person's address and what identifies them in these
records (and in their certificates' identity, when it is their address), keeping the rows
so that counts stay right.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mi_courseware.register.store import Register

#: Results that mean the participant has the message (or it waits in an outbox to go).
DELIVERED = ("sent", "outbox")


@dataclass(frozen=True)
class MessageRecord:
    """One row of ``messages``."""

    event: str
    identity: str
    kind: str
    day: int
    sha256: str | None
    message_id: str
    at: str
    result: str
    recipient: str | None
    detail: str


def records_for(register: Register, event: str, kind: str) -> list[MessageRecord]:
    """Every record of ``event``'s messages of ``kind``, oldest first."""
    from sqlalchemy import select

    from mi_courseware.register.schema import messages as table

    c = table.c
    query = (
        select(
            c.event,
            c.identity,
            c.kind,
            c.day,
            c.sha256,
            c.message_id,
            c.at,
            c.result,
            c.recipient,
            c.detail,
        )
        .where((c.event == event) & (c.kind == kind))
        .order_by(c.id)
    )
    return [MessageRecord(*row) for row in register.fetch(query)]


def record(register: Register, row: MessageRecord) -> None:
    """Record one message, in a write transaction of its own (the caller's, if open)."""
    from dataclasses import asdict

    from mi_courseware.register.schema import messages as table

    with register.transaction():
        register.execute(table.insert().values(**asdict(row)))


def record_all(register: Register, rows: list[MessageRecord]) -> None:
    """Record several messages in one write transaction (files placed in an outbox)."""
    from dataclasses import asdict

    from mi_courseware.register.schema import messages as table

    if not rows:
        return
    with register.transaction():
        register.execute(table.insert(), [asdict(row) for row in rows])


def forgotten(person: str) -> str:
    """What stands for a forgotten person's identity: a digest that cannot be traced back to
    them without their address (and keeps their records counted as one person)."""
    return "forgotten:" + hashlib.sha256(person.encode("utf-8")).hexdigest()[:16]


def forget(register: Register, address: str) -> tuple[int, int]:
    """Erase ``address`` (an email address, matched whatever its case) from the messages and
    from the identity of certificates that were told apart by it. Returns how many message
    records and certificates changed."""
    from sqlalchemy import func, update

    from mi_courseware.register.schema import certificates
    from mi_courseware.register.schema import messages as table

    folded = address.strip().casefold()
    identity = f"email:{folded}"
    stand_in = forgotten(identity)
    with register.transaction():
        changed = register.execute(
            update(table)
            .where((func.lower(table.c.recipient) == folded) | (table.c.identity == identity))
            .values(recipient=None, identity=stand_in, detail="")
        ).rowcount
        renamed = register.execute(
            update(certificates)
            .where(certificates.c.identity == identity)
            .values(identity=stand_in)
        ).rowcount
    return int(changed or 0), int(renamed or 0)


def latest_addresses(register: Register) -> dict[tuple[str, str], str]:
    """The last address each participant of each event was written to: (event, identity)
    -> address (for ``register export --with-email``)."""
    from sqlalchemy import select

    from mi_courseware.register.schema import messages as table

    c = table.c
    query = select(c.event, c.identity, c.recipient).where(c.recipient.is_not(None))
    found: dict[tuple[str, str], str] = {}
    for event, identity, recipient in register.fetch(query.order_by(c.id)):
        found[(event, identity)] = recipient
    return found
