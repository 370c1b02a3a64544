"""A participant from a roster CSV."""

from __future__ import annotations

from mi_courseware.model.base import Model, Text


class Participant(Model):
    """One row of a roster (``content/rosters/<id>.csv``)."""

    name: Text
    """Full name, printed exactly as written."""
    email: Text | None = None
    """Email address."""
    organisation: Text | None = None
    """Employer or team."""
    role: Text | None = None
    """Job role."""
    id: Text | None = None
    """The coordinator's own identifier for the person."""
    attended: bool = True
    """Whether they attended (``yes/no/true/false/1/0``; blank means yes)."""
    row: int = 0
    """The CSV line the participant came from (set by the reader)."""

    @property
    def identity(self) -> str:
        """Who this is within an event: ``id``, else ``email``, else the folded name."""
        if self.id:
            return f"id:{self.id.strip()}"
        if self.email:
            return f"email:{self.email.strip().casefold()}"
        return "name:" + " ".join(self.name.split()).casefold()
