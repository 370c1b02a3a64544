"""A theme's own settings (``themes/<name>/theme.yaml``)."""

# pydantic copies a field's list or dict default for each instance; ruff cannot see that
# ``Model`` is a pydantic model, so its mutable-default rule does not apply here.
# ruff: noqa: RUF012

from __future__ import annotations

from typing import Any

from mi_courseware.model.base import Id, Model, Text


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
