"""What a part's tree shares with the whole document's: what its selectors see, and how its
HTML was read.

A part holds its own sections and, for each section of another part, a stand-in
(:data:`~.checks.STAND_IN`): the same element with the same attributes (its id, classes and
style attribute) but nothing inside it, of which WeasyPrint makes no box
(:func:`hide_stand_ins`, as of an element not displayed). Selectors that count siblings or
read attributes (``:first-of-type``, ``#s0 ~ section``, ``section[id] + section``,
``:not([style]) + section``) therefore match in the part as in the whole document. What a
stand-in cannot show is what it held: a selector that looks inside an element (``:has()``),
or asks whether an element that may be another part's is empty (``:empty`` left of ``+`` or
``~``, or in ``:nth-child(... of ...)``), ends the part (:func:`check_selectors`).

The cut reads the HTML with lxml; WeasyPrint reads each part's HTML with its own HTML5 parser
(tinyhtml5), which mends some markup that lxml reads without complaint otherwise (an unclosed
``<a>`` or ``<code>``, a ``<p>`` left open before a ``<figure>``, a NUL character). Each part
reports a digest of its tree as WeasyPrint read it (:func:`part_tree`); the first part, while
it waits for the others after its first pass, reads the whole document as WeasyPrint does and
sends its digests (:func:`whole_tree`); the document is laid out whole unless every part's
tree is the whole document's (:func:`same_tree`).
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mi_courseware.rendering.parts.checks import CARRIED, STAND_IN, NotSplittable

#: A part's tree: a digest of its ``html`` and ``body`` elements' attributes and its
#: ``head``; then, for each top-level element of its body, whether it is a stand-in, and a
#: digest of it (of its tag and attributes only, for a stand-in).
PartTree = tuple[bytes, tuple[tuple[bool, bytes], ...]]
#: The whole document's tree: the same first digest; then, for each top-level element of
#: its body, a digest of all of it and one of its tag and attributes.
WholeTree = tuple[bytes, tuple[tuple[bytes, bytes], ...]]
#: The cut's marks, which the whole document's elements do not have.
_MARKS = (STAND_IN, CARRIED)


@dataclass(frozen=True)
class Parsed:
    """What the first part sends after its report: the whole document's tree."""

    run: int
    tree: WholeTree


def hide_stand_ins(original: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """WeasyPrint's ``element_to_box``, making no box of a stand-in (nor of anything in it,
    nor counting it), as of an element with ``display: none``."""

    def element_to_box(element: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if element.get(STAND_IN) is not None:
            return []
        return original(element, *args, **kwargs)

    return element_to_box


def check_selectors(compiled: Callable[[Any], Any]) -> Callable[..., list[Any]]:
    """cssselect2's ``compile_selector_list`` as WeasyPrint's stylesheets call it, ending the
    part at the first selector that can see what a stand-in lacks. ``compiled`` makes one
    compiled selector of a parsed one (each selector is parsed once, as before)."""
    from cssselect2 import parser

    def compile_selector_list(tokens: Any, namespaces: Any = None) -> list[Any]:
        selectors = list(parser.parse(tokens, namespaces))
        for selector in selectors:
            why = _sees_inside(selector.parsed_tree, beside=False)
            if why:
                raise NotSplittable(f"its stylesheets select {why}")
        return [compiled(selector) for selector in selectors]

    return compile_selector_list


def _sees_inside(node: Any, beside: bool) -> str:
    """Why ``node`` (part of a parsed selector) may match otherwise on a stand-in than on the
    section it stands for, or nothing. ``beside``: the node is tested on elements beside the
    subject's (which may be stand-ins); the subject itself, when displayed, is never one."""
    from cssselect2 import parser

    if isinstance(node, parser.RelationalSelector):
        return "elements by what they hold (:has())"
    if isinstance(node, parser.CombinedSelector):
        return _sees_inside(node.right, beside) or _sees_inside(
            node.left, beside or node.combinator in ("+", "~")
        )
    if isinstance(node, parser.CompoundSelector):
        return _first(_sees_inside(simple, beside) for simple in node.simple_selectors)
    if isinstance(
        node,
        (parser.NegationSelector, parser.MatchesAnySelector, parser.SpecificityAdjustmentSelector),
    ):
        return _first(_sees_inside(inner.parsed_tree, beside) for inner in node.selector_list)
    if isinstance(node, parser.PseudoClassSelector) and node.name == "empty" and beside:
        return "an element by whether the one beside it is empty (:empty)"
    if isinstance(node, parser.FunctionalPseudoClassSelector) and node.name.startswith("nth-"):
        arguments = list(node.arguments)
        of = [i for i, token in enumerate(arguments) if getattr(token, "value", None) == "of"]
        if of:  # ``:nth-child(2 of S)`` tests S on the element's siblings
            inner = parser.parse(arguments[of[0] + 1 :])
            return _first(_sees_inside(selector.parsed_tree, True) for selector in inner)
    return ""


def _first(reasons: Iterable[str]) -> str:
    return next((why for why in reasons if why), "")


def part_tree(root: Any) -> PartTree:
    """The digests of a part's tree as WeasyPrint read it (``root``: its ``html`` element)."""
    frame, children = _frame(root)
    return frame, tuple(
        (child.get(STAND_IN) is not None, _digest(child, child.get(STAND_IN) is None))
        for child in children
    )


def whole_tree(html: str) -> WholeTree:
    """The digests of the whole document's tree, read as WeasyPrint reads it."""
    import tinyhtml5

    frame, children = _frame(tinyhtml5.parse(html, namespace_html_elements=False))
    return frame, tuple((_digest(child, True), _digest(child, False)) for child in children)


def same_tree(whole: WholeTree, parts: list[PartTree]) -> bool:
    """Whether every part's tree is the whole document's: the same ``html``, ``head`` and
    ``body``, the same top-level elements, its own (and the running header's copies) the
    same all through, the stand-ins the same elements with the same attributes."""
    frame, children = whole
    for part_frame, part_children in parts:
        if part_frame != frame or len(part_children) != len(children):
            return False
        for (stand_in, digest), (deep, shallow) in zip(part_children, children, strict=True):
            if digest != (shallow if stand_in else deep):
                return False
    return True


def _frame(root: Any) -> tuple[bytes, list[Any]]:
    """A digest of the ``html`` and ``body`` elements' attributes and of the ``head``; and
    the body's top-level elements (not its comments: the cut leaves them out)."""
    head = next((child for child in root if child.tag == "head"), None)
    body = next((child for child in root if child.tag == "body"), None)
    parts = [_digest(root, False), b"" if head is None else _digest(head, True)]
    parts.append(b"" if body is None else _digest(body, False))
    children = [] if body is None else [child for child in body if isinstance(child.tag, str)]
    return b"".join(parts), children


def _digest(element: Any, deep: bool) -> bytes:
    """A digest of the element's tag and attributes (without the cut's marks) and, when
    ``deep``, of everything inside it: every element, comment and text, in order."""
    nodes = element.iter() if deep else (element,)
    described = [
        (
            node.tag if isinstance(node.tag, str) else getattr(node.tag, "__name__", "?"),
            tuple((name, value) for name, value in node.attrib.items() if name not in _MARKS),
            node.text if deep else None,
            node.tail if node is not element else None,
        )
        for node in nodes
    ]
    return hashlib.blake2b(pickle.dumps(described, protocol=5), digest_size=16).digest()
