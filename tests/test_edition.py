"""Resolving course + variant + add-ons + client (+ event) into one timed, branded Edition."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from mi_courseware.core.edition import Edition, Selection
from mi_courseware.errors import Problems
from mi_courseware.pipeline.targets import check_timings, load_checked
from mi_courseware.project import ProjectPaths
from mi_courseware.resolving.edition import resolve
from mi_courseware.resolving.targets import event_selection

COURSE = "content/courses/mi-basics.yaml"
EVENT = "content/events/acme-2027.yaml"
TWO_DAY_EVENT = """\
course: two-day
client: acme
dates: [2027-03-11, 2027-03-18]
venue: Town Hall
"""


def edition_of(root: Path, selection: Selection) -> tuple[Edition | None, list[str]]:
    """Load and check the project, resolve ``selection``; problems as (line, severity, message)."""
    problems = Problems()
    project = load_checked(ProjectPaths(root), problems)
    assert not problems.items, [str(p) for p in problems]
    edition = resolve(project, selection, problems)
    found = [
        f"{p.position.path.relative_to(root)}:{p.position.line}:{p.position.column}: "
        f"{p.severity}: {p.message}"
        for p in problems
    ]
    return edition, found


def timetable(edition: Edition) -> list[list[str]]:
    """Each day's slots as ``HH:MM-HH:MM title``."""
    return [[f"{s.start:%H:%M}-{s.end:%H:%M} {s.title}" for s in day.slots] for day in edition.days]


@pytest.fixture
def basic(make_project) -> Path:
    return make_project()


def test_it_puts_sessions_and_breaks_on_the_clock(basic: Path) -> None:
    edition, problems = edition_of(basic, Selection("mi-basics", "in-depth"))
    assert problems == []
    assert edition is not None
    assert timetable(edition) == [
        [
            "09:30-10:00 Welcome",
            "10:00-11:00 The principles of MI",
            "11:00-11:15 Break",
            "11:15-12:15 OARS",
            "12:15-12:25 Stretch",
            "12:25-12:55 Review and action planning",
        ]
    ]
    assert [(s.number, s.id, s.times) for s in edition.sessions] == [
        (1, "welcome", "09:30–10:00"),
        (2, "principles", "10:00–11:00"),
        (3, "skills", "11:15–12:15"),
        (4, "review", "12:25–12:55"),
    ]


def test_the_first_variant_is_the_default(basic: Path) -> None:
    edition, _ = edition_of(basic, Selection("mi-basics"))
    assert edition is not None
    assert (edition.variant_id, edition.title) == ("introduction", "An Introduction to MI")


def test_a_break_is_skipped_when_its_session_is_not_in_the_variant(basic: Path) -> None:
    edition, _ = edition_of(basic, Selection("mi-basics", "introduction"))
    assert edition is not None
    assert timetable(edition) == [
        [
            "09:30-10:00 Welcome",
            "10:00-11:00 The principles of MI",
            "11:00-11:15 Break",
            "11:15-11:45 Review and action planning",
        ]
    ]


def test_an_add_on_comes_after_its_session_and_before_that_sessions_break(basic: Path) -> None:
    edition, _ = edition_of(basic, Selection("mi-basics", "introduction", ("mapping",)))
    assert edition is not None
    assert timetable(edition) == [
        [
            "09:30-10:00 Welcome",
            "10:00-11:00 The principles of MI",
            "11:00-11:30 Node-link mapping",
            "11:30-11:45 Break",
            "11:45-12:15 Review and action planning",
        ]
    ]
    assert [(s.id, s.addon) for s in edition.sessions][2] == ("mapping", "mapping")
    assert [(a.id, a.title) for a in edition.addons] == [("mapping", "Node-link mapping")]


def test_a_course_of_two_days_starts_each_day_afresh(make_project) -> None:
    root = make_project()
    edition, problems = edition_of(root, Selection("two-day"))
    assert problems == []
    assert edition is not None
    assert timetable(edition) == [
        # the break after the last session of a day is not taken
        ["10:00-11:00 Opening", "11:00-11:30 Lunch", "11:30-13:00 Practice"],
        ["10:00-10:45 Recap", "10:45-11:05 Coffee", "11:05-11:35 Closing"],
    ]
    assert [(d.number, d.date) for d in edition.days] == [(1, None), (2, None)]
    assert [s.day for s in edition.sessions] == [1, 1, 2, 2]


def test_an_event_gives_each_day_its_date(make_project) -> None:
    root = make_project({"content/events/two-day-run.yaml": TWO_DAY_EVENT})
    problems = Problems()
    project = load_checked(ProjectPaths(root), problems)
    edition = resolve(project, event_selection(project, "two-day-run"), problems)
    assert not problems.items, [str(p) for p in problems]
    assert edition is not None
    assert [(d.number, d.date, f"{d.start:%H:%M}") for d in edition.days] == [
        (1, date(2027, 3, 11), "10:00"),
        (2, date(2027, 3, 18), "10:00"),
    ]
    assert edition.dates == (date(2027, 3, 11), date(2027, 3, 18))
    assert edition.slug == "events/two-day-run"


