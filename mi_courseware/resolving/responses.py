"""Reading evaluation responses: what the cells of a response file say.

The read phase reads the file, a CSV file or a workbook as online forms export them, into a
table (:mod:`mi_courseware.loading.responses`). Columns are matched to questions by their
words, whatever their case, spacing and punctuation, so a Microsoft Forms or Google Forms
export works as it is: its own columns (Id, Start time, Email, ...) are passed over. Ratings
may be numbers or the scale's words ("Strongly agree"). Every bad cell is a problem at its
place: ``responses.csv:14`` (the message names the column) or
``responses.xlsx:Sheet1!D14``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from mi_courseware.core.evaluation import RANGES, Answer, Question, Response, Responses
from mi_courseware.errors import Position, Problems
from mi_courseware.limits import current
from mi_courseware.loading.responses import ResponseTable, column_letter, short
from mi_courseware.resolving.questions import header_key, header_keys

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
_WHOLE = re.compile(r"[+-]?\d+(\.0*)?")


def _columns(
    table: ResponseTable, path: Path, questions: tuple[Question, ...], problems: Problems
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


def read_responses(
    table: ResponseTable, questions: tuple[Question, ...], words: dict[str, int], problems: Problems
) -> Responses | None:
    """Every response in a response file's ``table``; problems are recorded where they are
    (``None``: none read)."""
    path = table.path
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
            f"'{short(example)}'); make the file with 'mi-courseware evaluation template'",
        )
        return None
    if len(table.rows) > current().response_rows:
        problems.error(
            table.where(table.rows[-1][0], 0),
            f"more than {current().response_rows:,} rows of responses; split the file, or raise "
            "the limit with --size-limit",
        )
        return None
    read: list[tuple[Response, Position]] = []
    for line, cells in table.rows:
        answers = []
        first: Position | None = None
        for index, question in columns.items():
            value = cells[index] if index < len(cells) else None
            answer = _value(value, question, words)
            if isinstance(answer, _Bad):
                problems.error(table.where(line, index), f"{table.name(index)}: {answer.message}")
            elif answer is not None:
                answers.append(Answer(question.id, answer, table.cell(line, index)))
                first = first or table.where(line, index)
        if answers and first is not None:  # a row that answers no question is no response
            read.append((Response(line, tuple(answers)), first))
    read = _without_strays(read, problems)
    if not read:
        problems.error(
            Position(path, 1, 0),
            "no responses: the file has its header row but no answers under it; add the "
            "responses, or remove the file until there are some",
        )
        return None
    return Responses(path, tuple(r for r, _ in read), tuple(q.id for q in columns.values()))


#: Empty rows that part responses from a stray cell (an export never has gaps at all).
STRAY_GAP = 100


def _without_strays(
    read: list[tuple[Response, Position]], problems: Problems
) -> list[tuple[Response, Position]]:
    """The responses, without rows far from all the others: a cell typed by mistake at the
    foot of a sheet (row 1,048,576) is not a response. The rows fall into groups wherever
    more than :data:`STRAY_GAP` empty rows part them; the largest group is read, and each
    other row is a warning at its first answer."""
    groups: list[list[tuple[Response, Position]]] = []
    for item in read:
        if not groups or item[0].row - groups[-1][-1][0].row > STRAY_GAP + 1:
            groups.append([])
        groups[-1].append(item)
    if len(groups) <= 1:
        return read
    kept = max(groups, key=len)
    top, bottom = kept[0][0].row, kept[-1][0].row
    for group in groups:
        if group is kept:
            continue
        for response, where in group:
            side = "below" if response.row > bottom else "above"
            problems.warning(
                where,
                f"row {response.row:,} is far {side} the other responses (rows {top:,} to "
                f"{bottom:,}), so it is taken for a stray cell and not counted as a response; "
                "delete it, or move the response to the others",
            )
    return kept


def _says(char: str) -> bool:
    """Whether a character says something: a letter, digit or symbol (an emoji, too), not
    punctuation, a space or an invisible character."""
    return unicodedata.category(char)[0] in "LNS"


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
        text = str(value).strip()
        return text if any(_says(c) for c in text) else None  # "-" or "." answers nothing
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
        whole = value.strip().partition(".")[0]
        if len(whole.lstrip("+-").lstrip("0")) > 9:  # far out of range ("999...9": no float)
            return _Bad(f"{short(shown, 40)} is not {what}")
        number = int(whole)
    elif isinstance(value, str) and question.kind == "1-5":
        number = words.get(header_key(value))
        if number is None:
            return _Bad(
                f"'{short(shown, 40)}' is not {what} (give a number, or a word of the scale "
                "such as 'Agree')"
            )
    if number is None:
        return _Bad(f"'{short(shown, 40)}' is not {what}")
    if not low <= number <= high:
        return _Bad(f"{short(str(number), 40)} is not {what}")
    return number
