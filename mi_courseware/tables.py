"""CSV for spreadsheets: the one writer of every CSV file the tool makes, and its reader's undo.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is read by
Excel, LibreOffice and Google Sheets as a formula ("CSV injection"): a roster name such as
``=HYPERLINK(...)`` would run when a coordinator opens an export. The rule, for every cell
(headers too):

- such a cell gets a leading apostrophe (``'=HYPERLINK(...)``), which spreadsheets keep as
  text and never run;
- except a cell made only of digits, spaces and ``+ - . , ( ) / %``, with at least one digit:
  numbers (``-1.5``), dates and phone numbers (``+44 20 7946 0000``) stay as written, because
  with no letter, ``=`` or ``@`` in it there is no function or cell for a spreadsheet to run;
- a cell that is already an apostrophe before such text gets one more.

What the tool writes it reads back unchanged: :func:`read_cell` removes exactly the
apostrophe :func:`safe_cell` added (the evaluation template goes out through the writer and
comes back through the response reader).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

#: Cells starting with one of these are read as formulas by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Numbers, dates and phone numbers: nothing in them a spreadsheet could run.
_PLAIN = re.compile(r"[0-9 +\-.,()/%]*[0-9][0-9 +\-.,()/%]*")


def safe_cell(value: object) -> str:
    """A cell that spreadsheets show as text, never run as a formula (see the module notes)."""
    text = "" if value is None else str(value)
    return "'" + text if _escaped(text) else text


def _escaped(text: str) -> bool:
    """Whether ``text`` gets an apostrophe: it would run as a formula, or it is an apostrophe
    before such text already (one more, so that :func:`read_cell` gives it back exactly)."""
    rest = text.lstrip("'")
    return rest.startswith(FORMULA_START) and not _PLAIN.fullmatch(rest)


def read_cell(text: str) -> str:
    """A cell as the tool wrote it before :func:`safe_cell` (its apostrophe removed)."""
    if text.startswith("'") and safe_cell(text[1:]) == text:
        return text[1:]
    return text


def csv_text(
    header: Sequence[str], rows: Iterable[Sequence[object]], line_end: str = "\r\n"
) -> str:
    """A CSV document: the header, then each row, with every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()
