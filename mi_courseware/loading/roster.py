"""Reading roster CSV files as coordinators save them (Excel, LibreOffice, Google Sheets).

UTF-8 with or without a byte-order mark, UTF-16 ("Unicode text") when it says so, and
Windows-1252 (Excel's plain "CSV") read as such *and reported*: never a silent guess. A name
damaged earlier (UTF-8 read as Windows-1252 and saved again: ``SiÃ¢n``) is an error saying
what it probably was. Header names match whatever their case, spacing, hyphens or
underscores ("E-mail", "Full Name", "ATTENDED", "Day 2"). A booking system's export gives
each name in two columns (``First name`` and ``Last name``, ``Forename`` and ``Surname``...):
they are read as the name, the first then the last (a ``name`` column, when there is one,
wins). Columns a booking system adds (dietary needs, booking reference) are ignored. Either
way one note says so, once, and only to the commands that use the roster (the read phase
keeps a roster's warnings with it: :attr:`RosterTable.notes`). Names are kept exactly as
written. Every problem names its CSV line.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.core.addresses import address_problem, control_character
from mi_courseware.core.people import Participant
from mi_courseware.errors import Position, Problem, Problems, closest
from mi_courseware.loading.csvrows import data_rows

if TYPE_CHECKING:
    from _csv import Reader

COLUMNS = ("name", "email", "organisation", "role", "id", "attended")
_ALIASES = {
    "fullname": "name",
    "participant": "name",
    "participantname": "name",
    "emailaddress": "email",
    "organization": "organisation",
    "employer": "organisation",
    "jobrole": "role",
    "jobtitle": "role",
    "attendance": "attended",
}
#: The two halves of a name as booking systems export them (Eventbrite, Ticket Tailor, Microsoft
#: Bookings, most forms): read together as ``name``.
FIRST, LAST = "first name", "last name"
_HALVES = {
    "firstname": FIRST,
    "forename": FIRST,
    "forenames": FIRST,
    "givenname": FIRST,
    "first": FIRST,
    "lastname": LAST,
    "surname": LAST,
    "familyname": LAST,
    "last": LAST,
}
_YES = {"", "yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def decode_roster(data: bytes, path: Path, problems: Problems) -> str | None:
    """Decode UTF-8 (with or without BOM) or UTF-16 with a BOM; report Windows-1252 from
    Excel, never guess silently."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            problems.error(Position(path), "broken UTF-16 text; save the file as CSV UTF-8")
            return None
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


