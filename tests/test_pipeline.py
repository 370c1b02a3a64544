"""The build pipeline: outputs rebuilt only when what shapes them changed, folders committed
whole, nothing deleted that a build was not asked to make, the same bytes from any copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mi_courseware.cli import cli

FIXTURE = Path(__file__).parent / "projects" / "foundation-basic"
EVENT = "acme-2027"
EPOCH = "1800000000"


def mi(root: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--project", str(root), *args], env={"SOURCE_DATE_EPOCH": EPOCH}
    )


def files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` with its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project with every output of its event built once."""
    root = tmp_path_factory.mktemp("built") / "project"
    shutil.copytree(FIXTURE, root)
    result = mi(root, "-q", "build", EVENT)
    assert result.exit_code == 0, result.output
    return root


def copy_of(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(built, root, copy_function=shutil.copy2)  # modification times kept
    return root


def test_a_rebuild_with_nothing_changed_builds_nothing(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    folder = root / "output" / "events" / EVENT
    before = files(folder)
    again = mi(root, "-v", "build", EVENT)
    assert again.exit_code == 0, again.output
    statuses = [line for line in again.stderr.splitlines() if line.startswith("events/")]
    assert statuses and all(line.endswith("up to date") for line in statuses), statuses
    assert files(folder) == before


def test_editing_one_module_rebuilds_only_the_outputs_that_include_it(
    built: Path, tmp_path: Path
) -> None:
    root = copy_of(built, tmp_path)
    folder = root / "output" / "events" / EVENT
    before = files(folder)
    module = root / "content" / "modules" / "welcome.md"
    module.write_text(module.read_text(encoding="utf-8") + "\nA sentence added.\n", "utf-8")
    result = mi(root, "-v", "build", EVENT)
    assert result.exit_code == 0, result.output
    prefix = f"events/{EVENT}: "
    statuses = dict(
        line.removeprefix(prefix).split(" ", 1)
        for line in result.stderr.splitlines()
        if line.startswith(prefix) and line.endswith((")", "up to date"))
    )
    changed = "built (content/modules/welcome.md changed)"
    assert statuses["pack"] == statuses["facilitator"] == statuses["slides"] == changed
    for name in ("certificates", "flyer", "calendar", "sign-in"):
        assert statuses[name] == "up to date", (name, statuses)
    after = files(folder)
    for name, (data, mtime) in before.items():
        if name.startswith(("certificates/", "flyer", "calendar", "sign-in")):
            assert after[name] == (data, mtime), f"{name} was touched"
    assert after["participant-pack.pdf"][0] != before["participant-pack.pdf"][0]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    welcome = [i for i in manifest["builds"]["pack"]["inputs"] if i["path"].endswith("welcome.md")]
    assert welcome and "welcome.md" not in json.dumps(manifest["builds"]["certificates"]["inputs"])


def test_an_events_teaching_materials_are_kept_once_it_is_over(built: Path, tmp_path: Path) -> None:
    """Issue 21, defect 19: a shared module edited after the event rewrites none of its
    teaching materials (a record of what was taught) unless asked with --force; its
    certificates go on following attendance."""
    from mi_courseware import builders

    kept = {name for name, b in builders.REGISTRY.items() if b.kept_after_event}
    assert kept == {"pack", "facilitator", "slides", "flyer", "sign-in", "calendar"} | {
        "pack-docx",
        "facilitator-docx",
        "handouts-docx",
    }
    root = copy_of(built, tmp_path)
    folder = root / "output" / "events" / EVENT
    before = files(folder)
    module = root / "content" / "modules" / "welcome.md"
    module.write_text(module.read_text(encoding="utf-8") + "\nA sentence added.\n", "utf-8")
    after_the_event = {"SOURCE_DATE_EPOCH": "1805443200"}  # 2027-03-19; the event: 11 March

    def build(*args: str) -> Result:
        return CliRunner().invoke(
            cli, ["--project", str(root), "-v", "build", EVENT, *args], env=after_the_event
        )

    result = build()
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if line.startswith(f"events/{EVENT}: ")]
    for name in ("pack", "facilitator", "slides", "flyer", "calendar", "sign-in"):
        line = f"events/{EVENT}: {name} kept: the event is over (build it again with --force)"
        assert line in said, (name, said)
    assert f"events/{EVENT}: certificates built (options changed)" in said
    now = files(folder)
    for name, (data, mtime) in before.items():
        if not name.startswith(("certificates/", "manifest")):
            assert now[name] == (data, mtime), f"{name} was touched"
    forced = build("--force", "--only", "slides")
    assert forced.exit_code == 0, forced.output
    assert f"events/{EVENT}: slides built (--force)" in forced.stderr
    assert files(folder)["slides.pptx"][0] != before["slides.pptx"][0]


def test_only_slides_leaves_every_other_file_as_it_was(built: Path, tmp_path: Path) -> None:
    root = copy_of(built, tmp_path)
    folder = root / "output" / "events" / EVENT
    mine = folder / "notes-for-the-day.txt"
    mine.write_text("the user's own file\n", encoding="utf-8")
    before = files(folder)
    result = mi(root, "-q", "build", EVENT, "--only", "slides", "--force")
    assert result.exit_code == 0, result.output
    after = files(folder)
    assert set(after) == set(before)
    for name, (data, mtime) in before.items():
        if name not in ("slides.pptx", "manifest.json"):
            assert after[name] == (data, mtime), f"{name} changed"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["builds"]) >= {"pack", "facilitator", "slides", "certificates"}
    assert "notes-for-the-day.txt" not in {o["path"] for o in manifest["outputs"]}


