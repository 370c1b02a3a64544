"""A theme's slide layouts as checked: plain data the deck writer takes from the Edition.

``slides/layouts.yaml`` is read and validated once, by the check phase (its pydantic model is
:class:`mi_courseware.checks.slides.SlideLayouts`); what the deck writer needs of it
travels on the Edition as these frozen dataclasses, so the writer never reads the file again
and a build from cached editions needs no model at all.
"""

from __future__ import annotations

from dataclasses import dataclass

FACES = ("regular", "bold", "italic", "bold_italic")
"""The four faces of a deck font, as ``layouts.yaml`` names them."""


@dataclass(frozen=True)
class FontFiles:
    """Font files (relative to the theme folder) for the four faces."""

    regular: str
    bold: str
    italic: str
    bold_italic: str

    def faces(self) -> dict[str, str]:
        """Face name (``regular``, ``bold``, ...) to file."""
        return {
            "regular": self.regular,
            "bold": self.bold,
            "italic": self.italic,
            "bold_italic": self.bold_italic,
        }


@dataclass(frozen=True)
class SlideFontSpec:
    """The deck's font: its name, files, line height and the substitute's files."""

    name: str
    files: FontFiles
    line_height: float = 1.2
    substitutes: FontFiles | None = None


@dataclass(frozen=True)
class TextStyleSpec:
    """How text of one kind is set (sizes in points, indents in inches)."""

    sizes: tuple[float, float]
    line: float = 1.0
    space_before: float = 0.0
    indent: tuple[float, ...] = ()
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class PlaceholderSpec:
    """One placeholder of a layout: which one and the style of its text."""

    idx: int
    type: str = "body"
    style: str | None = None


@dataclass(frozen=True)
class LayoutSpec:
    """A named layout of the template and its placeholders by role."""

    name: str
    placeholders: dict[str, PlaceholderSpec]


@dataclass(frozen=True)
class SlideSpec:
    """What ``slides/layouts.yaml`` says, checked."""

    font: SlideFontSpec
    styles: dict[str, TextStyleSpec]
    layouts: dict[str, LayoutSpec]
    flow: tuple[str, ...] = ()
