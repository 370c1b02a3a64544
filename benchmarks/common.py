"""What the build benchmarks share: a fresh copy of the demo project, whole processes timed
with ``time.perf_counter``, medians, and one way to print a figure against its target.

Not a benchmark itself (``make bench`` runs ``bench_*.py``); each script imports it from
its own folder, so every script still runs on its own:
``.venv/bin/python benchmarks/bench_build.py``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The console script of the tool, from the virtual environment running the benchmark.
TOOL = str(Path(sys.executable).parent / "mi-courseware")
#: The demo event.
EVENT = "northfield-2027-03"
#: The environment of the processes timed: as installed, Python keeps compiled bytecode
#: (a shell that forbids writing it would make every run compile the tool again).
#: Each command is timed as a process of its own, never run by a resident build server that
#: may be running (``bench_slides.py`` times the server on its own lines, saying so).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {
    "MI_COURSEWARE_DAEMON": "0"
}


@contextmanager
def resident_server(folder: Path) -> Iterator[dict[str, str]]:
    """A resident build server of this run's own (``daemon start --foreground`` in a
    runtime folder under ``folder``), started and ready; the environment of the commands it
    runs. Stopped when the block ends."""
    runtime = folder / "run"
    runtime.mkdir(mode=0o700)
    served = ENV | {"XDG_RUNTIME_DIR": str(runtime), "MI_COURSEWARE_DAEMON": "1"}
    server = subprocess.Popen(
        [TOOL, "daemon", "start", "--foreground"], env=served, stdout=subprocess.PIPE
    )
    try:
        assert server.stdout is not None
        print(f"  ({server.stdout.readline().decode().strip()})")
        yield served
    finally:
        subprocess.run([TOOL, "daemon", "stop"], env=served, capture_output=True)
        server.wait(timeout=120)
        if server.stdout is not None:
            server.stdout.close()


def server_idle(served: dict[str, str]) -> None:
    """Wait (a minute at most) until the resident server of ``served`` runs no command and
    has the next command's process ready, as it has between a user's commands: once idle,
    it makes that process ahead, in about a tenth of a second (a command that comes sooner
    is forked for it, as it would be without)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        said = subprocess.run(
            [TOOL, "daemon", "status"], env=served, capture_output=True, text=True
        ).stdout
        if " 0 running" in said and "making" not in said:
            return
        time.sleep(0.02)  # polled: the process is made in the server's own time
    raise RuntimeError(f"the resident server did not become idle: {said}")


def copy_project(folder: Path) -> Path:
    """A fresh copy of the demo project (its ``content/``; no ``output/``, no ``records/``)."""
    root = folder / "project"
    shutil.copytree(ROOT / "content", root / "content")
    return root


def tool(project: Path, *arguments: str) -> list[str]:
    """An ``mi-courseware`` command line for ``project``."""
    return [TOOL, "--project", str(project), *arguments]


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a whole process; stop the benchmark with its output when it fails."""
    result = subprocess.run(command, cwd=cwd or ROOT, env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"benchmark stopped: {' '.join(command)} exited {result.returncode}")
    return result


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, str]:
    """Wall time of one whole process, and what it wrote to stderr."""
    start = time.perf_counter()
    result = run(command, cwd)
    return time.perf_counter() - start, result.stderr


def median(values: list[float]) -> float:
    """The median (the figure every benchmark reports)."""
    return statistics.median(values)


def figure(label: str, seconds: float, width: int = 58) -> None:
    """One timing line."""
    print(f"  {label:<{width}}: {seconds:7.3f} s")


def verdict(label: str, ratio: float, target: float, width: int = 58) -> bool:
    """Print ``ratio`` against its target (at most ``target``); whether it holds."""
    holds = ratio <= target
    print(
        f"  {label:<{width}}: {ratio:7.3f}   (target <= {target:g}) "
        + ("ok" if holds else "MISSED")
    )
    return holds


def statuses(stderr: str, event: str = EVENT) -> dict[str, str]:
    """``build -v``'s per-output lines: output name -> "up to date" or "built (why)"."""
    found = {}
    prefix = f"events/{event}: "
    for line in stderr.splitlines():
        if line.startswith(prefix):
            name, _, status = line[len(prefix) :].partition(" ")
            if status == "up to date" or status.startswith("built ("):
                found[name] = status
    return found


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``folder``: its SHA-256 and modification time (nanoseconds)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[path.relative_to(folder).as_posix()] = (digest, path.stat().st_mtime_ns)
    return found


def machine() -> str:
    """The cores this process may use and the load on them, for a benchmark's heading."""
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{count} cores, load average {os.getloadavg()[0]:.1f}"
