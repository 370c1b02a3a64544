"""Reading a coded session's CSV: one row per utterance, every bad row or value located.

The file is decoded as rosters are (UTF-8 with or without BOM, UTF-16, Windows-1252 reported)
and header names match whatever their case or spacing. Each problem names its CSV line.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from mi_courseware.errors import Position, Problems, did_you_mean
from mi_courseware.loading.coded import Utterance
from mi_courseware.loading.csvrows import data_rows
from mi_courseware.loading.roster import column_key, read_csv_text
from mi_courseware.model.scale import CLIENT_CODES, Scale

COLUMNS = ("speaker", "code", "text", "time", "volley")
_ALIASES = {
    "codes": "code",
    "behaviour": "code",
    "behavior": "code",
    "utterance": "text",
    "transcript": "text",
    "timestamp": "time",
    "who": "speaker",
}
#: How a speaker may be written (spaces, case and hyphens aside), and who that is.
SPEAKERS = {
    "practitioner": "practitioner",
    "therapist": "practitioner",
    "worker": "practitioner",
    "socialworker": "practitioner",
    "client": "client",
}
_TIME = re.compile(r"^(\d{1,2}:)?[0-5]?\d:[0-5]\d$")


def read_utterances(
    path: Path, scale: tuple[str, Scale] | None, problems: Problems
) -> tuple[tuple[Utterance, ...], bool] | None:
    """The utterances of ``path`` and whether it has a ``volley`` column; ``None`` after any
    problem. Practitioners' codes are checked against ``scale`` (id, scale) when known."""
    text = read_csv_text(path, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.error(Position(path, 1), f"broken CSV: {exc}")
        return None
    if not header or not any(h.strip() for h in header):
        problems.error(Position(path, 1), "empty file: the first row must name the columns")
        return None
    columns = _columns(header, path, problems)
    missing = [c for c in ("speaker", "code") if c not in columns]
    if missing:
        names = " and ".join(f"'{c}'" for c in missing)
        problems.error(Position(path, 1), f"the CSV needs a {names} column")
        return None
    before = len(problems.errors)
    rows: list[Utterance] = []
    for line, row in data_rows(reader, path, problems, len(columns)):
        values = {c: v.strip() for c, v in zip(columns, row, strict=False) if c}
        utterance = _utterance(values, "volley" in columns, scale, Position(path, line), problems)
        if utterance is not None:
            rows.append(utterance)
    if len(problems.errors) > before:
        return None
    if not rows:
        problems.error(
            Position(path, 2),
            "no utterances below the header (for counts tallied on paper, leave out the CSV "
            "and give 'counts:' in the YAML)",
        )
        return None
    return tuple(rows), "volley" in columns


def _columns(header: list[str], path: Path, problems: Problems) -> list[str]:
    columns: list[str] = []
    for index, cell in enumerate(header):
        key = column_key(cell)
        key = _ALIASES.get(key, key)
        column = sum(len(h) + 1 for h in header[:index]) + 1
        if not key:
            columns.append("")
        elif key not in COLUMNS:
            problems.error(
                Position(path, 1, column),
                f"unknown column '{cell.strip()}'{did_you_mean(key, COLUMNS)}",
            )
            columns.append("")
        elif key in columns:
            problems.error(Position(path, 1, column), f"column '{cell.strip()}' appears twice")
            columns.append("")
        else:
            columns.append(key)
    return columns


def _utterance(
    values: dict[str, str],
    volley_column: bool,
    scale: tuple[str, Scale] | None,
    where: Position,
    problems: Problems,
) -> Utterance | None:
    written = values.get("speaker", "")
    speaker = SPEAKERS.get(re.sub(r"[\s_\-]+", "", written.casefold()))
    if not written:
        problems.error(where, "speaker is blank: write 'practitioner' or 'client'")
        return None
    if speaker is None:
        problems.error(
            where,
            f"unknown speaker '{written}'"
            f"{did_you_mean(written.casefold(), ['practitioner', 'client'])}",
        )
        return None
    codes = _codes(values.get("code", ""), speaker, scale, where, problems)
    if codes is None:
        return None
    moment = values.get("time", "")
    if moment and not _TIME.match(moment):
        problems.error(where, f"time '{moment}' is not MM:SS or H:MM:SS")
        return None
    volley = values.get("volley") or None
    if volley_column and speaker == "practitioner" and volley is None:
        problems.error(
            where,
            "volley is blank: give every practitioner row its volley, or leave the volley "
            "column out (then each run of practitioner rows is one volley)",
        )
        return None
    return Utterance(where.line, speaker, codes, volley, moment or None, values.get("text") or None)


def _codes(
    cell: str, speaker: str, scale: tuple[str, Scale] | None, where: Position, problems: Problems
) -> tuple[str, ...] | None:
    """The codes of one cell (``SR+Q``), checked for the speaker; ``None`` after a problem."""
    if not cell:
        return ()
    codes = tuple(part.strip().upper() for part in cell.split("+"))
    if "" in codes:
        problems.error(where, f"code '{cell}' has an empty part; join codes with '+', e.g. SR+Q")
        return None
    known = [c.code for c in scale[1].codes] if scale else []
    for code in codes:
        if speaker == "client":
            if code not in CLIENT_CODES:
                reason = (
                    " is a practitioner's code, but the speaker is the client"
                    if code in known
                    else f" is not a client code{did_you_mean(code, CLIENT_CODES)}"
                )
                problems.error(where, f"'{code}'{reason}")
                return None
        elif code in CLIENT_CODES:
            problems.error(where, f"'{code}' is a client code, but the speaker is the practitioner")
            return None
        elif scale is not None and code not in known:
            problems.error(
                where, f"unknown code '{code}' in scale '{scale[0]}'{did_you_mean(code, known)}"
            )
            return None
    if speaker == "client" and len(codes) > 1:
        problems.error(where, f"a client's utterance takes one code (got '{cell}')")
        return None
    return codes
