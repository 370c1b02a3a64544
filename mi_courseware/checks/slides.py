"""The model of a theme's ``slides/layouts.yaml``: the deck writer's contract with its template.

``validate`` checks every theme's (and every client's) ``layouts.yaml`` against these models,
so a misspelt key, a style no layout defines, a missing layout or placeholder role, or a
font file that is not there is a ``path:line:column`` error before anything is built, never a
``KeyError`` in the middle of a build.
"""

# pydantic copies a field's list or dict default for each instance
# ruff: noqa: RUF012

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from mi_courseware.core.scope import in_scope
from mi_courseware.core.slides import FACES
from mi_courseware.errors import Problems, did_you_mean
from mi_courseware.model.base import Model, Text, validate

if TYPE_CHECKING:
    from mi_courseware.core.slides import SlideSpec
    from mi_courseware.loading.project import Project


REQUIRED: dict[str, tuple[str, ...]] = {
    "title": ("title", "subtitle", "details", "organisation", "logo"),
    "section": ("label", "title", "times", "outcomes"),
    "bullets": ("title", "body"),
    "columns": ("title", "left_heading", "left", "right_heading", "right"),
    "quote": ("title", "quote", "attribution"),
    "exercise": ("title", "instructions", "label", "timer", "grouping"),
    "diagram": ("title", "area", "side"),
    "image": ("title", "picture", "caption"),
    "table": ("title", "table", "below"),
    "closing": ("title", "body"),
}
"""The layouts the writer uses and the placeholder roles it fills in each."""

STYLES = ("title", "table", "footer")
"""Text styles the writer uses by name (besides those placeholders name)."""

_TEXTLESS = {"pic", "tbl", "obj"}


class FontFaces(Model):
    """Font files (relative to the theme folder) for the four faces."""

    regular: str
    """The upright face."""
    bold: str
    """The bold face."""
    italic: str
    """The italic face."""
    bold_italic: str
    """The bold italic face."""


class SlideFont(FontFaces):
    """The deck's font: its name as slides name it, and its files for measuring text."""

    name: Text
    """Font family name written into the deck's theme (``Open Sans``)."""
    line_height: float = Field(1.2, gt=0.5, lt=3)
    """Ascender plus descender in ems: the height of one line at single spacing."""
    substitutes: FontFaces | None = None
    """Faces of the widest font a viewer may show instead; text is measured in both."""


class TextStyle(Model):
    """How text of one kind is set."""

    sizes: tuple[float, float]
    """Largest and smallest size, points: text is set as large as fits."""
    line: float = 1.0
    """Line spacing, relative to the font's line height."""
    space_before: float = 0
    """Space before each paragraph, points."""
    indent: list[float] = []
    """Left margin per list level, inches."""
    bold: bool = False
    """Set in bold."""
    italic: bool = False
    """Set in italics."""


class PlaceholderSpec(Model):
    """One placeholder of a layout: which one (``idx``, type) and how its text is set."""

    idx: int = Field(ge=0)
    """The placeholder's ``idx`` in the template's layout."""
    type: Literal["title", "ctrTitle", "subTitle", "body", "obj", "pic", "tbl"] = "body"
    """The placeholder type (``body`` unless given)."""
    style: str | None = None
    """The text style (a key of ``styles``); none for pictures, tables and diagram areas."""
    box: tuple[float, float, float, float] | None = None
    """Where the template script puts it: left, top, width, height in inches."""
    anchor: Literal["t", "ctr", "b"] | None = None
    """Vertical anchoring of its text, for the template script."""


class LayoutSpec(Model):
    """A named layout of the template and its placeholders by role."""

    name: Text
    """The layout's name in ``template.pptx``."""
    placeholders: dict[str, PlaceholderSpec]
    """Placeholders by the role the writer fills."""


class SlideLayouts(Model):
    """``slides/layouts.yaml``."""

    font: SlideFont
    """The deck's font."""
    styles: dict[str, TextStyle]
    """Text styles by name."""
    flow: list[str] = []
    """Roles whose text may continue on a "(continued)" slide."""
    layouts: dict[str, LayoutSpec]
    """Layouts by the kind of slide they serve."""


