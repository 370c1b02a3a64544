"""One loaded file: a YAML record or a Markdown document, validated, with its positions.

The lowest layer of loading, shared by the project reader and the readers of coding files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from mi_courseware.core.positions import SourceMap
from mi_courseware.errors import Position, Problems
from mi_courseware.loading.markdown_file import MarkdownFile, load_markdown
from mi_courseware.loading.yaml_file import load_yaml
from mi_courseware.model.base import Model, validate

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Record(Generic[M]):
    """One loaded file: its id, where it is, its validated model and its source positions."""

    id: str
    path: Path
    model: M
    source: SourceMap

    def position(self, *loc: str | int, key: bool = False) -> Position:
        """Where the value at ``loc`` is written in this file."""
        return self.source.position(loc, key=key)


@dataclass(frozen=True)
class Document(Generic[M]):
    """A Markdown file with validated front matter."""

    id: str
    path: Path
    meta: M
    file: MarkdownFile

    @property
    def body(self) -> str:
        """The Markdown below the front matter."""
        return self.file.body


def load_record(path: Path, model: type[M], ident: str, problems: Problems) -> Record[M] | None:
    """Load and validate one YAML file."""
    record, partial = load_partial(path, model, ident, problems)
    return None if partial else record


def load_partial(
    path: Path, model: type[M], ident: str, problems: Problems
) -> tuple[Record[M] | None, bool]:
    """Load and validate one YAML file; and whether what is given back is only part of it.
    A file whose errors all lie in keys that may be left out is given back without them
    (its errors reported), so that the checks of its other keys can be made in the same
    run: a bad colour does not hide a missing logo."""
    loaded = load_yaml(path, problems)
    if loaded is None:
        return None, False
    data, source = loaded
    before = len(problems.errors)
    value = validate(model, data, source, problems, partial=True)
    record = None if value is None else Record(ident, path, value, source)
    return record, len(problems.errors) > before


def load_document(path: Path, meta: type[M], problems: Problems) -> Document[M] | None:
    """Load one Markdown file and validate its front matter."""
    file = load_markdown(path, problems)
    if file is None:
        return None
    value = validate(meta, file.meta, file.source, problems)
    if value is None:
        return None
    return Document(path.stem, path, value, file)
