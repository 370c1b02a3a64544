"""Slide decks: our whole process against Pandoc converting equivalent Markdown, side by side.

    .venv/bin/python benchmarks/bench_slides.py [--runs N]

Both are timed as whole processes, start-up included: ``mi-courseware build ... --only
slides`` and ``pandoc deck.md -o deck.pptx`` on the same content (the sessions' Markdown
with MI blocks as plain divs and ``::: notes`` as speaker notes, which Pandoc also reads).
Three decks: the demo event's; the demo's course (its in-depth variant) built for a client
no event names, as issue 25 words its target (``build COURSE --only slides``); and a
generated 600-slide course. Prints the medians and the ratios (ours / Pandoc); targets are
1.25 on the demo decks and 0.8 on the large one. Ours is
timed twice, both with ``--force`` (the deck is made every time): a repeat build (inputs
unchanged, so the checked editions come from the cache in ``output/.cache``) and a first
build, each on a fresh copy of the project's ``content/`` (made untimed before the run: no
``output/`` folder, no cache, the built-in themes), so what the target needs is read and
checked; the targets are judged on the repeat build, and the demo's first build against
1.0 (issue 25).

Both decks are timed twice over: each command a process of its own (``MI_COURSEWARE_DAEMON=0``),
then each command run by a resident server (``mi-courseware daemon start``, started once
before the timing, in a runtime folder of this run's own), which keeps the libraries imported
but nothing of a project: a first build through it still reads and checks everything. Each
command through the server comes once the server is idle again and has made the next
command's process ahead (a tenth of a second after the one before ends), as between a
user's commands; ``MI_COURSEWARE_SPARE=0`` in this script's environment times the server
forking each command when it comes instead.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common import ENV, resident_server, server_idle

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "mi-courseware"
TARGETS = {"demo": 1.25, "demo course": 1.25, "600 slides": 0.8}
FIRST_TARGETS = {"demo": 1.0, "demo course": 1.0}


def timed(
    command: list[str],
    runs: int,
    before: Callable[[], None] | None = None,
    env: dict[str, str] | None = None,
) -> float:
    """Median wall time of ``runs`` runs (after one warm-up run); ``before`` runs untimed
    before each (to empty our cache for a first-build figure)."""
    subprocess.run(command, check=True, capture_output=True, env=env)
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pandoc_markdown(project: Path, target: list[str]) -> str:
    """The deck's content as Pandoc Markdown, from the same Edition our build uses."""
    sys.path.insert(0, str(ROOT))
    from mi_courseware.errors import Problems
    from mi_courseware.pipeline.targets import load_checked
    from mi_courseware.project import ProjectPaths
    from mi_courseware.resolving.targets import editions_for, find_target

    problems = Problems()
    loaded = load_checked(ProjectPaths(project), problems)
    name, options = target[0], target[1:]
    client = options[options.index("--client") + 1] if "--client" in options else None
    variant = options[options.index("--variant") + 1] if "--variant" in options else None
    target_ = find_target(loaded, name)
    edition = editions_for(loaded, [target_], problems, client=client, variant=variant)[0]
    lines = [
        f"---\ntitle: {edition.title}\nsubtitle: {edition.course_title}\n---\n",
        "## Learning outcomes\n",
    ] + [f"- {o.text}" for o in edition.outcomes]
    for day in edition.days:
        lines += ["\n## Timetable\n", "| Time | Session |", "|---|---|"]
        lines += [f"| {s.start:%H:%M}–{s.end:%H:%M} | {s.title} |" for s in day.slots]
    for session in edition.sessions:
        body = re.sub(r"^::: *(answers)\b.*$", "::: notes", session.body, flags=re.M)
        body = re.sub(r"^::: *(?!notes\b)(\w[\w-]*)\b.*$", r"::: {.\1}", body, flags=re.M)
        lines += [
            f"\n# {session.title}\n",
            f"::: notes\n{session.times}\n\n{session.notes or ''}\n:::\n",
            body,
        ]
    lines += ["\n## Thank you\n", "Please complete the evaluation form."]
    return "\n".join(lines) + "\n"


def large_project(folder: Path, sessions: int = 20, slides: int = 29) -> None:
    """A course of ``sessions`` sessions of ``slides`` slides each, over several days."""
    content = folder / "content"
    for sub in ("courses", "modules", "clients/acme", "standards"):
        (content / sub).mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "content/clients/northfield/logo.svg", content / "clients/acme/logo.svg")
    (content / "clients/acme/client.yaml").write_text(
        "name: Acme Community Services\nlogo: logo.svg\n"
        'colours: {primary: "#0b6e69", secondary: "#3a9e5c", accent: "#d9822b"}\n'
    )
    entries = []
    for number in range(1, sessions + 1):
        day = (number - 1) // 5 + 1
        entries.append(
            f"  - {{id: s{number}, title: 'Session {number}: practice and theory', "
            f"minutes: 90, day: {day}, module: m{number}, outcomes: [practice]}}"
        )
        parts = [f"---\ntitle: Module {number}\n---\nIntroduction to module {number}.\n"]
        for index in range(1, slides + 1):
            parts.append(_slide(number, index))
        (content / f"modules/m{number}.md").write_text("\n".join(parts))
    (content / "courses/big.yaml").write_text(
        "title: A very long course\noutcomes:\n  - {id: practice, text: Practise MI skills}\n"
        "schedule: {start: '09:00', end: '17:00'}\nsessions:\n" + "\n".join(entries) + "\n"
    )


