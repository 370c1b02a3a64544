"""Safe YAML loading that remembers where every key and value came from.

PyYAML's composer gives a node tree with start marks; we turn it into plain Python data
ourselves instead of using a constructor. That way no tag can ever build an object
(``!!python/object`` is reported, not run), and scalars follow YAML 1.2 rules: ``16:30`` stays
the string "16:30" (YAML 1.1 would read it as the sexagesimal number 990), ``no`` stays "no",
and dates stay ISO strings for the model to parse, whether or not the user quoted them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from mi_courseware.core.positions import Loc, SourceMap
from mi_courseware.errors import Position, Problems
from mi_courseware.limits import current, megabytes

#: libyaml's parser when PyYAML was built with it (several times faster); marks are the same.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULL = {"", "~", "null", "Null", "NULL"}
#: Typographic quotes a word processor puts in place of straight ones.
_OPENING = {"\u201c": "\u201d", "\u2018": "\u2019", "\u201e": "\u201d"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


class WrittenInt(int):
    """A whole number that remembers how it was written (``010`` stays "010" as text)."""

    text: str

    def __new__(cls, text: str) -> WrittenInt:
        value = super().__new__(cls, int(text))
        value.text = text
        return value


class WrittenFloat(float):
    """A number that remembers how it was written (``1.10`` stays "1.10" as text)."""

    text: str

    def __new__(cls, text: str) -> WrittenFloat:
        value = super().__new__(cls, float(text))
        value.text = text
        return value


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
        if not node.style and len(text) > 1 and _OPENING.get(text[0]) == text[-1]:
            return text[1:-1]  # curly quotes from a word processor mean what straight ones do
        if tag == f"{_CORE}str" or node.style:  # quoted or block (libyaml: "" when plain)
            return text
        if text in _NULL:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if _INT.match(text):
            return WrittenInt(text)
        if _FLOAT.match(text):
            return WrittenFloat(text)
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
        line, column, message = syntax_problem(exc, text)
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


def syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """Where a YAML syntax error is (1-based line and column) and what to do, in plain words.

    The parser's own wording ("expected <block end>, but found '<scalar>'") means little to
    someone who has never written YAML, and for a missing colon or an unclosed quote it points
    at the line after the mistake; the common mistakes are recognised and put right here.
    """
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return 1, 1, f"YAML cannot read this file: {exc.problem or exc}"
    lines = text.splitlines()

    def line_of(m: Any) -> str:
        return lines[m.line] if m.line < len(lines) else ""

    def at(m: Any, message: str, column: int | None = None) -> tuple[int, int, str]:
        return m.line + 1, (m.column if column is None else column) + 1, message

    here = line_of(mark)
    problem, context = exc.problem or "", exc.context or ""
    start = exc.context_mark
    if here[: mark.column + 1].lstrip(" ").startswith("\t"):
        return at(mark, "a tab character is used for indentation; YAML needs spaces")
    if here[mark.column : mark.column + 1] == "\t":
        return at(mark, "a tab character cannot be used here; YAML needs spaces")
    if "could not find expected ':'" in problem and start is not None:
        key = line_of(start).strip()
        return at(
            start,
            f"'{key}' has no ':' after its key; write 'key: value' (e.g. venue: Town Hall)",
        )
    if "end of stream" in problem and "quoted scalar" in context and start is not None:
        quote = line_of(start)[start.column : start.column + 1] or '"'
        return at(
            start, f"the {quote} that opens this value is never closed; close it with {quote}"
        )
    if "mapping values are not allowed here" in problem:
        first = here.find(": ")
        if 0 <= first < mark.column:
            return at(
                mark,
                "this value contains ': ', which YAML reads as a new key; put the whole value "
                'in quotes, e.g. title: "Change talk: what to listen for"',
            )
        indent = len(here) - len(here.lstrip(" "))
        return at(
            mark,
            "this line is indented further than the key above it, which already has a value; "
            "line it up with the keys it belongs with",
            indent,
        )
    if "expected <block end>" in problem or "did not find expected key" in problem:
        before = here[: mark.column].rstrip()
        if before.endswith("'") and before.count("'") >= 2:
            return at(
                mark,
                "an apostrophe inside single quotes ends the text early; write it twice "
                "('Today''s') or put the whole value in double quotes (\"Today's\")",
            )
        indent = len(here) - len(here.lstrip(" "))
        return at(
            mark,
            "this line does not line up with the lines around it; check its indentation "
            "(keys of the same map, and items of the same list, start in the same column)",
            indent,
        )
    if "expected ',' or ']'" in problem or "expected ',' or '}'" in problem:
        closing = "]" if "]" in problem else "}"
        return at(start or mark, f"a list or map opened here is not closed with '{closing}'")
    if "cannot start any token" in problem:
        char = here[mark.column : mark.column + 1]
        return at(mark, f"a value cannot start with '{char}' unless it is in quotes")
    if "found undefined alias" in problem:
        return at(mark, f"'{here[mark.column :].split()[0]}' names an anchor ('&') never defined")
    wording = f"{problem} {context}".strip() or "invalid YAML"
    return at(mark, f"YAML cannot read this: {wording}".replace("\n", " "))


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
        problems.error(
            Position(path, line),
            "the file is not UTF-8 text (a word processor or Notepad may have saved it in "
            "another encoding); save it again as UTF-8",
        )
    except OSError as exc:
        problems.error(Position(path), f"cannot read file: {exc.strerror}")
    return None


def load_yaml(path: Path, problems: Problems) -> tuple[Any, SourceMap] | None:
    """Load one YAML file with positions; ``None`` when it cannot be read or parsed."""
    text = read_text(path, problems)
    if text is None:
        return None
    return load_yaml_text(text, path, problems)
