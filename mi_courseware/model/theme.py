"""A theme's own settings (``themes/<name>/theme.yaml``)."""

# pydantic copies a field's list or dict default for each instance; ruff cannot see that
# ``Model`` is a pydantic model, so its mutable-default rule does not apply here.
# ruff: noqa: RUF012

from __future__ import annotations

from typing import Any

from pydantic import Field

from mi_courseware.model.base import Id, LanguageTag, Model, Text


class ThemeConfig(Model):
    """A theme: templates, CSS, fonts and wording; may extend another theme."""

    name: Text
    """Display name."""
    extends: Id | None = None
    """Id of the theme this one builds on; its files are used where this one has none."""
    description: Text = ""
    """What the theme is for."""
    options: dict[str, Any] = {}
    """Theme options that templates read (type sizes, columns, ...)."""


class LanguageFacts(Model):
    """A language a theme provides (a theme that extends one that declares it may leave it out)."""

    name: Text
    """The language's name in itself, e.g. ``Cymraeg``; listed where a language is asked for."""
    tag: LanguageTag
    """Its BCP 47 tag with a region, for the proofing language of slides, e.g. ``cy-GB``."""
    months: list[Text] = Field(min_length=12, max_length=12)
    """The twelve month names, January first, as dates are written out ("11 March 2027")."""
    weekdays: list[Text] = Field(min_length=7, max_length=7)
    """The seven weekday names, Monday first ("Thursday 11 March 2027")."""
