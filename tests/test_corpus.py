"""The bad-input corpus: every way a user's (or an attacker's) files can go wrong, each a case.

``tests/corpus/<case>/case.yaml`` says what to run and what must come of it; the case's
``files/`` folder is laid over a fixture project (``base``). For every case the command runs
as a real process, and the test checks, besides the exit code and the first line of the
message: no traceback, ``output/`` exactly as it was when the command fails, nothing written
outside ``output/`` and ``records/`` (the project's other files and the temporary folder), and
an end within the case's bound.

``case.yaml`` keys:

``about``      what the case is (one line)
``base``       a fixture project under ``tests/projects`` (default ``foundation-basic``)
``overlay``    another fixture project laid over ``base`` (``coding-basic``, ``evaluation-basic``)
``args``       the command's arguments
``exit``       the expected exit code
``first``      the expected first line of standard error (``{project}``, ``{tmp}`` expand)
``later``      lines expected further down standard error, in this order
``seconds``    the bound (default 60)
``links``      ``{path: target}`` symbolic links to make (targets may use ``{tmp}``)
``make``       ``{path: {repeat: text, times: n}}`` large files to generate
``write``      ``{path: text}`` files written as given (for one-line changes)
``prebuild``   arguments of a command run first, which must succeed (e.g. a build)
``readonly``   folders made read-only for the command (a read-only bind mount: root too)
``full``       a folder that is a tiny file system, full after a few kilobytes
``busy_port``  true: ``{port}`` in the arguments is a port another program listens on
``keeps``      files that must still be there afterwards (a user's own, in ``output/``)
``tamper``     after ``prebuild``: rewrite paths in the edition cache (``true``: every one, to
               lead out of the project; ``register``: the logo, to the register), keeping the
               entry's signature line (a crafted entry must be ignored, not followed)
``secret``     a text planted in the project's files that no output may hold afterwards (PDF
               streams and attachments, ``data:`` addresses and deck parts are decoded)

``first: null`` expects nothing on standard error. Cases that need mounts (``readonly``,
``full``) are skipped where this process may not mount (not root).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

TESTS = Path(__file__).parent
CORPUS = TESTS / "corpus"
PROJECTS = TESTS / "projects"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.yaml").is_file())


def expand(text: str, **values: object) -> str:
    """``{project}``, ``{tmp}`` and ``{port}`` replaced; every other brace left as written."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def snapshot(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under ``folder`` (but the ``skip`` folders) with its hash; links as links."""
    found: dict[str, str] = {}
    if not folder.exists():
        return found
    for top, dirs, names in os.walk(folder):
        rel_top = Path(top).relative_to(folder)
        dirs[:] = [d for d in dirs if (rel_top / d).as_posix() not in skip]
        for name in names + [d for d in dirs if Path(top, d).is_symlink()]:
            path = Path(top, name)
            key = (rel_top / name).as_posix()
            if path.is_symlink():
                found[key] = "link:" + os.readlink(path)
            elif path.is_file():
                found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def prepare(case: Path, root: Path, tmp: Path, spec: dict[str, Any]) -> None:
    base = spec.get("base", "foundation-basic")
    if base == "demo":
        shutil.copytree(TESTS.parent / "content", root / "content")
    else:
        shutil.copytree(PROJECTS / base, root)
    if spec.get("overlay"):
        shutil.copytree(PROJECTS / spec["overlay"], root, dirs_exist_ok=True)
    if (case / "files").is_dir():
        shutil.copytree(case / "files", root, dirs_exist_ok=True)
    for name, text in (spec.get("write") or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else bytes(text))
    for name, how in (spec.get("make") or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(str(how["repeat"]) * int(how["times"]))
    for name, target in (spec.get("links") or {}).items():
        link = root / name
        target = expand(str(target), tmp=tmp, project=root)
        outside = Path(target)
        if target.startswith(str(tmp)) and not outside.exists():
            outside.parent.mkdir(parents=True, exist_ok=True)
            if link.is_dir():  # the folder moved out of the project, and linked back in
                shutil.move(str(link), str(outside))
            else:
                outside.write_text("outside the project: must never be read\n")
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)
        else:
            link.unlink(missing_ok=True)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)


