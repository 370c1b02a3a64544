"""Front matter of the Markdown documents: modules, handouts and client pages."""

# pydantic copies a field's list or dict default for each instance; ruff cannot see that
# ``Model`` is a pydantic model, so its mutable-default rule does not apply here.
# ruff: noqa: RUF012

from __future__ import annotations

from typing import Literal

from mi_courseware.model.base import Model, Text


class ModuleMeta(Model):
    """Front matter of a module (``content/modules/<id>.md``)."""

    title: Text | None = None
    """Title; default: the title of the session that uses it."""
    summary: Text | None = None
    """One-sentence summary."""
    materials: list[Text] = []
    """Materials the trainer needs, added to each session's list."""


class HandoutMeta(Model):
    """Front matter of a handout or worksheet (``content/handouts/<id>.md``)."""

    title: Text
    """Title printed at its head."""
    kind: Literal["handout", "worksheet"] = "handout"
    """``worksheet`` for pages participants write on."""
    summary: Text | None = None
    """One sentence on what it is for."""


class PageMeta(Model):
    """Front matter of a client's extra pack page."""

    title: Text
    """Title of the page."""
