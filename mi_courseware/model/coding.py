"""The files of a coded session: the sidecar YAML and the rows of its CSV (documentation)."""

# pydantic copies a field's list or dict default for each instance; ruff cannot see that
# ``Model`` is a pydantic model, so its mutable-default rule does not apply here.
# ruff: noqa: RUF012

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from mi_courseware.model.base import Id, Model, Text, _whole_number

Rating = Annotated[int, BeforeValidator(_whole_number), Field(ge=1, le=5)]
"""A global rating: a whole number from 1 to 5."""

Tally = Annotated[int, BeforeValidator(_whole_number), Field(ge=0)]
"""A count: a whole number, zero or more."""


class CodedSession(Model):
    """A coded session: beside its CSV of coded utterances, or alone with ``counts``."""

    scale: Id
    """Id of the scale it was coded with: ``miti-4.2.1``, ``social-work-7`` or your own."""
    coder: Text
    """Who coded it: a trainer's id or a name."""
    minutes: float = Field(gt=0)
    """Length of the coded segment in minutes."""
    globals: dict[str, Rating] = {}
    """Every global rating of the scale, 1 to 5, by its id (``partnership: 4``)."""
    counts: dict[str, Tally] | None = None
    """Counts tallied on paper instead of a CSV: ``{GI: 5, Q: 12, change: 8, sustain: 3}``."""
    notes: Text | None = None
    """What the conversation was about (printed on the feedback report)."""
    source: Literal["recording", "live"] | None = None
    """How it was coded: from a ``recording``, or ``live`` (tallied on paper during the
    session, which is less reliable; the report and summary say so)."""


class UtteranceRow(Model):
    """One utterance; a ``volley`` column is optional (see the rule under ``volley``)."""

    speaker: Text
    """``practitioner`` (also ``therapist``, ``worker``, ``social worker``) or ``client``."""
    code: Text | None = None
    """Its code: for the practitioner a behaviour code of the scale (several joined with ``+``),
    for the client ``CHANGE``, ``SUSTAIN`` or ``NEUTRAL``; any case; blank: not coded."""
    text: Text | None = None
    """What was said: the feedback report quotes the moments worth learning from (the
    strongest complex reflection, change talk met by a question or nothing, each
    MI-non-adherent response)."""
    time: Text | None = None
    """When it was said in the recording, ``MM:SS`` or ``H:MM:SS``."""
    volley: Text | None = None
    """The volley it belongs to: rows with the same value are one volley. Without this column
    each run of practitioner rows is one."""
