"""Reading evaluation responses: a CSV file, or a workbook as online forms export them.

CSV is decoded as rosters are (UTF-8 with or without a byte-order mark; Windows-1252 read and
reported). A workbook (``.xlsx``) is read with openpyxl, read-only, first sheet only, after
checks that bound the work a hostile file can cause: it must be a zip whose parts unpack to a
bounded size (XML entities are refused by defusedxml), and only a bounded number of rows and
columns is read. Columns are matched to questions by their words, whatever their case,
spacing and punctuation, so a Microsoft Forms or Google Forms export works as it is: its own
columns (Id, Start time, Email, ...) are passed over. Ratings may be numbers or the scale's
words ("Strongly agree"). Every bad cell is a problem at its place: ``responses.csv:14`` (the
message names the column) or ``responses.xlsx:Sheet1!D14``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from mi_courseware.errors import Position, Problems
from mi_courseware.evaluation.data import RANGES, Answer, Question, Response, Responses
from mi_courseware.evaluation.questions import header_key, header_keys
from mi_courseware.limits import current, megabytes
from mi_courseware.loading.csvrows import data_rows
from mi_courseware.loading.roster import read_csv_text

SUFFIXES = (".csv", ".xlsx")
#: Columns that online forms add to their exports (folded as headers are): never questions.
FORM_COLUMNS = frozenset(
    header_key(h)
    for h in (
        "Id",
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Email address",
        "Name",
        "Last modified time",
        "Timestamp",
        "Total points",
        "Score",
        "Quiz feedback",
        "Respondent",
        "Response ID",
    )
)
#: The most rows a worksheet can have.
EXCEL_ROWS = 1_048_576
_WHOLE = re.compile(r"[+-]?\d+(\.0*)?")


@dataclass
class _Table:
    """A sheet of cells read from either format, and how to name a cell's place."""

    headers: list[str]
    rows: list[tuple[int, list[object]]]
    where: Callable[[int, int], Position]
    #: How a message names column ``index`` ("column D, 'Pace'" in CSV; "'Pace'" in a sheet).
    name: Callable[[int], str]
    cell: Callable[[int, int], str]


