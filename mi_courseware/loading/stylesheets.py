"""Stylesheets read as CSS tokens with their positions (tinycss2): what they ask to load, and
the lengths no page could hold.

Every scan of a stylesheet goes through here: the check phase's limits
(:func:`extreme_lengths`), the fenced fetcher's pre-scan and the self-contained HTML page's
embedding (:func:`references`). Comments, strings and escapes are the CSS parser's business,
so ``/* url(x) */`` asks for nothing and ``URL( "x" )`` asks as ``url(x)`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_courseware.errors import Position, Problem

#: The parts of a parsed node that hold more nodes (rules, blocks, functions).
_INNER = ("prelude", "content", "arguments")


def parse(text: str) -> list[Any]:
    """A stylesheet's rules (comments left out, whitespace kept, so it can be written back)."""
    import tinycss2

    return list(tinycss2.parse_stylesheet(text, skip_comments=True))


def walk(nodes: list[Any] | None) -> Iterator[tuple[list[Any], int, Any]]:
    """Every node under ``nodes``, depth first, with the list that holds it and its index
    there (so that a caller can replace it)."""
    for index, node in enumerate(nodes or ()):
        yield nodes, index, node  # type: ignore[misc]
        for part in _INNER:
            inner = getattr(node, part, None)
            if isinstance(inner, list):
                yield from walk(inner)


@dataclass(frozen=True)
class Reference:
    """An address a stylesheet asks for, where it asks: ``url(...)`` (in a property, an
    ``@font-face src`` or an ``@import``) or ``@import "..."``."""

    target: str
    line: int
    column: int
    #: The list holding the ``url`` token or function, and its index there (``None`` for
    #: the string of an ``@import``, which is not a ``url``).
    holder: list[Any] | None
    index: int
    #: Whether it is the stylesheet an ``@import`` brings in.
    imported: bool = False


def references(nodes: list[Any]) -> Iterator[Reference]:
    """Every address ``nodes`` ask for, in order."""
    taken: set[int] = set()  # the url() of an @import, found with its rule
    for holder, index, node in walk(nodes):
        if id(node) in taken:
            continue
        if getattr(node, "type", "") == "at-rule" and node.lower_at_keyword == "import":
            first = next((i for i, t in enumerate(node.prelude) if t.type != "whitespace"), None)
            if first is None:
                continue
            token = node.prelude[first]
            if token.type == "string":  # placed at the rule, as the rule is what asks
                yield Reference(token.value, node.source_line, node.source_column, None, 0, True)
            elif (target := _address(token)) is not None:
                taken.add(id(token))
                line, column = token.source_line, token.source_column
                yield Reference(target, line, column, node.prelude, first, True)
        elif (target := _address(node)) is not None:
            yield Reference(target, node.source_line, node.source_column, holder, index)


def _address(node: Any) -> str | None:
    """The address of a ``url`` token or a ``url("...")`` function, else ``None``."""
    kind = getattr(node, "type", "")
    if kind == "url":
        return str(node.value)
    if kind == "function" and node.lower_name == "url":
        strings = [a for a in node.arguments if a.type == "string"]
        return str(strings[0].value) if strings else None
    return None


#: Roughly how many CSS pixels one unit is (font-relative and viewport units generously).
_PX = {
    "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4,
    "q": 96 / 101.6, "em": 16.0, "rem": 16.0, "ex": 8.0, "ch": 8.0, "lh": 20.0, "rlh": 20.0,
    "vw": 8.0, "vh": 11.0, "vmin": 8.0, "vmax": 11.0,
}  # fmt: skip
#: No length in a stylesheet needs to be larger than this (a few A0 sheets, in CSS pixels).
MAX_LENGTH_PX = 20_000


def extreme_lengths(path: Path, text: str) -> list[Problem]:
    """Lengths no page could hold (``font-size: 1e9px``): the PDF engine would spend minutes
    on them and then fail, so they are reported at their line before rendering."""
    problems: list[Problem] = []
    for _, _, token in walk(parse(text)):
        if (
            token.type == "dimension"
            and token.lower_unit in _PX
            and abs(token.value) * _PX[token.lower_unit] > MAX_LENGTH_PX
        ):
            problems.append(
                Problem(
                    Position(path, token.source_line, token.source_column),
                    f"'{token.representation}{token.unit}' is far larger than any page "
                    f"(lengths here may be at most {MAX_LENGTH_PX:,}px or the same in "
                    "other units)",
                )
            )
    return problems
