"""Property-based tests: whatever YAML or roster rows a user writes, the loaders answer with
a valid model or located problems, never an unhandled exception."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mi_courseware.errors import Problems
from mi_courseware.loading.roster import read_roster
from mi_courseware.loading.yaml_file import load_yaml_text
from mi_courseware.model import AddOn, Client, Course, Event
from mi_courseware.model.base import validate

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
PATH = Path("fuzz.yaml")

#: Keys the models know, so that generated documents often get past the first check.
KEYS = [
    "title", "summary", "course", "client", "dates", "times", "venue", "virtual", "sessions",
    "outcomes", "id", "text", "minutes", "module", "schedule", "start", "end", "breaks",
    "after", "variants", "name", "colours", "primary", "logo", "language", "days", "date",
    "roster", "max_places", "code", "addons", "standards", "certificate", "cpd_hours",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["09:30", "2027-03-11", "09:30-16:30", "#1d3557", "yes", "1.10", "010"]),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=10)), inner, max_size=6),
    ),
    max_leaves=40,
)


def _check(problems: Problems) -> None:
    for problem in problems:
        assert problem.position.line >= 1 and problem.position.column >= 1
        assert problem.message


@SETTINGS
@given(text=st.text(max_size=400))
def test_any_text_is_data_or_located_problems(text: str) -> None:
    problems = Problems()
    loaded = load_yaml_text(text, PATH, problems)
    assert (loaded is None) == bool(problems.errors)
    _check(problems)


@SETTINGS
@given(data=documents, model=st.sampled_from([Course, Event, Client, AddOn]))
def test_any_document_is_a_model_or_located_problems(data: Any, model: type) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    problems = Problems()
    loaded = load_yaml_text(text, PATH, problems)
    if loaded is None:
        _check(problems)
        return
    value = validate(model, loaded[0], loaded[1], problems)
    assert (value is None) == bool(problems.errors)
    _check(problems)


cells = st.one_of(
    st.text(max_size=25),
    st.sampled_from(["yes", "no", "", "TRUE", "0", "Nguy?n", "Zoë D'Arcy", "=SUM(A1)"]),
)
headers = st.lists(
    st.sampled_from(["name", "Name", "E-mail", "attended", "day 1", "Day 2", "id", "role", "x"]),
    min_size=0,
    max_size=6,
)


@SETTINGS
@given(
    header=headers,
    rows=st.lists(st.lists(cells, max_size=7), max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    raw=st.binary(max_size=60),
)
def test_any_roster_is_participants_or_problems_at_rows(
    tmp_path_factory: Any, header: list[str], rows: list[list[str]], encoding: str, raw: bytes
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = buffer.getvalue().encode("utf-8")
    path = tmp_path_factory.mktemp("roster") / "people.csv"
    path.write_bytes(data + raw)
    problems = Problems()
    people = read_roster(path, problems)
    _check(problems)
    for person in people:
        assert person.name.strip()
        assert person.row >= 2
