"""The demo event's cold build against its outputs built one ``--only`` at a time.

    .venv/bin/python benchmarks/bench_event_outputs.py [--runs N]

Each round takes fresh copies of the demo project and times whole ``mi-courseware build
northfield-2027-03`` processes: once with every output (the cold build), and once per output
with ``--only OUTPUT`` (each on its own fresh copy, so each is a first build too). The cold
build runs its outputs side by side (the PDFs in worker processes, a long pack in parts);
target (issue 25): it takes at most 0.6 × the sum of the outputs built one at a time.
Medians over the rounds.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import EVENT, copy_project, figure, machine, median, statuses, timed, tool, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print(f"demo event {EVENT}: cold build vs each output alone ({machine()})")
    cold: list[float] = []
    alone: dict[str, list[float]] = {}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            project = copy_project(Path(folder))
            seconds, log = timed(tool(project, "-v", "build", EVENT))
            cold.append(seconds)
            outputs = sorted(statuses(log))
        for output in outputs:
            with tempfile.TemporaryDirectory() as folder:
                project = copy_project(Path(folder))
                seconds, _ = timed(tool(project, "build", EVENT, "--only", output))
                alone.setdefault(output, []).append(seconds)
    figure("cold build, every output", median(cold))
    for output, values in sorted(alone.items()):
        figure(f"  --only {output}", median(values))
    total = sum(median(values) for values in alone.values())
    figure("sum of the outputs built one at a time", total)
    verdict("cold build / sum", median(cold) / total, 0.6)


if __name__ == "__main__":
    main()
