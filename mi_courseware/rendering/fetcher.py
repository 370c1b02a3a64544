"""The only way WeasyPrint may load a resource: the document's own list of files, nothing else.

Each document may read exactly the files :mod:`mi_courseware.rendering.allowed` lists for it
(its theme's stylesheets, fonts and pictures, its client's, the pictures its text shows):
no network address, no other file of the project, nothing outside it. Refusals are collected
and raised after rendering as one clear error naming the file that asked, because WeasyPrint
itself only logs a failed fetch.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from mi_courseware.errors import ContentError, Position, Problem

#: What a refusal says may be used instead.
ALLOWED_FILES = (
    "a document may use only its theme's stylesheets, fonts and pictures, its client's logo, "
    "signature, stylesheets and pictures, and the pictures its text shows (nothing from the "
    "network)"
)


class Fence:
    """Which files a document may read (an exact list), and which requests were refused."""

    def __init__(self, allowed: frozenset[Path], asked_by: Path) -> None:
        self.allowed = allowed
        self.asked_by = asked_by
        self.refused: list[str] = []

    def allows(self, path: Path) -> bool:
        """Whether ``path`` (after links are resolved) is one of the document's files."""
        try:
            return path.resolve() in self.allowed
        except (OSError, RuntimeError, ValueError):  # a link loop, a NUL byte
            return False

    def local_file(self, url: str) -> Path | None:
        """The allowed local file a ``file:`` URL names, else ``None`` (and remember it)."""
        parsed = urlparse(url)
        if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
            path = Path(unquote(parsed.path))
            if self.allows(path) and path.is_file():
                return path
        self.refused.append(url)
        return None

    def check(self) -> None:
        """Raise one error listing every refused resource."""
        if self.refused:
            raise ContentError(
                Problem(
                    Position(self.asked_by),
                    f"refused to load '{_shown(url)}' (asked for by this template or a "
                    f"stylesheet it links): {ALLOWED_FILES}",
                )
                for url in dict.fromkeys(self.refused)
            )


def _shown(url: str) -> str:
    """A refused address as the user wrote it: a file of the project by its own path."""
    parsed = urlparse(url)
    return unquote(parsed.path) if parsed.scheme == "file" else url[:200]


def make_fetcher(fence: Fence) -> Any:
    """A WeasyPrint URL fetcher that serves only what ``fence`` allows."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = fence.local_file(url)
            if path is None:
                raise ValueError(f"refused to load {_shown(url)}: not one of the document's files")
            mime, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url, path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
            )

    return SafeFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")\s]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
_LINK = re.compile(r'<link[^>]+href="(file://[^"]+\.css)"')


def check_stylesheets(html: str, fence: Fence) -> None:
    """Point at the stylesheet line that asks for a resource outside the fence, before rendering.

    The fetcher refuses such requests anyway; this finds *which file* asked, so the message
    can name it with its line and column.
    """
    problems: list[Problem] = []
    for href in dict.fromkeys(_LINK.findall(html)):
        path = Path(unquote(urlparse(href).path))
        if not path.is_file() or not fence.allows(path):
            continue  # the fetcher refuses it, and the error names it
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in _CSS_URL.finditer(text):
            target = match.group(2) or match.group(4)
            if target.startswith("data:"):
                inner = _data_svg_problem(target)
                if inner:
                    line = text.count("\n", 0, match.start()) + 1
                    column = match.start() - text.rfind("\n", 0, match.start())
                    problems.append(Problem(Position(path, line, column), inner))
                continue
            parsed = urlparse(target)
            local = Path(unquote(parsed.path)) if parsed.scheme == "file" else None
            if parsed.scheme in ("", "file") and not parsed.netloc:
                local = local or (path.parent / unquote(parsed.path))
                if fence.allows(local):
                    continue
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - text.rfind("\n", 0, match.start())
            problems.append(
                Problem(
                    Position(path, line, column),
                    f"refused to load '{target}': {ALLOWED_FILES}",
                )
            )
        problems += extreme_lengths(path, text)
    if problems:
        raise ContentError(problems)


def _data_svg_problem(uri: str) -> str | None:
    """What is wrong with an SVG picture given inline as a ``data:`` address in a stylesheet:
    it may not load other files or addresses either (the PDF engine would fetch them)."""
    import base64

    head, _, body = uri.partition(",")
    if "image/svg+xml" not in head:
        return None
    try:
        data = base64.b64decode(body) if head.endswith(";base64") else unquote(body).encode()
        from mi_courseware.images import sanitised_svg

        _, removed = sanitised_svg(data)
    except Exception:
        return "the SVG picture in this data: address cannot be read"
    if removed:
        return (
            f"the SVG picture in this data: address refers to something outside it "
            f"({removed[0]}); pictures may not load other files or addresses"
        )
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
    import tinycss2

    problems: list[Problem] = []

    def walk(tokens: object) -> None:
        for token in tokens or ():  # type: ignore[attr-defined]
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
            for part in ("prelude", "content", "value", "arguments"):
                inner = getattr(token, part, None)
                if isinstance(inner, list):
                    walk(inner)

    walk(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))
    return problems


def data_uri(path: Path | None, allowed: frozenset[Path]) -> str | None:
    """An image file as a ``data:`` URI, if it is one of the document's ``allowed`` files.

    Embedding keeps output independent of where the project sits: WeasyPrint names raster
    images after their URL, so a ``file:`` URI would make PDFs differ between two copies of
    the same project. Any other file keeps its ``file:`` URI, which the fenced fetcher then
    refuses with a clear message.
    """
    if path is None:
        return None
    if not path.is_file() or not Fence(allowed, path).allows(path):
        return path.as_uri()
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
