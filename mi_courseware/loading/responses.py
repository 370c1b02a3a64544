"""Response files as the read phase finds and reads them: a CSV file, or a workbook as online
forms export them. What the cells mean (which question, which rating) is the evaluation's
to say (:mod:`mi_courseware.resolving.responses`); here a file becomes a table of cells, each
with its place for messages.

CSV is decoded as rosters are (UTF-8 with or without a byte-order mark; Windows-1252 read and
reported). A workbook (``.xlsx``) is read with openpyxl, read-only, first sheet only, after
checks that bound the work a hostile file can cause: it must be a zip whose parts unpack to a
bounded size (XML entities are refused by defusedxml), and only a bounded number of rows and
columns is read.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mi_courseware.errors import Position, Problems
from mi_courseware.limits import current, megabytes
from mi_courseware.loading.csvrows import data_rows
from mi_courseware.loading.records import Record
from mi_courseware.loading.roster import read_csv_text
from mi_courseware.model import Event
from mi_courseware.tables import read_cell

SUFFIXES = (".csv", ".xlsx")
#: The most rows a worksheet can have.
EXCEL_ROWS = 1_048_576


@dataclass
class ResponseTable:
    """A sheet of cells read from either format, and how to name a cell's place."""

    path: Path
    headers: list[str]
    rows: list[tuple[int, list[object]]]
    where: Callable[[int, int], Position]
    #: How a message names column ``index`` ("column D, 'Pace'" in CSV; "'Pace'" in a sheet).
    name: Callable[[int], str]
    cell: Callable[[int, int], str]


#: A kind written after a question's words (as the question list gives them), dropped when a
#: header names a question that way.
_KIND_AFTER = re.compile(r"[\s:(\[\t–—-]*(1\s*[–—-]\s*5|0\s*[–—-]\s*10|text)\s*[)\]]?\s*$")


def header_key(text: str) -> str:
    """What a header says, whatever its case, spacing and punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\W_]+", "", folded)


def header_keys(text: str) -> list[str]:
    """The keys a header may match: its words, and its words without a kind after them."""
    keys = [header_key(text)]
    stripped = _KIND_AFTER.sub("", text)
    if stripped != text and header_key(stripped):
        keys.append(header_key(stripped))
    return keys


def column_letter(index: int) -> str:
    """``A`` for the first column (0), ``AA`` for the 27th."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def short(text: str, size: int = 60) -> str:
    """``text`` on one line, cut to ``size`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def responses_file(
    record: Record[Event],
    root: Path,
    folder: Path,
    readable: Callable[[Path], bool],
    problems: Problems,
) -> Path | None:
    """The event's response file, if it has one: the one its ``evaluations:`` names, or
    ``<folder>/<event>.csv`` or ``.xlsx``. A missing or misplaced one is reported."""
    named = record.model.evaluations
    if named:
        path = record.path.parent / named
        where = record.position("evaluations")
        if not path.resolve().is_relative_to(root.resolve()):
            problems.error(where, f"evaluations '{named}' is outside the project")
        elif path.suffix.lower() not in SUFFIXES:
            problems.error(where, f"evaluations '{named}' is not a .csv or .xlsx file")
        elif not path.is_file():
            problems.error(where, f"evaluations file '{named}' not found")
        else:
            return path
        return None
    return _the_one(folder, record.id, record.id, "response files", readable, problems)


def _the_one(
    folder: Path,
    stem: str,
    event: str,
    what: str,
    readable: Callable[[Path], bool],
    problems: Problems,
) -> Path | None:
    """The one ``<folder>/<stem>.csv`` or ``.xlsx`` there is, if any; two are an error (a
    link out of the project is not counted: check_links reports it)."""
    found = [folder / f"{stem}{s}" for s in SUFFIXES]
    found = [p for p in found if p.is_file() and readable(p)]
    if len(found) > 1:
        problems.error(
            Position(found[1]),
            f"event '{event}' has two {what}, {found[0].name} and {found[1].name}; keep one",
        )
        return None
    return found[0] if found else None


def skills_file(
    ident: str, folder: Path, readable: Callable[[Path], bool], problems: Problems
) -> Path | None:
    """The scores of event ``ident``'s skills measure, if it has them:
    ``<folder>/<event>-skills.csv`` or ``.xlsx`` (two of them are reported)."""
    return _the_one(folder, f"{ident}-skills", ident, "files of skills scores", readable, problems)


def read_table(path: Path, problems: Problems) -> ResponseTable | None:
    """The cells of a response file; ``None`` (and the problem recorded) when unreadable."""
    read = _workbook if path.suffix.lower() == ".xlsx" else _csv
    return read(path, problems)


def _csv(path: Path, problems: Problems) -> ResponseTable | None:
    text = read_csv_text(path, problems, "response file")
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[object]]] = []
    headers: list[str] | None = None
    before = len(problems.errors)
    for line, raw in data_rows(reader, path, problems, column=0):
        row = [read_cell(cell) for cell in raw]  # as the tool wrote it (its template)
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
        return f"column {column_letter(index)}, '{short(headers[index])}'"

    return ResponseTable(
        path,
        headers,
        rows,
        lambda line, index: Position(path, line, 0),
        name,
        lambda line, index: column_letter(index),
    )


def _workbook(path: Path, problems: Problems) -> ResponseTable | None:
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


def _first_sheet(path: Path, book: object, problems: Problems) -> ResponseTable | None:
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

    return ResponseTable(
        path,
        headers,
        rows,
        lambda line, index: Position(path, line, index + 1, cell(line, index)),
        lambda index: f"'{short(headers[index])}'",
        cell,
    )


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
