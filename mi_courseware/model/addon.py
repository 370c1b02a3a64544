"""An add-on: an optional module that extends a course after one of its sessions."""

# pydantic copies a field's list or dict default for each instance; ruff cannot see that
# ``Model`` is a pydantic model, so its mutable-default rule does not apply here.
# ruff: noqa: RUF012

from __future__ import annotations

from pydantic import Field

from mi_courseware.model.base import Id, Model, Text
from mi_courseware.model.course import Outcome, Session


class AddOn(Model):
    """An optional module (``content/addons/<id>.yaml``)."""

    title: Text
    """The add-on's title."""
    summary: Text = ""
    """Markdown summary."""
    after: Id
    """Id of the course session the add-on's sessions follow (on that session's day)."""
    outcomes: list[Outcome] = []
    """Outcomes the add-on adds; ids must differ from the course's."""
    sessions: list[Session] = Field(min_length=1)
    """The add-on's sessions, in order."""
