"""Time the demo participant pack against a bare WeasyPrint render of the same HTML.

All are whole processes (start-up included), run alternately in the same session, best of
N, each build a first build (``--force``, no checked editions kept). ``ours`` is the pack as
a user builds it: on two cores, laid out in two parts at once and joined (issue 25, target
ours / bare <= 0.7). ``ours, whole`` lays it out in one process as before
(``MI_COURSEWARE_PARTS=whole``): what our model, validation, templating and Markdown add over
the unavoidable layout cost (issue 3, target <= 1.15). Our PDFs are tagged for screen
readers, which WeasyPrint's default call does not do; the last ratio compares against a bare
call asked for the same tagged output. ``ours, resident`` is the same first build run by a
resident build server (``daemon start``), which keeps the libraries imported but nothing of a
project; every other line is a process of its own.

    .venv/bin/python benchmarks/bench_pack.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ENV, resident_server

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET = [
    "mi-practitioner",
    "--client",
    "northfield",
    "--variant",
    "in-depth",
    "--addon",
    "node-link-mapping",
]


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ours = [
            str(BIN / "mi-courseware"),
            "-q",
            "build",
            *TARGET,
            "--only",
            "pack",
            "--keep-html",
            "--force",  # the pack is up to date after the first run: build it every time
            "--out",
            str(out / "ours"),
        ]
        subprocess.run(ours, check=True, cwd=ROOT)  # warm the file cache, keep the HTML
        html = out / "ours" / "northfield" / "mi-practitioner-in-depth" / "participant-pack.html"
        script = (
            "import sys; from weasyprint import HTML; "
            "HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_tags=sys.argv[3] == '1')"
        )
        bare = [sys.executable, "-c", script, str(html), str(out / "bare.pdf"), "0"]
        tagged = [sys.executable, "-c", script, str(html), str(out / "tagged.pdf"), "1"]
        whole = {**ENV, "MI_COURSEWARE_PARTS": "whole"}
        times: dict[str, list[float]] = {
            "ours": [], "whole": [], "bare": [], "tagged": [], "resident": []
        }  # fmt: skip
        with resident_server(out) as served:
            runs = (
                ("ours", ours, ENV),
                ("whole", ours, whole),
                ("bare", bare, ENV),
                ("tagged", tagged, ENV),
                ("resident", ours, served),
            )
            for _ in range(args.runs):
                for name, command, env in runs:
                    # a first build every time: no checked editions reused from output/.cache
                    shutil.rmtree(ROOT / "output" / ".cache", ignore_errors=True)
                    times[name].append(timed(command, env))
    best = {name: min(values) for name, values in times.items()}
    print(f"demo pack, best of {args.runs} (whole processes, {os.cpu_count()} cores)")
    print(f"  mi-courseware build --only pack        : {best['ours']:6.2f} s  (in parts)")
    print(f"  the same, laid out whole               : {best['whole']:6.2f} s")
    print(f"  bare WeasyPrint, same HTML             : {best['bare']:6.2f} s")
    print(f"  bare WeasyPrint, same HTML, tagged PDF : {best['tagged']:6.2f} s")
    print(f"  ours, run by the resident server       : {best['resident']:6.2f} s")
    print(
        f"  ratio ours / bare                      : {best['ours'] / best['bare']:6.2f}"
        "  (target <= 0.7 on two cores)"
    )
    print(
        f"  ratio ours laid out whole / bare       : {best['whole'] / best['bare']:6.2f}"
        "  (target <= 1.15)"
    )
    print(f"  ratio ours / bare tagged (same output) : {best['ours'] / best['tagged']:6.2f}")
    print(
        f"  ratio ours, resident server / bare     : {best['resident'] / best['bare']:6.2f}"
        "  (target <= 0.7 on two cores)"
    )


if __name__ == "__main__":
    main()