def validated(root: Path) -> Problems:
    """The problems ``validate`` finds: file checks, cross-checks, then every timing."""
    problems = Problems()
    check_timings(load_checked(ProjectPaths(root), problems), problems)
    return problems


def test_an_event_with_fewer_dates_than_days_is_warned_about(make_project) -> None:
    root = make_project(
        {
            "content/events/two-day-run.yaml": TWO_DAY_EVENT.replace(", 2027-03-18", ""),
        }
    )
    problems = validated(root)
    assert [(p.position.line, p.position.column, p.severity, p.message) for p in problems] == [
        (
            3,
            8,
            "warning",
            "the event has 1 date but the course runs on 2 days; day 2 has no date yet",
        )
    ]


def test_an_event_with_more_dates_than_days_is_an_error(make_project) -> None:
    root = make_project(
        {
            "content/events/two-day-run.yaml": TWO_DAY_EVENT.replace(
                "2027-03-18", "2027-03-18, 2027-03-25"
            ),
        }
    )
    problems = validated(root)
    assert [(p.position.line, p.position.column, p.severity, p.message) for p in problems] == [
        (
            3,
            8,
            "error",
            "the event has 3 dates but the course runs on 2 days; give one date per day",
        )
    ]


def test_an_overrun_says_by_how_many_minutes(basic: Path) -> None:
    edition, problems = edition_of(basic, Selection("mi-basics", "in-depth", ("mapping",)))
    assert edition is None
    assert problems == [
        f"{COURSE}:53:15: error: variant 'in-depth' with add-on 'mapping' runs 25 minutes over: "
        "sessions and breaks take 235 minutes, but 09:30–13:00 allows 210",
    ]


def test_an_overrun_on_a_later_day_names_the_day(make_project) -> None:
    root = make_project(edits={"content/courses/two-day.yaml": [("minutes: 45", "minutes: 400")]})
    problems = validated(root)
    assert [p.message for p in problems] == [
        "course 'two-day' runs 60 minutes over on day 2: sessions and breaks take 450 minutes, "
        "but 10:00–16:30 allows 390"
    ]
    assert (problems.items[0].position.line, problems.items[0].position.column) == (31, 8)


def test_event_times_narrower_than_the_schedule_must_hold_the_sessions(make_project) -> None:
    root = make_project(edits={EVENT: [("times: 09:30-12:30", "times: 10:00-12:00")]})
    problems = Problems()
    project = load_checked(ProjectPaths(root), problems)
    assert resolve(project, event_selection(project, "acme-2027"), problems) is None
    assert [(p.position.line, p.position.column, p.message) for p in problems] == [
        (
            7,
            8,
            "variant 'introduction' with add-on 'mapping' runs 45 minutes over: sessions and breaks "
            "take 165 minutes, but 10:00–12:00 allows 120",
        )
    ]


def test_sessions_start_at_the_events_start_time(make_project) -> None:
    root = make_project(edits={EVENT: [("times: 09:30-12:30", 'times: "10:00-12:45"')]})
    problems = Problems()
    project = load_checked(ProjectPaths(root), problems)
    edition = resolve(project, event_selection(project, "acme-2027"), problems)
    assert edition is not None, [str(p) for p in problems]
    assert timetable(edition)[0][0] == "10:00-10:30 Welcome"
    assert timetable(edition)[0][-1] == "12:15-12:45 Review and action planning"


@pytest.mark.parametrize(
    ("selection", "minutes", "hours"),
    [
        (Selection("mi-basics", "introduction"), 120, 2.0),
        (Selection("mi-basics", "introduction", ("mapping",)), 150, 2.5),
        (Selection("mi-basics", "in-depth"), 180, 3.0),
        (Selection("two-day"), 225, 7.5),  # the course sets cpd_hours: 7.5
    ],
)
def test_cpd_hours_are_taught_minutes_over_sixty_unless_the_course_says(
    basic: Path, selection: Selection, minutes: int, hours: float
) -> None:
    edition, _ = edition_of(basic, selection)
    assert edition is not None
    assert (edition.taught_minutes, edition.cpd_hours) == (minutes, hours)


def test_cpd_hours_may_be_a_fraction_and_breaks_never_count(make_project) -> None:
    root = make_project(
        edits={
            COURSE: [
                (
                    "    minutes: 30\n    outcomes: [review]",
                    "    minutes: 40\n    outcomes: [review]",
                ),
            ]
        }
    )
    edition, _ = edition_of(root, Selection("mi-basics", "introduction"))
    assert edition is not None
    assert (edition.taught_minutes, edition.cpd_hours) == (130, 2.17)