class Servers:
    """Processes that have imported the tool and fork a child per command (see
    ``corpus_server.py``): each command is still a process of its own, without paying for
    Python's start-up and the imports every time."""

    def __init__(self, count: int) -> None:
        script = Path(__file__).with_name("corpus_server.py")
        self.idle: queue.Queue[subprocess.Popen[str]] = queue.Queue()
        self.all = []
        for _ in range(count):
            server = subprocess.Popen(
                [sys.executable, str(script)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            )
            self.all.append(server)
            self.idle.put(server)

    def run(
        self, args: list[str], root: Path, tmp: Path, seconds: float
    ) -> subprocess.CompletedProcess[str]:
        """Run ``mi-courseware args`` in ``root``; like ``subprocess.run`` with a timeout."""
        env = {**os.environ, "TMPDIR": str(tmp / "tmpdir"), "SOURCE_DATE_EPOCH": "1800000000"}
        env.pop("MI_COURSEWARE_REGISTER", None)
        request = {"args": args, "cwd": str(root), "env": env, "timeout": seconds}
        server = self.idle.get()
        try:
            assert server.stdin is not None and server.stdout is not None
            server.stdin.write(json.dumps(request) + "\n")
            server.stdin.flush()
            answer = json.loads(server.stdout.readline())
        finally:
            self.idle.put(server)
        if answer["timed_out"]:
            raise subprocess.TimeoutExpired(args, seconds, answer["stdout"], answer["stderr"])
        return subprocess.CompletedProcess(
            args, answer["returncode"], answer["stdout"], answer["stderr"]
        )

    def close(self) -> None:
        for server in self.all:
            assert server.stdin is not None and server.stdout is not None
            server.stdin.close()
            server.wait(timeout=60)
            server.stdout.close()


def tamper_cache(root: Path, how: object) -> None:
    """Rewrite every path in the edition cache's entries: out of the project (``true``) or,
    for the logo, to the certificate register (``register``). The entry keeps the project's
    signature line, which no longer matches its body: a crafted entry must be ignored, not
    followed."""
    import json

    entries = list((root / "output" / ".cache").glob("editions-*.json"))
    assert entries, "the prebuild wrote no cache entry"

    def crafted(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            if "$path" in value:
                if how == "register":
                    if key != "logo":
                        return value
                    return {"$path": ["project", "records/certificates.sqlite"]}
                return {"$path": ["project", "../../../../../../../etc/hostname"]}
            return {k: crafted(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [crafted(v, key) for v in value]
        return value

    for entry in entries:
        mac, _, body = entry.read_bytes().partition(b"\n")
        assert len(mac) == 64, "an entry begins with its signature"
        entry.write_bytes(mac + b"\n" + json.dumps(crafted(json.loads(body))).encode())


def mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here ({done.stderr.strip()})")


@contextlib.contextmanager
def faults(root: Path, spec: dict[str, Any]) -> Iterator[dict[str, str]]:
    """Read-only folders, a full file system and a busy port, undone afterwards."""
    mounted: list[Path] = []
    values: dict[str, str] = {}
    listener = None
    try:
        for name in spec.get("readonly") or []:
            folder = root / name
            folder.mkdir(parents=True, exist_ok=True)
            mount("--bind", str(folder), str(folder))
            mounted.append(folder)
            mount("-o", "remount,ro,bind", str(folder))
        if spec.get("full"):
            folder = root / spec["full"]
            folder.mkdir(parents=True, exist_ok=True)
            mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder))
            mounted.append(folder)
            (folder / "filler").write_bytes(b"\0" * 60_000)
        if spec.get("busy_port"):
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            values["port"] = str(listener.getsockname()[1])
        yield values
    finally:
        if listener is not None:
            listener.close()
        for folder in reversed(mounted):
            subprocess.run(["umount", str(folder)], check=False)


@dataclass
class Outcome:
    """What running one case gave, for its test to judge."""

    spec: dict[str, Any]
    root: Path
    tmp: Path
    values: dict[str, str]
    result: subprocess.CompletedProcess[str] | None = None
    before: tuple[dict[str, str], dict[str, str]] = ({}, {})
    after: tuple[dict[str, str], dict[str, str]] = ({}, {})
    failure: BaseException | None = None


def execute(name: str, tmp: Path, servers: Servers) -> Outcome:
    """Run one case as a real process, with snapshots of what it could change."""
    case = CORPUS / name
    spec = yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))
    root = tmp / "project"
    (tmp / "tmpdir").mkdir(parents=True)
    outcome = Outcome(spec, root, tmp, {})
    try:
        prepare(case, root, tmp, spec)
        if spec.get("prebuild"):
            done = servers.run([str(a) for a in spec["prebuild"]], root, tmp, 600)
            assert done.returncode == 0, done.stderr
        if spec.get("tamper"):
            tamper_cache(root, spec["tamper"])
        outcome.before = (snapshot(root, skip=("output", "records")), snapshot(root / "output"))
        with faults(root, spec) as values:
            outcome.values = values
            args = [expand(str(a), project=root, tmp=tmp, **values) for a in spec["args"]]
            outcome.result = servers.run(args, root, tmp, float(spec.get("seconds", 60)))
        outcome.after = (snapshot(root, skip=("output", "records")), snapshot(root / "output"))
    except BaseException as exc:  # judged (or skipped) by the case's own test
        outcome.failure = exc
    return outcome


@pytest.fixture(scope="session")
def outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Outcome]:
    """Every selected case, run a few at a time: separate processes in separate folders."""
    base = tmp_path_factory.mktemp("corpus")
    chosen = [
        name
        for name in CASES
        if any(item.name == f"test_bad_input[{name}]" for item in request.session.items)
    ]
    count = max(2, os.cpu_count() or 2)
    servers = Servers(count)
    try:
        with ThreadPoolExecutor(max_workers=count) as pool:
            futures = {name: pool.submit(execute, name, base / name, servers) for name in chosen}
            return {name: future.result() for name, future in futures.items()}
    finally:
        servers.close()


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name: str, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[name]
    if outcome.failure is not None:
        raise outcome.failure
    spec, root, tmp, result = outcome.spec, outcome.root, outcome.tmp, outcome.result
    assert result is not None
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    assert result.returncode == spec["exit"], text
    lines = result.stderr.splitlines()
    if spec["first"] is None:
        assert not lines, text
    else:
        first = expand(str(spec["first"]), project=root, tmp=tmp, **outcome.values)
        assert lines and lines[0] == first, text
    rest = iter(lines[1:])
    for later in spec.get("later") or []:
        assert any(line == later for line in rest), f"{later!r} is not on stderr: {text}"
    assert outcome.after[0] == outcome.before[0], "files outside output/ changed"
    if result.returncode != 0:
        changed = set(outcome.after[1].items()) ^ set(outcome.before[1].items())
        assert not changed, f"a failed command changed output/: {sorted(changed)}"
    assert not list((tmp / "tmpdir").iterdir()), "temporary files left behind"
    for kept in spec.get("keeps") or []:
        assert (root / kept).is_file(), f"{kept} was deleted"
    if spec.get("secret"):
        from leaks import holders

        assert (root / "output").is_dir(), "the case built nothing to look into"
        assert not holders(root / "output", spec["secret"]), "a planted secret reached an output"
