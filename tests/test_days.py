"""Days with their own date, time and place; attendance per day; the event's sanity warnings."""

from __future__ import annotations

import sqlite3
from datetime import date, time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import lines

from mi_courseware.cli import cli
from mi_courseware.core.edition import Edition
from mi_courseware.errors import Problems
from mi_courseware.pipeline.targets import load_checked
from mi_courseware.project import ProjectPaths
from mi_courseware.resolving.edition import resolve
from mi_courseware.resolving.targets import event_selection

BASE = "days-basic"
EVENT = "content/events/partners-2027.yaml"
PAIR = "content/events/pair-2027.yaml"
PAIR_COURSE = "content/courses/pair.yaml"
EPOCH = "1805443200"  # 2027-03-19 08:00 UTC


def validate(run_cli, root: Path, *args: str) -> tuple[int, list[str]]:
    result = run_cli("validate", *args, cwd=root)
    assert "Traceback" not in result.output
    return result.exit_code, lines(result.stderr)


def edition(root: Path, event: str) -> tuple[Edition | None, list[str]]:
    problems = Problems()
    project = load_checked(ProjectPaths(root), problems)
    found = resolve(project, event_selection(project, event), problems)
    return found, [f"{p.position.line}: {p.severity}: {p.message}" for p in problems]


def mi(root: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["--project", str(root), "--register", str(root / "register.sqlite"), *args],
        catch_exceptions=False,
        env={"SOURCE_DATE_EPOCH": EPOCH},
        prog_name="mi-courseware",
    )


# --- the event's days ---------------------------------------------------------------------


def test_each_day_carries_its_own_date_times_and_place(make_project) -> None:
    found, _ = edition(make_project(base=BASE), "partners-2027")
    assert found is not None
    assert [(d.number, d.date, str(d.times), d.venue, d.virtual) for d in found.days] == [
        (1, date(2027, 3, 9), "09:30–12:30", "Room 4, Brightwell House", False),
        (2, date(2027, 4, 13), "10:00–11:30", "Meeting Room 1, Station Road Hub", False),
        (3, date(2027, 5, 12), "13:30–15:00", None, True),
    ]
    # each day's sessions start at that day's own time
    assert [(s.id, s.start, s.end) for s in found.sessions] == [
        ("opening", time(9, 30), time(10, 30)),
        ("listening", time(10, 45), time(12, 15)),
        ("practice-1", time(10, 0), time(11, 30)),
        ("practice-2", time(13, 30), time(15, 0)),
    ]
    event = found.event
    assert event is not None
    assert event.dates == (date(2027, 3, 9), date(2027, 4, 13), date(2027, 5, 12))
    assert event.times is None  # the days differ: builders read each day's own
    assert (event.venue, event.virtual) == ("Room 4, Brightwell House", False)


def test_a_day_without_a_place_of_its_own_takes_the_events(make_project) -> None:
    root = make_project(
        base=BASE,
        edits={
            EVENT: [
                ('venue: "Room 4, Brightwell House"}', "}"),
                ("code: BCP-MI-27", "code: BCP-MI-27\nvenue: Brightwell House"),
            ]
        },
    )
    found, _ = edition(root, "partners-2027")
    assert found is not None
    assert [(d.venue, d.virtual) for d in found.days] == [
        ("Brightwell House", False),
        ("Meeting Room 1, Station Road Hub", False),
        (None, True),
    ]


@pytest.mark.parametrize(
    ("added", "message"),
    [
        (
            "dates: [2027-03-09]\n",
            "7:3: error: days: give either 'days' or 'dates', not both: 'days' sets each "
            "day's date and times",
        ),
        (
            'times: "09:30-12:30"\n',
            "7:3: error: days: give either 'days' or 'times', not both: 'days' sets each "
            "day's date and times",
        ),
    ],
)
def test_days_and_dates_or_times_together_are_an_error_at_days(
    make_project, run_cli, added: str, message: str
) -> None:
    root = make_project(base=BASE, edits={EVENT: [("days:\n", added + "days:\n")]})
    code, errors = validate(run_cli, root)
    assert code == 1
    assert f"{EVENT}:{message}" in errors


def test_an_event_without_dates_or_days_says_what_it_needs(make_project, run_cli) -> None:
    root = make_project(base=BASE, edits={PAIR: [("dates: [2027-03-16, 2027-03-17]\n", "")]})
    code, errors = validate(run_cli, root)
    assert code == 1
    assert f"{PAIR}:1:1: error: the event needs its 'dates' (with 'times'), or its 'days'" in errors


def test_each_days_sessions_must_fit_that_days_times(make_project, run_cli) -> None:
    root = make_project(base=BASE, edits={EVENT: [('"10:00-11:30"', '"10:00-11:00"')]})
    code, errors = validate(run_cli, root)
    assert code == 1
    assert (
        f"{EVENT}:7:31: error: course 'follow-up' runs 30 minutes over on day 2: sessions "
        "and breaks take 90 minutes, but 10:00–11:00 allows 60"
    ) in errors


# --- warnings located at the event's lines -----------------------------------------------------


def test_sanity_warnings_point_at_the_event_file(make_project, run_cli) -> None:
    root = make_project(
        base=BASE,
        edits={
            EVENT: [
                ("closing_date: 2027-02-23", "closing_date: 2027-03-10"),
                ("{date: 2027-04-13,", "{date: 2027-04-10,"),  # a Saturday
                ("max_places: 40", "max_places: 30"),
            ]
        },
    )
    code, found = validate(run_cli, root)
    assert code == 0
    assert [f for f in found if EVENT in f] == [
        f"{EVENT}:7:12: warning: 2027-04-10 is a Saturday",
        f"{EVENT}:11:13: warning: the roster lists 35 people but the event has 30 places",
        f"{EVENT}:12:15: warning: closing_date is after the event's first day",
    ]


