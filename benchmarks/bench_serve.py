"""The live preview: from saving a one-module edit to the page serving the new HTML.

    .venv/bin/python benchmarks/bench_serve.py [--runs N]

Starts ``mi-courseware serve northfield-2027-03 --port 0`` on a fresh copy of the demo
project and waits for its "Serving on URL" line. Then, each run: a module the pack includes
gets one more sentence (saved as an editor does: written in place), and the pack page is
asked for every 20 ms until it carries that sentence; the time from the save to that
answer is the figure. Target (issue 9): median at most 1 s. No fixed waits beyond the
polling interval; every wait has a timeout.
"""

from __future__ import annotations

import argparse
import http.client
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from common import ENV, EVENT, copy_project, machine, median, tool, verdict

MODULE = "content/modules/oars.md"
POLL = 0.02
#: Longest wait for the server to start, and for one edit to show.
START_TIMEOUT = 180.0
EDIT_TIMEOUT = 60.0


def wait_for_address(server: subprocess.Popen[str]) -> str:
    """The URL from the server's "Serving on" line (its other lines are passed over)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise SystemExit("benchmark stopped: serve did not start in time") from None
        if line is None:
            raise SystemExit(f"benchmark stopped: serve exited {server.wait()}")
        if line.startswith("Serving on "):
            return line.removeprefix("Serving on ").strip()


def page(address: str) -> str:
    """The pack page as the browser gets it."""
    url = urlparse(address)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    try:
        connection.request("GET", "/")
        return connection.getresponse().read().decode("utf-8")
    finally:
        connection.close()


def save_and_wait(address: str, module: Path, sentence: str) -> float:
    """Seconds from saving ``sentence`` into ``module`` to the page showing it."""
    text = module.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{sentence}\n"
    start = time.perf_counter()
    module.write_text(text, encoding="utf-8")
    deadline = start + EDIT_TIMEOUT
    while sentence not in page(address):
        if time.perf_counter() > deadline:
            raise SystemExit(f"benchmark stopped: the edit did not show in {EDIT_TIMEOUT:g} s")
        time.sleep(POLL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="edits timed")
    args = parser.parse_args()
    print(f"bench_serve: demo event {EVENT}, {args.runs} edits, median, {machine()}")
    with tempfile.TemporaryDirectory() as temp:
        project = copy_project(Path(temp))
        command = tool(project, "serve", EVENT, "--port", "0")
        server = subprocess.Popen(
            command, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        try:
            address = wait_for_address(server)
            module = project / MODULE
            save_and_wait(address, module, "A sentence to warm the preview.")  # not timed
            times = [
                save_and_wait(address, module, f"Sentence {n} added while the preview runs.")
                for n in range(args.runs)
            ]
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    print("  save to new page, each run (s): " + ", ".join(f"{t:.3f}" for t in times))
    verdict("save to new page, median seconds", median(times), 1.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
