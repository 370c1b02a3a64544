"""Start-up: ``mi-courseware --help`` against ``python -c "import click"``.

    .venv/bin/python benchmarks/bench_help.py [--runs N]

Both are whole processes of the same Python in the same virtual environment, run
alternately after one untimed run each (so both find their bytecode compiled, as an
installed tool does). ``--help`` should cost little more than starting Python with click:
the command modules are imported, the heavy libraries (pydantic, WeasyPrint, SQLAlchemy)
are not. Target (issue 9): the median at most twice the median of importing click.
"""

from __future__ import annotations

import argparse
import sys

from common import TOOL, figure, machine, median, run, timed, verdict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="timed runs of each")
    args = parser.parse_args()
    print(f"bench_help: {args.runs} runs each, alternately, medians, {machine()}")
    ours = [TOOL, "--help"]
    click = [sys.executable, "-c", "import click"]
    for command in (ours, click):
        run(command)
    times: dict[str, list[float]] = {"ours": [], "click": []}
    for _ in range(args.runs):
        for name, command in (("ours", ours), ("click", click)):
            times[name].append(timed(command)[0])
    figure("mi-courseware --help", median(times["ours"]))
    figure('python -c "import click"', median(times["click"]))
    verdict("--help / import click", median(times["ours"]) / median(times["click"]), 2.0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