def _slide(module: int, index: int) -> str:
    head = f"## Topic {module}.{index}: listening for change talk\n"
    notes = (
        f"\n::: notes\nAsk the group for an example from their own work ({module}.{index}). "
        "Keep it brief and move on when two or three people have spoken.\n:::\n"
    )
    para = (
        "\nA reflection that picks out the change talk invites the person to say more, "
        "and people become more committed to what they hear themselves say.\n"
    )
    if index % 7 == 0:
        body = (
            '| Stage | What you might hear |\n|---|---|\n| Contemplation | "I know I '
            'should, but..." |\n| Preparation | "I\'ve booked to see the GP." |\n'
        )
    elif index % 5 == 0:
        body = (
            "::: columns\n### Sustain talk\n- It helps me relax\n- I tried before\n"
            "### Change talk\n- I want to be there for my kids\n- I managed a month\n:::\n"
        )
    elif index % 9 == 0:
        body = (
            "::: exercise minutes=10 grouping=pairs\n1. Speaker: a change you are "
            "weighing up.\n2. Listener: reflect, then ask what else.\n:::\n"
        )
    else:
        body = (
            "- Notice change talk: it is easy to miss\n- Reflect it back in fuller form\n"
            '- Ask for more: "In what way?"\n- Affirm effort and strengths\n'
        )
    return head + "\n" + body + para + notes


def first_builds(
    deck: Deck, work: Path, runs: int, settle: Callable[[], None], env: dict[str, str]
) -> float:
    """Median wall time of ``runs`` first builds (after one warm-up), each on a fresh copy of
    the project's ``content/`` (made untimed): no ``output/`` folder, nothing kept."""
    times = []
    for index in range(runs + 1):
        fresh = work / f"fresh-{index}"
        shutil.copytree(deck.project / "content", fresh / "content")
        settle()
        start = time.perf_counter()
        subprocess.run(deck.command(fresh, None), check=True, capture_output=True, env=env)
        if index:
            times.append(time.perf_counter() - start)
        shutil.rmtree(fresh)
    return statistics.median(times)


@dataclass(frozen=True)
class Deck:
    """One deck timed: its project, its build command line (for a project and an output
    folder) and its content as Pandoc Markdown."""

    label: str
    project: Path
    target: list[str]
    markdown: str
    runs: int

    def command(self, project: Path, out: Path | None) -> list[str]:
        """``build TARGET --only slides --force`` for ``project`` (into ``out``, if given)."""
        return [
            str(BIN), "--project", str(project), "-q", "build", *self.target,
            "--only", "slides",
            "--force",  # up to date after the warm-up: make the deck every time
            *(("--out", str(out)) if out is not None else ()),
        ]  # fmt: skip


def compare(deck: Deck, work: Path, env: dict[str, str], how: str) -> float:
    """Print our repeat-build and first-build times against Pandoc's."""
    label, runs = deck.label, deck.runs
    source = work / f"{label.replace(' ', '-')}.md"
    source.write_text(deck.markdown, encoding="utf-8")
    pandoc = ["pandoc", str(source), "-o", str(work / "pandoc.pptx")]
    ours = deck.command(deck.project, work / f"out-{label.replace(' ', '-')}")
    # through the server, each command comes once it is idle again, as between a user's
    settle = (lambda: server_idle(env)) if "resident" in how else (lambda: None)
    repeat = timed(ours, runs, settle, env)  # inputs unchanged since the warm-up: reused
    first = first_builds(deck, work, runs, settle, env)
    pandoc_time = timed(pandoc, runs)
    ratio = repeat / pandoc_time
    verdict = "ok" if ratio <= TARGETS[label] else "OVER TARGET"
    first_ratio = first / pandoc_time
    if label in FIRST_TARGETS:
        ok = first_ratio <= FIRST_TARGETS[label]
        first_verdict = f", target <= {FIRST_TARGETS[label]} {'ok' if ok else 'OVER TARGET'}"
    else:
        first_verdict = ""
    print(
        f"{label:>11} {how}: mi-courseware {repeat:6.3f} s (first build {first:6.3f} s)   "
        f"pandoc {pandoc_time:6.3f} s   ratio {ratio:4.2f} (first build {first_ratio:4.2f}"
        f"{first_verdict}) (target <= {TARGETS[label]}) {verdict}"
    )
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    args = parser.parse_args()
    if shutil.which("pandoc") is None:
        print(
            "bench_slides: skipped, pandoc is not installed (scripts/system-deps.sh bench "
            "installs it)"
        )
        return 0
    version = subprocess.run(["pandoc", "--version"], capture_output=True, text=True)
    print(f"bench_slides: {version.stdout.splitlines()[0]}, {args.runs} runs each, medians")
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        big = work / "big"
        large_project(big)
        demo_target = ["northfield-2027-03"]
        # issue 25's wording: a course (its in-depth variant) for a client no event names
        course_target = [
            "mi-practitioner",
            "--variant",
            "in-depth",
            "--client",
            "riverside-recovery",
        ]
        big_target = ["big", "--client", "acme"]
        decks = [
            Deck("demo", ROOT, demo_target, pandoc_markdown(ROOT, demo_target), args.runs),
            Deck("demo course", ROOT, course_target, pandoc_markdown(ROOT, course_target),
                 args.runs),
            Deck("600 slides", big, big_target, pandoc_markdown(big, big_target),
                 max(1, args.runs // 2)),
        ]  # fmt: skip
        for deck in decks:
            compare(deck, work, ENV, "(own process)  ")
        with resident_server(work) as served:
            for deck in decks:
                compare(deck, work, served, "(resident server)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
