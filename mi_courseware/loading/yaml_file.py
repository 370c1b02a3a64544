"""Safe YAML loading that remembers where every key and value came from.

PyYAML's composer gives a node tree with start marks; we turn it into plain Python data
ourselves instead of using a constructor. That way no tag can ever build an object
(``!!python/object`` is reported, not run), and scalars follow YAML 1.2 rules: ``16:30`` stays
the string "16:30" (YAML 1.1 would read it as the sexagesimal number 990), ``no`` stays "no",
and dates stay ISO strings for the model to parse, whether or not the user quoted them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mi_courseware.errors import Position, Problems
from mi_courseware.limits import current, megabytes

Loc = tuple[str | int, ...]

#: libyaml's parser when PyYAML was built with it (several times faster); marks are the same.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


@dataclass
class SourceMap:
    """Where each value of one loaded file sits, addressed by its path in the data."""

    path: Path
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    line_offset: int = 0

    def position(self, loc: Loc = (), *, key: bool = False) -> Position:
        """The position of the value (or its key) at ``loc``, else of its nearest parent."""
        loc = tuple(loc)
        while True:
            table = self.keys if key and loc in self.keys else self.values
            if loc in table:
                line, column = table[loc]
                return Position(self.path, line + self.line_offset, column)
            if not loc:
                return Position(self.path, 1 + self.line_offset, 1)
            loc = loc[:-1]
            key = False


class _TooLarge(Exception):
    """The file expands to more values than any courseware file needs."""

    def __init__(self, node: yaml.Node) -> None:
        self.node = node


class _TooDeep(Exception):
    """Lists and maps nest more deeply than any courseware file needs."""

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column


def _too_deep(text: str, limit: int) -> _TooDeep | None:
    """Where nesting first passes ``limit``, found from the parser's events (which, unlike
    composing a tree, need no recursion however deep the file goes)."""
    depth = 0
    loader = yaml.SafeLoader if "\t" in text else _LOADER
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limit:
                    mark = event.start_mark
                    return _TooDeep(mark.line + 1, mark.column + 1) if mark else _TooDeep(1, 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


class _Builder:
    """Turns a composed node tree into plain data, recording positions and problems."""

    #: Values one file may expand to; YAML aliases can otherwise grow a small file without
    #: limit ("billion laughs").
    LIMIT = 200_000

    def __init__(self, source: SourceMap, problems: Problems) -> None:
        self.source = source
        self.problems = problems
        self.count = 0

    def _mark(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _pos(self, node: yaml.Node) -> Position:
        line, column = self._mark(node)
        return Position(self.source.path, line + self.source.line_offset, column)

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > self.LIMIT:
            raise _TooLarge(node)
        if len(loc) > current().yaml_depth:
            raise _TooDeep(*self._mark(node))
        self.source.values[loc] = self._mark(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != f"{_CORE}seq":
                return self._bad_tag(node)
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)  # the composer makes no other kind
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> Any:
        if node.tag != f"{_CORE}map":
            return self._bad_tag(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == f"{_CORE}merge":
                self.problems.error(
                    self._pos(key_node), "merge keys ('<<') are not supported; write keys out"
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.error(self._pos(key_node), "a key must be a plain name")
                continue
            key = str(key_node.value)
            if key in result:
                self.problems.error(self._pos(key_node), f"duplicate key '{key}'")
                continue
            self.source.keys[(*loc, key)] = self._mark(key_node)
            result[key] = self.build(value_node, (*loc, key))
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag not in _SCALAR_TAGS:
            return self._bad_tag(node)
        if tag == f"{_CORE}str" or node.style:  # quoted or block (libyaml: "" when plain)
            return text
        if text in _NULL:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            return float(text)
        return text

    def _bad_tag(self, node: yaml.Node) -> None:
        tag = node.tag.replace(_CORE, "!!")
        self.problems.error(
            self._pos(node), f"YAML tag '{tag}' is not allowed; write plain values, lists and maps"
        )
        return None


def _compose(text: str) -> yaml.Node | None:
    """Compose with libyaml; on a syntax error, again with PyYAML for its clearer wording.

    Text with a tab goes to PyYAML directly: libyaml tolerates some tabs that PyYAML reports,
    and the same file must give the same answer on every machine.
    """
    if "\t" in text:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        if _LOADER is yaml.SafeLoader:
            raise
        return yaml.compose(text, Loader=yaml.SafeLoader)


def load_yaml_text(
    text: str, path: Path, problems: Problems, line_offset: int = 0
) -> tuple[Any, SourceMap] | None:
    """Parse YAML text; on a syntax error record it and return ``None``."""
    source = SourceMap(path, line_offset=line_offset)
    depth = current().yaml_depth
    try:
        node = _compose(text)
    except RecursionError:
        found = _too_deep(text, depth) or _TooDeep(1, 1)
        problems.error(Position(path, found.line + line_offset, found.column), _deep(depth))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = _syntax_message(exc, text, mark)
        problems.error(Position(path, line + line_offset, column), message)
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly everything
        problems.error(Position(path, 1 + line_offset, 1), f"invalid YAML: {exc}")
        return None
    if node is None:
        return {}, source
    before = len(problems.errors)
    builder = _Builder(source, problems)
    try:
        data = builder.build(node, ())
    except _TooLarge as exc:
        problems.error(
            builder._pos(exc.node),
            f"the file expands to more than {_Builder.LIMIT:,} values (aliases used too often?)",
        )
        return None
    except _TooDeep as exc:
        problems.error(Position(path, exc.line + line_offset, exc.column), _deep(depth))
        return None
    if len(problems.errors) > before:
        return None
    return data, source


def _deep(limit: int) -> str:
    return (
        f"lists and maps nest more than {limit} levels deep here; no courseware file needs "
        "that many (is a bracket or an indentation wrong?)"
    )


def _syntax_message(exc: yaml.MarkedYAMLError, text: str, mark: Any) -> str:
    if mark is not None:
        # PyYAML's own wording ("found character '\\t' that cannot start any token") does not
        # say what to do; a tab at or before the mark is nearly always the cause
        lines = text.splitlines()
        line = lines[mark.line] if mark.line < len(lines) else ""
        if line[: mark.column + 1].lstrip(" ").startswith("\t"):
            return "a tab character is used for indentation; YAML needs spaces"
        if line[mark.column : mark.column + 1] == "\t":
            return "a tab character cannot be used here; YAML needs spaces"
    problem = exc.problem or "invalid YAML"
    context = f" {exc.context}" if exc.context else ""
    return f"invalid YAML: {problem}{context}".replace("\n", " ")


def read_text(path: Path, problems: Problems) -> str | None:
    """Read a UTF-8 text file within the size limit, recording a problem instead of raising."""
    limit = current().text_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            problems.error(
                Position(path),
                f"the file is {megabytes(size)}, larger than the {megabytes(limit)} one course "
                "file may hold (split it, or raise the limit with --size-limit)",
            )
            return None
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        problems.error(Position(path), "file not found")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        problems.error(Position(path, line), "file is not valid UTF-8 text")
    except OSError as exc:
        problems.error(Position(path), f"cannot read file: {exc.strerror}")
    return None


def load_yaml(path: Path, problems: Problems) -> tuple[Any, SourceMap] | None:
    """Load one YAML file with positions; ``None`` when it cannot be read or parsed."""
    text = read_text(path, problems)
    if text is None:
        return None
    return load_yaml_text(text, path, problems)
