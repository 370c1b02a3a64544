"""Trainers (who may deliver which course) and practitioners whose MI practice is coded."""

# pydantic copies a field's list or dict default for each instance; ruff cannot see that
# ``Model`` is a pydantic model, so its mutable-default rule does not apply here.
# ruff: noqa: RUF012

from __future__ import annotations

import datetime as dt
import re

from pydantic import model_validator

from mi_courseware.model.base import Id, Model, Text

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def looks_like_id(text: str) -> bool:
    """Whether ``text`` names a trainer by id (lower case, no spaces) rather than by name.

    Events and coded sessions may name a trainer either way; only ids are checked.
    """
    return bool(_ID.match(text.strip()))


class Accreditation(Model):
    """A trainer's accreditation to deliver one course."""

    course: Id
    """Id of the course they may deliver."""
    date: dt.date
    """The day the accreditation was given."""
    expires: dt.date | None = None
    """Last day it is valid; none for an accreditation that does not expire."""
    by: Text
    """Who accredited them (a person or an organisation)."""

    @model_validator(mode="after")
    def _ordered(self) -> Accreditation:
        if self.expires is not None and self.expires < self.date:
            raise ValueError(
                f"expires {self.expires.isoformat()} is before the accreditation's date "
                f"{self.date.isoformat()}"
            )
        return self


class Trainer(Model):
    """A trainer; events name them by this file's id."""

    name: Text
    """Their name as printed on packs and certificates."""
    organisation: Text | None = None
    """Who they work for: a client's id (they then count against that client's licence) or a
    name."""
    email: Text | None = None
    """Email address."""
    accreditations: list[Accreditation] = []
    """The courses they are accredited to deliver, with dates."""
    notes: Text | None = None
    """Anything else worth knowing (mentoring, quality assurance); never printed."""


class Practitioner(Model):
    """A practitioner whose conversations are coded; not needed for a trainer's own folder."""

    name: Text
    """Their name as printed on feedback reports."""
    organisation: Text | None = None
    """Who they work for: a client's id (reports are then in its brand and language) or a
    name."""
    email: Text | None = None
    """Email address."""
    mentor: Id | None = None
    """Id of the trainer who mentors them (``coding summary --trainer`` finds them by it)."""
    notes: Text | None = None
    """Anything else worth knowing; never printed."""
