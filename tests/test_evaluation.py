"""Course evaluations: the questions, the template, responses read from CSV and XLSX, errors.

``evaluation-basic`` (over ``foundation-basic``) holds three runs of one course, each with a
roster and responses; ``eval-spring`` has 40 responses from 45 who attended. The workbook
tests write the same answers as Microsoft Forms exports them (its own columns first, ratings as
words, questions in another order) and expect every number to be the same.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import MakeProject, RunCli, lines

from mi_courseware.errors import Problems
from mi_courseware.pipeline.targets import load_checked
from mi_courseware.project import ProjectPaths
from mi_courseware.rendering.pack import pack_html
from mi_courseware.resolving.stats import summarise
from mi_courseware.resolving.targets import Target, editions_for

SPRING = "content/evaluations/eval-spring.csv"
WORDS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]


def spring_rows(root: Path) -> tuple[list[str], list[list[str]]]:
    with open(root / SPRING, encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    return table[0], table[1:]


def forms_workbook(header: list[str], rows: list[list[str]], target: Path) -> None:
    """The answers as a Microsoft Forms export: Id, times, email and name first, ratings as
    the scale's words, whole numbers as numbers, the questions in another order."""
    import openpyxl

    order = list(range(len(header)))
    random.Random(7).shuffle(order)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(
        ["Id", "Start time", "Completion time", "Email", "Name", *(header[i] for i in order)]
    )
    start = datetime(2025, 3, 11, 12, 30)
    for number, row in enumerate(rows, start=1):
        cells: list[object] = []
        for i in order:
            value = row[i]
            if header[i].startswith(("The ", "Overall")) and value in ("1", "2", "3", "4", "5"):
                cells.append(WORDS[int(value) - 1])  # Likert words, as Forms gives them
            elif value.isdigit():
                cells.append(float(value) if number % 3 == 0 else int(value))
            else:
                cells.append(value or None)
        when = start + timedelta(minutes=number)
        sheet.append([number, when, when + timedelta(minutes=4), "anonymous", None, *cells])
    book.save(target)


def edition_of(root: Path, event: str = "eval-spring"):
    problems = Problems()
    project = load_checked(ProjectPaths(root), problems)
    editions = editions_for(project, [Target("event", event)], problems)
    assert not problems.errors, [str(p) for p in problems.errors]
    return editions[0], problems


@pytest.fixture
def project(make_project: MakeProject) -> Path:
    return make_project(overlay="evaluation-basic")


