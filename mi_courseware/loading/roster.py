"""Reading roster CSV files as coordinators save them (Excel, LibreOffice, Google Sheets)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.errors import Position, Problems, did_you_mean
from mi_courseware.model.participant import Participant

if TYPE_CHECKING:
    from _csv import Reader

COLUMNS = ("name", "email", "organisation", "role", "id", "attended")
_ALIASES = {"organization": "organisation", "full name": "name", "e-mail": "email"}
_YES = {"", "yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def decode_roster(data: bytes, path: Path, problems: Problems) -> str | None:
    """Decode UTF-8 (with or without BOM); report Windows-1252 from Excel, never guess silently."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # ``exc`` is unbound after the except block, so keep what the messages need
        start = exc.start
    bad = data[start : start + 1]
    line = data[:start].count(b"\n") + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        problems.error(
            Position(path, line),
            f"not UTF-8 or Windows-1252 text (byte 0x{bad.hex()}); save the file as CSV UTF-8",
        )
        return None
    problems.warning(
        Position(path, line),
        "file is not UTF-8; read it as Windows-1252 (Excel's 'CSV' format); "
        "save as 'CSV UTF-8' to be sure names are kept exactly",
    )
    return text


def _column(header: str) -> str:
    key = re.sub(r"\s+", " ", header.strip().lower())
    return _ALIASES.get(key, key)


def read_roster(path: Path, problems: Problems) -> list[Participant]:
    """Every participant of a roster; problems are recorded with CSV line numbers."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.error(Position(path), "roster file not found")
        return []
    except OSError as exc:
        problems.error(Position(path), f"cannot read roster: {exc.strerror}")
        return []
    text = decode_roster(data, path, problems)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.error(Position(path, 1), f"broken CSV: {exc}")
        return []
    if not header or not any(h.strip() for h in header):
        problems.error(Position(path, 1), "empty roster: the first row must name the columns")
        return []
    columns = [_column(h) for h in header]
    for index, name in enumerate(columns):
        if name not in COLUMNS:
            problems.error(
                Position(path, 1, _column_offset(header, index)),
                f"unknown column '{header[index].strip()}'{did_you_mean(name, COLUMNS)}",
            )
    if "name" not in columns:
        problems.error(Position(path, 1), "the roster needs a 'name' column")
        return []
    return _rows(reader, columns, path, problems)


def _column_offset(header: list[str], index: int) -> int:
    return sum(len(h) + 1 for h in header[:index]) + 1


def _rows(
    reader: Reader, columns: list[str], path: Path, problems: Problems
) -> list[Participant]:
    people: list[Participant] = []
    seen: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.error(Position(path, line), f"broken CSV row: {exc}")
            break
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            problems.error(
                Position(path, line),
                f"row has {len(row)} cells but the header names {len(columns)} columns",
            )
            continue
        values = {c: v for c, v in zip(columns, row, strict=False) if c in COLUMNS}
        person = _participant(values, line, path, problems)
        if person is None:
            continue
        if person.identity in seen:
            problems.error(
                Position(path, line),
                f"duplicate participant '{person.name}' (same as line {seen[person.identity]})",
            )
            continue
        seen[person.identity] = line
        people.append(person)
    return people


def _participant(
    values: dict[str, str], line: int, path: Path, problems: Problems
) -> Participant | None:
    name = values.get("name", "")
    if not name.strip():
        problems.error(Position(path, line), "empty name")
        return None
    flag = values.get("attended", "").strip().lower()
    if flag not in _YES | _NO:
        problems.error(
            Position(path, line),
            f"attended: '{values['attended']}' is not yes/no/true/false/1/0 (blank means yes)",
        )
        return None
    optional = {k: (values.get(k) or "").strip() or None for k in ("email", "organisation")}
    optional.update({k: (values.get(k) or "").strip() or None for k in ("role", "id")})
    return Participant(name=name.strip(), attended=flag not in _NO, row=line, **optional)
