"""The rows of a CSV file as people save them: blank rows skipped, every row with its line.

Shared by rosters, coded sessions and evaluation responses, which each make their own sense
of a row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.errors import Position, Problems

if TYPE_CHECKING:
    from _csv import Reader


def data_rows(
    reader: Reader,
    path: Path,
    problems: Problems,
    width: int | None = None,
    column: int = 1,
) -> Iterator[tuple[int, list[str]]]:
    """Each row that is not blank, with its line number. A row the CSV reader cannot read
    is an error and ends the reading; with ``width`` (the header's), a row with text past
    the header's columns is an error and is skipped. ``column`` is the column messages
    name (0: the line only)."""
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.error(Position(path, line, column), f"broken CSV row: {exc}")
            return
        if not any(cell.strip() for cell in row):
            continue
        if width is not None and len(row) > width and any(c.strip() for c in row[width:]):
            problems.error(
                Position(path, line, column),
                f"row has {len(row)} cells but the header names {width} columns",
            )
            continue
        yield line, row
