"""Catalogues of standards (NOS and professional frameworks) that outcomes map to."""

from __future__ import annotations

from pydantic import Field

from mi_courseware.model.base import Id, Model, Text


class Framework(Model):
    """The framework a catalogue describes."""

    id: Id
    """Short id used in ``FRAMEWORK:CODE`` references, e.g. ``DANOS``."""
    title: Text
    """Full title, e.g. "Drug and Alcohol National Occupational Standards"."""
    publisher: Text = ""
    """Who publishes it."""
    url: Text | None = None
    """Where to read it (printed, never fetched)."""


class Unit(Model):
    """One unit, domain or standard of a framework."""

    code: Text
    """Its code, e.g. ``AI1`` or ``SCDHSC0033``; write numbers in quotes or not."""
    title: Text
    """Its title."""
    note: Text | None = None
    """Why courses map to this unit when the fit is partial; printed under the mapping."""


class StandardsCatalogue(Model):
    """A catalogue of standards (``content/standards/<framework>.yaml``)."""

    framework: Framework
    """Which framework this is."""
    units: list[Unit] = Field(min_length=1)
    """The units that outcomes may map to."""