def load_layouts(
    path: Path, problems: Problems, folders: list[Path] | None = None
) -> SlideLayouts | None:
    """Read, validate and cross-check a ``layouts.yaml``; problems are located in it.

    With ``folders`` (the theme chain), the font files it names must be in one of them.
    """
    from mi_courseware.loading.yaml_file import load_yaml

    loaded = load_yaml(path, problems)
    if loaded is None:
        return None
    data, source = loaded
    layouts = validate(SlideLayouts, data, source, problems)
    if layouts is None:
        return None
    count = len(problems.errors)
    for key, roles in REQUIRED.items():
        layout = layouts.layouts.get(key)
        if layout is None:
            problems.error(
                source.position(("layouts",)),
                f"no '{key}' layout: the deck writer needs layouts for "
                f"{', '.join(REQUIRED)}{did_you_mean(key, list(layouts.layouts))}",
            )
            continue
        for role in roles:
            if role not in layout.placeholders:
                problems.error(
                    source.position(("layouts", key, "placeholders")),
                    f"layout '{key}' has no '{role}' placeholder (it needs "
                    f"{', '.join(roles)}){did_you_mean(role, list(layout.placeholders))}",
                )
    for key, layout in layouts.layouts.items():
        for role, placeholder in layout.placeholders.items():
            loc = ("layouts", key, "placeholders", role)
            if placeholder.style is None and placeholder.type not in _TEXTLESS:
                problems.error(source.position(loc), f"placeholder '{role}' needs a 'style'")
            elif placeholder.style is not None and placeholder.style not in layouts.styles:
                problems.error(
                    source.position((*loc, "style")),
                    f"unknown style '{placeholder.style}'"
                    f"{did_you_mean(placeholder.style, list(layouts.styles))}",
                )
    for name in STYLES:
        if name not in layouts.styles:
            problems.error(source.position(("styles",)), f"no '{name}' style (the writer uses it)")
    known = {role for layout in layouts.layouts.values() for role in layout.placeholders}
    for index, role in enumerate(layouts.flow):
        if role not in known:
            problems.error(
                source.position(("flow", index)),
                f"unknown placeholder role '{role}'{did_you_mean(role, sorted(known))}",
            )
    for index, (largest, smallest) in enumerate(s.sizes for s in layouts.styles.values()):
        if smallest > largest or smallest <= 0:
            name = list(layouts.styles)[index]
            problems.error(
                source.position(("styles", name, "sizes")),
                f"sizes are [largest, smallest] in points: {largest:g} and {smallest:g} are not",
            )
    faces: list[tuple[tuple[str, ...], str]] = [
        (("font", face), getattr(layouts.font, face)) for face in FACES
    ]
    if layouts.font.substitutes is not None:
        faces += [
            (("font", "substitutes", face), getattr(layouts.font.substitutes, face))
            for face in FACES
        ]
    for where, relative in faces if folders is not None else []:
        if not any((folder / relative).is_file() for folder in folders or []):
            problems.error(source.position(where), f"font file '{relative}' not found in the theme")
    return layouts if len(problems.errors) == count else None


def check_slide_layouts(project: Project, problems: Problems) -> None:
    """Every theme's and every client's ``slides/layouts.yaml`` (``validate`` runs this);
    each one that passes is kept on the project, as plain data, for the editions."""
    from mi_courseware.loading.themes import theme_chain

    found: list[tuple[Path, list[Path]]] = []
    for theme in in_scope(project.scope, "themes", project.themes):
        path = theme.path / "slides" / "layouts.yaml"
        if path.is_file():
            found.append((path, theme_chain(project, theme.id)))
    default = theme_chain(project, "default") if "default" in project.themes else []
    for client in in_scope(project.scope, "clients", project.clients):
        templates = client.path.parent / "templates"
        path = templates / "slides" / "layouts.yaml"
        if path.is_file():
            found.append((path, [templates, *default]))
    for path, folders in found:
        layouts = load_layouts(path, problems, folders)
        if layouts is not None:
            project.slides[path.resolve()] = slide_spec(layouts)


def slide_spec(layouts: SlideLayouts) -> SlideSpec:
    """The checked layouts as the plain data the deck writer takes."""
    from mi_courseware.core import slides

    def files(faces: FontFaces) -> slides.FontFiles:
        return slides.FontFiles(faces.regular, faces.bold, faces.italic, faces.bold_italic)

    font = layouts.font
    return slides.SlideSpec(
        font=slides.SlideFontSpec(
            font.name,
            files(font),
            font.line_height,
            files(font.substitutes) if font.substitutes is not None else None,
        ),
        styles={
            name: slides.TextStyleSpec(
                (style.sizes[0], style.sizes[1]),
                style.line,
                style.space_before,
                tuple(style.indent),
                style.bold,
                style.italic,
            )
            for name, style in layouts.styles.items()
        },
        layouts={
            key: slides.LayoutSpec(
                layout.name,
                {
                    role: slides.PlaceholderSpec(ph.idx, ph.type, ph.style)
                    for role, ph in layout.placeholders.items()
                },
            )
            for key, layout in layouts.layouts.items()
        },
        flow=tuple(layouts.flow),
    )
