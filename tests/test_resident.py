"""The resident build server (``daemon``): commands forked from a warm process behave as the
same commands run directly: same bytes, messages, exit codes; signals reach them; stale code,
a folder open to others and an idle server are each handled and said."""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SCRIPT, MakeProject, alive, run_until_paused, subprocess_env


class Server:
    """A server started in the foreground for one test (or module), in a runtime folder of
    its own, with the environment its clients use; in a session of its own, so that
    whatever happens, :meth:`stop` leaves no process of it behind."""

    def __init__(self, idle_minutes: float = 30, **env: str) -> None:
        runtime = tempfile.mkdtemp(prefix="mir-")  # short: a socket path has at most 107 bytes
        # (the suite turns servers off for every other test)
        self.env = subprocess_env() | {"XDG_RUNTIME_DIR": runtime, "MI_COURSEWARE_DAEMON": "1"}
        self.folder = Path(runtime) / "mi-courseware"
        self.process = subprocess.Popen(
            [SCRIPT, "daemon", "start", "--foreground", "--idle", str(idle_minutes)],
            env=self.env | env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.said = _line(self.process)
            assert "resident server process" in self.said, self.said
        except BaseException:
            self.stop()
            raise

    def run(
        self, *args: str, cwd: Path, umask: int = 0o022, **env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SCRIPT, *args],
            cwd=cwd,
            env=self.env | env,
            capture_output=True,
            text=True,
            timeout=300,
            umask=umask,
        )

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Ask it to stop; if it has not within a minute, end it (a command of its ends when
        its client does: each test ends its clients)."""
        try:
            if self.process.poll() is None:
                self.folder.chmod(0o700)  # (a test may have opened it)
                self.run("daemon", "stop", cwd=Path.cwd())
                self.process.wait(timeout=60)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=60)
            assert self.process.stdout is not None
            self.process.stdout.close()


def _line(process: subprocess.Popen[bytes], seconds: float = 120) -> str:
    """The first line a process writes, waited for at most ``seconds``."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(seconds):
            pytest.fail("the resident server did not say it was ready")
    return process.stdout.readline().decode()


@contextlib.contextmanager
def paused(
    args: list[str], env: dict[str, str], **popen: object
) -> Iterator[subprocess.Popen[bytes]]:
    """A client stopped at the test pause before its command commits; killed afterwards
    whatever the test found."""
    process, said = run_until_paused(args, "commit", env=env, **popen)
    try:
        assert "run by the resident server" in said
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=60)
        assert process.stderr is not None
        process.stderr.close()


EVENT = "acme-2027"
ONLY = ("--only", "slides", "--only", "pack-docx")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.stop()


def _tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every output file's bytes and mode."""
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mode)
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".cache" not in p.parts
    }


def test_a_command_in_the_server_makes_what_it_makes_here(
    server: Server, make_project: MakeProject, tmp_path: Path
) -> None:
    project = make_project()
    epoch = {"SOURCE_DATE_EPOCH": "1767225600"}
    # (a umask of the caller's own: the files are made with it in the server as here)
    there = server.run("build", EVENT, *ONLY, "-v", cwd=project, umask=0o027, **epoch)
    assert there.returncode == 0, there.stderr
    assert "run by the resident server (process" in there.stderr
    built = _tree(project / "output")
    assert any(name.endswith("slides.pptx") for name in built)
    for name in ("output", "records"):
        subprocess.run(["rm", "-rf", str(project / name)], check=True)
    here = server.run(
        "build", EVENT, *ONLY, "-v", cwd=project, umask=0o027, MI_COURSEWARE_DAEMON="0", **epoch
    )
    assert here.returncode == 0, here.stderr
    assert "resident server" not in here.stderr
    assert _tree(project / "output") == built
    assert here.stdout == there.stdout


def test_a_mistake_is_the_same_message_and_exit_code(
    server: Server, make_project: MakeProject
) -> None:
    project = make_project({"content/courses/mi-basics.yaml": "title: [unclosed\n"})
    there = server.run("build", EVENT, cwd=project)
    here = server.run("build", EVENT, cwd=project, MI_COURSEWARE_DAEMON="0")
    assert there.returncode == here.returncode == 1
    assert there.stderr == here.stderr
    assert "mi-basics.yaml:1:" in there.stderr and "Traceback" not in there.stderr
    usage = server.run("build", "--no-such-option", cwd=project)
    assert usage.returncode == 2 and "No such option" in usage.stderr