def test_the_template_heads_one_column_per_question_as_the_form_words_them(
    project: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli(
        "evaluation", "template", "eval-spring", "-o", str(tmp_path / "t"), cwd=project
    )
    assert result.exit_code == 0, result.output
    data = (tmp_path / "t" / "eval-spring-evaluation.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # so that Excel shows accents
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    edition, _ = edition_of(project)
    assert header == [q.text for q in edition.questions]
    assert (
        header[0] == "The course met this outcome: Describe the spirit of motivational interviewing"
    )
    assert "My confidence now: Plan how to bring MI into your own work" in header
    assert (
        "How likely are you to recommend this course to a colleague?" in header
    )  # the course's own
    listed = (tmp_path / "t" / "eval-spring-questions.txt").read_text(encoding="utf-8").splitlines()
    assert listed[3] == "The trainer explained ideas clearly and answered questions well\t1–5"
    assert (
        listed[7]
        == "My confidence before the course: Describe the spirit of motivational interviewing\t0–10"
    )
    assert listed[-1] == "What will you do differently in your practice?\ttext"
    assert len(listed) == len(header) == 18
    # the same words are printed on the pack's form
    html, _ = pack_html(edition, facilitator=False, when=datetime(2025, 1, 1))
    from markupsafe import escape

    for question in edition.questions:
        shown = question.about if question.role in ("before", "now") else question.text
        assert str(escape(shown)) in html, question.text
    # and the template's header reads back with no unknown column
    (project / SPRING).write_bytes(data + b"4,5,4,5,4,4,5,3,7,4,8,5,9,9,,,,\r\n")
    _, problems = edition_of(project)
    assert problems.items == []


def test_a_question_a_spreadsheet_would_run_is_neutralised_in_the_template_and_read_back(
    project: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    course = project / "content/courses/mi-listening.yaml"
    asked = "text: Which topic would you like a follow-up session on?"
    text = course.read_text(encoding="utf-8")
    course.write_text(text.replace(asked, "text: '=Which topic, for a follow-up session?'"))
    result = run_cli("evaluation", "template", "eval-spring", "-o", str(tmp_path), cwd=project)
    assert result.exit_code == 0, result.output
    data = (tmp_path / "eval-spring-evaluation.csv").read_bytes()
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert "'=Which topic, for a follow-up session?" in header
    answers = ["7" if "confidence" in h else "4" for h in header]
    answers[header.index("'=Which topic, for a follow-up session?")] = "Rolling with discord"
    (project / SPRING).write_bytes(data + ",".join(answers).encode() + b"\r\n")
    edition, problems = edition_of(project)
    assert problems.items == []
    assert edition.responses is not None
    given = {a.question: a.value for a in edition.responses.rows[0].answers}
    assert given["own:follow-up"] == "Rolling with discord"


def test_a_course_question_that_repeats_a_theme_question_is_reported_where_it_is(
    project: Path, run_cli: RunCli
) -> None:
    (project / "content/courses/mi-listening.yaml").write_text(
        (project / "content/courses/mi-listening.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "text: Which topic would you like a follow-up session on?",
            "text: what was MOST useful",
        ),
        encoding="utf-8",
    )
    result = run_cli("validate", "eval-spring", cwd=project)
    assert result.exit_code == 1
    assert (
        "content/courses/mi-listening.yaml:43:13: error: evaluation question 'follow-up' has the "
        "same words as the question 'What was most useful?'; a response file could not tell them apart"
    ) in result.stderr


def test_a_stray_cell_at_the_foot_of_a_sheet_and_a_row_answering_nothing_are_no_responses(
    project: Path,
) -> None:
    import openpyxl

    header, rows = spring_rows(project)
    (project / SPRING).unlink()
    target = project / "content/evaluations/eval-spring.xlsx"
    forms_workbook(header, rows[:11], target)  # rows 2 to 12
    book = openpyxl.load_workbook(target)
    sheet = book.active
    useful = next(c.column for c in sheet[1] if c.value == "What was most useful?")
    sheet.cell(row=13, column=useful, value=" - ")  # says nothing: no response
    sheet.cell(row=1_048_576, column=useful, value="x")  # the format's last row
    book.save(target)
    edition, problems = edition_of(project)
    assert edition.responses is not None
    assert [r.row for r in edition.responses.rows] == list(range(2, 13))
    letter = openpyxl.utils.get_column_letter(useful)
    assert [f"{p.position.cell}: {p.severity}: {p.message}" for p in problems] == [
        f"Sheet1!{letter}1048576: warning: row 1,048,576 is "
        "far below the other responses (rows 2 to 12), so it is taken for a stray cell and not "
        "counted as a response; delete it, or move the response to the others"
    ]


def test_csv_and_a_forms_workbook_with_extra_columns_give_identical_numbers(project: Path) -> None:
    from_csv, _ = edition_of(project)
    header, rows = spring_rows(project)
    (project / SPRING).unlink()
    forms_workbook(header, rows, project / "content/evaluations/eval-spring.xlsx")
    from_xlsx, problems = edition_of(project)
    assert problems.items == []  # Id, Start time, ... are a form's own columns: no warning
    assert from_xlsx.responses is not None and from_csv.responses is not None
    assert len(from_xlsx.responses.rows) == len(from_csv.responses.rows) == 40
    assert [r.row for r in from_xlsx.responses.rows] == [r.row for r in from_csv.responses.rows]

    def answers(edition):
        return [sorted((a.question, a.value) for a in r.answers) for r in edition.responses.rows]

    assert answers(from_xlsx) == answers(from_csv)
    one = summarise([(from_csv.questions, from_csv.responses)], 45)
    other = summarise([(from_xlsx.questions, from_xlsx.responses)], 45)
    assert one == other
    assert [(r.question.id, r.n, r.mean, r.median) for r in one.ratings] == [
        (r.question.id, r.n, r.mean, r.median) for r in other.ratings
    ]


def test_a_rating_out_of_range_is_reported_at_its_row_and_column(
    project: Path, run_cli: RunCli
) -> None:
    header, rows = spring_rows(project)
    rows[12][4] = "7"  # line 14 of the file; column E asks about the pace
    rows[20][7] = "lots"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    (project / SPRING).write_text(buffer.getvalue(), encoding="utf-8")
    result = run_cli("validate", cwd=project)
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        "content/evaluations/eval-spring.csv:14: error: column E, 'The pace of the course was "
        "right for me': 7 is not a rating from 1 to 5",
        "content/evaluations/eval-spring.csv:22: error: column H, 'My confidence before the course: "
        "Describe the spirit of mot…': 'lots' is not a score from 0 to 10",
        "2 errors",
    ]
    # the same in a workbook names the sheet's cell
    (project / SPRING).unlink()
    forms_workbook(header, rows, project / "content/evaluations/eval-spring.xlsx")
    import openpyxl

    sheet = openpyxl.load_workbook(project / "content/evaluations/eval-spring.xlsx").active
    pace = next(c.column_letter for c in sheet[1] if c.value == header[4])
    result = run_cli("build", "eval-spring", "--only", "quality-report", cwd=project)
    assert result.exit_code == 1
    assert (
        f"content/evaluations/eval-spring.xlsx:Sheet1!{pace}14: error: 'The pace of the course "
        "was right for me': 7 is not a rating from 1 to 5"
    ) in result.stderr
    assert not (project / "output").exists()


def test_a_response_file_with_no_rows_is_a_clear_message(project: Path, run_cli: RunCli) -> None:
    header, _ = spring_rows(project)
    buffer = io.StringIO()
    csv.writer(buffer).writerow(header)
    (project / SPRING).write_text(buffer.getvalue(), encoding="utf-8")
    for command in (
        ["build", "eval-spring", "--only", "quality-report"],
        ["evaluation", "report", "--format", "csv"],
    ):
        result = run_cli(*command, cwd=project)
        assert result.exit_code == 1, command
        assert lines(result.stderr) == [
            "content/evaluations/eval-spring.csv:1: error: no responses: the file has its header "
            "row but no answers under it; add the responses, or remove the file until there are some",
            "1 error",
        ]


def test_unknown_columns_are_warnings_and_errors_under_strict(
    project: Path, run_cli: RunCli
) -> None:
    header, rows = spring_rows(project)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*header, "Timestamp", "Favourite biscuit"])
    writer.writerows([*r, "2025-03-11", "ginger"] for r in rows)
    (project / SPRING).write_text(buffer.getvalue(), encoding="utf-8")
    warning = (
        "content/evaluations/eval-spring.csv:1: warning: column T, 'Favourite biscuit' is not a "
        "question of this course's evaluation form; its answers are not read"
    )
    result = run_cli("validate", cwd=project)
    assert result.exit_code == 0 and warning in result.stderr
    assert run_cli("validate", "--strict", cwd=project).exit_code == 1
    strict = run_cli("evaluation", "report", "--format", "csv", "--strict", cwd=project)
    assert strict.exit_code == 1 and warning.replace("warning", "warning") in strict.stderr
    assert run_cli("evaluation", "report", "--format", "csv", cwd=project).exit_code == 0


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"content/evaluations/eval-spring.xlsx": b"Id,Name\n1,Ann\n"},
            "content/evaluations/eval-spring.xlsx:1:1: error: event 'eval-spring' has two response "
            "files, eval-spring.csv and eval-spring.xlsx; keep one",
        ),
        (
            {SPRING: None, "content/evaluations/eval-spring.xlsx": b"Id,Name\n1,Ann\n"},
            "content/evaluations/eval-spring.xlsx:1:1: error: not an Excel workbook (.xlsx): File "
            "is not a zip file; save the responses as .xlsx or CSV UTF-8",
        ),
    ],
)
def test_misplaced_and_broken_response_files_are_located(
    project: Path, run_cli: RunCli, files: dict[str, bytes | None], message: str
) -> None:
    for name, data in files.items():
        if data is None:
            (project / name).unlink()
        else:
            (project / name).write_bytes(data)
    result = run_cli("validate", cwd=project)
    assert result.exit_code == 1
    assert message in lines(result.stderr)