def test_days_out_of_order_are_an_error_at_the_days_line(make_project, run_cli) -> None:
    """Issue 21, defect 18: the pack numbered them in the order given, wrongly."""
    root = make_project(base=BASE, edits={EVENT: [("{date: 2027-05-12,", "{date: 2027-03-08,")]})
    code, found = validate(run_cli, root)
    assert code == 1
    assert [f for f in found if EVENT in f] == [
        f"{EVENT}:8:12: error: 2027-03-08 is not after the day before it (2027-04-13); "
        "give the days in order",
    ]
    assert run_cli("build", "partners-2027", "--only", "calendar", cwd=root).exit_code == 1


def test_fewer_days_than_the_course_and_an_empty_roster_are_warnings(make_project, run_cli) -> None:
    root = make_project(
        base=BASE,
        files={"content/rosters/partners-2027.csv": "name,email\n"},
        edits={EVENT: [('  - {date: 2027-05-12, times: "13:30-15:00", virtual: true}\n', "")]},
    )
    code, found = validate(run_cli, root)
    assert code == 0
    assert [f for f in found if EVENT in f] == [
        f"{EVENT}:6:3: warning: the event has 2 dates but the course runs on 3 days; "
        "day 3 has no date yet",
        f"{EVENT}:12:9: warning: the roster lists nobody yet",
    ]
    assert validate(run_cli, root, "--strict")[0] == 1


def test_a_booking_system_roster_builds_with_one_note(make_project) -> None:
    root = make_project(base=BASE)
    result = mi(root, "build", "partners-2027", "--only", "calendar")
    assert result.exit_code == 0, result.output
    notes = [line for line in lines(result.stderr) if "warning" in line]
    assert len(notes) == 2, notes  # the note, and the count of warnings
    assert notes[0].endswith(
        "content/rosters/partners-2027.csv:1:1: warning: ignored columns 'Booking reference', "
        "'Dietary needs': a roster uses name, email, organisation, role, id, attended and "
        "day 1, day 2, ..."
    )
    assert notes[1] == "1 warning"
    assert (root / "output/events/partners-2027/calendar.ics").is_file()


# --- attendance per day and who earns a certificate ------------------------------------------


def test_the_edition_carries_the_days_each_person_attended(make_project) -> None:
    found, _ = edition(make_project(base=BASE), "pair-2027")
    assert found is not None
    assert [(p.name, p.days, p.qualifies) for p in found.participants] == [
        ("Ann Ashworth", (1, 2), True),
        ("Ben Okafor", (1,), False),
        ("Cai Rhys", (1, 2), True),
    ]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (None, ["Ann Ashworth", "Cai Rhys"]),  # all-days is the default
        ("all-days", ["Ann Ashworth", "Cai Rhys"]),
        ("any-day", ["Ann Ashworth", "Ben Okafor", "Cai Rhys"]),
        ("2", ["Ann Ashworth", "Cai Rhys"]),
        ("1", ["Ann Ashworth", "Ben Okafor", "Cai Rhys"]),
    ],
)
def test_certificates_go_to_those_whose_attendance_qualifies(
    make_project, rule: str | None, expected: list[str]
) -> None:
    edits = {}
    if rule is not None:
        edits[PAIR_COURSE] = [("schedule:", f"certificate: {{requires: {rule}}}\nschedule:")]
    root = make_project(base=BASE, edits=edits)
    result = mi(root, "-v", "build", "pair-2027", "--only", "certificates")
    assert result.exit_code == 0, result.output
    pdfs = sorted((root / "output/events/pair-2027/certificates").glob("B-2027-*.pdf"))
    assert len(pdfs) == len(expected)
    register = sqlite3.connect(root / "register.sqlite")
    names = [r[0] for r in register.execute("SELECT name FROM certificates ORDER BY name")]
    assert names == expected
    reason = (
        "events/pair-2027: no certificate for Ben Okafor: attended day 1 of 2; "
        "the course requires all 2 days"
    )
    if "Ben Okafor" in expected:
        assert "no certificate" not in result.stderr
    elif rule == "2":
        assert reason.replace("all 2 days", "2 days") in result.stderr
    else:
        assert reason in result.stderr


def test_a_course_asking_for_more_days_than_it_runs_is_an_error(make_project, run_cli) -> None:
    root = make_project(
        base=BASE, edits={PAIR_COURSE: [("schedule:", "certificate: {requires: 3}\nschedule:")]}
    )
    code, errors = validate(run_cli, root)
    assert code == 1
    assert (
        f"{PAIR_COURSE}:9:25: error: certificate.requires: 3 days, but the course runs on 2 days"
        in errors
    )


def test_a_rule_that_is_not_one_says_what_would_be(make_project, run_cli) -> None:
    root = make_project(
        base=BASE,
        edits={PAIR_COURSE: [("schedule:", "certificate: {requires: most-days}\nschedule:")]},
    )
    code, errors = validate(run_cli, root)
    assert code == 1
    assert errors[0] == (
        f"{PAIR_COURSE}:9:25: error: certificate.requires: 'most-days' is not a rule for "
        "certificates; write all-days, any-day or a number of days"
    )
