"""The ceiling of a pack laid out in two parts at once (issue 25's prototype measurement).

Builds the demo's in-depth participant pack once to keep its HTML, then times, alternately
and as whole processes:

* ``bare``: one WeasyPrint process laying out the whole HTML into a tagged PDF;
* ``split``: the same HTML cut (with lxml, at the session break nearest the middle of the
  text) into two documents, laid out by two WeasyPrint processes at the same time, then the
  two PDFs joined with pikepdf.

The split side does *less* than a shippable parallel pack would: page numbers, the contents'
numbers and cross-references are not stamped, the two structure trees and outlines are not
merged and links between the parts are not mended. Its time is therefore a floor under any
parallel pack built this way, and ``ours`` (today's whole build of the pack) shows what the
tool adds before layout starts. The projected figure is today's overhead plus the split
layout: the best a parallel pack could do on this machine.

    .venv/bin/python benchmarks/bench_pack_split.py [--runs N]
"""

from __future__ import annotations

import argparse
import copy
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lxml.html
import pikepdf
from bench_pack import BIN, ROOT, TARGET, timed  # the same pack, timed the same way

RENDER = (
    "import sys; from weasyprint import HTML; "
    "HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_tags=True)"
)


def split(html: Path, folder: Path) -> tuple[Path, Path]:
    """Two documents: everything before the middle session break, and the rest.

    Both keep the whole ``<head>`` (stylesheets, page rules) and the running logo, which the
    page margins of every page show.
    """
    tree = lxml.html.parse(str(html))
    body = tree.getroot().body
    children = list(body)
    sizes = [len(child.text_content()) for child in children]
    half = sum(sizes) / 2
    breaks = [i for i, child in enumerate(children) if "session" in child.get("class", "")]
    running = 0
    position = {}
    for i, size in enumerate(sizes):
        position[i] = running
        running += size
    cut = min(breaks, key=lambda i: abs(position[i] - half))
    first, second = copy.deepcopy(tree), copy.deepcopy(tree)
    for i, child in enumerate(first.getroot().body):
        if i >= cut:
            first.getroot().body.remove(child)
    for i, child in enumerate(list(second.getroot().body)):
        if 0 < i < cut:  # the first child is the running logo
            second.getroot().body.remove(child)
    paths = folder / "part-1.html", folder / "part-2.html"
    for part, path in zip((first, second), paths, strict=True):
        path.write_bytes(lxml.html.tostring(part, doctype="<!doctype html>", encoding="utf-8"))
    return paths


def split_render(parts: tuple[Path, Path], out: Path) -> float:
    """Wall time of both parts laid out at once, then joined into one PDF."""
    start = time.perf_counter()
    pdfs = [part.with_suffix(".pdf") for part in parts]
    running = [
        subprocess.Popen([sys.executable, "-c", RENDER, str(part), str(pdf)])
        for part, pdf in zip(parts, pdfs, strict=True)
    ]
    if any(process.wait() != 0 for process in running):
        raise SystemExit("a part failed to lay out")
    with pikepdf.open(pdfs[0]) as joined, pikepdf.open(pdfs[1]) as rest:
        joined.pages.extend(rest.pages)
        joined.save(out)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        ours = [str(BIN / "mi-courseware"), "-q", "build", *TARGET, "--only", "pack"]
        ours += ["--keep-html", "--force", "--out", str(out / "ours")]
        subprocess.run(ours, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        html = out / "ours" / "northfield" / "mi-practitioner-in-depth" / "participant-pack.html"
        parts = split(html, out)
        bare = [sys.executable, "-c", RENDER, str(html), str(out / "bare.pdf")]
        times: dict[str, list[float]] = {"ours": [], "bare": [], "split": []}
        for _ in range(args.runs):
            shutil.rmtree(ROOT / "output" / ".cache", ignore_errors=True)
            times["ours"].append(timed(ours))
            times["bare"].append(timed(bare))
            times["split"].append(split_render(parts, out / "joined.pdf"))
        with pikepdf.open(out / "bare.pdf") as whole, pikepdf.open(out / "joined.pdf") as joined:
            pages = len(whole.pages), len(joined.pages)
    best = {name: min(values) for name, values in times.items()}
    overhead = best["ours"] - best["bare"]
    print(f"demo in-depth pack, best of {args.runs} (whole processes, tagged PDFs)")
    print(f"  bare WeasyPrint, whole document          : {best['bare']:6.2f} s ({pages[0]} pages)")
    print(f"  two parts at once + pikepdf join         : {best['split']:6.2f} s ({pages[1]} pages)")
    print(f"  mi-courseware build --only pack (today)  : {best['ours']:6.2f} s")
    print(f"  ratio split / bare (layout ceiling)      : {best['split'] / best['bare']:6.2f}")
    projected = (overhead + best["split"]) / best["bare"]
    print(f"  projected parallel pack / bare           : {projected:6.2f}  (target <= 0.7)")


if __name__ == "__main__":
    main()