def test_signals_reach_the_command_as_they_would_here(
    server: Server, make_project: MakeProject
) -> None:
    project = make_project()
    args = ["--project", str(project), "build", EVENT, "--only", "slides"]
    slides = project / "output/events" / EVENT / "slides.pptx"
    with paused(args, server.env) as process:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 1  # click's "Aborted!", as when run here
        assert process.stderr is not None and b"Aborted" in process.stderr.read()
    # a signal that ends the command ends the client the same way (its caller sees it)
    with paused(args, server.env) as process:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == -signal.SIGTERM
    # a signal the caller ignores (nohup) is ignored by the command too
    ignore_hangups = lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN)  # noqa: E731
    with paused(args, server.env, preexec_fn=ignore_hangups) as process:
        process.send_signal(signal.SIGHUP)
        process.send_signal(signal.SIGINT)  # delivered after it: proof the first was ignored
        assert process.wait(timeout=60) == 1
        assert process.stderr is not None and b"Aborted" in process.stderr.read()
    # the client killed outright: its command is interrupted, the server carries on
    with paused(args, server.env) as process:
        process.kill()
        process.wait(timeout=60)
    deadline = time.monotonic() + 60
    while "0 running" not in (status := server.run("daemon", "status", cwd=project)).stdout:
        assert time.monotonic() < deadline, status.stdout
        time.sleep(0.05)  # polled: the interrupted command ends in its own time
    assert status.returncode == 0
    assert not slides.exists()


def test_no_request_stops_the_server_or_keeps_what_it_passed(
    server: Server, make_project: MakeProject
) -> None:
    import socket
    import struct

    project = make_project()
    path = next(server.folder.glob("*.sock"))
    before = server.run("daemon", "status", cwd=project).stdout
    pid = int(before.split("process ")[1].split(",")[0])
    opened = len(os.listdir(f"/proc/{pid}/fd"))
    nested = b"[" * 100_000
    for data, fds in (
        (struct.pack("!I", len(nested)) + nested, []),  # too deep for the JSON reader
        (struct.pack("!I", 50) + b'{"kind": "run"', [0, 1, 2]),  # ends early, 3 descriptors
        (struct.pack("!I", 1 << 30), []),  # too long
        (b"\x00", []),  # not even a length
    ):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(str(path))
            if fds:
                socket.send_fds(sock, [data], fds)
            else:
                sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            sock.recv(1)  # its answer: the connection closed
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:  # gone before the answer
        sock.connect(str(path))
        body = b'{"kind": "status"}'
        sock.sendall(struct.pack("!I", len(body)) + body)
    after = server.run("daemon", "status", cwd=project)
    assert after.returncode == 0, after.stdout
    assert len(os.listdir(f"/proc/{pid}/fd")) == opened


def test_a_build_uses_the_callers_temporary_folder(make_project: MakeProject) -> None:
    project = make_project()
    theirs = Path(tempfile.mkdtemp(prefix="server-tmp-"))
    with Server(TMPDIR=str(theirs)) as running:
        theirs.rmdir()  # the server's folder is gone: a build that used it would fail
        mine = Path(tempfile.mkdtemp(prefix="client-tmp-"))
        done = running.run("build", EVENT, "--only", "slides", "-v", cwd=project, TMPDIR=str(mine))
        assert done.returncode == 0, done.stderr
        assert "run by the resident server" in done.stderr


def test_other_code_runs_here_and_stops_the_server(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project = make_project()
    with Server() as running:
        # what a forked command honours by itself does not matter
        served = running.run("list", "-v", cwd=project, PYTHONUNBUFFERED="1")
        assert "run by the resident server" in served.stderr, served.stderr
        # another start-up (here the locale): run here, and the server stays for the others
        there = running.run("list", "-v", cwd=project, LC_MEASUREMENT="C")
        assert there.returncode == 0, there.stderr
        assert "run in this process: the resident server started with another locale" in (
            there.stderr
        )
        assert running.run("daemon", "status", cwd=project).returncode == 0
        # its own import path is another start-up too: the server stays
        there = running.run("list", "-v", cwd=project, PYTHONPATH=str(tmp_path))
        assert "run in this process: the resident server started with another" in there.stderr
        # other code (as after an upgrade): run here, and the server stops
        there = running.run("list", "-v", cwd=project, MI_COURSEWARE_TEST_CODE="upgraded")
        assert there.returncode == 0, there.stderr
        assert "run in this process: the resident server ran code older" in there.stderr
        assert running.process.wait(timeout=60) == 0
        assert not any(running.folder.glob("*.sock"))
        gone = running.run("daemon", "status", cwd=project)
        assert gone.returncode == 1 and "not running" in gone.stdout


def test_a_folder_open_to_others_is_not_used(make_project: MakeProject) -> None:
    project = make_project()
    with Server() as running:
        running.folder.chmod(0o755)
        here = running.run("list", "-v", cwd=project)
        assert here.returncode == 0
        assert "is open to other users (mode 755)" in here.stderr
        running.folder.chmod(0o700)
        again = running.run("daemon", "start", cwd=project)
        assert "already running" in again.stdout


def test_an_idle_server_stops_by_itself() -> None:
    running = Server(idle_minutes=0.005)  # 0.3 s
    assert running.process.wait(timeout=60) == 0
    assert not any(running.folder.glob("*.sock"))
    running.stop()


def test_auto_starts_a_server_for_the_commands_after(make_project: MakeProject) -> None:
    project = make_project()
    runtime = tempfile.mkdtemp(prefix="mir-")
    env = subprocess_env() | {"XDG_RUNTIME_DIR": runtime, "MI_COURSEWARE_DAEMON": "auto"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SCRIPT, *args], cwd=project, env=env, capture_output=True, text=True, timeout=300
        )

    first = run("list", "-v")
    assert first.returncode == 0, first.stderr
    assert "one is starting for the next commands" in first.stderr
    pid = 0
    try:
        deadline = time.monotonic() + 120
        while (status := run("daemon", "status")).returncode != 0:
            assert time.monotonic() < deadline, status.stdout
            time.sleep(0.05)  # polled: the server imports everything before it answers
        pid = int(status.stdout.split("process ")[1].split(",")[0])
        second = run("list", "-v")
        assert "run by the resident server" in second.stderr
        assert second.stdout == first.stdout
    finally:
        run("daemon", "stop")
        deadline = time.monotonic() + 60
        while pid:  # gone (it is not this test's child: another session's)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            assert time.monotonic() < deadline, "the server did not stop"
            time.sleep(0.05)


