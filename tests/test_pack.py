"""The participant pack and facilitator guide: real PDFs, opened and read back."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import pdf_pages

from mi_courseware.cli import cli
from mi_courseware.core.edition import Selection
from mi_courseware.errors import Problems
from mi_courseware.pipeline.targets import load_checked
from mi_courseware.project import ProjectPaths
from mi_courseware.rendering.pack import pack_html, running_order
from mi_courseware.resolving.edition import resolve
from mi_courseware.resolving.targets import event_selection

HERE = Path(__file__).parent
FIXTURE = HERE / "projects" / "pack-basic"
GOLDEN = HERE / "golden"
REPO = HERE.parent
EPOCH = "1800000000"


def build(project: Path, *args: str) -> None:
    """Run ``mi-courseware build`` in-process and fail with its output if it fails."""
    env = {"SOURCE_DATE_EPOCH": EPOCH}
    result = CliRunner().invoke(cli, ["-q", "--project", str(project), "build", *args], env=env)
    assert result.exit_code == 0, result.output


def text(pdf: Path) -> str:
    """The PDF's text as pdftotext reads it, whitespace folded."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout
    return " ".join(out.decode().split())


def pdfinfo(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode()


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = tmp_path_factory.mktemp("pack") / "project"
    shutil.copytree(FIXTURE, project)
    build(project, "acme-run", "--only", "pack", "--only", "facilitator", "--keep-html")
    return project / "output" / "events" / "acme-run"


def test_it_writes_a_tagged_a4_pack_with_embedded_fonts_only(fixture_build: Path) -> None:
    pdf = fixture_build / "participant-pack.pdf"
    info = pdfinfo(pdf)
    assert "Tagged:          yes" in info
    assert "A4" in info
    assert "Title:           MI Basics – Participant pack" in info
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True)
    rows = fonts.stdout.decode().splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert emb == "yes", row
        assert "Open-Sans" in name or "MI-Symbols" in name, row
    with pikepdf.open(pdf) as document:
        assert document.Root.Lang == "en"
        assert document.Root.MarkInfo.Marked
        with document.open_outline() as outline:
            assert len(outline.root) >= 5  # bookmarks for navigation


def test_it_puts_outcomes_sessions_timetable_and_client_details_in_the_pack(
    fixture_build: Path,
) -> None:
    words = text(fixture_build / "participant-pack.pdf")
    for expected in (
        "Use reflective listening in conversations",
        "Write a first personal action plan",
        "Listening first",
        "Planning next steps",
        "09:30–10:15",  # first session
        "10:15–10:30",  # its break
        "Acme Care Trust",
        "learning@acme.example",
        "Local help",  # the client's extra page
        "Decisional balance",
        "Not-so-good things",
        "Reflection relay",
        "10 minutes · in pairs",
        "Room 1, Acme House",
        "4 May 2027",
        "Evaluation form",
        "Calm and useful.",
        "Test Standards",
    ):
        assert expected in words, expected
    assert re.search(r"Page 3 of \d+", words)


def test_it_keeps_trainer_notes_and_answers_out_of_the_participant_pack(
    fixture_build: Path,
) -> None:
    pack = text(fixture_build / "participant-pack.pdf")
    guide = text(fixture_build / "facilitator-guide.pdf")
    for secret in ("TRAINER-ONLY-NOTE", "MODEL-ANSWER-TEXT", "Keep the pace gentle."):
        assert secret not in pack
        assert secret in guide
    assert "RUNNING ORDER" in guide.upper() and "MATERIALS" in guide.upper()
    assert "Flipchart" in guide and "Timer" in guide


def test_its_html_matches_the_golden_copy(fixture_build: Path) -> None:
    """Golden test of the participant HTML (file locations normalised)."""
    html = (fixture_build / "participant-pack.html").read_text(encoding="utf-8")
    project_uri = (fixture_build.parents[2]).as_uri()
    html = html.replace(project_uri, "file:///PROJECT").replace(REPO.as_uri(), "file:///REPO")
    golden = GOLDEN / "pack-basic.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8"), "run with UPDATE_GOLDEN=1 to accept"


def test_it_escapes_markup_from_course_files(fixture_build: Path) -> None:
    html = (fixture_build / "participant-pack.html").read_text(encoding="utf-8")
    assert "listening &lt;well&gt;" in html
    assert "<well>" not in html


def test_it_gives_the_same_bytes_for_the_same_inputs(fixture_build: Path, tmp_path: Path) -> None:
    project = tmp_path / "elsewhere"
    shutil.copytree(FIXTURE, project)
    build(project, "acme-run", "--only", "pack")
    again = project / "output" / "events" / "acme-run" / "participant-pack.pdf"
    assert again.read_bytes() == (fixture_build / "participant-pack.pdf").read_bytes()


