"""Markdown files with an optional YAML front matter block, positions kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_courseware.core.positions import SourceMap
from mi_courseware.errors import Position, Problems
from mi_courseware.loading.yaml_file import load_yaml_text, read_text


@dataclass(frozen=True)
class MarkdownFile:
    """A Markdown document: its front matter data and its body with the body's first line."""

    path: Path
    meta: dict[str, Any]
    source: SourceMap
    body: str
    body_line: int


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split ``---`` fenced front matter from the body: (yaml or None, body, body's line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    return None, text, 1


def load_markdown(path: Path, problems: Problems) -> MarkdownFile | None:
    """Load a Markdown file; its front matter must be a YAML mapping when present."""
    text = read_text(path, problems)
    if text is None:
        return None
    front, body, body_line = split_front_matter(text)
    if front is None and text.splitlines()[:1] == ["---"]:
        problems.error(
            Position(path, 1), "front matter opened with '---' on line 1 is never closed with '---'"
        )
        return None
    if front is None:
        return MarkdownFile(path, {}, SourceMap(path), body, body_line)
    loaded = load_yaml_text(front, path, problems, line_offset=1)
    if loaded is None:
        return None
    data, source = loaded
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(source.position(), "front matter must be a set of 'key: value' lines")
        return None
    return MarkdownFile(path, data, source, body, body_line)