def column_letter(index: int) -> str:
    """``A`` for the first column (0), ``AA`` for the 27th."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_responses(
    path: Path, questions: tuple[Question, ...], words: dict[str, int], problems: Problems
) -> Responses | None:
    """Every response in ``path``; problems are recorded where they are (``None``: none read)."""
    read = _workbook if path.suffix.lower() == ".xlsx" else _csv
    table = read(path, problems)
    if table is None:
        return None
    return _responses(path, table, questions, words, problems)


def _csv(path: Path, problems: Problems) -> _Table | None:
    text = read_csv_text(path, problems, "response file")
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[object]]] = []
    headers: list[str] | None = None
    before = len(problems.errors)
    for line, row in data_rows(reader, path, problems, column=0):
        if headers is None:
            headers = row
        else:
            rows.append((line, list(row)))
        if len(rows) > current().response_rows:
            break
    if len(problems.errors) > before:
        return None
    if headers is None:
        headers = []

    def name(index: int) -> str:
        return f"column {column_letter(index)}, '{_short(headers[index])}'"

    return _Table(
        headers,
        rows,
        lambda line, index: Position(path, line, 0),
        name,
        lambda line, index: column_letter(index),
    )


def _workbook(path: Path, problems: Problems) -> _Table | None:
    limits = current()
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            unpacked = sum(part.file_size for part in parts)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        problems.error(
            Position(path),
            f"not an Excel workbook (.xlsx): {exc}; save the responses as .xlsx or CSV UTF-8",
        )
        return None
    if unpacked > limits.workbook_bytes or len(parts) > 10_000:
        problems.error(
            Position(path),
            f"the workbook unpacks to {megabytes(unpacked)} in {len(parts)} parts, more than "
            f"the {megabytes(limits.workbook_bytes)} allowed; save the responses alone, or "
            "raise the limit with --size-limit",
        )
        return None
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken file; all are the file's
        problems.error(Position(path), f"cannot read this workbook: {_reason(exc)}")
        return None
    try:
        return _first_sheet(path, book, problems)
    except Exception as exc:  # the same while its sheet is read row by row
        problems.error(Position(path), f"cannot read this workbook's first sheet: {_reason(exc)}")
        return None
    finally:
        book.close()


def _first_sheet(path: Path, book: object, problems: Problems) -> _Table | None:
    limits = current()
    sheets = getattr(book, "worksheets", [])
    if not sheets:
        problems.error(Position(path), "the workbook has no worksheet")
        return None
    sheet = sheets[0]
    title = str(sheet.title)
    first = next(
        sheet.iter_rows(min_row=1, max_row=1, max_col=limits.sheet_columns, values_only=True), ()
    )
    headers = ["" if v is None else str(v) for v in first]
    while headers and not headers[-1].strip():
        headers.pop()
    # every row to the format's last (a sheet's own idea of its size may be wrong), only the
    # columns the header names; empty rows cost little and are not kept
    cells = sheet.iter_rows(
        min_row=2, max_row=EXCEL_ROWS, max_col=max(len(headers), 1), values_only=True
    )
    rows: list[tuple[int, list[object]]] = []
    for number, values in enumerate(cells, start=2):
        if values.count(None) == len(values):
            continue
        if any(v is not None and str(v).strip() for v in values):
            rows.append((number, list(values)))
            if len(rows) > limits.response_rows:
                break

    def cell(line: int, index: int) -> str:
        return f"{title}!{column_letter(index)}{line}"

    return _Table(
        headers,
        rows,
        lambda line, index: Position(path, line, index + 1, cell(line, index)),
        lambda index: f"'{_short(headers[index])}'",
        cell,
    )


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _short(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _columns(
    table: _Table, path: Path, questions: tuple[Question, ...], problems: Problems
) -> dict[int, Question]:
    """Which question each column answers; unknown and repeated columns are reported."""
    by_key = {key: q for q in questions for key in q.keys}
    found: dict[int, Question] = {}
    seen: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        keys = header_keys(header)
        if not keys[0] or keys[0] in FORM_COLUMNS:
            continue
        question = next((by_key[k] for k in keys if k in by_key), None)
        where = table.where(1, index)
        if question is None:
            problems.warning(
                where,
                f"{table.name(index)} is not a question of this course's evaluation form; "
                "its answers are not read",
            )
            continue
        if question.id in seen:
            problems.error(
                where,
                f"{table.name(index)} asks the same question as column "
                f"{column_letter(seen[question.id])}; keep one",
            )
            continue
        seen[question.id] = index
        found[index] = question
    return found


def _responses(
    path: Path,
    table: _Table,
    questions: tuple[Question, ...],
    words: dict[str, int],
    problems: Problems,
) -> Responses | None:
    if not any(h.strip() for h in table.headers):
        problems.error(
            Position(path, 1, 0),
            "no header row: the first row must name the questions (make the file with "
            "'mi-courseware evaluation template')",
        )
        return None
    columns = _columns(table, path, questions, problems)
    if not columns:
        example = next(q.text for q in questions if q.kind != "text")
        problems.error(
            Position(path, 1, 0),
            f"no column names a question of this course's evaluation form (such as "
            f"'{_short(example)}'); make the file with 'mi-courseware evaluation template'",
        )
        return None
    if len(table.rows) > current().response_rows:
        problems.error(
            table.where(table.rows[-1][0], 0),
            f"more than {current().response_rows:,} rows of responses; split the file, or raise "
            "the limit with --size-limit",
        )
        return None
    read: list[Response] = []
    for line, cells in table.rows:
        answers = []
        for index, question in columns.items():
            value = cells[index] if index < len(cells) else None
            answer = _value(value, question, words)
            if isinstance(answer, _Bad):
                problems.error(table.where(line, index), f"{table.name(index)}: {answer.message}")
            elif answer is not None:
                answers.append(Answer(question.id, answer, table.cell(line, index)))
        if answers:
            read.append(Response(line, tuple(answers)))
    if not read:
        problems.error(
            Position(path, 1, 0),
            "no responses: the file has its header row but no answers under it; add the "
            "responses, or remove the file until there are some",
        )
        return None
    return Responses(path, tuple(read), tuple(q.id for q in columns.values()))


@dataclass(frozen=True)
class _Bad:
    message: str


def _value(value: object, question: Question, words: dict[str, int]) -> int | str | _Bad | None:
    """A cell's answer to ``question``: a number in range, text, ``None`` when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if question.kind == "text":
        if isinstance(value, datetime | date):
            return value.isoformat()
        return str(value).strip()
    low, high = RANGES[question.kind]
    what = "a rating from 1 to 5" if question.kind == "1-5" else "a score from 0 to 10"
    number: int | None = None
    shown = " ".join(str(value).split())
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, float):
        return _Bad(f"{shown} is not {what} (a whole number)")
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        number = int(float(value.strip()))
    elif isinstance(value, str) and question.kind == "1-5":
        number = words.get(header_key(value))
        if number is None:
            return _Bad(
                f"'{_short(shown, 40)}' is not {what} (give a number, or a word of the scale "
                "such as 'Agree')"
            )
    if number is None:
        return _Bad(f"'{_short(shown, 40)}' is not {what}")
    if not low <= number <= high:
        return _Bad(f"{number} is not {what}")
    return number