def test_an_events_evaluations_file_that_is_missing_is_reported_at_the_key(
    project: Path, run_cli: RunCli
) -> None:
    event = project / "content/events/eval-summer.yaml"
    event.write_text(event.read_text() + "evaluations: ../evaluations/summer.xlsx\n")
    result = run_cli("validate", cwd=project)
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        "content/events/eval-summer.yaml:9:14: error: evaluations file "
        "'../evaluations/summer.xlsx' not found",
        "1 error",
    ]


def _bomb(path: Path, sheet_xml: bytes, shared: bytes | None = None) -> None:
    """A workbook with the given sheet (and shared strings), otherwise well formed."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["x"])
    book.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_hostile_workbooks_are_located_errors_not_hangs(project: Path, run_cli: RunCli) -> None:
    target = project / "content/evaluations/eval-spring.xlsx"
    (project / SPRING).unlink()
    head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    # a sheet that unpacks far beyond the limit (lowered here to 1 MB: 50 MB x 0.02)
    _bomb(
        target,
        head
        + b"<row r='1'><c r='A1' t='inlineStr'><is><t>"
        + b"a" * 3_000_000
        + b"</t></is></c></row></sheetData></worksheet>",
    )
    result = run_cli("--size-limit", "0.02", "validate", cwd=project)
    assert result.exit_code == 1
    assert (
        "content/evaluations/eval-spring.xlsx:1:1: error: the workbook unpacks to 2.9 MB"
        in result.stderr
    )
    # entities that expand a few bytes into gigabytes are refused
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t></si></sst>'
    )
    _bomb(
        target,
        head + b"<row r='1'><c r='A1' t='s'><v>0</v></c></row></sheetData></worksheet>",
        laughs,
    )
    result = run_cli("validate", cwd=project)
    assert result.exit_code == 1
    assert (
        "content/evaluations/eval-spring.xlsx:1:1: error: cannot read this workbook"
        in result.stderr
    )
    # a row at the sheet's far end: every row is looked at, none beyond the limit is kept
    _bomb(
        target,
        head
        + b"<row r='1'><c r='A1' t='inlineStr'><is><t>Id</t></is></c></row><row r='1048576'><c r='A1048576'><v>1</v></c></row></sheetData></worksheet>",
    )
    result = run_cli("validate", cwd=project)
    assert result.exit_code == 1
    assert "no column names a question of this course's evaluation form" in result.stderr


def test_a_windows_1252_file_is_read_and_said_so(project: Path, run_cli: RunCli) -> None:
    text = (
        (project / SPRING)
        .read_text(encoding="utf-8")
        .replace("Examples from youth work", "Café-style groups")
    )
    (project / SPRING).write_bytes(text.encode("cp1252"))
    result = run_cli("validate", cwd=project)
    assert result.exit_code == 0, result.output
    assert "warning: file is not UTF-8; read it as Windows-1252" in result.stderr
    edition, _ = edition_of(project)
    assert edition.responses is not None
    assert any(a.value == "Café-style groups" for r in edition.responses.rows for a in r.answers)


def test_every_bad_cell_of_a_skills_file_is_reported_where_it_is(
    project: Path, run_cli: RunCli
) -> None:
    """Issue 24: the trainer's scores of the written-response questionnaire are read like the
    response files; each bad cell is an error at its row and column, nothing is built."""
    (project / "content/evaluations/eval-spring-skills.csv").write_text(
        "name,item,when,score,notes\n"
        "Ines Rushworth,open,before,1,\n"
        ",open,after,2,\n"
        "Ines Rushworth,reflct,during,3,\n"
        "Ines Rushworth,open,before,2,\n",
        encoding="utf-8",
    )
    result = run_cli("build", "eval-spring", "--only", "quality-report", cwd=project)
    assert result.exit_code == 1
    where = "content/evaluations/eval-spring-skills.csv"
    assert [line for line in lines(result.stderr) if line.startswith(where)] == [
        f"{where}:1: warning: column E, 'notes' is not a column of a skills file, so it is not "
        "read (expected one of 'item', 'name', 'score', 'when')",
        f"{where}:3: error: column A, 'name': blank: whose answer was scored?",
        f"{where}:4: error: column B, 'item': unknown item 'reflct' (did you mean 'reflect'?)",
        f"{where}:4: error: column C, 'when': 'during' is neither before nor after",
        f"{where}:4: error: column D, 'score': '3' is not a score of 0, 1 or 2",
        f"{where}:5: error: column A, 'name': Ines Rushworth's before score for item open is "
        "given twice (row 2)",
    ]
    assert not (project / "output").exists()


def test_two_files_for_one_events_responses_or_skills_scores_are_an_error(
    project: Path, run_cli: RunCli
) -> None:
    folder = project / "content" / "evaluations"
    for name in ("eval-spring", "eval-spring-skills"):
        (folder / f"{name}.xlsx").write_bytes((folder / f"{name}.csv").read_bytes())
    result = run_cli("validate", "eval-spring", cwd=project)
    assert result.exit_code == 1
    assert lines(result.stderr)[:2] == [
        "content/evaluations/eval-spring-skills.xlsx:1:1: error: event 'eval-spring' has two "
        "files of skills scores, eval-spring-skills.csv and eval-spring-skills.xlsx; keep one",
        "content/evaluations/eval-spring.xlsx:1:1: error: event 'eval-spring' has two response "
        "files, eval-spring.csv and eval-spring.xlsx; keep one",
    ]
    assert lines(result.stderr)[-1] == "2 errors, 1 warning"
