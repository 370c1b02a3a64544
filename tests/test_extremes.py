"""The smallest event there is, and one with every field set: every output of each, opened.

The demo is not the user. The smallest event is the bare starter's with every optional key
left out (and its contact the short form, a bare email address); the largest is
``tests/projects/every-field`` (every key of its course, client and event, a Welsh client,
large print, a day in a room and one online, a roster with every column, responses). Each
is built whole, in one theme and language (the smallest in the default theme and English,
the largest in large print and Welsh), and its documents are rendered again in the other
(HTML, the deck's slide plan and the calendar: what templates and wording make).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PROJECTS, edit_file

from mi_courseware.cli import cli

EPOCH = "1800000000"  # 2027-01-15: before both events
WHEN = datetime(2027, 1, 15)
#: Text a template shows when it read a value that is not there.
MISSING = re.compile(r"\bNone\b|\bUndefined\b|\{\{|\}\}|\{[a-z_]+\}")

SMALLEST = {
    "content/courses/first-course.yaml": (
        "title: A First Look\n"
        "outcomes:\n  - {id: spirit, text: Describe the spirit of MI}\n"
        "sessions:\n  - {id: welcome, title: Welcome, minutes: 60, body: Why we are here.}\n"
        'schedule: {start: "09:30", end: "12:30"}\n'
    ),
    "content/clients/my-organisation/client.yaml": "name: My Organisation\n",
    "content/events/first-run.yaml": (
        "course: first-course\nclient: my-organisation\ndates: 2027-06-08\n"
        "admin_contact: training@my-organisation.example\n"
    ),
}


#: What the smallest event is warned of: the user's own choices, nothing else.
SMALLEST_WARNINGS = [
    "warning: outcome 'spirit' is taught by no session",
    "warning: event has no 'venue' (or 'virtual: true')",
]


def mi(root: Path, *args: str, warned: list[str] | None = None) -> str:
    """Run the CLI on ``root``; its output. The run must succeed and warn only of what
    ``warned`` says (each line ending so)."""
    result = CliRunner().invoke(
        cli,
        ["--project", str(root), *args],
        env={"SOURCE_DATE_EPOCH": EPOCH},
        catch_exceptions=False,
        prog_name="mi-courseware",
    )
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert [line.split(": ", 1)[1] for line in said] == (warned or []), result.stderr
    return result.output


def text(pdf: Path) -> str:
    """A PDF's text, whitespace folded."""
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def smallest_project(root: Path) -> Path:
    """The bare starter, every optional key left out."""
    mi(root.parent, "init", "--bare", str(root))
    for name, content in SMALLEST.items():
        (root / name).write_text(content, encoding="utf-8")
    (root / "content" / "rosters" / "first-run.csv").unlink()
    return root


def every_field_project(root: Path) -> Path:
    shutil.copytree(PROJECTS / "foundation-basic", root)
    shutil.copytree(PROJECTS / "every-field", root, dirs_exist_ok=True)
    return root


@pytest.fixture(scope="module")
def smallest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = smallest_project(tmp_path_factory.mktemp("smallest") / "project")
    mi(root, "validate", warned=SMALLEST_WARNINGS)
    mi(root, "build", warned=SMALLEST_WARNINGS)
    return root / "output" / "events" / "first-run"


@pytest.fixture(scope="module")
def largest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = every_field_project(tmp_path_factory.mktemp("largest") / "project")
    mi(root, "validate", "--strict", "every-field")
    mi(root, "build", "every-field")
    return root / "output" / "events" / "every-field"


def test_the_smallest_event_builds_every_output_it_has(smallest: Path) -> None:
    """No roster (so no certificates), no responses (no quality report); everything else,
    its contact (a bare email address) wherever contacts are shown."""
    from pptx import Presentation

    built = sorted(p.name for p in smallest.iterdir())
    assert built == [
        "calendar.ics", "facilitator-guide.pdf", "flyer.html", "flyer.pdf", "manifest.json",
        "participant-pack.pdf", "sign-in.pdf", "slides.pptx",
    ]  # fmt: skip
    email = "training@my-organisation.example"
    for name in ("participant-pack.pdf", "facilitator-guide.pdf", "flyer.pdf", "sign-in.pdf"):
        words = text(smallest / name)
        assert "A First Look" in words and not MISSING.search(words), (name, words[:400])
    for name in ("participant-pack.pdf", "flyer.pdf"):  # (a line may break at its hyphen)
        assert email.replace("-", "") in text(smallest / name).replace("-", ""), name
    assert "Tuesday 8 June 2027" in text(smallest / "sign-in.pdf")
    assert f"mailto:{email}" in (smallest / "calendar.ics").read_text(encoding="utf-8")
    deck = Presentation(str(smallest / "slides.pptx"))
    notes = [s.notes_slide.notes_text_frame.text for s in deck.slides if s.has_notes_slide]
    assert any(email in n for n in notes)
    assert all(slide.shapes.title is not None for slide in deck.slides)


