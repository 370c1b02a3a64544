"""CSV for spreadsheets: every text cell shown as text, never run as a formula.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is read by
Excel, LibreOffice and Google Sheets as a formula ("CSV injection"): a roster name such as
``=HYPERLINK(...)`` would run when a coordinator opens an export. Such cells get a leading
apostrophe, which spreadsheets hide.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

#: Cells starting with one of these are read as formulas by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell that spreadsheets show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(
    header: Sequence[str], rows: Iterable[Sequence[object]], line_end: str = "\r\n"
) -> str:
    """A CSV document: the header, then each row with every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()
