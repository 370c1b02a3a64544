"""Where a value of a loaded file sits: the map from a path in the data to its line and column.

Loading a YAML file (:mod:`mi_courseware.loading.yaml_file`) makes a :class:`SourceMap`; the
models (:mod:`mi_courseware.model.base`) place each validation error with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mi_courseware.errors import Position

#: A value's path in the data: keys and list indexes, outermost first.
Loc = tuple[str | int, ...]


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
