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
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from mi_courseware.loading.blocks import BLOCKS, BlockInfo, parse_info

#: Blocks only trainers see (facilitator guide and speaker notes).
TRAINER_ONLY = ("notes", "answers")


def _validator(name: str):  # type: ignore[no-untyped-def]
    def validate(params: str, *args: object) -> bool:
        words = params.strip().split(None, 1)
        return bool(words) and words[0] == name

    return validate


@cache
def parser() -> MarkdownIt:
    """The shared parser (built once; markdown-it parsers are reusable)."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "linkify": False})
    md.enable(["table", "replacements", "smartquotes", "strikethrough"])
    for name in BLOCKS:
        md.use(container_plugin, name=name, validate=_validator(name))
    return md


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
