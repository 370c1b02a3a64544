"""Real Word lists: numbering definitions for bullets and numbers, nested nine deep.

The document's numbering part is replaced by two abstract definitions (bullets, numbers),
each with nine levels indented a step further. Every bulleted list shares one list; every
numbered list gets a list of its own that starts where its Markdown says (``3.`` starts at
3), so that each numbered list counts from its own start and Word's "Restart numbering" and
"Continue numbering" work as users expect.
"""

from __future__ import annotations

from typing import Any

from mi_courseware.rendering.docx.ooxml import element, put_ppr, twips

_BULLETS = ("•", "–", "▪")
_FORMATS = (("decimal", "%{n}."), ("lowerLetter", "%{n}."), ("lowerRoman", "%{n}."))
#: Indent of each list level (millimetres).
STEP_MM = 6.35


def _level(level: int, kind: str, text: str) -> Any:
    lvl = element("w:lvl", ilvl=level)
    lvl.append(element("w:start", val=1))
    lvl.append(element("w:numFmt", val=kind))
    lvl.append(element("w:lvlText", val=text))
    lvl.append(element("w:lvlJc", val="left"))
    ppr = element("w:pPr")
    ppr.append(element("w:ind", left=twips(STEP_MM * (level + 1)), hanging=twips(STEP_MM)))
    lvl.append(ppr)
    return lvl


def _abstract(ident: int, nsid: str, bullets: bool) -> Any:
    abstract = element("w:abstractNum", abstractNumId=ident)
    abstract.append(element("w:nsid", val=nsid))
    abstract.append(element("w:multiLevelType", val="hybridMultilevel"))
    for level in range(9):
        if bullets:
            abstract.append(_level(level, "bullet", _BULLETS[level % len(_BULLETS)]))
        else:
            kind, text = _FORMATS[level % len(_FORMATS)]
            abstract.append(_level(level, kind, text.format(n=level + 1)))
    return abstract


class Lists:
    """The document's numbering: the shared bullet list and a new list per numbered one."""

    BULLETS = 0
    NUMBERS = 1

    def __init__(self, document: Any) -> None:
        self.numbering = document.part.numbering_part.element
        for child in list(self.numbering):
            self.numbering.remove(child)
        # fixed ids: the same document gives the same bytes
        self.numbering.append(_abstract(self.BULLETS, "4D490001", True))
        self.numbering.append(_abstract(self.NUMBERS, "4D490002", False))
        self.bullets = self.numbering.add_num(self.BULLETS).numId
        self.numbers = self.numbering.add_num(self.NUMBERS).numId

    def numbered(self, level: int, start: int) -> int:
        """A new numbered list whose ``level`` starts at ``start``; its id."""
        num = self.numbering.add_num(self.NUMBERS)
        num.add_lvlOverride(ilvl=level).add_startOverride(start)
        return int(num.numId)


def number(paragraph: Any, num: int, level: int, inset_mm: float = 0.0) -> None:
    """Make ``paragraph`` an item of list ``num`` at ``level``; in a panel (``inset_mm``:
    its text's distance from its edge) set in as far, so that the panel's edge stays put."""
    numpr = element("w:numPr")
    numpr.append(element("w:ilvl", val=min(level, 8)))
    numpr.append(element("w:numId", val=num))
    ppr = paragraph._p.get_or_add_pPr()
    put_ppr(ppr, numpr)
    if inset_mm:
        left = twips(inset_mm + STEP_MM * (min(level, 8) + 1))
        put_ppr(ppr, element("w:ind", left=left, right=twips(inset_mm), hanging=twips(STEP_MM)))


def list_style(ordered: bool, level: int) -> str:
    """The style of a list item at ``level``: List Bullet, List Number 2..."""
    name = "List Number" if ordered else "List Bullet"
    return name if level == 0 else f"{name} {min(level + 1, 3)}"
