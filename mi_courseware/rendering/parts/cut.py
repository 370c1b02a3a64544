"""Cutting a document's HTML into parts at its top-level sections (lxml).

Every part keeps the whole ``<head>`` (its stylesheets and page rules). A later part is given
copies of the elements that open the body before any text (the running header's logo),
marked :data:`~.checks.CARRIED`, so its page margins show what the whole document's would;
the part checks that they are running elements and that they match the earlier parts'. The
other parts' sections stay as stand-ins (:data:`~.checks.STAND_IN`): the same elements with
the same attributes, empty, which the part does not lay out (:mod:`.tree`), so that
selectors counting siblings or reading attributes match as in the whole document. A
document whose HTML lxml had to mend, with text or stylesheets loose in its body, or with an
anchor on its ``html`` or ``body``, in two parts, or with a name the PDF engine reads as a
CSS string otherwise, is not cut.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from mi_courseware.rendering.parts.checks import CARRIED, STAND_IN
from mi_courseware.rendering.parts.messages import PartPlan

#: Characters of text below which a document is laid out whole: two parts would not gain.
MINIMUM_TEXT = 40_000
#: An element weighs as much as this many characters of text in the layout's work.
ELEMENT_WEIGHT = 20
#: How much less than an equal share the first part is given (a fraction of one share).
#: Measured on the demo's in-depth pack (0: 4.76 s; 0.1: 4.1-4.5 s; 0.2: 4.3 s; 0.3: 4.3 s).
FIRST_LIGHTER = 0.2


@dataclass(frozen=True)
class Part:
    """One part: its HTML, what it knows before it starts, and its name in messages."""

    html: str
    plan: PartPlan
    name: str


def cut(html: str, parts: int, minimum: int = MINIMUM_TEXT) -> tuple[list[Part], str]:
    """The document in ``parts`` parts of about equal text, cut before top-level sections;
    or no parts and why it is laid out whole."""
    import lxml.html

    parser = lxml.html.HTMLParser(huge_tree=False, encoding="utf-8")
    tree = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser).getroottree()
    body = tree.getroot().find("body")
    if body is None:
        return [], "it has no body"
    why = _whole_only(parser, tree.getroot(), body)
    if why:
        return [], why
    children = [child for child in body if isinstance(child.tag, str)]
    text = [len(child.text_content()) for child in children]
    total = sum(text)
    if total < minimum:
        return [], f"it is too short to gain from parts ({total:,} characters of text)"
    # what a section costs to lay out: its text, and its elements (a worksheet's empty
    # answer lines fill pages with little text); measured on the demo's packs and guides
    sizes = [
        size + ELEMENT_WEIGHT * sum(1 for _ in child.iter())
        for size, child in zip(text, children, strict=True)
    ]
    leading = 0
    while leading < len(children) and not text[leading] and children[leading].tag != "section":
        leading += 1
    candidates = [i for i, child in enumerate(children) if i > leading and child.tag == "section"]
    cuts = _balanced(sizes, candidates, parts)
    if not cuts:
        return [], "it has no section to cut it at"
    bounds = [0, *cuts, len(children)]
    ids = [_ids(children[a:b]) for a, b in itertools.pairwise(bounds)]
    escaped = sorted(name for name in set().union(*ids) if set(name) & _CSS_STRING)
    if escaped:  # WeasyPrint names the anchor by reading the id as a CSS string
        return [], f"an anchor's name would not read as itself ({escaped[0][:40]!r})"
    linked = _hrefs(children)
    if any(linked & a & b for a, b in itertools.combinations(ids, 2)):
        return [], "two of its parts hold an anchor of the same name"
    made = []
    for index, (start, end) in enumerate(itertools.pairwise(bounds)):
        marks = {
            position: CARRIED if index and position < leading else STAND_IN
            for position in range(len(children))
            if (index and position < leading) or not start <= position < end
        }
        held = ids[index]
        elsewhere = set().union(*ids) - held
        shown = children[start:end] + (children[:leading] if index else [])  # + running header
        wanted = sorted(_hrefs(shown) & elsewhere)
        markup = serialised(tree, marks)
        plan = PartPlan(index, len(bounds) - 1, tuple(wanted), whole="" if index else html)
        made.append(Part(markup, plan, _name(children[start], index, len(bounds) - 1)))
    return made, ""


def _balanced(sizes: list[int], candidates: list[int], parts: int) -> list[int]:
    """Cut positions among ``candidates`` nearest to equal shares of the text."""
    before = [0]
    for size in sizes:
        before.append(before[-1] + size)
    total = before[-1]
    cuts: list[int] = []
    for share in range(1, parts):
        # the first part also lays out again the pages that refer to later parts (the
        # contents, the sessions' references): it is given a little less to start with
        goal = total * (share - FIRST_LIGHTER) / parts
        options = [i for i in candidates if not cuts or i > cuts[-1]]
        if not options:
            break
        cuts.append(min(options, key=lambda i: abs(before[i] - goal)))
    return sorted(set(cuts))


def _ids(elements: list[object]) -> set[str]:
    found: set[str] = set()
    for element in elements:
        for node in element.iter():  # type: ignore[attr-defined]
            if not isinstance(node.tag, str):
                continue
            if node.get("id"):
                found.add(node.get("id"))
            if node.tag == "a" and node.get("name"):
                found.add(node.get("name"))
    return found


def _hrefs(elements: list[object]) -> set[str]:
    """The anchors the elements' links lead to, as WeasyPrint names them (unquoted)."""
    found: set[str] = set()
    for element in elements:
        for node in element.iter():  # type: ignore[attr-defined]
            href = (node.get("href") or "").strip(_SPACES) if isinstance(node.tag, str) else ""
            if href.startswith("#") and len(href) > 1:
                found.add(unquote(href[1:]))
    return found


