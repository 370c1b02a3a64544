"""Time the demo's Word pack against its PDF pack: the same edition, side by side.

Both are whole processes (start-up, reading and checking the project included), run
alternately in the same session on a fresh copy of the demo, each a first build (no checked
editions reused from ``output/.cache``); the median of N rounds. A Word document has no
pages to lay out, so it should take at most half the PDF's time. Target (issue 23): ratio
<= 0.5.

    .venv/bin/python benchmarks/bench_docx.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from common import copy_project, figure, median, run, timed, tool, verdict

TARGET = ["mi-practitioner", "--client", "northfield", "--variant", "in-depth"]
TARGET += ["--addon", "node-link-mapping"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp))
        commands = {
            name: tool(project, "-q", "build", *TARGET, "--only", name, "--force")
            for name in ("pack", "pack-docx")
        }
        for command in commands.values():
            run(command)  # warm the file cache
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                shutil.rmtree(project / "output" / ".cache", ignore_errors=True)
                times[name].append(timed(command)[0])
    print(f"demo pack, median of {args.runs} rounds (whole processes, first builds)")
    figure("build --only pack       (PDF)", median(times["pack"]))
    figure("build --only pack-docx  (Word)", median(times["pack-docx"]))
    verdict("ratio Word / PDF", median(times["pack-docx"]) / median(times["pack"]), 0.5)


if __name__ == "__main__":
    main()
