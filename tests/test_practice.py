"""How much of a course is practice, worked out from its timetable (issue 24).

The shares come from the exercises each session's text holds and the minutes the session
gives them (``loading/timing.py``, ``checks/practice.py``); ``list courses -v`` prints them,
``validate`` warns under a course's ``practice_target:``. The demo courses are held to at
least half practice and a third spoken practice, each with a real-play, and the Child and
Family course to text of its own rather than the Introduction's.
"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO, MakeProject, RunCli, lines

from mi_courseware.checks.practice import session_text, shares, variant_sessions
from mi_courseware.errors import Problems
from mi_courseware.loading.timing import allot, practice, sections
from mi_courseware.pipeline.targets import load_checked
from mi_courseware.project import ProjectPaths

BODY = """Before any heading.

## Talk

::: timing minutes=3
:::

Words.

## Free one

Words.

## Try it

::: exercise minutes=10 grouping=pairs kind=rehearsal title="Drill"
1. Say it.
:::

::: exercise minutes=4 kind=discussion
1. Talk about it.
:::

## Free two

Words.
"""


def test_sections_take_their_exercise_and_timing_minutes_and_share_the_rest() -> None:
    found = sections(BODY, "Session")
    assert [(s.title, s.stated, [e.minutes for e in s.exercises]) for s in found] == [
        ("Talk", 3, []),
        ("Free one", None, []),
        ("Try it", None, [10, 4]),
        ("Free two", None, []),
    ]
    assert [a.minutes for a in allot(found, 24)] == [3, 4, 14, 3]  # 7 spare: 4 and 3
    assert practice(BODY, "Session", 24).exercises == 14
    assert practice(BODY, "Session", 24).spoken == 10
    # a session shorter than its text: the exercises first, then the stated talk
    short = allot(found, 12)
    assert [a.minutes for a in short] == [0, 0, 12, 0] and short[2].exercises == (10, 2)
    assert practice(BODY, "Session", 12).spoken == 10


def _project() -> tuple[object, Problems]:
    problems = Problems()
    return load_checked(ProjectPaths(REPO), problems), problems


def test_every_demo_course_and_variant_is_half_practice_with_a_real_play() -> None:
    project, problems = _project()
    assert not problems.errors
    checked = 0
    for record in project.courses.values():  # type: ignore[attr-defined]
        for variant, part in shares(project, record).items():  # type: ignore[arg-type]
            name = f"{record.id} {variant or ''}"
            assert part.share(part.exercises) >= 50, (name, part)
            assert part.share(part.spoken) >= 35, (name, part)
            assert part.real_play >= 20, (name, part)
            checked += 1
    assert checked >= 6


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("\u2019", "'"))


def _taught_words(course: str) -> list[str]:
    project, _ = _project()
    record = project.courses[course]  # type: ignore[attr-defined]
    found: list[str] = []
    for session in variant_sessions(record.model, None):
        text = session_text(project, record, session)  # type: ignore[arg-type]
        assert text is not None
        found += _words(text.body)
    return found


def test_the_child_and_family_course_shares_under_a_quarter_of_its_text_with_the_introduction() -> (
    None
):
    """Measured on the words of the sessions each course teaches: the share of the follow-on
    course's words that sit inside a run of eight words also found in the Introduction."""
    run = 8
    follow_on, introduction = _taught_words("mi-child-family"), _taught_words("mi-introduction")
    theirs = {tuple(introduction[i : i + run]) for i in range(len(introduction) - run + 1)}
    shared = [False] * len(follow_on)
    for i in range(len(follow_on) - run + 1):
        if tuple(follow_on[i : i + run]) in theirs:
            shared[i : i + run] = [True] * run
    share = sum(shared) / len(follow_on)
    assert len(follow_on) > 4000
    assert share < 0.25, f"{share:.0%} of the follow-on course's text repeats the Introduction"


def test_list_courses_verbose_prints_every_variants_shares(run_cli: RunCli) -> None:
    result = run_cli("--project", str(REPO), "list", "courses", "-v")
    assert result.exit_code == 0, result.output
    shares_ = re.compile(
        r"^      (\S+): (\d+\.\d)% in exercises \((\d+) of (\d+) minutes\), (\d+\.\d)% rehearsal "
        r"and real-play \((\d+) min\), real-play (\d+) min$"
    )
    found = {m.group(1): m for line in lines(result.output) if (m := shares_.match(line))}
    assert {"introduction", "in-depth", "course"} <= set(found)
    depth = found["in-depth"]
    exercises, taught = int(depth.group(3)), int(depth.group(4))
    assert taught == 340 and float(depth.group(2)) == round(100 * exercises / taught, 1)


def test_validate_warns_under_a_practice_target_and_strict_fails(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    root: Path = make_project(
        {
            "content/modules/drills.md": (
                "## Drill\n\n::: exercise minutes=20 grouping=pairs title=Drill\n1. Go.\n:::\n\n"
                "## Odd\n\n::: exercise minutes=5 kind=rehersal\n1. Go.\n:::\n"
            ),
        },
        edits={
            "content/courses/mi-basics.yaml": [
                ("module: skills\n", "module: drills\n"),
                (
                    "schedule:\n",
                    "practice_target: {exercises: 90, rehearsal: 35, real_play: true}\nschedule:\n",
                ),
            ]
        },
    )
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 1
    assert (
        "content/modules/drills.md:9:5: error: unknown exercise kind 'rehersal' (did you mean "
        "'rehearsal'?)" in result.stderr
    )
    edit = root / "content/modules/drills.md"
    edit.write_text(edit.read_text().replace("kind=rehersal", "kind=discussion"))
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 0, result.stderr
    course = next(line for line in result.stderr.splitlines() if "below the target of 90%" in line)
    assert re.match(
        r"content/courses/mi-basics\.yaml:\d+:\d+: warning: variant 'in-depth' gives ", course
    )
    assert "has no real-play" in result.stderr and "below the target of 35%" in result.stderr
    assert "content/modules/drills.md:3:1: warning: exercise 'Drill' does not say its kind" in (
        result.stderr
    )
    assert run_cli("validate", "--strict", cwd=root).exit_code == 1


def test_the_one_day_course_teaches_oars_straight_after_the_spirit_then_the_four_tasks() -> None:
    """Issue 24.3: reflections are taught before the exercises that need them, the four tasks
    get 15-20 minutes of their own, and the cycle of change is short."""
    project, _ = _project()
    record = project.courses["mi-practitioner"]  # type: ignore[attr-defined]
    minutes = {s.id: s.minutes for s in record.model.sessions}
    assert 15 <= minutes["tasks"] <= 20 and minutes["cycle"] <= 15
    for variant in record.model.variants:
        order = [s.id for s in variant_sessions(record.model, variant)]
        start = order.index("principles")
        assert order[start + 1 : start + 3] == ["oars", "tasks"], (variant, order)
        assert all(order.index(later) > start + 2 for later in ("ambivalence", "real-play"))
