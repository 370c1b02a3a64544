"""The Jinja environment: strict, autoescaped, with an ordered and printable search path.

Lookup order: the client's ``templates/`` folder, then the theme, then each theme it extends.
``{% extends "default:pack.html" %}`` names a theme's own copy explicitly, so a theme can
override a template and still build on its parent's version of it.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

import jinja2

from mi_courseware.rendering.colour import band, mix, readable_on_white, tint
from mi_courseware.rendering.i18n import Translator


def environment(
    search: list[Path],
    translator: Translator,
    extra_globals: dict[str, Any] | None = None,
) -> jinja2.Environment:
    """A Jinja environment over ``search`` (folders holding ``templates/``, nearest first)."""
    folders = [f if f.name == "templates" else f / "templates" for f in search]
    folders = [f for f in folders if f.is_dir()]
    by_theme = {
        f.parent.name: jinja2.FileSystemLoader(str(f))
        for f in folders
        if f.parent.parent.name == "themes"
    }
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader([str(f) for f in folders]),
            jinja2.PrefixLoader(by_theme, delimiter=":"),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        t=translator,
        band=band,
        tint=tint,
        mix=mix,
        readable=readable_on_white,
    )
    env.filters.update(
        long_date=translator.date,
        long_dates=translator.dates,
        hhmm=_hhmm,
        hours=_hours,
        lines=_lines,
    )
    if extra_globals:
        env.globals.update(extra_globals)
    return env


def _hhmm(value: time) -> str:
    return f"{value:%H:%M}"


def _hours(value: float) -> str:
    """6.0 -> "6", 5.75 -> "5.75"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]