def test_the_outcomes_covered_are_those_claimed_or_taught_plus_the_add_ons(basic: Path) -> None:
    claimed, _ = edition_of(basic, Selection("mi-basics", "introduction", ("mapping",)))
    taught, _ = edition_of(basic, Selection("mi-basics", "in-depth"))
    assert claimed is not None and taught is not None
    assert [(o.id, o.addon) for o in claimed.outcomes] == [
        ("principles", None),
        ("review", None),
        ("mapping", "mapping"),
    ]
    assert [o.id for o in taught.outcomes] == ["principles", "skills", "review"]
    assert [u.ref for u in taught.units] == ["DANOS:AB2", "DANOS:AI1"]  # catalogue order
    assert [u.ref for u in taught.outcomes[1].standards] == ["DANOS:AB2", "DANOS:AI1"]


def test_handouts_are_listed_once_in_order_of_first_use(basic: Path) -> None:
    edition, _ = edition_of(basic, Selection("mi-basics", "in-depth"))
    assert edition is not None
    assert [(h.id, h.title, h.kind) for h in edition.handouts] == [
        ("balance", "Decisional balance", "worksheet"),
        ("oars", "OARS practice sheet", "handout"),
    ]
    assert [[h.id for h in s.handouts] for s in edition.sessions] == [
        [],
        ["balance"],
        ["oars", "balance"],
        ["oars"],
    ]


def test_a_variant_claiming_an_outcome_no_session_teaches_is_warned_about(
    make_project, run_cli
) -> None:
    root = make_project(
        edits={
            COURSE: [
                (
                    "    title: MI in Depth\n    sessions: [welcome, principles, skills, review]",
                    "    title: MI in Depth\n    sessions: [welcome, principles, review]\n"
                    "    outcomes: [skills]",
                ),
            ]
        }
    )
    problems = Problems()
    project = load_checked(ProjectPaths(root), problems)
    warning = (
        f"{COURSE}:54:16: warning: variant 'in-depth' claims outcome 'skills', "
        "but none of its sessions teach it"
    )
    # found once, when the course is checked; resolving the variant does not say it again
    edition = resolve(project, Selection("mi-basics", "in-depth"), problems)
    found = [
        f"{p.position.path.relative_to(root)}:{p.position.line}:{p.position.column}: "
        f"{p.severity}: {p.message}"
        for p in problems
    ]
    assert found == [warning]
    assert edition is not None  # a warning does not stop the edition
    # and `validate` finds it too, though no event uses that variant
    result = run_cli("validate", cwd=root)
    assert (result.exit_code, result.stderr) == (0, f"{warning}\n1 warning\n")
    assert run_cli("validate", "--strict", cwd=root).exit_code == 1


def test_session_text_and_materials_come_from_the_module(basic: Path) -> None:
    edition, _ = edition_of(basic, Selection("mi-basics", "in-depth"))
    assert edition is not None
    welcome, _, skills, review = edition.sessions
    assert welcome.body == "Welcome to the course.\n"
    assert (welcome.body_path.name, welcome.body_line) == ("welcome.md", 5)
    assert welcome.materials == ("Name badges",)
    assert skills.materials == ("Flipchart",)
    assert review.body == "What will you try first?\n"
    assert review.body_path.name == "mi-basics.yaml"


def test_the_client_brands_the_edition(basic: Path) -> None:
    edition, _ = edition_of(basic, Selection("mi-basics", "in-depth", client="acme"))
    assert edition is not None
    brand = edition.brand
    assert (brand.name, brand.language) == ("Acme Health Trust", "en")
    assert brand.certificate_prefix == "A"  # the initials of the client's id
    assert brand.logo == basic / "content/clients/acme/logo.svg"
    assert brand.colours.accent == "#2a6f4e"
    assert [p.title for p in brand.pages] == ["Local services"]
    assert edition.slug == "acme/mi-basics-in-depth"
    assert edition.language == "en"


def test_without_a_client_the_edition_is_unbranded(basic: Path) -> None:
    edition, _ = edition_of(basic, Selection("mi-basics"))
    assert edition is not None
    assert edition.brand.client_id == "unbranded"
    assert edition.slug == "unbranded/mi-basics-introduction"


def test_an_event_brings_its_participants_dates_and_theme(basic: Path) -> None:
    problems = Problems()
    project = load_checked(ProjectPaths(basic), problems)
    edition = resolve(project, event_selection(project, "acme-2027"), problems)
    assert edition is not None and not problems.items
    assert [(p.name, p.attended) for p in edition.participants] == [
        ("Siân Llewelyn-Parry", True),
        ("Chloë O'Neill-Price", True),
        ("Bartłomiej Nowak", False),
    ]
    assert edition.event is not None
    assert (edition.event.code, edition.event.venue) == ("ACME-1", "Town Hall")
    assert edition.theme == "default"
    assert str(edition.event.times) == "09:30–12:30"
    assert [a.id for a in edition.addons] == ["mapping"]


def test_an_edition_cannot_be_changed(basic: Path) -> None:
    edition, _ = edition_of(basic, Selection("mi-basics"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        edition.title = "Changed"  # type: ignore[misc, union-attr]
