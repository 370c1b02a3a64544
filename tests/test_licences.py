"""Trainers' accreditations and clients' licences, as ``validate`` and ``list`` report them.

The ``coding-basic`` overlay adds three trainers to ``foundation-basic``: ``ruth-calloway``
(Acme's, accredited for mi-basics 2026-01-05 to 2028-12-31), ``sam-okoro`` (Acme's, for
mi-basics until 2026-12-31) and ``lee-hart`` (another organisation's, for two-day only).
"""

from __future__ import annotations

from pathlib import Path

from conftest import lines

from mi_courseware.errors import Problems
from mi_courseware.pipeline.targets import load_checked
from mi_courseware.project import ProjectPaths
from mi_courseware.resolving.targets import editions_for, find_target

EVENT = "content/events/acme-2027.yaml"
CLIENT = "content/clients/acme/client.yaml"
LICENCE = "licence: {courses: [mi-basics], from: 2026-01-01, to: 2028-06-30, max_trainers: 2}\n"


def event_file(dates: str, trainers: str) -> str:
    return (
        "course: mi-basics\nvariant: introduction\naddons: [mapping]\nclient: acme\n"
        f"code: ACME-1\ndates: {dates}\ntimes: 09:30-12:30\nvenue: Town Hall\n"
        f"trainers:\n{trainers}roster: ../rosters/acme-2027.csv\n"
    )


def project(make_project, event: str, licence: str = LICENCE, **files: str) -> Path:
    root = make_project({EVENT: event, **files}, overlay="coding-basic")
    with (root / CLIENT).open("a", encoding="utf-8") as client:
        client.write(licence)
    return root


def validate(run_cli, root: Path) -> tuple[int, list[str]]:
    result = run_cli("validate", cwd=root)
    assert "Traceback" not in result.output
    return result.exit_code, lines(result.stderr)


def test_accredited_trainers_within_the_licence_pass(make_project, run_cli) -> None:
    trainers = "  - ruth-calloway\n  - Dana Price\n"
    root = project(make_project, event_file("[2027-03-11]", trainers))
    assert validate(run_cli, root) == (0, [])


def test_each_trainer_and_licence_problem_is_reported_at_its_event_line(
    make_project, run_cli
) -> None:
    trainers = "  - sam-okoro\n  - lee-hart\n  - ruth-caloway\n  - Dana Price\n"
    root = project(make_project, event_file("[2028-09-14]", trainers))
    assert validate(run_cli, root) == (
        1,
        [
            f"{EVENT}:6:9: error: 2028-09-14 is after client 'acme''s licence ends (2028-06-30)",
            f"{EVENT}:10:5: error: trainer 'sam-okoro' (Sam Okoro): accreditation for course "
            "'mi-basics' expired on 2026-12-31, before the event (2028-09-14)",
            f"{EVENT}:11:5: error: trainer 'lee-hart' (Lee Hart) is not accredited for course "
            "'mi-basics'; accredited for: two-day",
            f"{EVENT}:12:5: error: unknown trainer 'ruth-caloway' (did you mean 'ruth-calloway'?)",
            "4 errors",
        ],
    )


def test_an_event_before_the_licence_or_for_a_course_it_does_not_cover(
    make_project, run_cli
) -> None:
    licence = "licence: {courses: [two-day], from: 2027-04-01, to: 2030-03-31}\n"
    root = project(make_project, event_file("[2027-03-11]", "  - ruth-calloway\n"), licence)
    assert validate(run_cli, root) == (
        1,
        [
            f"{EVENT}:1:9: error: course 'mi-basics' is not covered by client 'acme''s licence "
            "(it covers: two-day)",
            f"{EVENT}:6:9: error: 2027-03-11 is before client 'acme''s licence starts (2027-04-01)",
            "2 errors",
        ],
    )


def test_an_accreditation_that_starts_after_the_event(make_project, run_cli) -> None:
    trainer = (
        "name: Kim Lowe\naccreditations:\n"
        "  - {course: mi-basics, date: 2027-05-01, by: MI Trainers' Network}\n"
    )
    root = project(
        make_project,
        event_file("[2027-03-11]", "  - kim-lowe\n"),
        **{"content/trainers/kim-lowe.yaml": trainer},
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{EVENT}:10:5: error: trainer 'kim-lowe' (Kim Lowe) is accredited for course "
            "'mi-basics' only from 2027-05-01, after the event starts (2027-03-11)",
            "1 error",
        ],
    )