def test_an_event_with_every_field_set_builds_every_output(largest: Path) -> None:
    """Large print, in Welsh: every value of every file is shown where it belongs."""
    from pptx import Presentation

    built = sorted(p.name for p in largest.iterdir())
    assert built == [
        "calendar.ics", "certificates", "facilitator-guide.pdf", "flyer.html", "flyer.pdf",
        "manifest.json", "participant-pack.pdf", "quality-report.pdf", "sign-in.pdf",
        "slides.pptx",
    ]  # fmt: skip
    pack = text(largest / "participant-pack.pdf")
    for shown in (
        "Bwrdd Iechyd Cwm Glas", "MI in Full, both days", "Deilliannau dysgu", "Gemma Thornley",
        "01632 960778", "Tŷ Glas, Ystafell 2", "Ar-lein", "Node-link mapping",
        "Motivational Interviewing: Helping People Change and Grow", "It changed how I listen.",
        "Gwasanaethau lleol", "AI1", "Ruth Calloway", "Imran Siddall", "Reflective log",
        "The venue suited the course",
    ):  # fmt: skip
        assert shown in pack, shown
    guide = text(largest / "facilitator-guide.pdf")
    assert "Ask what brought each person here." in guide and "Name badges" in guide
    flyer = text(largest / "flyer.pdf")
    for shown in ("Gemma Thornley", "bookings@cwmglas.example", "CGH-FULL-27", "1 Mawrth 2027"):
        assert shown in flyer, shown
    signin = text(largest / "sign-in.pdf")
    assert "Siân Llewelyn-Parry" in signin and "Cofrestr presenoldeb".upper() in signin
    certificates = sorted(p.name for p in (largest / "certificates").iterdir())
    assert certificates == ["CGH-2027-000001.pdf", "CGH-2027-000002.pdf", "all-certificates.pdf"]
    everyone = text(largest / "certificates" / "all-certificates.pdf")
    assert "Zoë D'Arcy-Fenwick" in everyone and "Ana Ortiz" in everyone
    report = text(largest / "quality-report.pdf")
    assert "Bwrdd Iechyd Cwm Glas" in report and "Yr ymarfer mewn parau" in report
    for name in ("participant-pack.pdf", "flyer.pdf", "sign-in.pdf", "quality-report.pdf"):
        assert not MISSING.search(text(largest / name)), name
    deck = Presentation(str(largest / "slides.pptx"))
    notes = " ".join(s.notes_slide.notes_text_frame.text for s in deck.slides if s.has_notes_slide)
    assert "Gemma Thornley" in notes
    ics = (largest / "calendar.ics").read_text(encoding="utf-8")
    assert ics.count("BEGIN:VEVENT") == 2 and 'CN="Gemma Thornley"' in ics


@pytest.mark.parametrize("which", ["smallest", "largest"])
def test_each_renders_in_the_other_theme_and_language(which: str, tmp_path: Path) -> None:
    """The smallest in large print and Welsh, the largest in the default theme and English:
    every template and wording, with every value absent and with every value there."""
    from mi_courseware.builders.calendar import calendar_bytes
    from mi_courseware.pipeline import BuildRequest, read_check_resolve
    from mi_courseware.project import ProjectPaths
    from mi_courseware.rendering.flyer import flyer_html
    from mi_courseware.rendering.pack import pack_html
    from mi_courseware.rendering.pptx.plan import plan_deck
    from mi_courseware.rendering.pptx.wording import Wording
    from mi_courseware.rendering.signin import signin_html

    if which == "smallest":
        root, event = smallest_project(tmp_path / "project"), "first-run"
        client = root / "content" / "clients" / "my-organisation" / "client.yaml"
        client.write_text("name: My Organisation\nlanguage: cy\n", encoding="utf-8")
        with (root / "content" / "events" / "first-run.yaml").open("a", encoding="utf-8") as f:
            f.write("theme: large-print\n")
    else:
        root, event = every_field_project(tmp_path / "project"), "every-field"
        edit_file(root / "content/events/every-field.yaml", "theme: large-print", "theme: default")
        edit_file(root / "content/clients/cwm-glas/client.yaml", "language: cy", "language: en")
    [edition], warnings = read_check_resolve(ProjectPaths(root), BuildRequest(event))
    expected = SMALLEST_WARNINGS if which == "smallest" else []
    assert [f"{p.severity}: {p.message}" for p in warnings] == expected
    pages = [
        pack_html(edition, facilitator=False, when=WHEN)[0],
        pack_html(edition, facilitator=True, when=WHEN)[0],
        flyer_html(edition, when=WHEN, standalone=False)[0],
        signin_html(edition, when=WHEN)[0],
        calendar_bytes(edition, WHEN).decode(),
    ]
    slides = plan_deck(edition, Wording(list(edition.theme_dirs), edition.language), None)
    assert slides and all(slide.title for slide in slides)
    for page in pages:
        assert not MISSING.search(re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL))
    assert ("Deilliannau dysgu" in pages[0]) == (which == "smallest")
