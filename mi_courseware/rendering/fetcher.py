"""The only way WeasyPrint may load a resource: files under allowed folders, nothing else.

No network address and no file outside the project, its themes and the built-in themes is
ever read into a document. Refusals are collected and raised after rendering as one clear
error naming the file that asked, because WeasyPrint itself only logs a failed fetch.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from mi_courseware.errors import ContentError, Position, Problem


class Fence:
    """Which files a document may read, and which requests were refused."""

    def __init__(self, roots: list[Path], asked_by: Path) -> None:
        self.roots = [r.resolve() for r in roots]
        self.asked_by = asked_by
        self.refused: list[str] = []

    def allows(self, path: Path) -> bool:
        """Whether ``path`` lies inside one of the allowed folders."""
        resolved = path.resolve()
        return any(resolved.is_relative_to(root) for root in self.roots)

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
                    f"refused to load '{url}': only files inside the project, its theme "
                    "and the client folder may be used (nothing from the network)",
                )
                for url in dict.fromkeys(self.refused)
            )


def make_fetcher(fence: Fence) -> Any:
    """A WeasyPrint URL fetcher that serves only what ``fence`` allows."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = fence.local_file(url)
            if path is None:
                raise ValueError(f"refused to load {url}: outside the project")
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
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in _CSS_URL.finditer(text):
            target = match.group(2) or match.group(4)
            if target.startswith("data:"):
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
                    f"refused to load '{target}': stylesheets may only use files inside the "
                    "project, its theme and the client folder (nothing from the network)",
                )
            )
    if problems:
        raise ContentError(problems)


def data_uri(path: Path | None, roots: list[Path]) -> str | None:
    """An image file as a ``data:`` URI, from inside ``roots`` only.

    Embedding keeps output independent of where the project sits: WeasyPrint names raster
    images after their URL, so a ``file:`` URI would make PDFs differ between two copies of
    the same project. A file outside ``roots`` keeps its ``file:`` URI, which the fenced
    fetcher then refuses with a clear message.
    """
    if path is None:
        return None
    if not path.is_file() or not Fence(roots, path).allows(path):
        return path.as_uri()
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
