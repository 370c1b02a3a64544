"""Each calendar entry's ``SEQUENCE``, remembered in the register.

RFC 5545 asks an organizer to raise an entry's ``SEQUENCE`` whenever its details change, and
Outlook ignores an invitation with the same UID whose ``SEQUENCE`` is not higher than the one
it holds. The register keeps, per event and day, a digest of the day's details and the
sequence they were given: the same details give the same sequence (a rebuild, a copy of the
project with the same register), changed ones the next. ``calendar.ics`` and the personal
invitations ``send`` attaches read the same rows, so both carry the same numbers. The
register holds it because ``output/`` (and the manifest in it) may be deleted at any time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mi_courseware.register.store import Register


def settle_sequences(
    register: Register, event: str, digests: Mapping[int, str], at: str
) -> dict[int, int]:
    """The ``SEQUENCE`` of each day of ``event`` whose details have the digest given (day
    number -> digest): 0 for a day first seen, one more than before for a day whose details
    changed, else as before; what changed is recorded, in one write transaction."""
    from sqlalchemy import select

    from mi_courseware.register.schema import calendar_days as table

    found: dict[int, int] = {}
    with register.transaction():
        rows = {
            row.day: row
            for row in register.execute(
                select(table.c.day, table.c.digest, table.c.sequence).where(table.c.event == event)
            )
        }
        for day, digest in sorted(digests.items()):
            row = rows.get(day)
            if row is not None and row.digest == digest:
                found[day] = int(row.sequence)
                continue
            found[day] = 0 if row is None else int(row.sequence) + 1
            values = {"digest": digest, "sequence": found[day], "changed_at": at}
            if row is None:
                register.execute(table.insert().values(event=event, day=day, **values))
            else:
                key = (table.c.event == event) & (table.c.day == day)
                register.execute(table.update().where(key).values(**values))
    return found
