"""The one CSV writer: formula-leading cells neutralised, numbers and phone numbers as written,
and every cell read back as it was before it was made safe."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from mi_courseware.tables import csv_text, read_cell, safe_cell


def test_cells_a_spreadsheet_would_run_get_an_apostrophe_and_numbers_do_not() -> None:
    kept = ["-1.5", "+44 20 7946 0000", "-3", "+1 (555) 010-0199", "12/03/2027", "-12%", -2, 0.5]
    escaped = ["=1+1", '=HYPERLINK("http://x.example")', "+44 Smith", "-Dash", "@SUM(A1)"]
    escaped += ["\t=cmd", "\r-1", "-", "+", "-1e5", "=1", "-1+cmd|' /C calc'!A0"]
    assert [safe_cell(v) for v in kept] == [str(v) for v in kept]
    assert [safe_cell(v) for v in escaped] == ["'" + v for v in escaped]
    assert safe_cell(None) == "" and safe_cell("Plain Name") == "Plain Name"


def test_the_header_is_made_safe_too() -> None:
    text = csv_text(["=outcome", "-1.5"], [["=x", -1.5, None]], "\n")
    assert list(csv.reader(io.StringIO(text))) == [["'=outcome", "-1.5"], ["'=x", "-1.5", ""]]


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from("=+-@'\t\r 0123456789.,()/%aZ\"é"), max_size=12))
def test_what_the_writer_writes_the_reader_reads_back_unchanged(text: str) -> None:
    written = csv_text([text], [[text]])
    rows = list(csv.reader(io.StringIO(written, newline="")))
    assert [[read_cell(cell) for cell in row] for row in rows] == [[text], [text]]
