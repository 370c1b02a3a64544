"""The coding PDFs as a mentor and an observer get them: feedback report and tally sheet.

The PDFs are rendered once per test session (WeasyPrint and matplotlib are slow to start) and
opened with poppler's tools: their text must carry every score and band, and they must hold
no raster image (the charts are SVG vector graphics).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import PROJECTS

from mi_courseware.cli import cli

EPOCH = {"SOURCE_DATE_EPOCH": "1811808000"}  # 2027-06-01


def run(root: Path, *args: str):
    result = CliRunner().invoke(
        cli, ["--project", str(root), *args], env=EPOCH, catch_exceptions=False
    )
    return result


def text_of(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def image_rows(pdf: Path) -> list[str]:
    done = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[2:]  # after the two header lines


def pages(pdf: Path) -> int:
    done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fixture project with alex-reed's report made twice, gwen-ellis's and a sheet."""
    root = tmp_path_factory.mktemp("coding") / "project"
    shutil.copytree(PROJECTS / "foundation-basic", root)
    shutil.copytree(PROJECTS / "coding-basic", root, dirs_exist_ok=True)
    result = run(root, "coding", "report", "alex-reed")
    assert result.exit_code == 0, result.output
    feedback = root / "output" / "coding" / "alex-reed" / "feedback.pdf"
    first = feedback.read_bytes()
    again = run(root, "coding", "report", "alex-reed")
    assert again.exit_code == 0, again.output
    welsh = run(root, "coding", "report", "gwen-ellis")
    assert welsh.exit_code == 0, welsh.output
    sheet = root / "sheets" / "social-work.pdf"
    made = run(root, "coding", "sheet", "--scale", "social-work-7", "-o", str(sheet))
    assert made.exit_code == 0, made.output
    return {
        "root": root,
        "feedback": feedback,
        "first": first,
        "printed": result.stdout,
        "welsh": root / "output" / "coding" / "gwen-ellis" / "feedback.pdf",
        "sheet": sheet,
    }


