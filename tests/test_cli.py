"""The command line: exit codes, messages, every command's help, and the issue's acceptance.

Most tests run the CLI in-process with click's runner (``run_cli``); a few run the installed
console script as a user would, to see real exit codes and that no traceback is printed.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SCRIPT, lines, subprocess_env

from mi_courseware import __version__
from mi_courseware.builders.base import Builder
from mi_courseware.cli import cli
from mi_courseware.errors import ContentError
from mi_courseware.register.migrate import HEAD

EVENT = "content/events/acme-2027.yaml"
COURSE = "content/courses/mi-basics.yaml"

IN_DEPTH_TABLE = """\
MI in Depth (mi-basics, in-depth)

Outcomes
   1  principles  Describe the principles of motivational interviewing
   2  skills      Use open questions, affirmations, reflections and summaries
   3  review      Plan how to use MI at work

Standards                                                     1  2  3
DANOS  Drug and Alcohol National Occupational Standards
  AB2  Support individuals who misuse substances              ·  ●  ·
  AD1  Raise awareness about substances, their use and effe…  ·  ·  ·   (claimed by no outcome)
  AI1  Use recognised theoretical models to provide therape…  ●  ●  ·

Units claimed by no outcome: DANOS:AD1
Outcomes mapped to no standard: review
"""


def test_it_prints_its_version(run_cli) -> None:
    result = run_cli("--version")
    assert (result.exit_code, result.stdout) == (0, f"mi-courseware, version {__version__}\n")


@pytest.mark.parametrize("command", [None, *sorted(cli.commands)])
def test_every_command_has_help(run_cli, command: str | None) -> None:
    result = run_cli(*([command] if command else []), "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: mi-courseware {command or ''}".rstrip())
    assert "-h, --help" in result.stdout


def test_the_main_help_lists_the_commands_and_global_options(run_cli) -> None:
    text = run_cli("-h").stdout
    for word in (
        "init",
        "list",
        "validate",
        "standards",
        "build",
        "schema",
        "--project",
        "--register",
        "--verbose",
        "--quiet",
    ):
        assert word in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("validate", "nope"),
            "mi-courseware: error: no event or course called 'nope' "
            "(expected one of 'acme-2027', 'mi-basics', 'two-day')",
        ),
        (
            ("standards", "mi-basic"),
            "mi-courseware: error: no event or course called 'mi-basic' "
            "(did you mean 'mi-basics'?)",
        ),
        (
            ("standards", "mi-basics", "--variant", "depth"),
            "mi-courseware: error: --variant: "
            "course 'mi-basics' has no variant 'depth' (did you mean 'in-depth'?)",
        ),
        (
            ("standards", "mi-basics", "--client", "acne"),
            "mi-courseware: error: --client: unknown client 'acne' (did you mean 'acme'?)",
        ),
        (
            ("standards", "mi-basics", "--addon", "mappin"),
            "mi-courseware: error: --addon: add-on "
            "'mappin' is not allowed for course 'mi-basics' (did you mean 'mapping'?)",
        ),
        (
            ("standards", "acme-2027", "--theme", "large"),
            "mi-courseware: error: --theme: unknown theme 'large' (did you mean 'large-print'?)",
        ),
        (
            ("standards", "acme-2027", "--variant", "in-depth"),
            "mi-courseware: error: --variant: "
            "event 'acme-2027' sets its own client, variant and add-ons in its file; "
            "name the course to build it another way",
        ),
        (
            ("validate", "content/clients/acme/client.yaml"),
            "mi-courseware: error: content/clients/acme/client.yaml: not an event or a course file",
        ),
    ],
)
def test_a_target_or_option_that_does_not_exist_is_a_usage_error(
    make_project, run_cli, args: tuple[str, ...], message: str
) -> None:
    result = run_cli(*args, cwd=make_project())
    assert (result.exit_code, result.stderr) == (2, message + "\n")


@pytest.mark.parametrize(
    "args",
    [
        ("standards", "mi-basics", "--format", "xml"),
        ("list", "nope"),
        ("frobnicate",),
        ("build", "--jobs", "-1"),
        ("validate", "--stricter"),
    ],
)
def test_bad_command_line_syntax_exits_2(make_project, run_cli, args: tuple[str, ...]) -> None:
    result = run_cli(*args, cwd=make_project())
    assert result.exit_code == 2
    assert "Usage: mi-courseware" in result.stderr


def test_outside_a_project_it_says_how_to_start_one(run_cli, tmp_path: Path) -> None:
    result = run_cli("validate", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        "mi-courseware: error: no courseware project here: no content/ folder in this directory "
        "or above it (use --project DIR, or 'mi-courseware init DIR' to start one)\n"
    )


def test_it_finds_the_project_above_the_working_directory(make_project, run_cli) -> None:
    root = make_project()
    result = run_cli("validate", cwd=root / "content" / "courses")
    assert result.exit_code == 0


def test_project_option_names_the_project_from_anywhere(make_project, run_cli, tmp_path) -> None:
    root = make_project(edits={EVENT: [("client: acme", "client: acmee")]})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_cli("--project", str(root), "validate", cwd=elsewhere)
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        "../project/content/events/acme-2027.yaml:4:9: error: unknown client 'acmee' "
        "(did you mean 'acme'?)",
        "1 error",
    ]
    result = run_cli("--project", str(elsewhere), "validate")
    assert (result.exit_code, result.stderr) == (
        2,
        f"mi-courseware: error: {elsewhere}: not a courseware project (no content/ folder)\n",
    )


def test_content_errors_exit_1_with_positions_and_no_traceback(make_project, run_cli) -> None:
    root = make_project(edits={COURSE: [("title: MI Basics", "titel: MI Basics")]})
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"{COURSE}:2:1: error: unknown key 'titel' (did you mean 'title'?)\n1 error\n"
    )


def test_validate_of_one_target_checks_every_variant_of_a_course(make_project, run_cli) -> None:
    root = make_project(edits={COURSE: [("end: 13:00", "end: 12:30")]})
    result = run_cli("validate", "mi-basics", cwd=root)
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        f"{COURSE}:53:15: error: variant 'in-depth' runs 25 minutes over: sessions and breaks "
        "take 205 minutes, but 09:30–12:30 allows 180",
        "1 error",
    ]
    assert run_cli("validate", "acme-2027", cwd=root).exit_code == 0
    assert run_cli("validate", EVENT, cwd=root).exit_code == 0


@pytest.mark.parametrize("target", ["mi-basics", COURSE])
def test_validate_of_a_target_whose_file_is_broken_shows_its_problems(
    make_project, run_cli, target: str
) -> None:
    root = make_project(edits={COURSE: [("title: MI Basics", "titel: MI Basics")]})
    result = run_cli("validate", target, cwd=root)
    assert result.exit_code == 1
    assert lines(result.stderr) == [
        f"{COURSE}:2:1: error: unknown key 'titel' (did you mean 'title'?)",
        "1 error",
    ]


def test_a_target_path_from_another_project_is_a_usage_error(make_project, run_cli) -> None:
    other = REPO / "content" / "courses" / "mi-practitioner.yaml"
    result = run_cli("validate", str(other), cwd=make_project())
    assert (result.exit_code, result.stderr) == (
        2,
        f"mi-courseware: error: {other}: this project has no course 'mi-practitioner'\n",
    )


def _with_a_warning(make_project) -> Path:
    return make_project(edits={EVENT: [("venue: Town Hall\n", "")]})


def test_warnings_are_shown_but_do_not_fail(make_project, run_cli) -> None:
    result = run_cli("validate", cwd=_with_a_warning(make_project))
    assert result.exit_code == 0
    assert result.stderr == (
        f"{EVENT}:1:1: warning: event has no 'venue' (or 'virtual: true')\n1 warning\n"
    )
    assert result.stdout == "OK: 2 courses, 1 add-on, 1 client, 1 event; no errors\n"


def test_strict_validation_fails_on_warnings_even_when_quiet(make_project, run_cli) -> None:
    root = _with_a_warning(make_project)
    for args in (("validate", "--strict"), ("-q", "validate", "--strict")):
        result = run_cli(*args, cwd=root)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert lines(result.stderr) == [
            f"{EVENT}:1:1: warning: event has no 'venue' (or 'virtual: true')",
            "1 warning",
        ]


def test_quiet_prints_only_errors(make_project, run_cli) -> None:
    result = run_cli("-q", "validate", cwd=_with_a_warning(make_project))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_list_shows_everything_the_project_holds(make_project, run_cli) -> None:
    result = run_cli("list", cwd=make_project())
    assert result.exit_code == 0
    assert lines(result.stdout) == [
        "courses:",
        "  mi-basics                    MI Basics  [variants: introduction, in-depth]",
        "  two-day                      MI over Two Days  [variants: -]",
        "addons:",
        "  mapping                      Node-link mapping  (30 min, after principles)",
        "clients:",
        "  acme                         Acme Health Trust  [en, #1d3557]",
        "events:",
        "  acme-2027                    mi-basics (introduction) for acme, 2027-03-11",
        "themes:",
        "  default                      Default  (built-in)",
        "  large-print                  Large print  (built-in, extends default)",
        "standards:",
        "  DANOS                        Drug and Alcohol National Occupational Standards  "
        "(3 units)",
    ]


@pytest.mark.parametrize("args", [("list", "themes", "-v"), ("-v", "list", "themes")])
def test_list_themes_verbose_prints_the_template_search_path(
    make_project, run_cli, args: tuple[str, ...]
) -> None:
    result = run_cli(*args, cwd=make_project())
    assert result.exit_code == 0
    text = lines(result.stdout)
    start = text.index("  large-print                  Large print  (built-in, extends default)")
    assert text[start + 1 : start + 5] == [
        "      template search path:",
        "        1. content/clients/<client>/templates/  (client overrides)",
        f"        2. {REPO / 'themes' / 'large-print'} (built-in)",
        f"        3. {REPO / 'themes' / 'default'} (built-in)",
    ]


def test_list_courses_verbose_shows_which_variant_has_which_session(make_project, run_cli) -> None:
    result = run_cli("list", "courses", "--verbose", cwd=make_project())
    text = lines(result.stdout)
    assert "      session                   min  day  introduction  in-depth  title" in text
    assert "      skills                     60    1       ·           ●      OARS" in text
    assert "      introduction: 3 sessions, 120 minutes taught; leaves out skills" in text
    assert "      in-depth: 4 sessions, 180 minutes taught; leaves out nothing" in text


def test_standards_prints_the_coverage_table(make_project, run_cli) -> None:
    result = run_cli("standards", "mi-basics", "--variant", "in-depth", cwd=make_project())
    assert (result.exit_code, result.stdout) == (0, IN_DEPTH_TABLE)


def test_standards_writes_csv(make_project, run_cli) -> None:
    result = run_cli(
        "standards", "mi-basics", "--variant", "in-depth", "--format", "csv", cwd=make_project()
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "framework,code,unit,outcome_id,outcome",
        "DANOS,AB2,Support individuals who misuse substances,skills,"
        '"Use open questions, affirmations, reflections and summaries"',
        'DANOS,AD1,"Raise awareness about substances, their use and effects",,',
        "DANOS,AI1,Use recognised theoretical models to provide therapeutic support,principles,"
        "Describe the principles of motivational interviewing",
        "DANOS,AI1,Use recognised theoretical models to provide therapeutic support,skills,"
        '"Use open questions, affirmations, reflections and summaries"',
    ]


def test_standards_csv_neutralises_a_course_text_a_spreadsheet_would_run(
    make_project, run_cli
) -> None:
    course = "content/courses/mi-basics.yaml"
    old = "text: Describe the principles of motivational interviewing"
    root = make_project(edits={course: [(old, "text: '=HYPERLINK(\"http://x.example\")'")]})
    result = run_cli("standards", "mi-basics", "--format", "csv", cwd=root)
    assert result.exit_code == 0, result.output
    cells = [row[4] for row in csv.reader(io.StringIO(result.stdout)) if row[3] == "principles"]
    assert cells == ['\'=HYPERLINK("http://x.example")']


def test_standards_of_an_event_covers_its_add_ons(make_project, run_cli) -> None:
    result = run_cli("standards", "acme-2027", cwd=make_project())
    assert result.exit_code == 0
    title = "An Introduction to MI (mi-basics, introduction, + mapping)"
    assert result.stdout.splitlines()[0] == title
    assert "Outcomes mapped to no standard: review, mapping" in result.stdout


def test_schema_writes_one_file_per_format(run_cli, tmp_path: Path) -> None:
    result = run_cli("schema", str(tmp_path / "schemas"))
    assert result.exit_code == 0
    written = [Path(line) for line in lines(result.stdout)]
    assert {p.name for p in written} >= {"course.schema.json", "event.schema.json"}
    assert all(p.is_file() for p in written)


# build: other builders arrive in later issues, so these tests bring their own


class WritesAFile(Builder):
    name = "note"
    description = "note.txt"
    uses = ("course",)
    theme_parts = ()

    def build(self, edition, out: Path) -> list[Path]:  # type: ignore[no-untyped-def]
        path = out / "note.txt"
        path.write_text(f"{edition.title}\n", encoding="utf-8")
        return [path]


class Fails(Builder):
    name = "boom"
    description = "boom.pdf"
    uses = ("course",)
    theme_parts = ()

    def build(self, edition, out: Path) -> list[Path]:  # type: ignore[no-untyped-def]
        (out / "half-written.pdf").write_bytes(b"%PDF")
        raise ContentError.single(edition.project_root / COURSE, "cannot lay out page 3", 7, 3)


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, type[Builder]]:
    """An empty builder registry in place of the real one; tests add what they need."""
    fake: dict[str, type[Builder]] = {}
    monkeypatch.setattr("mi_courseware.builders.REGISTRY", fake)
    return fake


def test_build_lists_what_it_wrote_and_records_it(make_project, run_cli, registry) -> None:
    registry["note"] = WritesAFile
    root = make_project()
    result = run_cli("build", "mi-basics", cwd=root)
    folder = root / "output" / "acme" / "mi-basics-introduction"
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "An Introduction to MI (Acme Health Trust):",
        f"  {folder / 'note.txt'}",
        f"  {folder / 'manifest.json'}",
    ]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [o["path"] for o in manifest["outputs"]] == ["note.txt"]
    assert (manifest["course"], manifest["variant"], manifest["client"]) == (
        "mi-basics",
        "introduction",
        "acme",
    )
    assert sorted(p.name for p in (root / "output").iterdir()) == [".cache", "acme"]  # no staging
    # -q: only errors, not the files made (issue 21, defect 13)
    quiet = run_cli("build", "mi-basics", "--force", "-q", cwd=root)
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_several_targets_are_each_built_as_if_named_alone(
    make_project, run_cli, registry, tmp_path: Path
) -> None:
    """Issue 21, defect 17: ``build a b`` as ``validate a b`` takes them; ``--variant`` is
    the course's (the event keeps its own), ``--out`` holds each target's usual folder."""
    registry["note"] = WritesAFile
    root = make_project()
    out = tmp_path / "elsewhere"
    result = run_cli(
        "build", "acme-2027", "mi-basics", "acme-2027", "--variant", "in-depth", "--out",
        str(out), cwd=root,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("note.txt")) == [
        "acme/mi-basics-in-depth/note.txt",
        "events/acme-2027/note.txt",
    ]
    assert [line for line in result.stdout.splitlines() if not line.startswith(" ")] == [
        "An Introduction to MI (Acme Health Trust):",
        "MI in Depth (Acme Health Trust):",
    ]
    # events alone: their files set client and variant, as when one is named
    alone = run_cli("build", "acme-2027", "acme-2027", "--variant", "in-depth", cwd=root)
    assert alone.exit_code == 2
    assert "--variant: event 'acme-2027' sets its own client" in alone.stderr


def test_the_first_verbose_level_keeps_the_database_librarys_set_up_to_itself(
    tmp_path: Path,
) -> None:
    """Issue 21, defect 13: ``-v`` says what the tool does, not the seven plugins Alembic
    sets up when a register is migrated (``-vv`` still shows them)."""
    import subprocess

    from conftest import PROJECTS, SCRIPT, subprocess_env

    register = tmp_path / "certificates.sqlite"
    register.write_bytes((PROJECTS / "register-v1" / "certificates.sqlite").read_bytes())
    done = subprocess.run(
        [SCRIPT, "-v", "--register", register, "register", "export"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"mi-courseware: note: {register}: register upgraded from schema revision 0001 to {HEAD}"
    ]


def test_a_failed_build_leaves_output_as_it_was(make_project, run_cli, registry) -> None:
    registry["note"] = WritesAFile
    registry["boom"] = Fails
    root = make_project()
    old = root / "output" / "acme" / "mi-basics-introduction" / "participant-pack.pdf"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old pack")
    before = sorted(p.relative_to(root) for p in (root / "output").rglob("*"))

    result = run_cli("build", "mi-basics", cwd=root)
    assert result.exit_code == 1
    assert lines(result.stderr)[-2:] == [f"{COURSE}:7:3: error: cannot lay out page 3", "1 error"]
    assert sorted(p.relative_to(root) for p in (root / "output").rglob("*")) == before
    assert old.read_bytes() == b"old pack"


def test_a_failed_build_does_not_leave_an_output_folder_behind(
    make_project, run_cli, registry
) -> None:
    registry["boom"] = Fails
    root = make_project()
    assert run_cli("build", "acme-2027", cwd=root).exit_code == 1
    assert not (root / "output").exists()


def test_build_refuses_an_unknown_output_before_writing(make_project, run_cli) -> None:
    root = make_project()
    result = run_cli("build", "mi-basics", "--only", "pak", cwd=root)
    assert result.exit_code == 2
    assert result.stderr.startswith("mi-courseware: error: unknown output 'pak' for --only")
    assert "(did you mean 'pack'?)" in result.stderr
    assert not (root / "output").exists()


def test_build_with_content_errors_writes_nothing(make_project, run_cli) -> None:
    root = make_project(edits={EVENT: [("client: acme", "client: acmee")]})
    result = run_cli("build", cwd=root)
    assert result.exit_code == 1
    assert not (root / "output").exists()


# the installed console script, as a user runs it


def run_script(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
    )


def test_the_console_script_reports_content_errors_with_exit_1(make_project) -> None:
    root = make_project(overlay="foundation-errors")
    done = run_script("validate", cwd=root)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == "6 errors"
    assert all(": error: " in line for line in done.stderr.splitlines()[:-1])


def test_the_console_script_exits_2_on_bad_usage(make_project) -> None:
    done = run_script("list", "everything", cwd=make_project())
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mi_courseware", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (0, f"mi-courseware, version {__version__}\n")


def test_starting_the_cli_imports_no_heavy_library(tmp_path: Path) -> None:
    """``--help`` stays fast: pydantic, WeasyPrint and python-pptx load only when needed."""
    code = "import sys, mi_courseware.cli; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
        check=True,
    )
    loaded = {name.split(".")[0] for name in done.stdout.split()}
    assert not loaded & {"pydantic", "weasyprint", "pptx", "yaml", "jinja2"}


# Issue 2 acceptance on the repository's own demo content


def test_the_demo_content_validates_without_warnings(run_cli) -> None:
    result = run_cli("validate", cwd=REPO, env={"SOURCE_DATE_EPOCH": "1790000000"})  # before 2027
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("OK: ")


def test_the_demo_in_depth_course_has_a_coverage_table(run_cli) -> None:
    result = run_cli("standards", "mi-practitioner", "--variant", "in-depth", cwd=REPO)
    assert result.exit_code == 0, result.output
    text = result.stdout.splitlines()
    assert text[0].endswith("(mi-practitioner, in-depth)")
    assert "Outcomes" in text and any(line.startswith("Standards ") for line in text)
    assert any("●" in line for line in text)


def test_global_options_work_after_the_command_too(make_project, run_cli, tmp_path) -> None:
    root = make_project()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = run_cli("--project", str(root), "-q", "validate", cwd=elsewhere)
    after = run_cli("validate", "--project", str(root), "-q", cwd=elsewhere)
    assert (before.exit_code, before.output) == (0, "")
    assert (after.exit_code, after.output) == (0, "")
    loud = run_cli("validate", "--project", str(root), cwd=elsewhere)
    assert loud.stdout.startswith("OK: ")
    built = run_cli("build", "acme-2027", "--only", "slides", "-v", cwd=root)
    assert built.exit_code == 0
    assert "events/acme-2027: slides built (not built before)" in built.stderr
    again = run_cli("build", "acme-2027", "--only", "slides", "-q", cwd=root)
    assert (again.exit_code, again.stderr) == (0, "")
    help_text = run_cli("build", "--help").stdout
    assert "--project" in help_text and "--time-limit" in help_text


def test_validate_of_an_event_says_when_it_is_over(make_project, run_cli) -> None:
    root = make_project()
    result = run_cli("validate", "acme-2027", cwd=root, env={"SOURCE_DATE_EPOCH": "1900000000"})
    assert result.exit_code == 0
    assert (
        "content/events/acme-2027.yaml:6:8: warning: the event is over (its last day was "
        "2027-03-11); its outputs are records of what was taught" in result.stderr
    )
    everything = run_cli("validate", cwd=root, env={"SOURCE_DATE_EPOCH": "1900000000"})
    assert "the event is over" not in everything.stderr


def test_the_pdf_library_speaks_in_the_log_only_when_asked_twice() -> None:
    """``-v`` says what is built and why; pikepdf's own notes (it reads a flyer's pages in
    the main process) wait for ``-vv``, as the other engines' do."""
    import logging

    from mi_courseware.cli.options import setup_logging

    root = logging.getLogger()
    kept = (root.level, root.handlers[:], logging.getLogger("pikepdf").level)
    try:
        setup_logging(1, False)
        assert not logging.getLogger("pikepdf._core").isEnabledFor(logging.INFO)
        setup_logging(2, False)
        assert logging.getLogger("pikepdf._core").isEnabledFor(logging.INFO)
    finally:
        root.setLevel(kept[0])
        root.handlers[:] = kept[1]
        logging.getLogger("pikepdf").setLevel(kept[2])


def test_the_entry_point_collects_cycles_less_often_in_every_process_it_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The console script raises the youngest generation's threshold before anything else,
    so its imports, its resident server, the commands that server forks and the workers a
    build forks all run with it (and then the command runs as usual)."""
    import gc

    from mi_courseware import __main__ as entry
    from mi_courseware import resident

    before = gc.get_threshold()
    ran: list[list[str]] = []
    monkeypatch.setattr(sys, "argv", ["mi-courseware", "--version"])
    monkeypatch.setattr(resident, "run", lambda argv: ran.append(argv))  # no server: here
    monkeypatch.setattr("mi_courseware.cli.main", lambda: ran.append(["here"]))
    try:
        entry.main()
        assert gc.get_threshold() == (entry.YOUNGEST, *before[1:])
    finally:
        gc.set_threshold(*before)
    assert ran == [["--version"], ["here"]]
    assert before[0] < entry.YOUNGEST
