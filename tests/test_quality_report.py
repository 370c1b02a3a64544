"""The quality report of one event, and the report across runs, as PDFs opened with poppler.

Every number is worked out again here, independently of the tool (from the response file and
the roster, with Python's csv, decimal and statistics modules), and looked for in the PDF's
text. The PDFs are built once per test session.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import statistics
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import PROJECTS, edit_file

from mi_courseware.builders import REGISTRY, edition_outputs
from mi_courseware.cli import cli
from mi_courseware.pipeline.inputs import output_inputs
from mi_courseware.pipeline.targets import load_checked
from mi_courseware.resolving.targets import Target, editions_for

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01
RATED = ("The course met", "The trainer", "The pace", "The materials", "Overall", "How likely")


def run(root: Path, *args: str) -> Any:
    return CliRunner().invoke(
        cli, ["--project", str(root), *args], env=EPOCH, catch_exceptions=False
    )


def text_of(pdf: Path, layout: bool = False) -> str:
    command = ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def folded(pdf: Path) -> str:
    return " ".join(text_of(pdf).split())


def layout_rows(pdf: Path) -> list[list[str]]:
    return [
        re.split(r"\s{2,}", line.strip())
        for line in text_of(pdf, True).splitlines()
        if line.strip()
    ]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("quality") / "project"
    shutil.copytree(PROJECTS / "foundation-basic", root)
    shutil.copytree(PROJECTS / "evaluation-basic", root, dirs_exist_ok=True)
    result = run(root, "build", "eval-spring", "--only", "quality-report")
    assert result.exit_code == 0, result.output
    report = root / "output" / "events" / "eval-spring" / "quality-report.pdf"
    first = report.read_bytes()
    again = run(root, "build", "eval-spring", "--only", "quality-report", "--force")
    assert again.exit_code == 0, again.output
    runs = root / "reports" / "runs.pdf"
    made = run(root, "evaluation", "report", "--course", "mi-listening", "--out", str(runs))
    assert made.exit_code == 0, made.output
    table = run(root, "evaluation", "report", "--format", "csv")
    assert table.exit_code == 0, table.output
    return {
        "root": root,
        "report": report,
        "first": first,
        "runs": runs,
        "made": made,
        "csv": table.stdout,
    }


def _round(value: Decimal, places: str) -> str:
    return str(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def _mean(values: list[int]) -> str:
    return _round(Decimal(sum(values)) / Decimal(len(values)), "0.01")


def _median(values: list[int]) -> str:
    middle = statistics.median(values)
    return str(int(middle)) if middle == int(middle) else f"{middle:.1f}"


def _change(values: list[int]) -> str:
    text = _round(Decimal(sum(values)) / Decimal(len(values)), "0.01")
    return text if text.startswith("-") else f"+{text}"


def expected(root: Path, event: str) -> dict[str, Any]:
    """The report's numbers, from the files alone."""
    with open(root / f"content/evaluations/{event}.csv", encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    with open(root / f"content/rosters/{event}.csv", encoding="utf-8", newline="") as f:
        attended = sum(1 for r in csv.DictReader(f) if r["attended"] != "no")
    rated = {
        h: [int(r[i]) for r in rows if r[i].strip()]
        for i, h in enumerate(header)
        if h.startswith(RATED)
    }
    changes: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        if h.startswith("My confidence before the course: "):
            outcome = h.removeprefix("My confidence before the course: ")
            now = header.index(f"My confidence now: {outcome}")
            changes[outcome] = [
                int(r[now]) - int(r[i]) for r in rows if r[i].strip() and r[now].strip()
            ]
    return {"responses": len(rows), "attended": attended, "rated": rated, "changes": changes}


def project_copy(built: dict[str, Any], tmp_path: Path) -> Path:
    """The built project's sources, copied to change them (its outputs left behind)."""
    copy = tmp_path / "p"
    shutil.copytree(built["root"], copy, ignore=shutil.ignore_patterns("output", "reports"))
    return copy


def test_every_mean_median_rate_and_change_is_in_the_report(built: dict[str, Any]) -> None:
    numbers = expected(built["root"], "eval-spring")
    text = folded(built["report"])
    responses, attended = numbers["responses"], numbers["attended"]
    assert (responses, attended) == (40, 45)
    rate = _round(Decimal(responses * 100) / Decimal(attended), "1")
    summary = " ".join(" ".join(r) for r in layout_rows(built["report"])[:40])
    assert f"{rate}%" in summary and f"{responses} of {attended} who attended" in summary
    overall = numbers["rated"]["Overall, I was satisfied with this course"]
    assert f"{_mean(overall)}" in summary and f"out of 5 · n {len(overall)}" in summary
    every = [c for values in numbers["changes"].values() for c in values]
    assert _change(every) in summary
    # each rated question's card, in the form's order (left to right, top to bottom)
    cards = re.findall(r"\bn (\d+)\s+Mean (\S+)\s+Median (\S+)", text_of(built["report"], True))
    assert cards == [
        (str(len(values)), _mean(values), _median(values)) for values in numbers["rated"].values()
    ]
    # the outcomes best and least met
    met = {
        q.removeprefix("The course met this outcome: "): v
        for q, v in numbers["rated"].items()
        if q.startswith("The course met")
    }
    best = max(met, key=lambda o: Decimal(sum(met[o])) / len(met[o]))
    least = min(met, key=lambda o: Decimal(sum(met[o])) / len(met[o]))
    assert (
        f"OUTCOME BEST MET OUTCOME LEAST MET {_mean(met[best])} {best} {_mean(met[least])} {least}"
    ) in text
    # confidence before and now: each outcome's paired change, with its n
    rows = layout_rows(built["report"])
    for outcome, values in numbers["changes"].items():
        matching = [r for r in rows if r[0] == outcome]
        assert matching, outcome
        assert matching[-1][1] == str(len(values)) and matching[-1][-1] == _change(values), matching


def test_the_report_is_vector_only_and_the_same_bytes_each_time(built: dict[str, Any]) -> None:
    listed = subprocess.run(
        ["pdfimages", "-list", str(built["report"])], capture_output=True, text=True
    )
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[2:] == []  # nothing after pdfimages' two header lines
    assert built["report"].read_bytes() == built["first"]
    text = folded(built["report"])
    # charts keep their text as text, meaning named in words
    assert "Before Now" in text
    # every comment is there, escaped, the long one whole
    assert "The room was too warm & noisy <we could hear next door>" in text
    assert "advice is expected of us" in text


def test_the_collated_report_flags_the_weak_run_with_its_reasons(built: dict[str, Any]) -> None:
    assert "3 runs, 1 flagged" in built["made"].stdout
    text = folded(built["runs"])
    assert "Flagged runs • ACME-L-AUTUMN (7 October 2025): outcome" in text
    autumn = expected(built["root"], "eval-autumn")
    skills = autumn["rated"][
        "The course met this outcome: Use open questions, affirmations, reflections and summaries"
    ]
    assert (
        f"outcome 'Use open questions, affirmations, reflections and summaries' has a mean of {_mean(skills)}, under 3.5"
    ) in text
    rate = _round(Decimal(autumn["responses"] * 100) / Decimal(autumn["attended"]), "1")
    assert f"response rate {rate}% is under 50%" in text
    rows = list(csv.DictReader(io.StringIO(built["csv"])))
    assert [(r["event"], r["flagged"]) for r in rows] == [
        ("eval-spring", "no"),
        ("eval-summer", "no"),
        ("eval-autumn", "yes"),
    ]
    spring = expected(built["root"], "eval-spring")
    assert rows[0]["responses"] == "40" and rows[0]["attended"] == "45"
    overall = spring["rated"]["Overall, I was satisfied with this course"]
    assert rows[0]["satisfaction"] == _mean(overall)
    every = [c for values in spring["changes"].values() for c in values]
    assert rows[0]["confidence_change"] == _change(every).lstrip("+")
    # pooled: all three runs' answers together
    pooled = [
        v
        for e in ("eval-spring", "eval-summer", "eval-autumn")
        for v in expected(built["root"], e)["rated"]["Overall, I was satisfied with this course"]
    ]
    assert f"{_mean(pooled)}" in text and f"out of 5 · n {len(pooled)}" in text
    listed = subprocess.run(
        ["pdfimages", "-list", str(built["runs"])], capture_output=True, text=True
    )
    assert listed.stdout.splitlines()[2:] == []


def test_runs_can_be_chosen_by_date_and_names_are_checked(built: dict[str, Any]) -> None:
    root = built["root"]
    table = run(
        root,
        "evaluation",
        "report",
        "--format",
        "csv",
        "--from",
        "2025-06-01",
        "--to",
        "2025-09-30",
    )
    assert table.exit_code == 0, table.output
    assert [r["event"] for r in csv.DictReader(io.StringIO(table.stdout))] == ["eval-summer"]
    unknown = run(root, "evaluation", "report", "--format", "csv", "--course", "mi-listenin")
    assert unknown.exit_code == 2
    assert "--course: unknown course 'mi-listenin' (did you mean 'mi-listening'?)" in unknown.stderr
    none = run(root, "evaluation", "report", "--format", "csv", "--from", "2030-01-01")
    assert none.exit_code == 1
    assert "no run with evaluation responses matches" in none.stderr
    need_out = run(root, "evaluation", "report")
    assert need_out.exit_code == 2


def test_an_edited_response_file_shapes_only_the_quality_report(
    built: dict[str, Any], tmp_path: Path
) -> None:
    from mi_courseware.errors import Problems
    from mi_courseware.project import ProjectPaths

    root = built["root"]
    problems = Problems()
    project = load_checked(ProjectPaths(root), problems)
    (edition,) = editions_for(project, [Target("event", "eval-spring")], problems)
    responses = root / "content/evaluations/eval-spring.csv"
    for name in edition_outputs():
        entry = REGISTRY[name]
        shaped = responses in output_inputs(edition, entry.uses, entry.theme_parts)
        assert shaped == (name == "quality-report"), name
    # the planner says so, and rebuilds it
    copy = tmp_path / "p"
    shutil.copytree(root, copy)
    edited = copy / "content/evaluations/eval-spring.csv"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace(
            "Examples from youth work", "Examples from housing"
        ),
        encoding="utf-8",
    )
    result = run(copy, "-v", "build", "eval-spring", "--only", "quality-report")
    assert result.exit_code == 0, result.output
    assert (
        "events/eval-spring: quality-report built (content/evaluations/eval-spring.csv changed)"
        in result.stderr
    )
    assert "Examples from housing" in folded(copy / "output/events/eval-spring/quality-report.pdf")


