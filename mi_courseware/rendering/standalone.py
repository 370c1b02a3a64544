"""One self-contained HTML file: the theme's stylesheets inlined, every file they use embedded.

An HTML flyer is emailed and opened anywhere, so it may fetch nothing: stylesheets become one
``<style>``, fonts become ``data:`` URIs (subset to the characters the page uses, so the file
stays small), and images too. Only files inside the fence may be embedded; a stylesheet that
asks for anything else is an error at its own line.
"""

from __future__ import annotations

import base64
import io
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from mi_courseware.errors import ContentError, Position, Problem
from mi_courseware.rendering.fetcher import Fence

_FONTS = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


def inline_styles(stylesheets: list[str], text: str, fence: Fence) -> str:
    """The CSS of ``stylesheets`` (``file:`` URIs, in order) with every ``url()`` embedded.

    Fonts are cut down to the characters of ``text`` (the page), plus printable ASCII.
    """
    import tinycss2

    from mi_courseware.loading.stylesheets import parse

    problems: list[Problem] = []
    chunks = []
    characters = set(text) | {chr(c) for c in range(0x20, 0x7F)}
    for href in stylesheets:
        path = Path(unquote(urlparse(href).path))
        css = path.read_text(encoding="utf-8")
        rules = parse(css)
        _embed(rules, path, fence, characters, problems)
        chunks.append(f"/* {path.parent.parent.name}/{path.parent.name}/{path.name} */\n")
        chunks.append(tinycss2.serialize(rules).strip() + "\n")
    if problems:
        raise ContentError(problems)
    return "".join(chunks)


def _embed(
    rules: list[Any], css: Path, fence: Fence, characters: set[str], problems: list[Problem]
) -> None:
    """Replace each ``url()`` in ``rules`` by a ``data:`` URL (an ``@import "..."`` string
    is left as written)."""
    from tinycss2.ast import URLToken

    from mi_courseware.loading.stylesheets import references

    for found in list(references(rules)):
        if found.holder is None:
            continue
        uri = _data_url(found.target, css, fence, characters)
        if uri is None:
            problems.append(
                Problem(
                    Position(css, found.line, found.column),
                    f"refused to embed '{found.target}': a self-contained page may only use "
                    "files inside the project, its theme and the client folder",
                )
            )
            continue
        found.holder[found.index] = URLToken(found.line, found.column, uri, f"url({uri})")


def _data_url(target: str, css: Path, fence: Fence, characters: set[str]) -> str | None:
    if target.startswith("data:"):
        return target
    parsed = urlparse(target)
    if parsed.scheme not in ("", "file") or parsed.netloc:
        return None
    path = Path(unquote(parsed.path))
    if not path.is_absolute():
        path = css.parent / path
    if not fence.allows(path) or not path.is_file():
        return None
    suffix = path.suffix.lower()
    if suffix in (".ttf", ".otf"):
        data, kind = subset_font(path, characters), "font/woff"
    else:
        data = path.read_bytes()
        guessed = mimetypes.guess_type(path.name)[0]
        kind = _FONTS.get(suffix) or guessed or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def subset_font(path: Path, characters: set[str]) -> bytes:
    """``path`` cut down to ``characters``, as WOFF; the same bytes for the same input."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]  # keep kerning and ligatures
    options.name_IDs = ["*"]  # keep the licence and copyright notices
    options.notdef_outline = True
    font = TTFont(str(path), recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(characters)))
    subsetter.subset(font)
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()
