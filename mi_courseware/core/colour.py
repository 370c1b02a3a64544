"""Colour arithmetic for brand roles: WCAG contrast, readable text, tints."""

from __future__ import annotations

DARK_TEXT = "#1b1b1b"
LIGHT_TEXT = "#ffffff"
AA = 4.5


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three 0-255 integers."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def hex_colour(red: float, green: float, blue: float) -> str:
    """Three 0-255 numbers as ``#rrggbb``."""
    return "#" + "".join(f"{round(max(0, min(255, c))):02x}" for c in (red, green, blue))


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def band(background: str) -> tuple[str, str]:
    """A (background, text) pair for text set on a brand colour, meeting WCAG AA.

    White text is kept when it passes; otherwise dark text; when neither passes (mid tones),
    the background itself is darkened until white text does.
    """
    if contrast(background, LIGHT_TEXT) >= AA:
        return background, LIGHT_TEXT
    if contrast(background, DARK_TEXT) >= AA:
        return background, DARK_TEXT
    return readable_on_white(background), LIGHT_TEXT


def text_on(background: str) -> str:
    """The text colour to use on ``background``."""
    return band(background)[1]


def mix(colour: str, other: str, amount: float) -> str:
    """``colour`` moved ``amount`` (0-1) of the way towards ``other``."""
    a, b = rgb(colour), rgb(other)
    return hex_colour(*(x + (y - x) * amount for x, y in zip(a, b, strict=True)))


def tint(colour: str, strength: float = 0.12) -> str:
    """A pale tint of ``colour`` for backgrounds (``strength`` of the colour on white)."""
    return mix("#ffffff", colour, strength)


def readable_on_white(colour: str, ratio: float = AA) -> str:
    """``colour`` darkened just enough to be read as text on white."""
    current = colour
    step = 0
    while contrast(current, LIGHT_TEXT) < ratio and step < 20:
        step += 1
        current = mix(colour, "#000000", step * 0.05)
    return current


def adjusted_text_warning(colour: str) -> str | None:
    """A warning when ``colour`` itself must be darkened for any text on it to meet WCAG AA."""
    background, _ = band(colour)
    if background == colour:
        return None
    best = max(contrast(colour, LIGHT_TEXT), contrast(colour, DARK_TEXT))
    return (
        f"neither white nor dark text reaches 4.5:1 on {colour} (at best {best:.1f}:1); "
        f"text is set on the darker shade {background} instead"
    )