def test_an_event_without_responses_has_no_quality_report_and_says_why(
    built: dict[str, Any],
) -> None:
    result = run(built["root"], "build", "acme-2027", "--only", "quality-report")
    assert result.exit_code == 0, result.output
    assert (
        "events/acme-2027: no quality-report: event 'acme-2027' has no evaluation responses: put "
        "them in content/evaluations/acme-2027.csv or .xlsx, or name the file with 'evaluations:'"
    ) in result.stderr
    assert not (built["root"] / "output/events/acme-2027/quality-report.pdf").exists()


def test_a_welsh_client_gets_a_welsh_report(built: dict[str, Any], tmp_path: Path) -> None:
    copy = project_copy(built, tmp_path)
    client = copy / "content/clients/acme/client.yaml"
    client.write_text(
        client.read_text(encoding="utf-8").replace("language: en", "language: cy"), encoding="utf-8"
    )
    result = run(copy, "build", "eval-summer", "--only", "quality-report")
    assert result.exit_code == 0, result.output
    text = folded(copy / "output/events/eval-summer/quality-report.pdf").casefold()
    for words in (
        "GWERTHUSO'R CWRS",
        "Crynodeb",
        "Bodlonrwydd cyffredinol",
        "Hyder cyn y cwrs a nawr",
        "Sylwadau",
    ):
        assert words.casefold() in text, words
    # the English headers of the response file still name the questions
    assert "Cyflawnodd y cwrs y deilliant hwn: Describe the spirit".casefold() in text


