"""The one Markdown dialect of course content: CommonMark + tables + the MI blocks.

Raw HTML is off (content is untrusted and every output escapes it). Both the pack's HTML
renderer and the deck's slide writer start from :func:`parse`, so a block means the same
thing in every output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from mi_courseware.loading.blocks import BLOCKS, BlockInfo, parse_info

#: Blocks only trainers see (facilitator guide and speaker notes).
TRAINER_ONLY = ("notes", "answers")


@cache
def parser() -> MarkdownIt:
    """The shared parser (built once; markdown-it parsers are reusable)."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "linkify": False})
    md.enable(["table", "replacements", "smartquotes", "strikethrough"])
    md.block.ruler.before(
        "fence", "mi_blocks", _block_rule, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    return md


def _block_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Every MI block (``::: name options`` … ``:::``) in one block rule.

    The tokens are those of mdit-py-plugins' ``container_plugin`` registered once per name
    (``container_<name>_open``/``_close``, same markup, info, map and nesting); one rule
    for all the names tries each line once instead of once per name, which is most of what
    a long text's parse costs in these rules.
    """
    start = state.bMarks[start_line] + state.tShift[start_line]
    src = state.src
    # asked of nearly every line (by the rules a block may interrupt): the cheapest test first
    if not src.startswith(":::", start) or state.is_code_block(start_line):
        return False
    maximum = state.eMarks[start_line]
    pos = start + 3
    while pos < maximum and src[pos] == ":":
        pos += 1
    marker_count = pos - start
    markup = src[start:pos]
    params = src[pos:maximum]
    words = params.split(None, 1)
    if not words or words[0] not in BLOCKS:
        return False
    if silent:
        return True
    name = words[0]
    next_line = start_line
    auto_closed = False
    while True:  # the end of the block: a line of at least as many colons, and spaces only
        next_line += 1
        if next_line >= end_line:  # unclosed: closed by the end of the document or parent
            break
        start = state.bMarks[next_line] + state.tShift[next_line]
        maximum = state.eMarks[next_line]
        if start < maximum and state.sCount[next_line] < state.blkIndent:
            break  # a non-empty line indented less ends the parent
        if not src.startswith(":", start) or state.is_code_block(next_line):
            continue
        pos = start + 1
        while pos < maximum and src[pos] == ":":
            pos += 1
        if pos - start < marker_count:
            continue
        pos = state.skipSpaces(pos)
        if pos < maximum:
            continue
        auto_closed = True
        break
    old_parent, old_line_max = state.parentType, state.lineMax
    state.parentType = "container"  # type: ignore[assignment]
    state.lineMax = next_line  # lazy continuations never run past the end marker
    token = state.push(f"container_{name}_open", "div", 1)
    token.markup = markup
    token.block = True
    token.info = params
    token.map = [start_line, next_line]
    state.md.block.tokenize(state, start_line + 1, next_line)
    token = state.push(f"container_{name}_close", "div", -1)
    token.markup = src[start:pos]
    token.block = True
    state.parentType, state.lineMax = old_parent, old_line_max
    state.line = next_line + (1 if auto_closed else 0)
    return True


def parse(text: str) -> list[Token]:
    """Markdown text to markdown-it block tokens.

    A text is parsed once per process: checking it, resolving it, the pack, the guide and
    the deck all read the same tokens (a live preview parses only the text that changed).
    The tokens are shared, so they are read and never changed.
    """
    return list(_parsed(text))


@lru_cache(maxsize=1024)
def _parsed(text: str) -> tuple[Token, ...]:
    return tuple(parser().parse(text))


def block_info(token: Token) -> BlockInfo:
    """The parsed options of a ``container_<name>_open`` token."""
    return parse_info(token.info.strip())


def block_name(token: Token) -> str | None:
    """The MI block a container token opens or closes, else ``None``."""
    if token.type.startswith("container_") and token.type.endswith(("_open", "_close")):
        return token.type[len("container_") :].rsplit("_", 1)[0]
    return None


def without_blocks(tokens: list[Token], names: tuple[str, ...]) -> list[Token]:
    """``tokens`` with every block named in ``names`` (and its content) removed."""
    result: list[Token] = []
    depth = 0
    for token in tokens:
        name = block_name(token)
        if name in names and token.type.endswith("_open"):
            depth += 1
            continue
        if name in names and token.type.endswith("_close"):
            depth -= 1
            continue
        if depth == 0:
            result.append(token)
    return result


@dataclass(frozen=True)
class ImageRef:
    """A picture a Markdown text shows: where (0-based line in the text), which file, its alt."""

    line: int
    src: str
    alt: str


def image_refs(text: str) -> list[ImageRef]:
    """Every image the Markdown shows, in order."""
    if "![" not in text:  # every image starts so (inline or by reference): nothing to parse
        return []
    found: list[ImageRef] = []
    for token in parse(text):
        for child in token.children or ():
            if child.type == "image":
                alt = "".join(c.content for c in child.children or ()).strip()
                line = token.map[0] if token.map else 0
                found.append(ImageRef(line, str(child.attrGet("src") or ""), alt))
    return found


def image_sources(text: str) -> list[str]:
    """The ``src`` of every image the Markdown shows, in order."""
    return [ref.src for ref in image_refs(text)]


def image_ref_problem(
    src: str, alt: str, source: Path, root: Path, within: Path | None = None
) -> str | None:
    """What is wrong with a picture a text shows (``src`` relative to the ``source`` file),
    or ``None``: it needs alt text, and must be a picture file inside the project (inside
    ``within`` when given: a client's page shows its own folder's pictures), outside the
    project's private folders, never an address. Whether its bytes are a picture is
    :func:`mi_courseware.loading.images.image_problem`'s to say."""
    from mi_courseware.loading.allowed import PICTURES, PRIVATE, private_place

    if not alt:
        return f"image '{src}' has no alt text: write ![what it shows]({src})"
    if re.match(r"^[a-z][a-z0-9+.-]*:", src):
        return (
            f"image '{src}' is not a file in the project; images are never fetched from the network"
        )
    try:
        path = (source.parent / src).resolve()
    except (OSError, RuntimeError, ValueError):
        return f"image '{src}' cannot be read (a loop of links or an impossible name)"
    if not path.is_relative_to(root.resolve()):
        return f"image '{src}' is outside the project; copy it into the project"
    if private_place(path, root):
        return (
            f"image '{src}' lies in one of the project's private folders "
            f"({', '.join(f'{name}/' for name in PRIVATE)}), which no document may show"
        )
    if within is not None and not path.is_relative_to(within.resolve()):
        return f"image '{src}' is outside the client's folder; copy it into the client's folder"
    if not path.is_file():
        return f"image file '{src}' not found"
    if path.suffix.lower() not in PICTURES:
        return f"image '{src}' is not a picture this tool can show (use SVG, PNG or JPEG)"
    return None
