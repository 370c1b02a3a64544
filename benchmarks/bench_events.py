"""Many events in one build: twelve copies of the demo event, ``--jobs 2`` against ``--jobs 1``.

    .venv/bin/python benchmarks/bench_events.py [--runs N] [--all-outputs]

A copy of the demo project whose events are twelve copies of ``northfield-2027-03`` (each
its own file, code and evaluation responses; the same course, client, theme and roster), and
no other event. Each run starts from empty ``output/`` and ``records/`` and times one whole
``mi-courseware build`` (every event), alternately with ``--jobs 1`` and ``--jobs 2``.

By default each event builds its deck, calendar, certificates and sign-in sheet (a PDF):
every output of the twelve events would take over ten minutes a run at one job on two
cores. Cheaper outputs make the part that does not run in parallel (reading and checking
the project once, committing each folder) weigh more, so the ratio is, if anything,
harder to meet than with every output; ``--all-outputs`` builds them all. Target (issue 9):
``--jobs 2`` takes at most 0.6 x the time of ``--jobs 1``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path

from common import EVENT, copy_project, figure, machine, median, timed, tool, verdict

COPIES = 12
OUTPUTS = ("slides", "calendar", "certificates", "sign-in")


def twelve_events(folder: Path) -> Path:
    """A copy of the demo project with twelve copies of the demo event and no other event."""
    project = copy_project(folder)
    content = project / "content"
    source = (content / "events" / f"{EVENT}.yaml").read_text(encoding="utf-8")
    responses = content / "evaluations" / f"{EVENT}.csv"
    for path in (content / "events").glob("*.yaml"):
        path.unlink()
    for number in range(1, COPIES + 1):
        name = f"{EVENT}-copy{number:02d}"
        text = source.replace("code: NBC-MI-2027-03", f"code: NBC-MI-2027-03-{number:02d}")
        (content / "events" / f"{name}.yaml").write_text(text, encoding="utf-8")
        if responses.is_file():
            shutil.copy(responses, content / "evaluations" / f"{name}.csv")
    # the course's genuine quotes name the demo event as their source: the first copy now
    for course in (content / "courses").glob("*.yaml"):
        text = course.read_text(encoding="utf-8")
        text = text.replace(f"source: {EVENT}\n", f"source: {EVENT}-copy01\n")
        course.write_text(text, encoding="utf-8")
    return project


def children_cpu() -> float:
    """CPU seconds used so far by this process's finished children (and theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed builds with each --jobs")
    parser.add_argument("--all-outputs", action="store_true", help="build every output")
    args = parser.parse_args()
    outputs = "every output" if args.all_outputs else ", ".join(OUTPUTS)
    print(
        f"bench_events: {COPIES} copies of {EVENT} ({outputs}), {args.runs} runs each, "
        f"medians, {machine()}"
    )
    only = [] if args.all_outputs else [a for name in OUTPUTS for a in ("--only", name)]
    times: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [], 2: []}
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as temp:
        project = twelve_events(Path(temp))
        for _ in range(args.runs):
            for jobs in (1, 2):
                shutil.rmtree(project / "output", ignore_errors=True)
                shutil.rmtree(project / "records", ignore_errors=True)
                command = tool(project, "-q", "build", "--jobs", str(jobs), *only)
                before = children_cpu()
                times[jobs].append(timed(command)[0])
                cpu[jobs].append(children_cpu() - before)
        built = [p for p in (project / "output" / "events").glob("*/manifest.json")]
        staged = [p for p in (project / "output").iterdir() if p.name.startswith(".staging")]
        if len(built) != COPIES or staged:
            raise SystemExit(
                f"benchmark stopped: {len(built)} event folders in place (not {COPIES}), "
                f"{len(staged)} left staged"
            )
    one, two = median(times[1]), median(times[2])
    figure(f"build, {COPIES} events, --jobs 1", one)
    figure(f"build, {COPIES} events, --jobs 2", two)
    verdict("--jobs 2 / --jobs 1", two / one, 0.6)
    print(
        f"  CPU time (user + system): --jobs 1 {median(cpu[1]):.1f} s, --jobs 2 "
        f"{median(cpu[2]):.1f} s; load average {load:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after (other processes share the cores)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
