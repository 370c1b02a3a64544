"""A client's brand as an Office theme: the colour scheme and fonts a deck and a Word
document share, so that what a client adds in PowerPoint or Word is on-brand too."""

from __future__ import annotations

from typing import Any

from mi_courseware.core.colour import DARK_TEXT, band, readable_on_white, tint

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
#: The colour slots of an Office theme, in the order the schema wants them.
SLOTS = (
    "dk1",
    "lt1",
    "dk2",
    "lt2",
    "accent1",
    "accent2",
    "accent3",
    "accent4",
    "accent5",
    "accent6",
    "hlink",
    "folHlink",
)


def colour_scheme(primary: str, secondary: str, accent: str) -> dict[str, str]:
    """The theme colour slots for a brand.

    accent1-3 carry the client's primary, secondary and accent colours as given; dk2 (titles)
    is the primary darkened only as far as text on white needs; accent4/5 are primary and
    accent adjusted so that text on them meets WCAG AA (``band``); lt2 and accent6 are tints.
    """
    return {
        "dk1": DARK_TEXT,
        "lt1": "#ffffff",
        "dk2": readable_on_white(primary),
        "lt2": tint(primary, 0.12),
        "accent1": primary,
        "accent2": secondary,
        "accent3": accent,
        "accent4": band(primary)[0],
        "accent5": band(accent)[0],
        "accent6": tint(secondary, 0.16),
        "hlink": readable_on_white(secondary),
        "folHlink": readable_on_white(primary),
    }


def brand_theme_tree(tree: Any, scheme: dict[str, str], font: str) -> bool:
    """Put ``scheme`` into a theme part's colour scheme and ``font`` into its major and minor
    fonts (``tree``: the part's root, parsed with lxml). False when it has no colour scheme."""
    from lxml import etree

    colours = tree.find(f".//{_A}clrScheme")
    if colours is None:
        return False
    for slot in SLOTS:
        element = colours.find(f"{_A}{slot}")
        if element is None:
            element = etree.SubElement(colours, f"{_A}{slot}")
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, f"{_A}srgbClr", val=scheme[slot][1:].upper())
    for kind in ("majorFont", "minorFont"):
        latin = tree.find(f".//{_A}fontScheme/{_A}{kind}/{_A}latin")
        if latin is not None:
            latin.set("typeface", font)
    return True