def _server_pid(server: Server, cwd: Path) -> int:
    status = server.run("daemon", "status", cwd=cwd).stdout
    return int(status.split("process ")[1].split(",")[0])


def _made_ahead(server: Server, cwd: Path) -> int:
    """The process the server made ahead for the next command, once it is ready (waited for
    with a deadline): the server's one child while no command runs."""
    deadline = time.monotonic() + 60
    while (
        "the next command's process is ready"
        not in (status := server.run("daemon", "status", cwd=cwd)).stdout
    ):
        assert time.monotonic() < deadline, status.stdout
        time.sleep(0.05)  # polled: it copies its pages first, in its own time
    pid = _server_pid(server, cwd)
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def _private_dirty_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Private_Dirty:"):
            return int(line.split()[1])
    raise AssertionError(f"no Private_Dirty for process {pid}")


def test_a_command_runs_in_a_process_made_ahead_whose_pages_are_its_own(
    server: Server, make_project: MakeProject
) -> None:
    project = make_project()
    spare = _made_ahead(server, project)
    status = Path(f"/proc/{_server_pid(server, project)}/status").read_text()
    rss = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
    # the pages it shares with the server are copied already, not one by one as written
    # (MADV_POPULATE_WRITE: Linux 5.14 and later; before, only the fork is done ahead)
    release = tuple(int(n) for n in os.uname().release.split("-")[0].split(".")[:2])
    if release >= (5, 14):
        assert _private_dirty_kib(spare) > rss // 2, (_private_dirty_kib(spare), rss)
    built = server.run("build", EVENT, "--only", "slides", "-v", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "in a process made ahead" in built.stderr
    assert (project / "output/events" / EVENT / "slides.pptx").is_file()
    # the next one is made once the command has ended and the server is idle again
    assert _made_ahead(server, project) != spare


def test_without_processes_made_ahead_each_command_is_forked(make_project: MakeProject) -> None:
    project = make_project()
    with Server(MI_COURSEWARE_SPARE="0") as running:
        pid = _server_pid(running, project)
        assert Path(f"/proc/{pid}/task/{pid}/children").read_text().split() == []
        assert "next command" not in running.run("daemon", "status", cwd=project).stdout
        listed = running.run("list", "-v", cwd=project)
        assert "in a process forked for it" in listed.stderr, listed.stderr


def test_a_process_made_ahead_that_ends_is_said_and_commands_are_forked(
    make_project: MakeProject,
) -> None:
    project = make_project()
    with Server() as running:
        spare = _made_ahead(running, project)
        os.kill(spare, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while "next command" in (status := running.run("daemon", "status", cwd=project)).stdout:
            assert time.monotonic() < deadline, status.stdout
            time.sleep(0.05)  # polled: the server sees it gone in its own time
        listed = running.run("list", "-v", cwd=project)
        assert listed.returncode == 0, listed.stderr
        assert "in a process forked for it" in listed.stderr
        running.run("daemon", "stop", cwd=project)
        assert running.process.wait(timeout=60) == 0
        assert running.process.stdout is not None
        logged = running.process.stdout.read().decode()
        assert f"the process made ahead for the next command ended (process {spare})" in logged


@pytest.mark.parametrize("how", ["daemon stop", "kill -9"])
def test_a_stopped_server_leaves_no_process_made_ahead(make_project: MakeProject, how: str) -> None:
    project = make_project()
    with Server() as running:
        spare = _made_ahead(running, project)
        if how == "daemon stop":
            assert running.run("daemon", "stop", cwd=project).returncode == 0
            assert running.process.wait(timeout=60) == 0
        else:  # it sees the server's end of its socket closed, and ends
            running.process.kill()
            running.process.wait(timeout=60)
        deadline = time.monotonic() + 60
        while alive(spare):  # (a zombie is gone: no longer its parent's to reap)
            assert time.monotonic() < deadline, "the process made ahead outlived the server"
            time.sleep(0.05)  # polled: it ends in its own time
