"""The file-format models: every mistake reported at the user's key or value, in plain words."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from mi_courseware.errors import Problems
from mi_courseware.loading import load_yaml_text
from mi_courseware.model import Client, Course, Event, StandardsCatalogue
from mi_courseware.model.base import Model, validate

COURSE = """\
title: MI Basics
outcomes:
  - id: principles
    text: Describe the principles of MI
sessions:
  - id: welcome
    title: Welcome
    minutes: 30
    module: welcome
schedule:
  start: 09:30
  end: 12:00
"""

EVENT = """\
course: mi-basics
client: acme
dates: [2027-03-11]
"""


def check(model: type[Model], text: str) -> tuple[Model | None, list[str]]:
    """Validate YAML text against a model; the value and the problems as printed."""
    problems = Problems()
    loaded = load_yaml_text(text, Path("c.yaml"), problems)
    assert loaded is not None, [str(p) for p in problems]
    value = validate(model, loaded[0], loaded[1], problems)
    return value, [str(p) for p in problems]


def errors(model: type[Model], text: str) -> list[str]:
    value, problems = check(model, text)
    assert value is None
    return problems


def test_a_valid_course_reads_times_without_quotes() -> None:
    course, problems = check(Course, COURSE)
    assert problems == []
    assert isinstance(course, Course)
    assert (course.schedule.start, course.schedule.end) == (time(9, 30), time(12, 0))
    assert course.delivery == "in-person"


def test_models_are_frozen() -> None:
    course, _ = check(Course, COURSE)
    with pytest.raises(ValueError, match="frozen"):
        course.title = "Changed"  # type: ignore[misc, union-attr]


def test_an_unknown_key_suggests_the_nearest_known_key() -> None:
    # one mistake, one message: no "missing required key 'title'" as well
    assert errors(Course, COURSE.replace("title: MI Basics", "titel: MI Basics")) == [
        "c.yaml:1:1: error: unknown key 'titel' (did you mean 'title'?)"
    ]


def test_an_unknown_key_in_a_nested_list_item_suggests_that_items_keys() -> None:
    assert errors(Course, COURSE.replace("minutes: 30", "minuts: 30")) == [
        "c.yaml:8:5: error: unknown key 'minuts' (did you mean 'minutes'?)"
    ]


def test_an_unknown_key_inside_a_named_variant_suggests_the_variants_keys() -> None:
    text = COURSE + "variants:\n  introduction:\n    title: Intro\n    sesions: [welcome]\n"
    assert errors(Course, text) == [
        "c.yaml:16:5: error: unknown key 'sesions' (did you mean 'sessions'?)"
    ]


def test_an_unknown_key_far_from_any_lists_the_known_keys() -> None:
    assert errors(Client, "name: Acme\nbanana: yes\n") == [
        "c.yaml:2:1: error: unknown key 'banana' (expected one of 'certificate_prefix', "
        "'colours', 'contact', 'language', 'licence', 'logo', 'logo_alt', 'name', ...)"
    ]


def test_a_missing_required_key_is_reported_at_its_parent() -> None:
    text = COURSE.replace("    title: Welcome\n", "")
    assert errors(Course, text) == [
        "c.yaml:6:5: error: missing required key 'title' in 'sessions[0]'"
    ]
    assert errors(Course, COURSE.split("schedule:")[0]) == [
        "c.yaml:1:1: error: missing required key 'schedule'"
    ]


def test_a_bad_colour_names_the_value_and_the_expected_form() -> None:
    text = 'name: Acme\ncolours: {primary: "#1d3557", accent: "#12345g"}\n'
    assert errors(Client, text) == [
        "c.yaml:2:39: error: colours.accent: invalid colour '#12345g': "
        'expected a hex colour like "#1d3557"'
    ]


def test_a_short_colour_is_widened_and_lowered() -> None:
    client, _ = check(Client, "name: Acme\ncolours: {primary: '#ABC'}\n")
    assert isinstance(client, Client)
    assert client.colours.primary == "#aabbcc"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "25:00",
            "schedule.end: '25:00' is not a time; write it as HH:MM (24-hour), e.g. \"09:30\"",
        ),
        ("noon", "schedule.end: 'noon' is not a time; write it as HH:MM (24-hour), e.g. \"09:30\""),
        ("1200", "schedule.end: '1200' is not a time; write it as HH:MM, e.g. \"09:30\""),
    ],
)
def test_a_bad_time_says_how_to_write_one(value: str, message: str) -> None:
    assert errors(Course, COURSE.replace("end: 12:00", f"end: {value}")) == [
        f"c.yaml:12:8: error: {message}"
    ]


def test_a_day_must_end_after_it_starts() -> None:
    assert errors(Course, COURSE.replace("end: 12:00", "end: 08:00")) == [
        "c.yaml:11:3: error: schedule: end 08:00 must be later than start 09:30"
    ]


def test_event_times_are_read_from_a_range_quoted_or_not() -> None:
    for times in ("09:30-12:30", '"09:30 – 12:30"', "{start: 09:30, end: 12:30}"):
        event, problems = check(Event, EVENT + f"times: {times}\n")
        assert problems == []
        assert isinstance(event, Event) and event.times is not None
        assert (event.times.start, event.times.end, event.times.minutes) == (
            time(9, 30),
            time(12, 30),
            180,
        )
        assert event.dates == [date(2027, 3, 11)]


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ("morning", "times: 'morning' is not a time range; write it as \"09:30-16:30\""),
        ("12:30-09:30", "times: end 09:30 must be later than start 12:30"),
        (
            "09:30-25:00",
            "times.end: '25:00' is not a time; write it as HH:MM (24-hour), e.g. \"09:30\"",
        ),
    ],
)
def test_bad_event_times_are_reported_at_the_times_value(times: str, message: str) -> None:
    assert errors(Event, EVENT + f"times: {times}\n") == [f"c.yaml:4:8: error: {message}"]


def test_a_key_named_like_a_type_is_reported_as_unknown() -> None:
    # pydantic names a union's members in an error's place ("str", "list[...]"); a user's key
    # spelt the same is still the user's (it once left an empty place and a traceback)
    for key in ("str", "'['", "list[int]"):
        found = errors(Client, f"name: Acme\n{key}: 1\n")
        assert len(found) == 1 and found[0].startswith("c.yaml:2:1: error: unknown key "), found


def test_a_bad_date_is_reported_at_the_date() -> None:
    assert errors(Event, EVENT.replace("2027-03-11", "2027-02-30")) == [
        "c.yaml:3:9: error: dates[0]: input should be a valid date or datetime, "
        "day value is outside expected range (got '2027-02-30')"
    ]


def test_a_bad_choice_lists_the_valid_ones() -> None:
    assert errors(Course, COURSE + "delivery: online\n") == [
        "c.yaml:13:11: error: delivery: input should be 'in-person', 'virtual' or 'blended' "
        "(got 'online')"
    ]
    # a client's language is not a fixed choice: the themes' catalogues say which there are,
    # and validate checks it against them (tests/test_languages.py)
    assert check(Client, "name: Acme\nlanguage: fr\n")[0] is not None


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        (
            "minutes: 30",
            "minutes: half an hour",
            "8:14: error: sessions[0].minutes: input should be a valid integer, "
            "unable to parse string as an integer (got 'half an hour')",
        ),
        (
            "minutes: 30",
            "minutes: -5",
            "8:14: error: sessions[0].minutes: input should be greater than 0 (got -5)",
        ),
        (
            "title: MI Basics",
            "title: [MI, Basics]",
            "1:8: error: title: input should be a valid string (got a list)",
        ),
        (
            "  - id: welcome",
            "  - id: wel come",
            "6:9: error: sessions[0].id: string should match pattern "
            "'^[A-Za-z0-9][A-Za-z0-9_.-]*$' (got 'wel come')",
        ),
        (
            "outcomes:\n  - id: principles\n    text: Describe the principles of MI\n",
            "outcomes: everything\n",
            "2:11: error: outcomes: input should be a valid list (got 'everything')",
        ),
    ],
)
def test_a_wrong_type_names_the_value_given(before: str, after: str, message: str) -> None:
    assert errors(Course, COURSE.replace(before, after)) == [f"c.yaml:{message}"]


def test_a_number_written_for_text_is_read_as_its_text() -> None:
    course, _ = check(Course, COURSE.replace("title: MI Basics", "title: 2027"))
    assert isinstance(course, Course)
    assert course.title == "2027"


def test_a_session_needs_exactly_one_source_of_text() -> None:
    assert errors(Course, COURSE.replace("    module: welcome\n", "")) == [
        "c.yaml:6:5: error: sessions[0]: session 'welcome' needs its text: "
        "a 'module' id or a 'body'"
    ]
    assert errors(Course, COURSE.replace("module: welcome", "module: welcome\n    body: Hi")) == [
        "c.yaml:6:5: error: sessions[0]: session 'welcome' has both 'module' and 'body'; keep one"
    ]


def test_an_empty_list_that_needs_items_says_so() -> None:
    assert errors(Event, EVENT.replace("[2027-03-11]", "[]")) == [
        "c.yaml:3:8: error: dates: list should have at least 1 item after validation, not 0"
    ]


def test_every_problem_of_a_file_is_reported_together() -> None:
    text = """\
framework: {id: DANOS, title: Drug and alcohol standards}
units:
  - code: AI1
    titel: Therapeutic support
  - {code: AB2, title: [Support]}
"""
    assert errors(StandardsCatalogue, text) == [
        "c.yaml:4:5: error: unknown key 'titel' (did you mean 'title'?)",
        "c.yaml:5:24: error: units[1].title: input should be a valid string (got a list)",
    ]


def test_the_top_level_must_be_a_map() -> None:
    assert errors(Event, "- course: mi-basics\n") == [
        "c.yaml:1:1: error: expected a set of 'key: value' lines at the top level"
    ]


def test_it_refuses_a_yes_or_no_where_minutes_are_expected(tmp_path) -> None:
    from mi_courseware.errors import Problems
    from mi_courseware.loading.yaml_file import load_yaml_text
    from mi_courseware.model import Break
    from mi_courseware.model.base import validate

    problems = Problems()
    data, source = load_yaml_text("after: x\nminutes: true\n", tmp_path / "b.yaml", problems)
    assert validate(Break, data, source, problems) is None
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "error: minutes: expected a whole number, got true"
    ]