def read_csv_text(path: Path, problems: Problems, what: str = "file") -> str | None:
    """The text of a CSV file a user keeps (decoded as :func:`decode_roster` does), or
    ``None`` when it cannot be read or is larger than the text limit (reported)."""
    from mi_courseware.limits import current, megabytes

    limit = current().text_bytes
    try:
        if path.stat().st_size > limit:
            problems.error(
                Position(path),
                f"{what} is larger than {megabytes(limit)}; split it, or raise the limit with "
                "--size-limit",
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.error(Position(path), f"cannot read {what}: {exc.strerror}")
        return None
    return decode_roster(data, path, problems)


def column_key(header: str) -> str:
    """The column a header names: case, spaces, hyphens and underscores do not matter."""
    key = re.sub(r"[\s_\-]+", "", header.strip().casefold())
    return _ALIASES.get(key, key)


def day_column(key: str) -> int | None:
    """The course day a column key names (``day2`` -> 2), else ``None``."""
    match = re.fullmatch(r"day0*([1-9]\d{0,2})", key)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class RosterTable:
    """A roster as read, before it is held against a course: its people, and where each
    ``day N`` column is (a course shorter than the roster's days is reported there)."""

    path: Path
    people: tuple[Participant, ...]
    day_columns: dict[int, tuple[Position, str]]
    #: What reading it had to say that is not an error (columns ignored, a name read from two
    #: columns, an encoding): said by the commands that use the roster, once each.
    notes: tuple[Problem, ...] = ()

    def beyond(self, days: int, problems: Problems) -> None:
        """Report each ``day N`` column past a course's ``days``."""
        for day, (position, cell) in sorted(self.day_columns.items()):
            if day > days:
                problems.error(
                    position,
                    f"column '{cell}': the course runs on {days} day{'s' if days != 1 else ''}",
                )


def read_roster_table(path: Path, problems: Problems) -> RosterTable | None:
    """The read phase's reading of a roster (``None`` when it cannot be read at all). Its
    errors go to ``problems`` at once (with its notes, so that they are read together);
    a roster without errors keeps its notes for the commands that use it."""
    reading = Problems()
    found: dict[int, tuple[Position, str]] = {}
    people = read_roster(path, reading, day_columns=found)
    if reading.errors:
        problems.extend(reading)
        return RosterTable(path, tuple(people), found) if people else None
    return RosterTable(path, tuple(people), found, tuple(reading))


def read_roster(
    path: Path,
    problems: Problems,
    days: int | None = None,
    day_columns: dict[int, tuple[Position, str]] | None = None,
) -> list[Participant]:
    """Every participant of a roster; problems are recorded with CSV line numbers.

    ``days`` is how many days the course runs; a ``day N`` column beyond it is an error.
    ``day_columns`` (when given) receives where each ``day N`` column is.
    """
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
    columns = _columns(header, path, problems, days, day_columns)
    if "name" not in columns and not {FIRST, LAST} <= set(columns):
        problems.error(
            Position(path, 1),
            "the roster needs a 'name' column (or 'First name' and 'Last name' columns)",
        )
        return []
    return _rows(reader, columns, path, problems)


def _columns(
    header: list[str],
    path: Path,
    problems: Problems,
    days: int | None,
    day_columns: dict[int, tuple[Position, str]] | None = None,
) -> list[str]:
    """Each header cell's column (``""`` for a blank, repeated or ignored one)."""
    columns: list[str] = []
    seen: dict[str, int] = {}
    ignored: list[str] = []
    halves = {_HALVES.get(column_key(c)) for c in header} - {None}
    named = "name" in {column_key(c) for c in header} or halves != {FIRST, LAST}
    for index, cell in enumerate(header):
        key = column_key(cell)
        position = Position(path, 1, _column_offset(header, index))
        day = day_column(key)
        if not key:
            columns.append("")
            continue
        if key in _HALVES and not named:
            key = _HALVES[key]
        if key not in (*COLUMNS, FIRST, LAST) and day is None:
            halved = key in _HALVES  # beside a name column, which wins
            ignored.append(f"'{cell.strip()}'{'' if halved else _near(key)}")
            key = ""
        elif day is not None and days is not None and day > days:
            problems.error(
                position,
                f"column '{cell.strip()}': the course runs on {days} day{'s' if days != 1 else ''}",
            )
            key = ""
        elif key in seen:
            problems.error(
                position,
                f"column '{cell.strip()}' appears twice (also column {seen[key] + 1}); keep one",
            )
            key = ""
        else:
            seen[key] = index
            if day is not None and day_columns is not None:
                day_columns[day] = (position, cell.strip())
        columns.append(key)
    said = []
    if FIRST in seen and LAST in seen:
        first, last = (header[seen[half]].strip() for half in (FIRST, LAST))
        said.append(f"names read from '{first}' and '{last}'")
    if ignored:
        said.append(
            f"ignored column{'s' if len(ignored) > 1 else ''} {', '.join(ignored)}: "
            f"a roster uses {', '.join(COLUMNS)} and day 1, day 2, ..."
        )
    if said:
        problems.warning(Position(path, 1), "; ".join(said))
    return columns


def _near(key: str) -> str:
    """`` (did you mean 'email'?)`` for a header close to a known column, else nothing."""
    guess = closest(key, COLUMNS)
    return f" (did you mean '{guess}'?)" if guess else ""


def _column_offset(header: list[str], index: int) -> int:
    return sum(len(h) + 1 for h in header[:index]) + 1


def _rows(reader: Reader, columns: list[str], path: Path, problems: Problems) -> list[Participant]:
    people: list[Participant] = []
    seen: dict[str, tuple[int, str]] = {}
    for line, row in data_rows(reader, path, problems, len(columns)):
        values = {c: v for c, v in zip(columns, row, strict=False) if c}
        person = _participant(values, line, path, problems)
        if person is None:
            continue
        if person.identity in seen:
            first, name = seen[person.identity]
            problems.error(
                Position(path, line),
                f"duplicate participant '{person.name}': "
                f"{_same(person)} as '{name}' on line {first}",
            )
            continue
        seen[person.identity] = (line, person.name)
        people.append(person)
    return people


def _same(person: Participant) -> str:
    """What makes two rows the same person."""
    if person.id:
        return f"same id '{person.id}'"
    if person.email:
        return f"same email '{person.email}'"
    return "same name (add an 'id' or 'email' column to tell people with one name apart)"


def _participant(
    values: dict[str, str], line: int, path: Path, problems: Problems
) -> Participant | None:
    name = values.get("name")
    if name is None:  # a booking system's export: the first name, then the last
        name = " ".join(values.get(half, "").strip() for half in (FIRST, LAST)).strip()
    if not name.strip():
        problems.error(Position(path, line), "empty name")
        return None
    if "\n" in name.strip() or "\r" in name.strip():
        problems.error(
            Position(path, line),
            f"name '{' '.join(name.split())}' has a line "
            "break in it; put the whole name on one line",
        )
        return None
    damaged = next((c for c in ("\ufffd", "?") if c in name), None)
    if damaged is not None:
        shown = "'?'" if damaged == "?" else "the replacement character (\ufffd)"
        problems.error(
            Position(path, line),
            f"name '{name.strip()}' has {shown} where a letter was lost (a spreadsheet saved "
            "in an encoding without that letter); correct the name and save the roster as "
            "'CSV UTF-8'",
        )
        return None
    probably = mojibake(name.strip())
    if probably is not None:
        problems.error(
            Position(path, line),
            f"name '{name.strip()}' looks damaged by a wrong encoding (UTF-8 text read as "
            f"Windows-1252): it was probably '{probably}'; correct the name, and save the "
            "roster as 'CSV UTF-8'",
        )
        return None
    control = control_character(name.strip())
    if control is not None:  # it would reach a message's header (send)
        problems.error(
            Position(path, line),
            f"name '{name.strip().encode('unicode_escape').decode()}' has a control "
            f"character ({control}) in it; type the name again",
        )
        return None
    email = (values.get("email") or "").strip() or None
    wrong = address_problem(email) if email else None
    if wrong is not None:
        shown = email.encode("unicode_escape").decode() if email else ""
        problems.error(Position(path, line), f"email '{shown}' {wrong}")
        return None
    attended = _flag(values, "attended", line, path, problems)
    marks: list[tuple[int, bool | None]] = []
    for column in values:
        day = day_column(column)
        if day is not None:
            marks.append((day, _flag(values, column, line, path, problems)))
    if attended is None or any(mark is None for _, mark in marks):
        return None

    def cell(key: str) -> str | None:
        return (values.get(key) or "").strip() or None

    return Participant(
        name=name.strip(),
        email=email,
        organisation=cell("organisation"),
        role=cell("role"),
        id=cell("id"),
        attended=attended,
        row=line,
        marks=tuple(sorted((day, bool(mark)) for day, mark in marks)),
    )


def mojibake(name: str) -> str | None:
    """What ``name`` probably was when it looks like UTF-8 read as Windows-1252 and saved
    again (``SiÃ¢n`` for ``Siân``), else ``None``.

    ftfy decides: it undoes such damage only where the result is far more plausible text
    than the input, so real names with accents (``Siân``, ``Ægir``, ``Łukasz``) pass.
    """
    if name.isascii():
        return None
    import ftfy

    fixed = ftfy.fix_encoding(name)
    return fixed if fixed != name else None


def _flag(
    values: dict[str, str], column: str, line: int, path: Path, problems: Problems
) -> bool | None:
    """A yes/no cell (blank means yes); ``None`` after reporting an unreadable one."""
    flag = values.get(column, "").strip().lower()
    if flag in _YES | _NO:
        return flag not in _NO
    label = f"day {day_column(column)}" if day_column(column) else column
    problems.error(
        Position(path, line),
        f"{label}: '{values[column]}' is not yes/no/true/false/1/0 (blank means yes)",
    )
    return None
