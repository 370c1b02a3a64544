"""The only way WeasyPrint may load a resource: the document's own list of files, nothing else.

Each document may read exactly the files :mod:`mi_courseware.loading.allowed` lists for it
(its theme's stylesheets, fonts and pictures, its client's, the pictures its text shows):
no network address, no other file of the project, nothing outside it. Refusals are collected
and raised after rendering as one clear error naming the file that asked, because WeasyPrint
itself only logs a failed fetch.
"""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

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


def fence_stylesheets(document: Any, base: Path, fence: Fence) -> None:
    """Point at the stylesheet line that asks for a resource outside the fence, before rendering.

    ``document`` is the document's parsed HTML (lxml), ``base`` the folder its relative
    addresses start from. Every stylesheet it links, and every one those import, is read as
    CSS tokens (:mod:`mi_courseware.loading.stylesheets`) and each ``url()`` and ``@import``
    is held to the fence. The fetcher refuses such requests anyway; this finds *which file*
    asked, so the message can name it with its line and column.

    A security check, so it runs here, at render time, not once in the check phase: which
    stylesheets a document links is known only once its templates have run (a client's
    template may link any stylesheet on the document's list), and each document has its own
    list of files (its theme's and client's, the pictures its text shows). The sizes in a
    stylesheet are not checked here: the check phase checks every stylesheet a document can
    link, once (:func:`mi_courseware.checks.check_stylesheets`).
    """
    from mi_courseware.loading.stylesheets import parse, references

    problems: list[Problem] = []
    start = base.as_uri() + "/"
    waiting = [
        _linked(urljoin(start, element.get("href", "")))
        for element in document.iter("link")
        if "stylesheet" in (element.get("rel") or "").lower().split()
    ]
    seen: set[Path] = set()  # resolved: stylesheets that import each other are read once
    while waiting:
        path = waiting.pop(0)
        if path is None or not fence.allows(path) or not path.is_file():
            continue  # the fetcher refuses it, and the error names it
        if path.resolve() in seen:
            continue
        seen.add(path.resolve())
        text = path.read_text(encoding="utf-8", errors="replace")
        for found in references(parse(text)):
            where = Position(path, found.line, found.column)
            if found.target.startswith("data:"):
                inner = _data_svg_problem(found.target)
                if inner:
                    problems.append(Problem(where, inner))
                continue
            local = _local(found.target, path)
            if local is not None and fence.allows(local):
                if found.imported:
                    waiting.append(local)
                continue
            problems.append(Problem(where, f"refused to load '{found.target}': {ALLOWED_FILES}"))
    if problems:
        raise ContentError(problems)


def _linked(href: str) -> Path | None:
    """The local file a linked stylesheet's (absolute) address names, else ``None``."""
    parsed = urlparse(href)
    if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
        return Path(unquote(parsed.path))
    return None


def _local(target: str, stylesheet: Path) -> Path | None:
    """The local file an address in ``stylesheet`` names (relative to it), else ``None``."""
    parsed = urlparse(target)
    if parsed.scheme not in ("", "file") or parsed.netloc:
        return None
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    return stylesheet.parent / unquote(parsed.path)


def _data_svg_problem(uri: str) -> str | None:
    """What is wrong with an SVG picture given inline as a ``data:`` address in a stylesheet:
    it may not load other files or addresses either (the PDF engine would fetch them)."""
    head, _, body = uri.partition(",")
    if "image/svg+xml" not in head:
        return None
    try:
        data = base64.b64decode(body) if head.endswith(";base64") else unquote(body).encode()
        from mi_courseware.loading.images import sanitised_svg

        _, removed = sanitised_svg(data)
    except Exception:
        return "the SVG picture in this data: address cannot be read"
    if removed:
        return (
            f"the SVG picture in this data: address refers to something outside it "
            f"({removed[0]}); pictures may not load other files or addresses"
        )
    return None


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
