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


def _reference_parser():  # type: ignore[no-untyped-def]
    """The parser as it was built before the one MI block rule: mdit-py-plugins'
    container plugin once per block name."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.container import container_plugin

    from mi_courseware.loading.blocks import BLOCKS

    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "linkify": False})
    md.enable(["table", "replacements", "smartquotes", "strikethrough"])
    for name in BLOCKS:

        def validate(params: str, *args: object, name: str = name) -> bool:
            words = params.split(None, 1)
            return bool(words) and words[0] == name

        md.use(container_plugin, name=name, validate=validate)
    return md


def _tokens(tokens: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (
            (t.type, t.tag, t.nesting, t.markup, t.info, t.map, t.block, t.content, t.level),
            [(c.type, c.content, c.markup) for c in t.children or ()],
        )
        for t in tokens
    ]


_LINES = [
    "::: notes",
    ":::: exercise minutes=5 grouping=pairs",
    ":::",
    "::::",
    "::: bogus",
    ":::notes",
    ":::   ",
    "  :::",
    "   ::: answers",
    "\t:::",
    "    ::: box",
    "::: columns",
    "- item",
    "  - nested",
    "1. one",
    "> quote",
    "```",
    "    code",
    "| a | b |",
    "|---|---|",
    "| 1 | 2 |",
    "# Heading",
    "Some *text* here",
    "",
    "lazy line",
]


@SETTINGS
@given(lines=st.lists(st.sampled_from(_LINES), max_size=30), tail=st.text(max_size=40))
def test_the_mi_block_rule_parses_as_the_container_plugin_once_per_name(
    lines: list[str], tail: str
) -> None:
    from mi_courseware.loading.markdown import parser

    text = "\n".join(lines) + "\n" + tail
    assert _tokens(parser().parse(text)) == _tokens(_reference_parser().parse(text))


def test_the_mi_block_rule_parses_every_project_text_as_the_container_plugin() -> None:
    from mi_courseware.loading.markdown import parser

    root = Path(__file__).resolve().parent.parent
    texts = [p for p in root.glob("**/*.md") if ".venv" not in p.parts]
    assert len(texts) > 50
    for path in texts:
        text = path.read_text(encoding="utf-8")
        assert _tokens(parser().parse(text)) == _tokens(_reference_parser().parse(text)), path


@given(
    info=st.text(alphabet=st.sampled_from(list("ab=1 \t\r\n\u00a0\x0b'\"\\#é")), max_size=30)
    | st.sampled_from(["exercise minutes=10 grouping=pairs", 'case title="Ali\'s week"'])
)
def test_block_options_split_as_shlex_does(info: str) -> None:
    import shlex

    from mi_courseware.loading.blocks import split_words

    try:
        expected: list[str] | str = shlex.split(info)
    except ValueError as exc:
        expected = str(exc)
    try:
        found: list[str] | str = list(split_words(info))
    except ValueError as exc:
        found = str(exc)
    assert found == expected
