"""The roster file format (documentation and JSON Schema); rows are read as
:class:`mi_courseware.core.people.Participant`."""

from __future__ import annotations

from mi_courseware.model.base import Model, Text


class RosterRow(Model):
    """One row of a roster (``content/rosters/<id>.csv``).

    Columns ``day 1``, ``day 2``, ... record attendance per course day (read like
    ``attended``); without them ``attended`` speaks for every day. Other columns (dietary
    needs, booking reference, ...) are ignored, with one note naming them.
    """

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
    """Whether they attended (``yes/no/true/false/1/0``; blank means yes); ``no`` means no day
    at all, whatever the ``day N`` columns say."""