def test_it_uses_welsh_wording_for_a_welsh_client(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    build(project, "basics", "--client", "cymru", "--only", "pack")
    words = text(project / "output" / "cymru" / "basics" / "participant-pack.pdf")
    for heading in ("Cynnwys", "Deilliannau dysgu", "Amserlen", "Ffurflen werthuso", "Tudalen"):
        assert heading in words, heading
    assert "Learning outcomes" not in words


def _median_word_height(pdf: Path, page: int) -> float:
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    heights = sorted(
        float(m.group(2)) - float(m.group(1))
        for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', out)
    )
    return heights[len(heights) // 2]


def test_the_large_print_theme_sets_larger_text_on_every_page(
    fixture_build: Path, tmp_path: Path
) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    build(
        project,
        "acme-run",
        "--only",
        "pack",
        "--theme",
        "large-print",
        "--out",
        str(project / "large"),
    )
    large = project / "large" / "events" / "acme-run" / "participant-pack.pdf"
    normal = fixture_build / "participant-pack.pdf"
    for page in range(1, pdf_pages(large) + 1):
        assert _median_word_height(large, page) >= 18.0, f"page {page} is not large print"
    assert _median_word_height(normal, 4) < 16.0  # 11 pt body; 16 pt gives about 21.8


def test_it_refuses_images_from_outside_the_project_or_the_network(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    module = project / "content" / "modules" / "listening.md"
    module.write_text(
        module.read_text()
        + "\n![Secret](/etc/hostname)\n\n![Tracker](https://example.org/pixel.png)\n\n![](x.png)\n"
    )
    result = CliRunner().invoke(cli, ["--project", str(project), "build", "acme-run"])
    assert result.exit_code == 1
    assert "image '/etc/hostname' is outside the project; copy it into the project" in result.output
    assert "'https://example.org/pixel.png' is not a file in the project" in result.output
    assert "has no alt text" in result.output
    assert re.search(r"listening\.md:\d+:1: error:", result.output)
    assert not (project / "output" / "events").exists()


def test_a_client_stylesheet_cannot_pull_resources_from_the_network(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    templates = project / "content" / "clients" / "acme" / "templates"
    templates.mkdir()
    (templates / "pack.css").write_text(
        "body { background: url('https://example.org/track.png'); }\n"
        "h2 { background: url('file:///etc/hostname'); }\n"
    )
    result = CliRunner().invoke(
        cli, ["--project", str(project), "build", "acme-run", "--only", "pack"]
    )
    assert result.exit_code == 1, result.output
    assert re.search(
        r"templates/pack\.css:1:20: error: refused to load 'https://example\.org/track\.png'",
        result.output,
    )
    assert "pack.css:2:18: error: refused to load 'file:///etc/hostname'" in result.output


def test_a_running_order_shares_free_time_around_the_exercises() -> None:
    problems = Problems()
    project = load_checked(ProjectPaths(FIXTURE), problems)
    edition = resolve(project, event_selection(project, "acme-run"), problems)
    assert edition is not None and not problems.errors
    steps = running_order(edition.sessions[0])
    assert [(s.start, s.minutes, s.exercise) for s in steps] == [
        ("09:30", 12, False),
        ("09:42", 10, True),
        ("09:52", 12, False),
        ("10:04", 11, False),
    ]
    assert sum(s.minutes for s in steps) == edition.sessions[0].minutes


def test_the_demo_in_depth_pack_holds_every_outcome_session_and_the_client(tmp_path: Path) -> None:
    """Issue 3 acceptance, on the real demo content."""
    build(
        REPO,
        "mi-practitioner",
        "--client",
        "northfield",
        "--variant",
        "in-depth",
        "--addon",
        "node-link-mapping",
        "--out",
        str(tmp_path),
    )
    folder = tmp_path / "northfield" / "mi-practitioner-in-depth"
    problems = Problems()
    project = load_checked(ProjectPaths(REPO), problems)
    edition = resolve(
        project,
        Selection("mi-practitioner", "in-depth", ("node-link-mapping",), "northfield"),
        problems,
    )
    assert edition is not None
    for name in ("participant-pack.pdf", "facilitator-guide.pdf"):
        pdf = folder / name
        info = pdfinfo(pdf)
        assert "Tagged:          yes" in info and "A4" in info
        words = text(pdf)
        for outcome in edition.outcomes:
            assert " ".join(outcome.text.split()) in words, outcome.text
        for session in edition.sessions:
            assert " ".join(session.title.split()) in words, session.title
        assert edition.brand.name in words
        assert edition.brand.contact.email in words


def test_pack_html_is_made_from_the_edition_alone() -> None:
    problems = Problems()
    project = load_checked(ProjectPaths(FIXTURE), problems)
    edition = resolve(project, event_selection(project, "acme-run"), problems)
    assert edition is not None
    from datetime import UTC, datetime

    html, _ = pack_html(edition, facilitator=False, when=datetime(2027, 1, 1, tzinfo=UTC))
    assert html.count('class="session"') == len(edition.sessions)
    assert html.count("<h2") >= len(edition.sessions)


def test_a_png_logo_does_not_make_copies_of_a_project_differ(tmp_path: Path) -> None:
    """WeasyPrint names raster images after their URL; we embed them so paths never leak."""
    from PIL import Image

    pdfs = []
    for name in ("one", "two"):
        project = tmp_path / name / "project"
        shutil.copytree(FIXTURE, project)
        client = project / "content" / "clients" / "acme"
        Image.new("RGB", (120, 40), "#0b4f6c").save(client / "logo.png")
        yaml = client / "client.yaml"
        yaml.write_text(yaml.read_text().replace("logo: logo.svg", "logo: logo.png"))
        build(project, "acme-run", "--only", "pack")
        pdfs.append(project / "output" / "events" / "acme-run" / "participant-pack.pdf")
    assert pdfs[0].read_bytes() == pdfs[1].read_bytes()
    assert str(tmp_path).encode() not in pdfs[0].read_bytes()


def test_rendering_in_worker_processes_gives_the_same_bytes(
    fixture_build: Path, tmp_path: Path
) -> None:
    """The fixture build used worker processes (default jobs); one job renders in-process."""
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    build(project, "acme-run", "--only", "pack", "--only", "facilitator", "--jobs", "1")
    for name in ("participant-pack.pdf", "facilitator-guide.pdf"):
        alone = project / "output" / "events" / "acme-run" / name
        assert alone.read_bytes() == (fixture_build / name).read_bytes(), name


def test_the_certificates_command_keeps_the_manifest_true(tmp_path: Path) -> None:
    """Issuing into a built folder updates manifest.json's hashes of what is there now."""
    import hashlib
    import json

    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    build(project, "acme-run", "--only", "certificates")
    roster = project / "content" / "rosters" / "acme-run.csv"
    roster.write_text(roster.read_text().replace("Anna Test", "Anna Tést"), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["-q", "--project", str(project), "certificates", "acme-run", "--reissue"]
    )
    assert result.exit_code == 0, result.output
    folder = project / "output" / "events" / "acme-run"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {o["path"]: o["sha256"] for o in manifest["outputs"]}
    pdfs = sorted(folder.glob("certificates/*.pdf"))
    assert pdfs and all(str(p.relative_to(folder)) in listed for p in pdfs)
    for pdf in pdfs:
        assert listed[str(pdf.relative_to(folder))] == hashlib.sha256(pdf.read_bytes()).hexdigest()


def test_fixed_wording_names_only_what_the_edition_holds(run_cli, tmp_path: Path) -> None:
    """Issue 21, defect 6: the bare starter's pack spoke of a reflective log, an action
    plan and worksheets it does not hold, and a two-day course's of "the day"."""
    import html
    from datetime import datetime

    from mi_courseware.pipeline import BuildRequest, read_check_resolve

    when = datetime(2027, 1, 1)

    def packs(root: Path, event: str) -> tuple[str, str]:
        [edition], _ = read_check_resolve(ProjectPaths(root), BuildRequest(event))
        made = (pack_html(edition, facilitator=f, when=when)[0] for f in (False, True))
        return tuple(html.unescape(page) for page in made)

    bare = tmp_path / "bare"
    assert run_cli("init", "--bare", str(bare), cwd=tmp_path).exit_code == 0
    pack, guide = packs(bare, "first-run")
    assert "It follows the day session by session" in pack
    assert "Exercises are marked with the time they take" in pack  # it has one
    for absent in ("Worksheets have space", "reflective log", "action plan"):
        assert absent not in pack, absent
    assert "plus trainer notes, materials and a running order" in guide  # no model answers
    days = REPO / "tests" / "projects" / "days-basic"
    pack, _ = packs(days, "partners-2027")
    assert "It follows the course day by day and session by session" in pack
    assert "the day session by session" not in pack
    pack, _ = packs(days, "cwm-2027")  # a Welsh client
    assert "Mae'n dilyn y cwrs diwrnod wrth ddiwrnod a sesiwn wrth sesiwn" in pack
    # the demo keeps its wording, every part of it being there
    pack, guide = packs(REPO, "northfield-2027-03")
    for point in ("Worksheets have space", "The reflective log and action plan at the back"):
        assert point in pack
    assert "plus trainer notes, model answers, materials" in guide