def test_a_roster_kept_outside_content_is_followed_by_the_next_build(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / "rosters").mkdir()
    shutil.move(root / "content" / "rosters" / "acme-2027.csv", root / "rosters" / "acme.csv")
    event = root / "content" / "events" / f"{EVENT}.yaml"
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace("../rosters/acme-2027.csv", "../../rosters/acme.csv"), "utf-8")
    assert mi(root, "-q", "build", EVENT, "--only", "certificates").exit_code == 0
    certificates = root / "output" / "events" / EVENT / "certificates"
    first = sorted(p.name for p in certificates.glob("*.pdf"))
    roster = root / "rosters" / "acme.csv"
    roster.write_text(roster.read_text(encoding="utf-8") + "Nia Rhys,nia@acme.example,yes\n")
    result = mi(root, "-v", "build", EVENT, "--only", "certificates")
    assert result.exit_code == 0, result.output
    assert "certificates built (rosters/acme.csv changed)" in result.stderr
    assert len(sorted(p.name for p in certificates.glob("*.pdf"))) == len(first) + 1


def test_copies_in_other_folders_give_the_same_bytes(built: Path, tmp_path: Path) -> None:
    """Same inputs, same SOURCE_DATE_EPOCH, same register (copied with the project): every
    output is byte-identical, certificates included."""
    elsewhere = tmp_path / "somewhere" / "else" / "project"
    shutil.copytree(built, elsewhere)
    shutil.rmtree(elsewhere / "output")
    result = mi(elsewhere, "-q", "build", EVENT)
    assert result.exit_code == 0, result.output
    ours = {k: v[0] for k, v in files(built / "output" / "events" / EVENT).items()}
    theirs = {k: v[0] for k, v in files(elsewhere / "output" / "events" / EVENT).items()}
    assert sorted(ours) == sorted(theirs)
    for name in ours:
        assert ours[name] == theirs[name], f"{name} differs between the copies"


