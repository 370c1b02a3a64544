"""What one build target reads, as plain data: the ids of its files, by kind.

Made by :func:`mi_courseware.loading.scope.target_scope`; the read phase and the checks
consult it. No scope means the whole project (``validate``, or a build of every event).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Scope:
    """The ids, by kind (``courses``, ``modules``...), of the files a build target reads."""

    ids: dict[str, frozenset[str]]

    def has(self, kind: str, ident: str) -> bool:
        """Whether the target reads the file of ``kind`` with ``ident``."""
        return ident in self.ids.get(kind, frozenset())


def within(scope: Scope | None, kind: str, ident: str) -> bool:
    """Whether a check or a read of this file is wanted (always, with no scope)."""
    return scope is None or scope.has(kind, ident)


def in_scope(scope: Scope | None, kind: str, table: dict[str, T]) -> list[T]:
    """The entries of ``table`` (files of ``kind``, by id) a build target reads: all of them
    when the whole project is checked (``validate``, or a build of every event)."""
    return [item for ident, item in table.items() if within(scope, kind, ident)]