def test_the_skills_measure_shows_each_items_change_beside_confidence(
    built: dict[str, Any],
) -> None:
    """Issue 24: the trainer's 0-2 scores before and after, paired per person and item and
    averaged here from the file alone, with the confidence change of the item's outcome."""
    root = built["root"]
    with open(root / "content/evaluations/eval-spring-skills.csv", encoding="utf-8") as f:
        given = {(r["name"], r["item"], r["when"]): int(r["score"]) for r in csv.DictReader(f)}
    confidence = _change(
        expected(root, "eval-spring")["changes"][
            "Use open questions, affirmations, reflections and summaries"
        ]
    )
    rows = {r[0]: r[1:] for r in layout_rows(built["report"])}
    for item, label in (
        ("open", "Ask an open question"),
        ("reflect", "Reflect a feeling"),
        ("plan", "Test readiness to plan"),
    ):
        pairs = [
            (before, given[(name, i, "after")])
            for (name, i, when), before in given.items()
            if i == item and when == "before" and (name, i, "after") in given
        ]
        shown = [
            str(len(pairs)),
            _mean([b for b, _ in pairs]),
            _mean([a for _, a in pairs]),
            _change([a - b for b, a in pairs]),
            confidence if item != "plan" else "–",  # plan names no outcome
        ]
        assert rows[label] == shown, (label, rows[label], shown)
    assert "Skills before and after" in folded(built["report"])


