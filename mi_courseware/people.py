"""A participant as read from a roster: plain data, cheap to pickle and pass between processes.

The roster's file format is documented by :class:`mi_courseware.model.participant.RosterRow`;
:mod:`mi_courseware.loading.roster` reads and checks each row into a :class:`Participant`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Participant:
    """One person on a roster."""

    name: str
    email: str | None = None
    organisation: str | None = None
    role: str | None = None
    id: str | None = None
    attended: bool = True
    row: int = 0

    @property
    def identity(self) -> str:
        """Who this is within an event: ``id``, else ``email``, else the folded name."""
        if self.id:
            return f"id:{self.id.strip()}"
        if self.email:
            return f"email:{self.email.strip().casefold()}"
        return "name:" + " ".join(self.name.split()).casefold()