def layout_rows(pdf: Path, page: int) -> list[list[str]]:
    """One page's text laid out as printed: each line split into its cells."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return [re.split(r"\s{2,}", line.strip()) for line in done.stdout.splitlines() if line.strip()]


def test_the_feedback_report_carries_every_score_and_its_band(built) -> None:
    # the latest session (tally): technical 3.5 fair, relational 3.5 fair, %CR 33.33 below
    # fair, R:Q 1.2 fair, each row with its thresholds
    rows = layout_rows(built["feedback"], 1)
    for row in (
        ["Technical global", "3.50", "fair", "3", "4"],
        ["Relational global", "3.50", "fair", "3.5", "4"],
        ["Complex reflections, as a share of all", "33.33%", "below fair", "40%", "50%"],
        ["Reflections to questions", "1.20:1", "fair", "1:1", "2:1"],
    ):
        assert row in rows, row
    text = " ".join(text_of(built["feedback"]).split())
    # MI-adherent 3 and non-adherent 1 are counts; no client talk was coded
    assert "not worked out: no change or sustain talk was coded" in text
    # every session's scores in the history table (R:Q of the review is undefined: a dash)
    history = layout_rows(built["feedback"], 3)
    for row in (
        ["14 January 2027", "2.50", "3.00", "50.00%", "0.67:1"],
        ["intake", "below fair", "below fair", "good", "below fair"],
        ["11 February 2027", "4.00", "4.50", "66.67%", "–"],
        ["review", "good", "good", "good"],
        ["18 March 2027", "3.50", "3.50", "33.33%", "1.20:1"],
        ["tally", "fair", "fair", "below fair", "fair"],
    ):
        assert row in history, row
    # guidance for the weakest area (% complex reflections, the only one below fair)
    assert "Turn some simple reflections into complex ones" in text
    # then what was said in each session with a transcript, on a page of its own
    assert pages(built["feedback"]) == 4
    assert "1:04 Persuade: “You should stop before it gets worse.”" in text


def test_the_feedback_reports_charts_are_vector_graphics(built) -> None:
    assert image_rows(built["feedback"]) == []
    text = text_of(built["feedback"])
    # chart text is real text: threshold labels, band names and axis labels are searchable
    for label in ("good 4", "fair 3.5", "PERSUADE", "EMPHASIZE"):
        assert label in text, label


def test_the_feedback_report_is_written_atomically_and_reproducibly(built) -> None:
    folder = built["feedback"].parent
    assert sorted(p.name for p in folder.iterdir()) == ["feedback.pdf"]
    assert built["first"] == built["feedback"].read_bytes()
    assert built["printed"].strip().endswith("output/coding/alex-reed/feedback.pdf")


def test_the_feedback_report_is_built_again_only_when_what_shapes_it_changed(
    built, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    shutil.copytree(built["root"], root, copy_function=shutil.copy2)  # times kept
    feedback = root / "output" / "coding" / "alex-reed" / "feedback.pdf"
    stamp = feedback.stat().st_mtime_ns
    same = run(root, "-v", "coding", "report", "alex-reed")
    assert same.exit_code == 0, same.output
    assert "coding/alex-reed: coding-report up to date" in same.stderr
    assert feedback.stat().st_mtime_ns == stamp and feedback.read_bytes() == built["first"]
    recorded = json.loads((root / "output" / "coding" / "manifest.json").read_text())
    assert recorded["builds"]["coding-report/alex-reed"]["files"] == ["alex-reed/feedback.pdf"]
    assert sorted(recorded["builds"]) == ["coding-report/alex-reed", "coding-report/gwen-ellis"]

    session = root / "content" / "coding" / "alex-reed" / "2027-03-18-tally.yaml"
    session.write_text(session.read_text().replace("minutes: 20", "minutes: 25"))
    edited = run(root, "-v", "coding", "report", "alex-reed")
    assert edited.exit_code == 0, edited.output
    assert (
        "coding/alex-reed: coding-report built "
        "(content/coding/alex-reed/2027-03-18-tally.yaml changed)"
    ) in edited.stderr
    assert feedback.read_bytes() != built["first"]
    gwen = root / "output" / "coding" / "gwen-ellis" / "feedback.pdf"
    assert gwen.read_bytes() == built["welsh"].read_bytes()  # the other report kept


def test_a_welsh_clients_practitioner_gets_the_report_in_welsh(built) -> None:
    text = " ".join(text_of(built["welsh"]).split())
    assert "Sgorau'r sesiwn ddiweddaraf" in text
    # one session only: technical 3 teg, relational 4 da, %CR 3/7 = 42.86% teg, R:Q 7/6
    assert "3.00 teg" in text and "4.00 da" in text and "42.86% teg" in text
    assert "1.17:1 teg" in text
    assert "Dyma'r sesiwn gyntaf a godiwyd ar y raddfa hon" in text
    assert image_rows(built["welsh"]) == []


def test_the_observers_sheet_has_codes_globals_with_anchors_and_formulas(built) -> None:
    sheet = built["sheet"]
    text = " ".join(text_of(sheet).split())
    for code in ("GI", "PERSUADE", "PWP", "SR", "CR", "AF", "SEEK", "EMPHASIZE", "CONFRONT"):
        assert f" {code} " in text, code
    assert "0–5 min 5–10 min 10–15 min 15–20 min Total" in text
    assert "Clarity about concerns" in text and "The child is hardly mentioned." in text
    assert "÷7=" in text.replace(" ", "")  # the seven skills' average
    assert "fair from 3.5 · good from 4" in text
    # the scale codes only the practitioner: the client's language is labelled as an addition
    # (in the section's heading, set in capitals)
    assert (
        "CLIENT LANGUAGE (CHANGE AND SUSTAIN TALK) IS AN ADDITION: SOCIAL WORK SKILLS (SEVEN "
        "SKILLS) CODES ONLY THE PRACTITIONER." in text
    )
    assert image_rows(sheet) == []
    assert sorted(p.name for p in sheet.parent.iterdir()) == ["social-work.pdf"]


def test_an_unknown_scale_for_the_sheet_is_a_usage_error(built, tmp_path: Path) -> None:
    result = run(built["root"], "coding", "sheet", "--scale", "miti", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert "unknown scale 'miti'" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_demo_practitioners_report_quotes_the_session(tmp_path: Path) -> None:
    """Issue 24: the report quotes a reflection and each non-adherent response, with its
    time and a way to say it instead; the live tally and the client's language are labelled."""
    from conftest import REPO

    root = tmp_path / "demo"
    for folder in ("content", "themes"):
        shutil.copytree(REPO / folder, root / folder)
    result = run(root, "coding", "report", "jo-marsh")
    assert result.exit_code == 0, result.output
    text = " ".join(text_of(root / "output" / "coding" / "jo-marsh" / "feedback.pdf").split())
    assert "03:05 “Feeling worn out is starting to matter more to you than the wind-down.”" in text
    assert "00:41 Persuade: “You really should cut down before it affects your health.”" in text
    assert "01:52 Confront: “It can't be that hard if you managed it before.”" in text
    assert "Instead: Reflect what the client said, including the difficulty" in text
    assert "01:38 “Would you try it again?” · answered with a question" in text
    assert "Coded live: This session was tallied on paper while it happened." in text
    assert "Client language (change and sustain talk) is an addition: MITI 4.2.1" in text


def test_the_cohort_summary_says_which_latest_sessions_were_tallied_live() -> None:
    """Issue 24.7: a live tally is less reliable than coding a recording, and says so."""
    from conftest import REPO

    result = run(REPO, "coding", "summary")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[1][:4] == ["practitioner", "id", "latest", "coded"]
    assert rows[2][:5] == ["Jo", "Marsh", "jo-marsh", "2027-06-17", "live"]
    assert (
        "live: tallied on paper during the session, less reliable than coding a recording"
        in result.stdout
    )
