"""Problems in users' files, and the one exception that carries them to the CLI edge.

Every problem a user can cause is a :class:`Problem` with a file position. Loaders and
checks add problems to a :class:`Problems` collector and keep going, so that one run lists
everything that is wrong; the caller raises :class:`ContentError` once at the end.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Position:
    """A place in a user's file: 1-based line and column.

    A column of 0 names the line alone (``responses.csv:14``: a CSV row, whose cells the
    message names); ``cell`` names a spreadsheet cell instead (``responses.xlsx:Sheet1!D14``),
    with ``line`` and ``column`` its row and column numbers for sorting.
    """

    path: Path
    line: int = 1
    column: int = 1
    cell: str = ""

    def __str__(self) -> str:
        if self.cell:
            return f"{display_path(self.path)}:{self.cell}"
        if self.column == 0:
            return f"{display_path(self.path)}:{self.line}"
        return f"{display_path(self.path)}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in a user's files."""

    position: Position
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.position}: {self.severity}: {self.message}"


@dataclass
class Problems:
    """Collects problems across files so that all of them are reported in one run."""

    items: list[Problem] = field(default_factory=list)

    def error(self, position: Position, message: str) -> None:
        """Record an error at ``position``."""
        self._add(Problem(position, message, "error"))

    def warning(self, position: Position, message: str) -> None:
        """Record a warning at ``position``."""
        self._add(Problem(position, message, "warning"))

    def _add(self, problem: Problem) -> None:
        # no de-duplication: each rule is checked once, so a problem said twice is a double
        # check, which the tests are there to see
        self.items.append(problem)

    def extend(self, other: Iterable[Problem]) -> None:
        """Add problems found elsewhere."""
        self.items.extend(other)

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop a build."""
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems reported but not fatal (fatal with ``--strict``)."""
        return [p for p in self.items if p.severity == "warning"]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_errors(self) -> None:
        """Stop here when any error was recorded."""
        if self.errors:
            raise ContentError(self.items)


class MiCoursewareError(Exception):
    """Base class for every failure a user can cause; caught at the CLI edge."""


class ContentError(MiCoursewareError):
    """One or more problems in the user's files."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.position, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem]]]:
        # so that a worker process can hand the problems back whole
        return (ContentError, (self.problems,))

    @classmethod
    def single(cls, path: Path, message: str, line: int = 1, column: int = 1) -> ContentError:
        """A content error with one problem."""
        return cls([Problem(Position(path, line, column), message)])


class UsageError(MiCoursewareError):
    """A command-line request that cannot be met (exit code 2)."""


def display_path(path: Path) -> str:
    """A path as users should see it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def closest(value: str, choices: Iterable[str]) -> str | None:
    """The valid name ``value`` is most likely a misspelling of, if any is close enough."""
    close = difflib.get_close_matches(value, sorted(set(choices)), n=1, cutoff=0.6)
    return close[0] if close else None


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 certificate``, ``2 certificates`` (``many`` for words that do not just add s)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def check_known(option: str, what: str, value: str | None, known: Iterable[str]) -> None:
    """A name given to a command-line ``option`` is one of ``known``, else a usage error
    (exit 2): ``--theme: unknown theme 'larg-print' (did you mean 'large-print'?)``. Every
    command checks its names here, so each says it the same way."""
    if value is None:
        return
    names = list(known)
    if value not in names:
        raise UsageError(f"{option}: unknown {what} '{value}'{did_you_mean(value, names)}")


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A ``(did you mean 'x'?)`` suffix for a misspelt name, or a list of valid names."""
    options = sorted(set(choices))
    close = closest(value, options)
    if close:
        return f" (did you mean '{close}'?)"
    if not options:
        return ""
    shown = ", ".join(f"'{o}'" for o in options[:8])
    more = ", ..." if len(options) > 8 else ""
    return f" (expected one of {shown}{more})"