def _whole_only(parser: object, root: object, body: object) -> str:
    """Why the document cannot be cut at all, or nothing."""
    malformed = [
        error
        for error in parser.error_log  # type: ignore[attr-defined]
        if error.type_name.startswith("ERR_")
    ]
    if malformed:  # WeasyPrint's HTML5 parser may mend it otherwise than lxml's
        return f"its HTML is not well formed (line {malformed[0].line}: {malformed[0].message})"
    if (body.text or "").strip(_SPACES) or any(  # type: ignore[attr-defined]
        (node.tail or "").strip(_SPACES)
        for node in body  # type: ignore[attr-defined]
    ):
        return "it has text outside its sections"
    if any(node.get("id") or node.get("name") for node in (root, body)):  # type: ignore[attr-defined]
        return "its html or body element is an anchor"
    for node in body.iter("style", "link"):  # type: ignore[attr-defined]
        inside_svg = any(
            isinstance(up.tag, str) and up.tag.endswith("svg") for up in node.iterancestors()
        )
        kinds = (node.get("rel") or "").lower().split()
        if not inside_svg and (node.tag == "style" or "stylesheet" in kinds):
            return "a stylesheet inside its body applies only where it stands"
    return ""


#: What CSS counts as white space (a no-break space is text: it is laid out).
_SPACES = " \t\n\r\f"
#: What a CSS string reads otherwise than as itself (an escape, its end, a line break).
_CSS_STRING = set('\\"\n\r\f')


def serialised(tree: Any, marks: dict[int, str]) -> str:
    """A part's HTML: the document, with the mark ``marks[k]`` on the body's ``k``-th element
    (a stand-in, :data:`~.checks.STAND_IN`, keeps its attributes but not its content),
    without the comments between the body's elements (nothing to lay out, their tails are
    blank). Written as the HTML standard serialises a tree, which the HTML5 parser
    (WeasyPrint's) reads back as the same tree: lxml's own serialiser rewrites ``href`` and
    ``src`` values, escaping spaces and other characters as in a URL, and drops spaces
    before them, which ``attr(href)`` or ``[src=...]`` would read otherwise."""
    import lxml.html
    from lxml import etree

    out: list[str] = [tree.docinfo.doctype or ""]
    append = out.append
    body = tree.getroot().find("body")

    def write(node: Any, raw: bool, mark: str | None = None) -> None:
        """Append ``node`` and its tail (``raw``: its parent's text is not escaped)."""
        tag = node.tag
        if tag is etree.Comment:
            append(f"<!--{node.text or ''}-->")
        elif not isinstance(tag, str):  # a processing instruction or entity: as lxml writes it
            append(lxml.html.tostring(node, encoding="unicode", with_tail=False))
        else:
            append(f"<{tag}")
            for name, value in node.attrib.items():
                append(f' {name}="{value.translate(_ATTRIBUTE)}"')
            append(f" {mark}>" if mark else ">")
            if tag not in _VOID:
                if mark != STAND_IN:
                    _content(node)
                append(f"</{tag}>")
        tail = node.tail or ""
        append(tail if raw else tail.translate(_TEXT))

    def _content(node: Any) -> None:
        inner = node.tag in _RAW
        text = node.text or ""
        if node.tag in _NEWLINE and text.startswith("\n"):
            append("\n")  # the parser drops a line break right after the start tag
        append(text if inner else text.translate(_TEXT))
        if node is body:
            elements = (child for child in node if isinstance(child.tag, str))
            for position, child in enumerate(elements):
                write(child, False, marks.get(position))
        else:
            for child in node:
                write(child, inner)

    write(tree.getroot(), False)
    return "".join(out)


#: What the HTML standard escapes in text and in attribute values.
_TEXT = str.maketrans({"&": "&amp;", "\xa0": "&nbsp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "\xa0": "&nbsp;", '"': "&quot;"})
#: Elements without content or end tag; elements whose text is not escaped; elements whose
#: first line break the parser drops.
_VOID = frozenset(("area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr"))
_VOID |= {"img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr"}
_RAW = frozenset(("style", "script", "xmp", "iframe", "noembed", "noframes", "plaintext"))
_NEWLINE = frozenset(("pre", "textarea", "listing"))


def _name(first: object, index: int, parts: int) -> str:
    heading = next(
        (
            node
            for node in first.iter()  # type: ignore[attr-defined]
            if isinstance(node.tag, str) and node.tag in ("h1", "h2", "h3")
        ),
        None,
    )
    words = " ".join((heading.text_content() if heading is not None else "").split())
    start = f", from '{words[:60]}'" if words else ""
    return f"part {index + 1} of {parts}{start}"
