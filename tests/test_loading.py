"""Loading YAML and Markdown front matter with the file position of every key and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from mi_courseware.errors import Problems
from mi_courseware.loading import SourceMap, load_markdown, load_yaml, load_yaml_text
from mi_courseware.loading.read import load_project
from mi_courseware.loading.roster import read_roster
from mi_courseware.project import ProjectPaths

COURSE = """\
title: MI Basics
sessions:
  - id: welcome
    outcomes: [principles, review]
  - id: skills
    schedule:
      start: 09:30
"""


def load(text: str, name: str = "x.yaml") -> tuple[object, SourceMap | None, list[str]]:
    """Load YAML text; the data, its source map and the problems as printed."""
    problems = Problems()
    loaded = load_yaml_text(text, Path(name), problems)
    data, source = loaded if loaded else (None, None)
    return data, source, [str(p) for p in problems]


def where(source: SourceMap | None, *loc: str | int, key: bool = False) -> str:
    assert source is not None
    position = source.position(loc, key=key)
    return f"{position.line}:{position.column}"


def test_it_keeps_the_position_of_every_key_and_value_in_nested_maps_and_lists() -> None:
    data, source, problems = load(COURSE)
    assert problems == []
    assert data == {
        "title": "MI Basics",
        "sessions": [
            {"id": "welcome", "outcomes": ["principles", "review"]},
            {"id": "skills", "schedule": {"start": "09:30"}},
        ],
    }
    assert where(source, "title") == "1:8"
    assert where(source, "title", key=True) == "1:1"
    assert where(source, "sessions", key=True) == "2:1"
    assert where(source, "sessions", 0) == "3:5"
    assert where(source, "sessions", 0, "id") == "3:9"
    assert where(source, "sessions", 0, "outcomes", 1) == "4:28"
    assert where(source, "sessions", 1, "schedule", "start") == "7:14"
    assert where(source, "sessions", 1, "schedule", "start", key=True) == "7:7"


def test_it_points_a_missing_value_at_its_nearest_parent() -> None:
    _, source, _ = load(COURSE)
    assert where(source, "sessions", 1, "schedule", "end") == "7:7"
    assert where(source, "nothing", "here") == "1:1"


def test_it_keeps_times_as_text_whether_quoted_or_not() -> None:
    data, _, problems = load('start: 16:30\nend: "16:30"\nlunch: 12.45\nlate: 23:59\n')
    assert problems == []
    # YAML 1.1 would read 16:30 as the sexagesimal number 990
    assert data == {"start": "16:30", "end": "16:30", "lunch": 12.45, "late": "23:59"}


def test_it_keeps_dates_as_iso_text_for_the_model_to_read() -> None:
    data, _, _ = load("dates: [2027-03-11, '2027-03-12']\nclosing_date: 2027-02-25\n")
    assert data == {"dates": ["2027-03-11", "2027-03-12"], "closing_date": "2027-02-25"}


def test_it_reads_scalars_by_yaml_1_2_rules() -> None:
    data, _, _ = load("a: yes\nb: no\nc: true\nd: 12\ne: ~\nf: ''\ng: 0x1F\nh: 1_000\n")
    assert data == {
        "a": "yes",
        "b": "no",
        "c": True,
        "d": 12,
        "e": None,
        "f": "",
        "g": "0x1F",
        "h": "1_000",
    }


def test_it_refuses_a_python_object_tag_without_building_the_object(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f'title: x\nafter: !!python/object/apply:os.system ["touch {marker}"]\n'
    data, _, problems = load(text)
    assert data is None
    assert problems == [
        "x.yaml:2:8: error: YAML tag '!!python/object/apply:os.system' is not allowed; "
        "write plain values, lists and maps"
    ]
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object:os.system {}\n", "!!python/object:os.system"),
        ("a: !!python/name:os.system\n", "!!python/name:os.system"),
        ("a: !!binary aGVsbG8=\n", "!!binary"),
        ("a: !!set {x, y}\n", "!!set"),
        ("a: !custom value\n", "!custom"),
    ],
)
def test_it_refuses_every_tag_that_is_not_a_plain_value(text: str, tag: str) -> None:
    data, _, problems = load(text)
    assert data is None
    assert problems == [
        f"x.yaml:1:4: error: YAML tag '{tag}' is not allowed; write plain values, lists and maps"
    ]


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("title: x\nschedule:\n\tstart: 09:30\n", "3:1"),
        ("a:\n  b: 1\n\t c: 2\n", "3:1"),
        ("items:\n\t- a\n", "2:1"),
    ],
)
def test_it_says_a_tab_is_used_for_indentation(text: str, position: str) -> None:
    _, _, problems = load(text)
    assert problems == [
        f"x.yaml:{position}: error: a tab character is used for indentation; YAML needs spaces"
    ]


def test_it_says_a_tab_cannot_stand_between_a_key_and_its_value() -> None:
    _, _, problems = load("title: MI\nsummary: \tshort\n")
    assert problems == [
        "x.yaml:2:10: error: a tab character cannot be used here; YAML needs spaces"
    ]


def test_it_reports_a_duplicate_key_where_it_is_repeated() -> None:
    data, _, problems = load("title: a\nsummary: b\ntitle: c\nx:\n  y: 1\n  y: 2\n")
    assert data is None
    assert problems == [
        "x.yaml:3:1: error: duplicate key 'title'",
        "x.yaml:6:3: error: duplicate key 'y'",
    ]


def test_it_refuses_merge_keys_and_keys_that_are_not_names() -> None:
    _, _, problems = load("base: &b {x: 1}\nthing:\n  <<: *b\n? [a, b]\n: 1\n")
    assert problems == [
        "x.yaml:3:3: error: merge keys ('<<') are not supported; write keys out",
        "x.yaml:4:3: error: a key must be a plain name",
    ]


def test_it_reports_a_syntax_error_with_its_position() -> None:
    _, _, problems = load("a:\n  b: 1\n c: 2\n")
    assert problems == [
        "x.yaml:3:2: error: this line does not line up with the lines around it; check its "
        "indentation (keys of the same map, and items of the same list, start in the same column)"
    ]


def test_an_empty_file_and_a_file_of_comments_are_empty_maps(tmp_path: Path) -> None:
    for text in ("", "# nothing yet\n"):
        path = tmp_path / "empty.yaml"
        path.write_text(text, encoding="utf-8")
        problems = Problems()
        assert load_yaml(path, problems) is not None
        assert load_yaml(path, problems)[0] == {}  # type: ignore[index]
        assert not problems.items


def test_it_reports_invalid_utf8_on_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "client.yaml"
    path.write_bytes(b"name: Acme\ncity: Caf\xe9 Town\n")
    problems = Problems()
    assert load_yaml(path, problems) is None
    assert [(p.position.line, p.message) for p in problems] == [
        (
            2,
            "the file is not UTF-8 text (a word processor or Notepad may have saved it in "
            "another encoding); save it again as UTF-8",
        )
    ]


def test_it_reads_a_file_that_starts_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "client.yaml"
    path.write_bytes("\ufeffname: Siân\n".encode())
    problems = Problems()
    loaded = load_yaml(path, problems)
    assert loaded is not None
    assert loaded[0] == {"name": "Siân"}
    assert loaded[1].position(("name",)).column == 7


def test_it_reports_a_missing_file(tmp_path: Path) -> None:
    problems = Problems()
    assert load_yaml(tmp_path / "gone.yaml", problems) is None
    assert [(p.position.line, p.message) for p in problems] == [(1, "file not found")]


def test_front_matter_positions_count_the_opening_fence(tmp_path: Path) -> None:
    path = tmp_path / "handout.md"
    path.write_text("---\ntitle: Rulers\nkind: worksheet\n---\nHow important is it?\n")
    problems = Problems()
    document = load_markdown(path, problems)
    assert document is not None
    assert document.meta == {"title": "Rulers", "kind": "worksheet"}
    position = document.source.position(("kind",))
    assert (position.line, position.column) == (3, 7)
    assert document.body == "How important is it?\n"
    assert document.body_line == 5


def test_a_syntax_error_in_front_matter_is_reported_on_its_line_in_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "module.md"
    path.write_text("---\ntitle: OARS\nmaterials:\n\t- flipchart\n---\nText\n")
    problems = Problems()
    assert load_markdown(path, problems) is None
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "error: a tab character is used for indentation; YAML needs spaces"
    ]
    assert problems.items[0].position.line == 4


def test_a_markdown_file_without_front_matter_is_all_body(tmp_path: Path) -> None:
    path = tmp_path / "module.md"
    path.write_text("# Title\n\nText\n")
    problems = Problems()
    document = load_markdown(path, problems)
    assert document is not None
    assert (document.meta, document.body, document.body_line) == ({}, "# Title\n\nText\n", 1)


def test_front_matter_must_be_a_map(tmp_path: Path) -> None:
    path = tmp_path / "module.md"
    path.write_text("---\n- a\n- b\n---\nText\n")
    problems = Problems()
    assert load_markdown(path, problems) is None
    assert [(p.position.line, p.message) for p in problems] == [
        (2, "front matter must be a set of 'key: value' lines")
    ]


def test_it_refuses_two_files_with_the_same_id(make_project) -> None:
    root = make_project({"content/courses/mi-basics.yml": "title: Copy\n"})
    problems = Problems()
    project = load_project(ProjectPaths(root), problems)
    assert [(p.position.path.name, p.message) for p in problems] == [
        (
            "mi-basics.yml",
            "'mi-basics' is already defined by mi-basics.yaml; keep one of the two files",
        ),
    ]
    assert project.courses["mi-basics"].model.title == "MI Basics"


def test_it_keeps_roster_names_exactly_as_written(make_project) -> None:
    root = make_project()
    problems = Problems()
    people = read_roster(root / "content/rosters/acme-2027.csv", problems)
    assert not problems.items
    assert [(p.name, p.attended) for p in people] == [
        ("Siân Llewelyn-Parry", True),
        ("Chloë O'Neill-Price", True),
        ("Bartłomiej Nowak", False),
    ]


def test_it_reads_a_windows_1252_roster_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes("name,organisation\nZoë D'Arcy,Café Services\n".encode("cp1252"))
    problems = Problems()
    people = read_roster(path, problems)
    assert [p.name for p in people] == ["Zoë D'Arcy"]
    assert [(p.severity, p.position.line) for p in problems] == [("warning", 2)]
    assert "Windows-1252" in problems.items[0].message


def test_it_stops_a_file_whose_aliases_expand_without_limit(tmp_path) -> None:
    from mi_courseware.errors import Problems
    from mi_courseware.loading.yaml_file import load_yaml_text

    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 8):
        prev = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    problems = Problems()
    assert load_yaml_text("\n".join(lines) + "\n", tmp_path / "bomb.yaml", problems) is None
    assert "expands to more than 200,000 values" in str(problems.items[0])


def test_it_reports_front_matter_that_is_never_closed(tmp_path) -> None:
    from mi_courseware.errors import Problems
    from mi_courseware.loading.markdown_file import load_markdown

    path = tmp_path / "m.md"
    path.write_text("---\ntitle: Open\n\nBody text\n", encoding="utf-8")
    problems = Problems()
    assert load_markdown(path, problems) is None
    assert str(problems.items[0]).endswith(
        "m.md:1:1: error: front matter opened with '---' on line 1 is never closed with '---'"
    )


def test_numbers_keep_their_spelling_where_the_field_is_text() -> None:
    from mi_courseware.model import Client, Event
    from mi_courseware.model.base import validate

    event_text = "course: a\nclient: b\ncode: 1.10\ndates: [2027-03-11]\nmax_places: 010\n"
    data, source, _ = load(event_text)
    event = validate(Event, data, source, Problems())
    assert event is not None and (event.code, event.max_places) == ("1.10", 10)
    client_text = "name: Acme\ncertificate_prefix: 010\n"
    data, source, _ = load(client_text)
    client = validate(Client, data, source, Problems())
    assert client is not None and client.certificate_prefix == "010"
