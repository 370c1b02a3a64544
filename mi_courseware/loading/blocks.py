"""The MI content blocks authors write inside Markdown (``::: exercise minutes=10``).

One vocabulary for every output: the pack renders these blocks as HTML, the deck as native
shapes, and ``validate`` checks them here, without importing a Markdown parser.
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mi_courseware.errors import Position, Problems, did_you_mean
from mi_courseware.limits import current

DIAGRAMS = ("cycle-of-change", "decisional-balance", "ruler")
#: Slide layouts an author may state with ``::: layout NAME`` (otherwise the content decides).
LAYOUTS = ("bullets", "quote", "exercise", "diagram", "columns", "table", "image")
GROUPINGS = ("individual", "pairs", "triads", "small groups", "whole group")
#: What an exercise practises: ``rehearsal`` (saying the skills out loud: drills, practice
#: conversations) and ``real-play`` (a full practice conversation about something real) are
#: spoken skills practice; ``discussion`` (talking it through, coding a transcript together)
#: and ``reflection`` (thinking or writing on one's own) are not.
EXERCISE_KINDS = ("rehearsal", "real-play", "discussion", "reflection")
#: The kinds that count as spoken skills practice in a course's rehearsal share.
SPOKEN = ("rehearsal", "real-play")

#: Block name -> {option: type}. ``diagram`` also takes the diagram's name first.
BLOCKS: dict[str, dict[str, type]] = {
    "notes": {},
    "answers": {},
    "exercise": {"minutes": int, "grouping": str, "title": str, "kind": str},
    # the minutes a section of a session takes besides its exercises (its running order)
    "timing": {"minutes": int},
    "diagram": {"label": str},
    "columns": {},
    "lines": {"n": int, "label": str},
    "box": {"label": str, "height": int},
    "layout": {},
}

_FENCE = re.compile(r"^\s{0,3}(:{3,})\s*(.*?)\s*$")


@dataclass(frozen=True)
class BlockInfo:
    """A parsed block opening line: ``::: diagram ruler label="Importance"``."""

    name: str
    argument: str | None
    options: dict[str, str | int]


def block_names(text: str) -> set[str]:
    """The names of the blocks a Markdown text opens (``exercise``, ``answers``...), for
    wording that names what a course holds."""
    names = set()
    for line in text.splitlines():
        match = _FENCE.match(line)
        if match and match.group(2):
            names.add(match.group(2).split()[0])
    return names


#: Text with no quote and no backslash: what ``shlex.split`` would make of it is a split at
#: its whitespace (and nothing else), done here without its character-by-character reader.
_UNQUOTED = re.compile(r"[^'\"\\]*")
_SHELL_SPACE = re.compile(r"[ \t\r\n]+")


@functools.lru_cache(maxsize=4096)  # the checks and each output read the same blocks again
def split_words(info: str) -> tuple[str, ...]:
    """``shlex.split(info)``, quickly for the usual text with nothing quoted."""
    if _UNQUOTED.fullmatch(info):
        return tuple(word for word in _SHELL_SPACE.split(info) if word)
    return tuple(shlex.split(info))


def parse_info(info: str) -> BlockInfo:
    """Parse the text after ``:::``; raises ``ValueError`` with a message for authors."""
    try:
        words = split_words(info)
    except ValueError as exc:
        raise ValueError(f"cannot read block options '{info}': {exc}") from None
    if not words:
        raise ValueError("a block needs a name after ':::'")
    name, rest = words[0], words[1:]
    if name not in BLOCKS:
        raise ValueError(f"unknown block '{name}'{did_you_mean(name, BLOCKS)}")
    argument = None
    if name == "layout":
        if not rest:
            raise ValueError(f"layout needs a name: one of {', '.join(LAYOUTS)}")
        if rest[0] not in LAYOUTS:
            raise ValueError(f"unknown slide layout '{rest[0]}'{did_you_mean(rest[0], LAYOUTS)}")
        argument, rest = rest[0], rest[1:]
    if name == "diagram":
        if not rest or "=" in rest[0]:
            raise ValueError(f"diagram needs a name: one of {', '.join(DIAGRAMS)}")
        argument, rest = rest[0], rest[1:]
        if argument not in DIAGRAMS:
            raise ValueError(f"unknown diagram '{argument}'{did_you_mean(argument, DIAGRAMS)}")
    return BlockInfo(name, argument, _options(name, rest))


def _options(name: str, words: Sequence[str]) -> dict[str, str | int]:
    allowed = BLOCKS[name]
    options: dict[str, str | int] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep:
            raise ValueError(f"'{word}' in a {name} block: write options as key=value")
        if key not in allowed:
            hint = did_you_mean(key, allowed) if allowed else " (this block takes no options)"
            raise ValueError(f"unknown option '{key}' for {name}{hint}")
        if allowed[key] is int:
            if not value.isdigit() or int(value) <= 0:
                raise ValueError(f"{name} option {key}={value}: expected a whole number")
            options[key] = int(value)
        else:
            options[key] = value
    grouping = options.get("grouping")
    if isinstance(grouping, str) and grouping not in GROUPINGS:
        raise ValueError(f"unknown grouping '{grouping}'{did_you_mean(grouping, GROUPINGS)}")
    kind = options.get("kind")
    if isinstance(kind, str) and kind not in EXERCISE_KINDS:
        raise ValueError(f"unknown exercise kind '{kind}'{did_you_mean(kind, EXERCISE_KINDS)}")
    if name == "timing" and "minutes" not in options:
        raise ValueError("timing needs minutes=N: the minutes this section takes")
    height = options.get("height")
    if isinstance(height, int) and height < 25:
        raise ValueError(f"box height={height}: answer boxes need at least 25 mm to write in")
    _within_limits(name, options)
    return options


def _within_limits(name: str, options: dict[str, str | int]) -> None:
    """Refuse sizes far past any page (``lines n=1000000`` would keep the PDF engine busy
    for minutes laying out empty lines)."""
    limits = current()
    bounds = {("lines", "n"): limits.writing_lines, ("box", "height"): limits.box_millimetres}
    for (block, key), most in bounds.items():
        value = options.get(key)
        if name == block and isinstance(value, int) and value > most:
            unit = " mm" if key == "height" else " lines"
            raise ValueError(
                f"{name} option {key}={value}: one block may have at most {most:,}{unit} "
                "(several pages); split it, or raise the limit with --size-limit"
            )


def check_markdown(text: str, path: Path, first_line: int, problems: Problems) -> None:
    """Check every block opening and closing in a Markdown text, and that the text stays
    within the limits (lines, table rows, nesting) that keep rendering it quick."""
    limits = current()
    lines = text.splitlines()
    if len(lines) > limits.text_lines:
        problems.error(
            Position(path, first_line + limits.text_lines),
            f"the text has {len(lines):,} lines; at most {limits.text_lines:,} fit in one "
            "module, handout or page (split it, or raise the limit with --size-limit)",
        )
        return
    stack: list[tuple[int, int, str]] = []  # (fence length, line, name)
    in_code = False
    table_start, table_rows, deep_reported = 0, 0, False
    for offset, line in enumerate(lines):
        number = first_line + offset
        if line.lstrip().startswith("|"):
            table_start, table_rows = (table_start or number), table_rows + 1
            if table_rows == limits.table_rows + 1:
                problems.error(
                    Position(path, table_start),
                    f"this table has more than {limits.table_rows:,} rows; split it (or raise "
                    "the limit with --size-limit)",
                )
        else:
            table_start, table_rows = 0, 0
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
        if in_code:
            continue
        match = _FENCE.match(line)
        if not match:
            continue
        fence, info = match.groups()
        if not info:
            if stack:
                stack.pop()
            else:
                problems.error(Position(path, number), "':::' closes a block that was never opened")
            continue
        column = line.index(":") + len(fence) + 2
        try:
            block = parse_info(info)
        except ValueError as exc:
            problems.error(Position(path, number, column), str(exc))
            stack.append((len(fence), number, "?"))
            continue
        stack.append((len(fence), number, block.name))
        if len(stack) > limits.block_depth and not deep_reported:
            deep_reported = True
            problems.error(
                Position(path, number),
                f"blocks nest more than {limits.block_depth} deep here (':::' inside ':::'); "
                "is a closing ':::' missing?",
            )
    if deep_reported:
        return
    for _, number, name in stack:
        problems.error(Position(path, number), f"block '{name}' is not closed with ':::'")
