"""Time the demo participant pack against a bare WeasyPrint render of the same HTML.

Both are whole processes (start-up included), run alternately in the same session, best of
N. The ratio ours / bare shows what our model, validation, templating and Markdown add over
the unavoidable layout cost. Target (issue 3): ratio <= 1.15.

    .venv/bin/python benchmarks/bench_pack.py [--runs N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET = ["mi-practitioner", "--client", "northfield", "--variant", "in-depth",
          "--addon", "node-link-mapping"]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ours = [str(BIN / "mi-courseware"), "-q", "build", *TARGET, "--only", "pack",
                "--keep-html", "--out", str(out / "ours")]
        subprocess.run(ours, check=True, cwd=ROOT)  # warm the file cache, keep the HTML
        html = out / "ours" / "northfield" / "mi-practitioner-in-depth" / "participant-pack.html"
        bare = [sys.executable, "-c",
                "import sys; from weasyprint import HTML; "
                "HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])",
                str(html), str(out / "bare.pdf")]
        ours_times, bare_times = [], []
        for _ in range(args.runs):
            ours_times.append(timed(ours))
            bare_times.append(timed(bare))
    best_ours, best_bare = min(ours_times), min(bare_times)
    print(f"demo pack, best of {args.runs} (whole processes)")
    print(f"  mi-courseware build --only pack : {best_ours:6.2f} s")
    print(f"  bare WeasyPrint, same HTML      : {best_bare:6.2f} s")
    print(f"  ratio ours / bare               : {best_ours / best_bare:6.2f}  (target <= 1.15)")


if __name__ == "__main__":
    main()
