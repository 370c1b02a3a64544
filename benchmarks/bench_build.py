"""Incremental builds of the demo event: cold, no change, and one module edited.

    .venv/bin/python benchmarks/bench_build.py [--runs N]

Each round takes a fresh copy of the demo project (empty ``output/`` and ``records/``) and
times whole ``mi-courseware build northfield-2027-03`` processes, one after another:

1. the **cold build** (every output: pack, guide, deck, certificates, flyer, calendar,
   sign-in sheet, quality report), then the **no-change rebuild** straight after it; target
   (issue 9): the rebuild takes at most 5% of the cold build. ``-v`` must say "up to date"
   for every output;
2. a module the event uses is **edited** (a sentence added) and the event rebuilt; ``-v``
   must name the pack, guide and deck as built and nothing else, and every file under
   ``certificates/`` must keep its bytes and its modification time (checked and printed).
   The same module is then edited again and ``build --only pack --only facilitator --only
   slides --force`` timed: exactly the outputs that include the module, built from the same
   kind of change (both runs read and check the edited project, as the edition cache misses
   for both; both with ``-v``). Target: the rebuild costs no more than that (ratio at most
   1), taken as the median of each round's ratio (the two ran back to back on one copy).

Medians over the rounds; ratios of medians, except where said.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from common import (
    EVENT,
    copy_project,
    figure,
    machine,
    median,
    snapshot,
    statuses,
    timed,
    tool,
    verdict,
)

#: The outputs that include a module's text.
INCLUDING = ("pack", "facilitator", "slides")
#: The module edited, when the event uses it (else the first module the three share).
PREFERRED = "content/modules/oars.md"


def module_used(folder: Path) -> str:
    """A module whose text the pack, guide and deck all include, from the manifest."""
    builds = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["builds"]
    shared = None
    for name in INCLUDING:
        paths = [i["path"] for i in builds[name]["inputs"] if i["path"].startswith("content/mod")]
        shared = [p for p in paths if shared is None or p in shared]
    if not shared:
        raise SystemExit("benchmark stopped: the demo's pack, guide and deck share no module")
    return PREFERRED if PREFERRED in shared else shared[0]


def edit(path: Path, words: str) -> None:
    """Save the module with one more sentence at its end (as a trainer would)."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\n{words}\n", encoding="utf-8")


@dataclass
class Round:
    """The figures and findings of one round."""

    cold: float
    unchanged: float
    edited: float
    forced: float
    module: str
    #: Outputs the no-change rebuild did not find up to date (none expected).
    stale: dict[str, str]
    #: Outputs built after the edit.
    rebuilt: list[str]
    certificates: int
    certificates_kept: bool


def one_round(work: Path, number: int) -> Round:
    """One fresh copy: cold build, no-change rebuild, module edit, outputs forced."""
    project = copy_project(work / f"round-{number}")
    build = tool(project, "-v", "build", EVENT)
    folder = project / "output" / "events" / EVENT
    cold, _ = timed(build)
    unchanged, said = timed(build)
    stale = {k: v for k, v in statuses(said).items() if v != "up to date"}
    module = module_used(folder)
    before = snapshot(folder / "certificates")
    edit(project / module, f"A sentence added for benchmark round {number}.")
    edited, said = timed(build)
    rebuilt = sorted(k for k, v in statuses(said).items() if v != "up to date")
    after = snapshot(folder / "certificates")
    edit(project / module, f"Another sentence added for benchmark round {number}.")
    only = [a for name in INCLUDING for a in ("--only", name)]
    forced, _ = timed(tool(project, "-v", "build", EVENT, *only, "--force"))
    return Round(
        cold, unchanged, edited, forced, module, stale, rebuilt, len(before), before == after
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds (fresh copies)")
    args = parser.parse_args()
    print(f"bench_build: demo event {EVENT}, {args.runs} rounds, medians, {machine()}")
    with tempfile.TemporaryDirectory() as temp:
        rounds = [one_round(Path(temp), number) for number in range(args.runs)]
    cold = median([r.cold for r in rounds])
    unchanged = median([r.unchanged for r in rounds])
    edited = median([r.edited for r in rounds])
    forced = median([r.forced for r in rounds])
    figure("cold build (fresh copy, every output)", cold)
    figure("no-change rebuild", unchanged)
    verdict("no-change rebuild / cold build", unchanged / cold, 0.05)
    faults = []
    for r in rounds:
        if r.stale:
            faults.append(f"the no-change rebuild built {r.stale}")
        if r.rebuilt != sorted(INCLUDING):
            faults.append(f"after the edit it built {r.rebuilt}, not {sorted(INCLUDING)}")
    print(f"  one module edited: {rounds[0].module}; rebuilt: {', '.join(rounds[0].rebuilt)}")
    kept = sum(r.certificates_kept and r.certificates > 0 for r in rounds)
    print(
        f"  certificates/ after the edit: {rounds[0].certificates} files, same bytes and "
        f"modification times in {kept} of {len(rounds)} rounds: "
        + ("yes" if kept == len(rounds) else "NO")
    )
    if kept < len(rounds):
        faults.append("the edit touched the certificates")
    figure("rebuild after the edit", edited)
    figure("build --only pack/facilitator/slides --force (same edit)", forced)
    # each round's pair ran back to back on the same copy: the median of their ratios leaves
    # out the drift of a shared machine between rounds
    pairs = [r.edited / r.forced for r in rounds]
    print("  rebuild after the edit / forced, each round: " + ", ".join(f"{p:.3f}" for p in pairs))
    verdict("rebuild after the edit / those outputs forced", median(pairs), 1.0)
    for fault in dict.fromkeys(faults):
        print(f"  FAULT: {fault}")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
