"""Shared fixtures: small courseware projects in a temporary folder, and ways to run the CLI.

A test starts from a fixture project under ``tests/projects/`` (``foundation-basic`` is a
complete, valid one) and changes only what it is about, so the file text that a message
points at sits next to the assertion. ``make_project`` can also overlay a whole folder of
changed files (``tests/projects/foundation-errors`` holds one file per kind of mistake).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from mi_courseware.cli import cli

TESTS = Path(__file__).parent
PROJECTS = TESTS / "projects"
REPO = TESTS.parent
#: The console script of the environment running the tests (``.venv/bin/mi-courseware``).
SCRIPT = Path(sys.executable).parent / "mi-courseware"

FileText = str | bytes | None
MakeProject = Callable[..., Path]
RunCli = Callable[..., Result]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """A folder of this run's own for pytest's temporary files (unless ``--basetemp`` names
    one). In the shared ``pytest-of-<user>`` folder, two suites run at the same moment each
    tidy up the other's old folders as they finish, and one fails on the other's half-removed
    folder. Removed at the end of a run that passed; kept, for a look, after a failure."""
    if config.option.basetemp is None and not hasattr(config, "workerinput"):
        import tempfile

        config.option.basetemp = tempfile.mkdtemp(prefix="mi-courseware-pytest-")
        config.stash[_OWN_BASETEMP] = config.option.basetemp


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    folder = session.config.stash.get(_OWN_BASETEMP, None)
    if folder is not None and exitstatus == 0:
        shutil.rmtree(folder, ignore_errors=True)


_OWN_BASETEMP = pytest.StashKey[str]()


@pytest.fixture(scope="session", autouse=True)
def private_temp_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The suite's own temporary folder, for it and every process it starts.

    A build tidies up what interrupted builds left in the temporary folder and says so; with
    the machine's shared one, leftovers of another run (a killed build of a suite run before)
    would put that note into the output of whichever test came first. The folder is beside
    pytest's own (which stays where it is, kept for a look after a failure) and open to other
    users to pass through: the PostgreSQL cluster runs as ``postgres``.
    """
    import tempfile

    tmp_path_factory.getbasetemp()  # pytest's folder first, in the machine's temporary one
    folder = Path(tempfile.mkdtemp(prefix="mi-courseware-suite-"))
    folder.chmod(0o711)
    previous, environment = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = str(folder)
    os.environ["TMPDIR"] = str(folder)
    # the console script runs here, never in a resident server of the machine's user
    # (tests/test_resident.py starts its own)
    resident = os.environ.get("MI_COURSEWARE_DAEMON")
    os.environ["MI_COURSEWARE_DAEMON"] = "0"
    yield folder
    if resident is None:
        os.environ.pop("MI_COURSEWARE_DAEMON", None)
    else:
        os.environ["MI_COURSEWARE_DAEMON"] = resident
    tempfile.tempdir = previous
    if environment is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = environment
    shutil.rmtree(folder, ignore_errors=True)