def test_more_responses_than_attendees_is_a_warning_and_no_rate_is_over_100_percent(
    built: dict[str, Any], tmp_path: Path
) -> None:
    copy = project_copy(built, tmp_path)
    roster = copy / "content/rosters/eval-summer.csv"
    rows = roster.read_text(encoding="utf-8").splitlines()
    # 16 responses; the roster now counts 12 who attended (the 14th to 21st stayed away)
    rows = rows[:14] + [row.replace(",yes", ",no") for row in rows[14:]]
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    warning = (
        "content/evaluations/eval-summer.csv:1: warning: 16 responses, but the roster counts "
        "only 12 who attended: check the roster's attendance, or remove the responses of "
        "people who did not attend (the quality report gives no response rate until then)"
    )
    checked = run(copy, "validate", "eval-summer")
    assert checked.exit_code == 0, checked.output
    assert checked.output.count(warning) == 1, checked.output
    built_now = run(copy, "build", "eval-summer", "--only", "quality-report")
    assert built_now.exit_code == 0, built_now.output
    assert built_now.output.count("16 responses, but the roster counts only 12") == 1
    text = folded(copy / "output/events/eval-summer/quality-report.pdf")
    assert "16 responses: more than the 12 who attended, so the response rate is not known" in text
    assert [int(p) for p in re.findall(r"(\d+)\s*%", text) if int(p) > 100] == []
    table = run(copy, "evaluation", "report", "--format", "csv")
    assert table.exit_code == 0, table.output
    summer = next(
        r for r in csv.DictReader(io.StringIO(table.stdout)) if r["event"] == "eval-summer"
    )
    assert (summer["responses"], summer["attended"], summer["response_rate"]) == ("16", "12", "")
    collated = tmp_path / "runs.pdf"
    made = run(copy, "evaluation", "report", "--out", str(collated))
    assert made.exit_code == 0, made.output
    assert [int(p) for p in re.findall(r"(\d+)\s*%", folded(collated)) if int(p) > 100] == []


def test_the_runs_table_keeps_codes_whole_and_a_long_title_short(
    built: dict[str, Any], tmp_path: Path
) -> None:
    import pdfplumber

    copy = project_copy(built, tmp_path)
    title = "Motivational Interviewing for Health and Housing Practitioners in Community Settings"
    edits = {
        "content/courses/mi-listening.yaml": [("title: Listening for Change", f"title: {title}")],
        "content/clients/acme/client.yaml": [
            ("name: Acme Health Trust", "name: Harbourside Health Alliance NHS Foundation Trust")
        ],
        "content/events/eval-summer.yaml": [
            ("code: ACME-L-SUMMER", "code: HHA-MI-2610"),
            ("[Imran Siddall]", "[Imran Siddall, Bronwen Pugh-Llewellyn]"),
        ],
    }
    for name, changes in edits.items():
        for old, new in changes:
            edit_file(copy / name, old, new)
    out = tmp_path / "runs.pdf"
    made = run(copy, "evaluation", "report", "--out", str(out))
    assert made.exit_code == 0, made.output
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        words = page.extract_words(keep_blank_chars=False, use_text_flow=True)
        right = page.width - 16 * 72 / 25.4  # the page's right margin
    texts = [w["text"] for w in words]
    for whole in ("HHA-MI-2610", "ACME-L-SPRING", "ACME-L-AUTUMN", "Pugh-Llewellyn"):
        assert whole in texts, whole  # never broken at its hyphen
    assert [w["text"] for w in words if w["x1"] > right + 1] == [], "the table runs off the page"
    code = next(w for w in words if w["text"] == "HHA-MI-2610")
    row_end = next(w["top"] for w in words if w["text"] == "ACME-L-AUTUMN")
    column = [
        w for w in words if abs(w["x0"] - code["x0"]) < 1 and code["top"] < w["top"] < row_end
    ]
    assert 1 <= len({round(w["top"]) for w in column}) <= 4, column  # the title's lines


def test_the_report_of_an_event_in_several_places_names_each_days_place(
    built: dict[str, Any], tmp_path: Path
) -> None:
    copy = project_copy(built, tmp_path)
    course = copy / "content/courses/mi-listening.yaml"
    edit_file(
        course,
        "    body: What will you try first?",
        "    body: What will you try first?\n    day: 2",
    )
    edit_file(
        copy / "content/events/eval-summer.yaml",
        "dates: [2025-06-17]\ntimes: 09:30-13:00\nvenue: Town Hall",
        "days:\n  - {date: 2025-06-17, times: 09:30-13:00, venue: Town Hall}\n"
        "  - {date: 2025-06-24, times: 09:30-13:00, virtual: true}",
    )
    result = run(copy, "build", "eval-summer", "--only", "quality-report")
    assert result.exit_code == 0, result.output
    text = folded(copy / "output/events/eval-summer/quality-report.pdf")
    assert "17 June 2025: Town Hall 24 June 2025: Online" in text
