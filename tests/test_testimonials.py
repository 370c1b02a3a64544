"""Quotes on packs and flyers are participants' real words, or samples marked as such.

A quote names the event whose evaluation responses hold it (``source:``, checked in the check
phase) or is a sample (``sample: true``), which builds leave out unless ``--with-samples``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, RunCli, edit_file

SAMPLE = "I came expecting theory and left with phrases I used the very next morning."
SOURCED = "Practising in threes was nerve-racking at first, and it was the part I got most from."


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A copy of the demo project (its content and themes)."""
    root = tmp_path / "demo"
    for folder in ("content", "themes"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def test_sample_quotes_reach_an_edition_only_when_asked_and_then_rebuild_its_outputs() -> None:
    """The packs themselves are read in ``test_content.py`` (a default build and one
    ``--with-samples``); here, the edition and the planner's record of the option."""
    from mi_courseware.builders import REGISTRY
    from mi_courseware.builders.base import BuildContext
    from mi_courseware.core.edition import Selection
    from mi_courseware.errors import Problems
    from mi_courseware.pipeline.inputs import Hasher
    from mi_courseware.pipeline.plan import shaping
    from mi_courseware.pipeline.targets import load_checked
    from mi_courseware.project import ProjectPaths
    from mi_courseware.resolving.edition import resolve

    problems = Problems()
    project = load_checked(ProjectPaths(REPO), problems)
    found = {}
    for samples in (False, True):
        chosen = Selection("mi-practitioner", "in-depth", client="northfield", samples=samples)
        edition = resolve(project, chosen, problems)
        assert edition is not None
        quotes = [q.quote for q in edition.feedback]
        assert SOURCED in quotes and (SAMPLE in quotes) is samples
        found[samples] = shaping(edition, REGISTRY["flyer"], BuildContext(), Hasher(), "tool")
    assert "samples" not in found[False].options and found[True].options["samples"] is True
    assert found[False].digest != found[True].digest


def test_a_sourced_quote_the_evaluations_do_not_hold_is_an_error_at_its_line(
    demo: Path, run_cli: RunCli
) -> None:
    course = demo / "content" / "courses" / "mi-practitioner.yaml"
    edit_file(course, "part I got most from.", "part I got the most from.")
    edit_file(
        course,
        '  - quote: "Reflect back what I hear before asking the next question."\n'
        "    by: Participant on the in-depth day\n    source: northfield-2027-03\n",
        '  - quote: "Reflect back what I hear before asking the next question."\n'
        "    by: Participant on the in-depth day\n    source: northfield-2027-partners\n"
        '  - quote: "Unsourced words."\n    by: Participant\n',
    )
    lines = course.read_text(encoding="utf-8").splitlines()
    quoted = 1 + next(i for i, line in enumerate(lines) if "got the most from" in line)
    other = 1 + next(i for i, line in enumerate(lines) if "northfield-2027-partners" in line)
    bare = 1 + next(i for i, line in enumerate(lines) if "Unsourced words" in line)
    result = run_cli("validate", cwd=demo)
    assert result.exit_code == 1
    where = "content/courses/mi-practitioner.yaml"
    assert (
        f"{where}:{quoted}:12: error: this quote is not in the free-text answers of event "
        "'northfield-2027-03' (northfield-2027-03.csv); quote a participant's words as written, "
        "or mark it 'sample: true'"
    ) in result.stderr
    assert (
        f"{where}:{other}:13: error: event 'northfield-2027-partners' ran course "
        "'mi-multi-agency', not 'mi-practitioner'"
    ) in result.stderr
    assert f"{where}:{bare}:5: warning: this quote names no 'source'" in result.stderr


def test_a_course_build_reads_the_answers_its_quotes_name(demo: Path, run_cli: RunCli) -> None:
    """``build COURSE`` reads only what the course uses: that includes the responses of the
    events its quotes come from, so a quote is checked there as under ``validate``."""
    course = demo / "content" / "courses" / "mi-practitioner.yaml"
    build = ("build", "mi-practitioner", "--client", "northfield", "--only", "flyer")
    assert run_cli(*build, cwd=demo).exit_code == 0
    edit_file(course, "part I got most from.", "part I got the most from.")
    result = run_cli(*build, cwd=demo)
    assert result.exit_code == 1
    assert "error: this quote is not in the free-text answers of event 'northfield-2027-03'" in (
        result.stderr
    )