def write_files(root: Path, files: Mapping[str, FileText]) -> None:
    """Write (``str``: UTF-8 text, ``bytes``: as they are) or delete (``None``) files."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")


def edit_file(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in a file (fails loudly when it is not there)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """``make_project(files, edits=..., base=..., overlay=...)`` -> the new project's folder.

    ``base`` (default ``foundation-basic``; ``None`` for an empty project) is copied first,
    then the folder ``overlay`` (another fixture project's name) on top of it, then ``files``
    are written or deleted and ``edits`` (``{path: [(old, new), ...]}``) applied.
    """

    def make(
        files: Mapping[str, FileText] | None = None,
        *,
        edits: Mapping[str, list[tuple[str, str]]] | None = None,
        base: str | None = "foundation-basic",
        overlay: str | None = None,
    ) -> Path:
        root = tmp_path / "project"
        if base is None:
            (root / "content").mkdir(parents=True)
        else:
            shutil.copytree(PROJECTS / base, root)
        if overlay is not None:
            shutil.copytree(PROJECTS / overlay, root, dirs_exist_ok=True)
        write_files(root, files or {})
        for name, changes in (edits or {}).items():
            for old, new in changes:
                edit_file(root / name, old, new)
        return root

    return make


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunCli]:
    """``run_cli(*args, cwd=folder)``: the CLI in-process, in ``cwd``, its stdout and stderr apart.

    Paths in messages are relative to the working directory, so tests run the CLI inside the
    project folder and compare messages exactly.
    """

    def run(*args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        return CliRunner().invoke(
            cli, list(args), env=dict(env or {}), catch_exceptions=False, prog_name="mi-courseware"
        )

    yield run


def lines(text: str) -> list[str]:
    """Non-empty lines of a command's output."""
    return [line for line in text.splitlines() if line.strip()]


def subprocess_env() -> dict[str, str]:
    """The environment for running the real console script: no PYTHONPATH leaking in."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


# -- certificate registers on both back-ends ---------------------------------------------------


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """One throw-away PostgreSQL cluster for the whole session (see ``tests/postgres.py``)."""
    from postgres import cluster

    with cluster() as running:
        yield running


@pytest.fixture(params=["sqlite", "postgresql"])
def register_at(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a test's register lives: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "register.sqlite"
    return request.getfixturevalue("postgres").new_database()


def pdf_info(path: Path) -> dict[str, str]:
    """A PDF's document information (``/Title``, ``/MICertificateCode``...) as text."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        info = pdf.trailer.get("/Info")
        return {str(k): str(v) for k, v in info.items()} if info is not None else {}


def pdf_pages(path: Path) -> int:
    """How many pages a PDF has."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def pdf_language(path: Path) -> str:
    """The language a PDF's catalogue declares (``/Lang``)."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        return str(pdf.Root.Lang)


def pdf_text(path: Path) -> str:
    """A PDF's text, as poppler's ``pdftotext`` reads it."""
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def heading(path: Path) -> str:
    """The text of the certificate's H1 (the name), as the structure tree gives it."""
    tree = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    start = next(i for i, line in enumerate(tree) if line.strip().startswith("H1"))
    depth = len(tree[start]) - len(tree[start].lstrip())
    texts = []
    for line in tree[start + 1 :]:
        if len(line) - len(line.lstrip()) <= depth:
            break
        if line.strip().startswith('"'):
            texts.append(line.strip()[1:-1])
    return "".join(texts)


# -- worker processes: a command killed at a known step, its workers seen gone ----------------


def run_until_paused(
    args: list[str],
    step: str,
    env: Mapping[str, str] | None = None,
    seconds: float = 120,
    **popen: Any,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start the console script with ``-vv`` and the test pause at ``step``; return the
    process, stopped there, and what it had said (standard error). ``popen``: more of
    :class:`subprocess.Popen`'s arguments."""
    import selectors
    import time

    from mi_courseware.workers import PAUSE

    process = subprocess.Popen(
        [str(SCRIPT), "-vv", *args],
        env=subprocess_env() | dict(env or {}) | {PAUSE: step},
        stderr=subprocess.PIPE,
        **popen,
    )
    assert process.stderr is not None
    seen, deadline = b"", time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(process.stderr, selectors.EVENT_READ)
        while f"test pause at {step}".encode() not in seen:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(left):
                process.kill()
                pytest.fail(f"no pause at {step} within {seconds} s: {seen.decode()[-3000:]}")
            chunk = os.read(process.stderr.fileno(), 65536)
            if not chunk:
                process.wait()
                pytest.fail(f"ended before its pause at {step}: {seen.decode()[-3000:]}")
            seen += chunk
    return process, seen.decode()


def worker_pids(log: str, name: str) -> list[int]:
    """The process ids a command's ``-vv`` log gives for its ``name`` workers."""
    import re

    found = re.findall(rf"^{name} workers started \(pids ([\d, ]+)\)$", log, re.MULTILINE)
    assert found, f"no {name} workers were started: {log[-3000:]}"
    return [int(pid) for pid in found[-1].split(", ")]


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def kill_and_expect_workers_gone(process: subprocess.Popen[Any], workers: list[int]) -> None:
    """``kill -9`` the command only (not its process group), then see each worker end
    within 30 s: the kernel ends them when their parent dies, nobody else does."""
    import signal
    import time

    assert workers and all(alive(pid) for pid in workers), "the workers were running"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)  # polling for an event with a deadline, not a fixed wait
    left = [pid for pid in workers if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)  # not left running for the rest of the suite
    assert not left, f"workers {left} outlived their parent"