def test_a_client_with_more_accredited_trainers_than_its_licence_allows(
    make_project, run_cli
) -> None:
    licence = LICENCE.replace("max_trainers: 2", "max_trainers: 1")
    root = project(make_project, event_file("[2027-03-11]", "  - ruth-calloway\n"), licence)
    assert validate(run_cli, root) == (
        1,
        [
            f"{CLIENT}:11:81: error: the licence allows 1 trainers, but 2 of the client's "
            "trainers are accredited for its courses: ruth-calloway, sam-okoro",
            "1 error",
        ],
    )


def test_licence_and_accreditation_values_are_checked(make_project, run_cli) -> None:
    licence = "licence: {courses: [mi-basic], from: 2028-01-01, to: 2027-01-01}\n"
    trainer = (
        "name: Kim Lowe\naccreditations:\n"
        "  - {course: mi-basic, date: 2027-05-01, by: Network}\n"
        "  - {course: mi-basics, date: 2027-05-01, expires: 2026-05-01, by: Network}\n"
    )
    root = project(
        make_project,
        event_file("[2027-03-11]", "  - Ruth Calloway\n"),
        licence,
        **{"content/trainers/kim-lowe.yaml": trainer},
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{CLIENT}:11:10: error: licence: the licence ends (2027-01-01) before it starts "
            "(2028-01-01)",
            "content/trainers/kim-lowe.yaml:4:5: error: accreditations[1]: expires 2026-05-01 is "
            "before the accreditation's date 2027-05-01",
            "2 errors",
        ],
    )
    root_ok = licence.replace(
        "from: 2028-01-01, to: 2027-01-01", "from: 2026-01-01, to: 2029-01-01"
    )
    trainer_ok = trainer.replace("expires: 2026-05-01", "expires: 2029-05-01")
    (root / CLIENT).write_text(
        (root / CLIENT).read_text(encoding="utf-8").replace(licence, root_ok), encoding="utf-8"
    )
    (root / "content/trainers/kim-lowe.yaml").write_text(trainer_ok, encoding="utf-8")
    assert validate(run_cli, root) == (
        1,
        [
            f"{CLIENT}:11:21: error: unknown course 'mi-basic' (did you mean 'mi-basics'?)",
            f"{EVENT}:1:9: error: course 'mi-basics' is not covered by client 'acme''s licence "
            "(it covers: mi-basic)",
            "content/trainers/kim-lowe.yaml:3:14: error: unknown course 'mi-basic' (did you mean "
            "'mi-basics'?)",
            "3 errors",
        ],
    )


def test_trainer_ids_print_as_the_trainers_names(make_project) -> None:
    root = project(make_project, event_file("[2027-03-11]", "  - ruth-calloway\n  - Dana Price\n"))
    problems = Problems()
    loaded = load_checked(ProjectPaths(root), problems)
    (edition,) = editions_for(loaded, [find_target(loaded, "acme-2027")], problems)
    assert problems.errors == []
    assert edition.event is not None
    assert edition.event.trainers == ("Ruth Calloway", "Dana Price")


def test_list_trainers_shows_days_left_and_licences_ending_soon(make_project, run_cli) -> None:
    root = project(make_project, event_file("[2027-03-11]", "  - ruth-calloway\n"))
    epoch = {"SOURCE_DATE_EPOCH": "1839715200"}  # 2028-04-19: the licence ends in 72 days
    result = run_cli("list", "trainers", "-v", cwd=root, env=epoch)
    assert result.exit_code == 0
    assert lines(result.stdout) == [
        "  lee-hart                     Lee Hart (Hart Training Ltd)  [two-day]",
        "      two-day                  from 2025-05-01 no expiry, by MI Trainers' Network",
        "  ruth-calloway                Ruth Calloway (acme)  [mi-basics]",
        "      mi-basics                from 2026-01-05 until 2028-12-31, by MI Trainers' "
        "Network: 256 days left",
        "  sam-okoro                    Sam Okoro (acme)  [no current accreditation]",
        "      mi-basics                from 2023-01-09 until 2026-12-31, by MI Trainers' "
        "Network: expired 475 days ago",
        "  licences ending within 90 days:",
        "      acme                     mi-basics until 2028-06-30: 72 days left",
    ]