def test_a_killed_build_leaves_no_worker_and_its_staging_folder_goes_next_time(
    tmp_path: Path,
) -> None:
    import subprocess

    from conftest import (
        SCRIPT,
        kill_and_expect_workers_gone,
        run_until_paused,
        subprocess_env,
        worker_pids,
    )

    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    args = ["--project", str(root), "build", EVENT, "--jobs", "2"]
    run, log = run_until_paused(args, "stage", {"SOURCE_DATE_EPOCH": EPOCH})
    assert list((root / "output").glob(".staging-*"))
    kill_and_expect_workers_gone(run, worker_pids(log, "PDF"))
    again = subprocess.run(
        [str(SCRIPT), "--project", str(root), "build", EVENT, "--only", "calendar"],
        env=subprocess_env() | {"SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert "mi-courseware: note: removed 1 staging folder left by an interrupted build" in (
        again.stderr
    )
    assert not list((root / "output").glob(".staging-*"))


def test_a_killed_build_of_every_event_leaves_no_event_worker(tmp_path: Path) -> None:
    from conftest import kill_and_expect_workers_gone, run_until_paused, worker_pids

    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    args = ["--project", str(root), "build", "--jobs", "2"]
    run, log = run_until_paused(args, "event workers")
    kill_and_expect_workers_gone(run, worker_pids(log, "event"))


def test_resolving_reads_no_file(tmp_path: Path) -> None:
    """Resolve is pure: with the project's files gone after the read and check phases, every
    event still resolves, its roster, wording and evaluation responses included."""
    from mi_courseware.errors import Problems
    from mi_courseware.pipeline.targets import load_checked
    from mi_courseware.project import find_project
    from mi_courseware.resolving.targets import Target, editions_for

    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(FIXTURE.parent / "evaluation-basic", root, dirs_exist_ok=True)
    problems = Problems()
    project = load_checked(find_project(root), problems)
    assert not problems.errors, problems.errors
    assert project.responses, "the fixture has evaluation responses"
    shutil.move(root, tmp_path / "gone")
    targets = [Target("event", ident) for ident in project.events]
    editions = editions_for(project, targets, problems)
    assert not problems.errors, problems.errors
    assert {e.event.id for e in editions if e.event is not None} == set(project.events)
    answered = [e for e in editions if e.responses is not None]
    assert {e.event.id for e in answered if e.event is not None} == set(project.responses)
    assert all(e.questions for e in editions)


def test_event_workers_started_for_nothing_are_stopped(built: Path, tmp_path: Path) -> None:
    """``build`` of every event starts its worker processes before reading the project; when
    everything is up to date they are stopped at once, and none outlives the build."""
    import multiprocessing

    root = copy_of(built, tmp_path)
    before = files(root / "output" / "events")
    result = mi(root, "-v", "build", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert f"events/{EVENT}: pack up to date" in result.output
    assert multiprocessing.active_children() == []
    assert files(root / "output" / "events") == before


def test_debug_output_leaves_out_the_markdown_parser_s_trace(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    result = mi(root, "-vv", "validate")
    assert result.exit_code == 0, result.output
    assert "entering paragraph" not in result.output


# files written to a path the user names: staged beside it, moved into place whole

NAMED = {
    "coding sheet": (
        ["coding", "sheet", "--scale", "social-work-7", "-o", "{dir}/sheet.pdf"],
        ["sheet.pdf"],
    ),
    "evaluation report": (
        ["evaluation", "report", "--format", "csv", "--out", "{dir}/runs.csv"],
        ["runs.csv"],
    ),
    "evaluation template": (
        ["evaluation", "template", "eval-spring", "-o", "{dir}"],
        ["eval-spring-evaluation.csv", "eval-spring-questions.txt"],
    ),
}


@pytest.mark.parametrize("command", sorted(NAMED))
def test_a_command_killed_before_its_file_is_in_place_leaves_the_earlier_file_whole(
    tmp_path: Path, command: str
) -> None:
    """Killed after its output is written, before it is moved into place: the files there
    are the earlier ones, byte for byte, and nothing half-written stands beside them; the
    next run removes the staging folder, says so, and puts the whole new files in place."""
    import subprocess

    from conftest import SCRIPT, run_until_paused, subprocess_env

    root = tmp_path / "project"
    for fixture in ("foundation-basic", "coding-basic", "evaluation-basic"):
        shutil.copytree(FIXTURE.parent / fixture, root, dirs_exist_ok=True)
    folder = tmp_path / "mine"
    folder.mkdir()
    words, names = NAMED[command]
    for name in [*names, "notes.txt"]:
        (folder / name).write_text(f"the user's own {name}\n")
    before = files(folder)
    args = ["--project", str(root), *(w.format(dir=folder) for w in words)]
    run, _ = run_until_paused(args, "commit", {"SOURCE_DATE_EPOCH": EPOCH})
    run.kill()  # SIGKILL: nothing of its own runs after it
    run.wait(timeout=30)
    assert run.stderr is not None
    run.stderr.close()
    visible = {name: v for name, v in files(folder).items() if not name.startswith(".")}
    assert visible == before
    [left] = folder.glob(".staging-*")  # hidden; its files whole, never half in place
    assert len(list(left.iterdir())) == len(names)

    again = subprocess.run(
        [str(SCRIPT), *args],
        env=subprocess_env() | {"SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert "removed 1 staging folder left by an interrupted build" in again.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted([*names, "notes.txt"])
    for name in names:
        assert (folder / name).read_bytes() != before[name][0]
    assert (folder / "notes.txt").read_bytes() == before["notes.txt"][0]


@pytest.mark.parametrize("only", [("slides",), ("slides", "pack-docx", "calendar")])
def test_outputs_made_aside_give_the_bytes_made_here(
    built: Path, tmp_path: Path, only: tuple[str, ...]
) -> None:
    """One edition's outputs that render no PDF are made in a worker started before the
    project is read (``-vv`` says so); with one job they are made in this process. Same
    bytes either way, and no worker outlives the build."""
    import multiprocessing

    choice = [arg for name in only for arg in ("--only", name)]
    ahead = copy_of(built, tmp_path / "ahead")
    here = copy_of(built, tmp_path / "here")
    result = mi(ahead, "-vv", "build", EVENT, *choice, "--force", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert f"{', '.join(only)}: made in a worker started before the project is read" in (
        result.stderr
    )
    assert multiprocessing.active_children() == []
    result = mi(here, "-vv", "build", EVENT, *choice, "--force", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "made in a worker" not in result.stderr
    ours = files(ahead / "output" / "events" / EVENT)
    theirs = files(here / "output" / "events" / EVENT)
    assert sorted(ours) == sorted(theirs)
    changed = [name for name in ours if ours[name][0] != theirs[name][0]]
    assert changed == [], f"differ between a worker and this process: {changed}"


def test_a_failing_output_made_aside_fails_the_build_with_its_message(tmp_path: Path) -> None:
    """An error met while the deck is made in the worker started ahead (here: the client's
    logo cannot be drawn within the time limit) is reported as if the deck were made here:
    a located message, exit 1, no traceback, nothing written, no worker left."""
    import multiprocessing

    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    args = ["build", EVENT, "--only", "slides", "--time-limit", "0.000001", "--jobs", "2"]
    result = mi(root, "-vv", *args)
    assert result.exit_code == 1, result.output
    assert "slides: made in a worker started before the project is read" in result.stderr
    assert "Traceback" not in result.output
    assert "logo.svg:1:1: error: 'logo.svg': drawing this SVG took longer" in result.output
    assert not (root / "output" / "events" / EVENT).exists()
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("only", ["certificates", "pack"])
def test_outputs_with_workers_or_records_of_their_own_are_not_made_aside(
    built: Path, tmp_path: Path, only: str
) -> None:
    """The certificates spread over every core (and write the register), a PDF is laid out
    by the PDF workers: neither is put in the one worker started ahead."""
    root = copy_of(built, tmp_path)
    result = mi(root, "-vv", "build", EVENT, "--only", only, "--force", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "made in a worker started before" not in result.stderr
