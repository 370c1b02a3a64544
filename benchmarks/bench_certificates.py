"""Issuing certificates: mi-courseware against a naive WeasyPrint loop and a ReportLab loop.

Run: ``.venv/bin/python benchmarks/bench_certificates.py [--count 1000] [--large 10000]``.

A fictional roster is generated in a temporary copy of the demo project (the demo client gets
a PNG logo so that ReportLab can draw the same one). Whole processes are timed:

* **ours**: ``mi-courseware certificates`` with its default ``--jobs`` (every core), which
  also writes the register and ``all-certificates.pdf``; once with the default theme (Open
  Sans, kerning in a ``kern`` table) and once with a theme set in Noto Sans, whose kerning
  is all GPOS (``tests/projects/certs-gpos``);
* **(a) naive**: one WeasyPrint call per certificate, the same template, after a warm-up
  call; a sample of 50 is timed and scaled up to ``--count``;
* **(b) ReportLab**: a hand-positioned loop drawing comparable content (band, logo, name,
  course, date and CPD line, the outcomes, signatory, number, code and a vector QR code made
  with segno, as ours) into one file per certificate. Skipped with a message when
  ReportLab is not installed (``pip install reportlab``; it is not a dependency).

Peak memory is the largest sum of resident memory over the process and its workers,
sampled from ``/proc`` (Linux), and the largest single process from ``getrusage``.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).parent / "mi-courseware"
EVENT = "bench"
FIRST = [
    "Siân",
    "Aoibheann",
    "Małgorzata",
    "Zoë",
    "Trần Thị",
    "Ζωή",
    "Seán",
    "José María",
    "Björn",
    "Ayşe",
    "Maria-Fernanda",
    "Tomás",
    "Olu",
    "Priya",
    "Gethin",
    "Niamh",
    "Dafydd",
    "Agnieszka",
    "Chidi",
    "Oksana",
]
LAST = [
    "Llewelyn-Parry",
    "Ní Fhlannagáin",
    "Krzyżanowska",
    "D'Arcy-Fenwick",
    "Minh Châu",
    "Αλεξίου",
    "Mac Giolla Bhríde",
    "Núñez Ortega",
    "Åkesson",
    "Yılmaz-Clarke",
    "Castellanos de la Fuente-Whitmore",
    "O'Sullivan-Ward",
    "Adeyemi",
    "Ramanathan",
    "Prys",
    "Ó Súilleabháin",
    "ap Gruffudd",
    "Wiśniewska",
    "Okonkwo-Bennett",
    "Petrenko",
]


GPOS_THEME = REPO / "tests" / "projects" / "certs-gpos" / "themes"


def make_project(folder: Path, count: int, theme: str | None = None) -> Path:
    """A copy of the demo project with a generated roster of ``count`` for event ``bench``."""
    from PIL import Image, ImageDraw

    root = folder / "project"
    shutil.copytree(REPO / "content", root / "content")
    if theme:
        shutil.copytree(GPOS_THEME, root / "themes")
    client = root / "content" / "clients" / "northfield"
    logo = Image.new("RGB", (480, 160), "white")
    draw = ImageDraw.Draw(logo)
    draw.rounded_rectangle((0, 0, 160, 160), 24, fill="#1d3557")
    draw.rectangle((190, 40, 460, 70), fill="#1d3557")
    draw.rectangle((190, 95, 400, 115), fill="#457b9d")
    logo.save(client / "logo.png")
    text = (client / "client.yaml").read_text(encoding="utf-8")
    (client / "client.yaml").write_text(
        text.replace("logo: logo.svg", "logo: logo.png"), encoding="utf-8"
    )
    event = (root / "content" / "events" / "northfield-2027-03.yaml").read_text(encoding="utf-8")
    event = event.replace("../rosters/northfield-2027-03.csv", f"../rosters/{EVENT}.csv")
    if theme:
        event = event.replace("theme: default", f"theme: {theme}")
    (root / "content" / "events" / f"{EVENT}.yaml").write_text(event, encoding="utf-8")
    with (root / "content" / "rosters" / f"{EVENT}.csv").open(
        "w", newline="", encoding="utf-8"
    ) as out:
        writer = csv.writer(out)
        writer.writerow(["name", "email", "attended"])
        for n in range(count):
            name = f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST) + n) % len(LAST)]}"
            writer.writerow([name, f"person{n}@bench.example", "yes"])
    return root


def _tree_rss(pid: int) -> int:
    """Resident memory (KiB) of a process and all its descendants."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(
                next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall time of a whole process and its peak total resident memory (KiB, 0 if unknown)."""
    peak = [0]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if Path("/proc").is_dir():
        sampler.start()
    code = process.wait()
    seconds = time.perf_counter() - start
    done.set()
    if code != 0:
        raise SystemExit(f"{' '.join(command[:4])} ... failed with exit code {code}")
    return seconds, peak[0]


def run_ours(root: Path) -> tuple[float, int]:
    """``mi-courseware certificates`` on a fresh register and output folder."""
    shutil.rmtree(root / "records", ignore_errors=True)
    shutil.rmtree(root / "output", ignore_errors=True)
    return timed([str(SCRIPT), "--project", str(root), "-q", "certificates", EVENT])


def naive_worker(root: Path, sample: int) -> None:
    """(a) In this process: one WeasyPrint call per certificate; prints seconds per one."""
    from mi_courseware.certificates.common import Person
    from mi_courseware.certificates.design import Design
    from mi_courseware.errors import Problems
    from mi_courseware.pipeline.targets import load_checked
    from mi_courseware.project import ProjectPaths
    from mi_courseware.rendering.pdf import render_pdf
    from mi_courseware.resolving.targets import editions_for, find_target

    problems = Problems()
    project = load_checked(ProjectPaths(root), problems)
    edition = editions_for(project, [find_target(project, EVENT)], problems)[0]
    design = Design(edition)
    out = Path(tempfile.mkdtemp(dir=root))
    people = [
        Person(
            f"NBC-2027-{n + 1:06d}",
            "7KQ2-M9XD-F3HG",
            p.name,
            "2027-03-12T09:00:00Z",
            "2027-03-12T09:00:00Z",
            False,
        )
        for n, p in enumerate(edition.participants[: sample + 1])
    ]

    def one(person: Person) -> None:
        data = render_pdf(
            design.html(person, "page"),
            base=design.base,
            allowed=design.allowed,
            asked_by=design.template_path,
            identifier=person.number,
        )
        (out / f"{person.number}.pdf").write_bytes(data)

    one(people[0])  # warm-up: imports, font configuration
    start = time.perf_counter()
    for person in people[1:]:
        one(person)
    print((time.perf_counter() - start) / sample)


def reportlab_worker(root: Path) -> None:
    """(b) In this process: every certificate drawn by hand with ReportLab."""
    import segno
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    fonts = REPO / "themes" / "default" / "fonts"
    for name, file in (("OS", "Regular"), ("OSB", "Bold"), ("OSS", "Semibold")):
        pdfmetrics.registerFont(TTFont(name, str(fonts / f"OpenSans-{file}.ttf")))
    logo = ImageReader(str(root / "content" / "clients" / "northfield" / "logo.png"))
    outcomes = [
        "Key concepts and principles of MI",
        "Building productive working relationships",
        "The cycle of change and readiness",
        "Ambivalence, change talk and decisional balance",
        "Open questions, affirmations, reflections, summaries",
        "Responding to resistance, strains and ruptures",
        "Applying MI in their own practice",
    ]
    out = root / "reportlab"
    out.mkdir(exist_ok=True)
    roster = (root / "content" / "rosters" / f"{EVENT}.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(roster.splitlines()))
    width, height = landscape(A4)
    for n, row in enumerate(rows):
        number, code = f"NBC-2027-{n + 1:06d}", "7KQ2-M9XD-F3HG"
        c = canvas.Canvas(str(out / f"{number}.pdf"), pagesize=(width, height), invariant=1)
        c.setTitle(f"Certificate of attendance: {row['name']}")
        c.setFillColor("#1d3557")
        c.rect(0, 0, 12 * mm, height, stroke=0, fill=1)
        c.setFillColor("#e63946")
        c.rect(12 * mm, 0, 1.4 * mm, height, stroke=0, fill=1)
        c.drawImage(logo, 36 * mm, height - 34 * mm, width=60 * mm, height=20 * mm)
        c.setFillColor("#1b1b1b")
        c.setFont("OS", 11)
        c.drawString(36 * mm, height - 62 * mm, "This is to certify that")
        size = min(32.0, 225 * mm * 0.96 / pdfmetrics.stringWidth(row["name"], "OSB", 1))
        c.setFont("OSB", size)
        c.drawString(36 * mm, height - 75 * mm, row["name"])
        c.setFont("OS", 11)
        c.drawString(36 * mm, height - 82 * mm, "attended")
        c.setFont("OSS", 18)
        c.drawString(36 * mm, height - 92 * mm, "Motivational Interviewing in Depth")
        c.setFont("OSS", 11)
        c.drawString(
            36 * mm,
            height - 110 * mm,
            "11 March 2027 · Committee Room 2, Civic Centre, Northfield · 6 CPD hours",
        )
        c.setFont("OS", 8.5)
        for k, outcome in enumerate(outcomes):
            c.drawString((40 + (k // 4) * 75) * mm, height - (138 + k % 4 * 4) * mm, "– " + outcome)
        c.setFont("OSS", 11)
        c.drawString(36 * mm, 24 * mm, "Joanna Latchford")
        c.setFont("OS", 8.5)
        c.drawString(36 * mm, 19 * mm, "Head of Workforce Development, Northfield Borough Council")
        c.drawString(190 * mm, 28 * mm, f"Certificate no. {number}")
        c.drawString(190 * mm, 24 * mm, f"Verification code {code}")
        c.drawString(190 * mm, 20 * mm, "Issued 12 March 2027")
        qr = segno.make(f"https://northfield.example/verify?code={code}{n}", error="m")
        module = 22 * mm / len(qr.matrix)
        path = c.beginPath()
        for r, cells in enumerate(qr.matrix):
            for col, dark in enumerate(cells):
                if dark:
                    path.rect(
                        width - 44 * mm + col * module,
                        12 * mm + (len(qr.matrix) - 1 - r) * module,
                        module,
                        module,
                    )
        c.setFillColor("#1d3557")
        c.drawPath(path, stroke=0, fill=1)
        c.showPage()
        c.save()


def main() -> None:
    """Run the comparisons and print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates to issue")
    parser.add_argument(
        "--large",
        type=int,
        default=0,
        help="also issue this many (e.g. 10000) and report time and memory",
    )
    parser.add_argument("--naive-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--reportlab-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive_worker:
        return naive_worker(args.naive_worker, 50)
    if args.reportlab_worker:
        return reportlab_worker(args.reportlab_worker)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1805443200"}
    with tempfile.TemporaryDirectory(prefix="bench-certificates-") as tmp:
        root = make_project(Path(tmp), args.count)
        ours, ours_peak = run_ours(root)
        print(
            f"ours        {args.count} certificates  {ours:7.2f} s  "
            f"{ours / args.count * 1000:6.2f} ms each  peak {ours_peak / 1024:6.0f} MiB "
            f"(jobs: {len(os.sched_getaffinity(0))})"
        )
        per = float(
            subprocess.run(
                [sys.executable, __file__, "--naive-worker", str(root)],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            ).stdout.strip()
        )
        naive = per * args.count
        print(
            f"(a) naive   {args.count} certificates  {naive:7.2f} s  {per * 1000:6.2f} ms each"
            f"  (50 timed after a warm-up, scaled)"
        )
        try:
            import reportlab  # noqa: F401
        except ImportError:
            print("(b) ReportLab: skipped, not installed (pip install reportlab)")
            report_lab = None
        else:
            report_lab, _ = timed([sys.executable, __file__, "--reportlab-worker", str(root)], env)
            print(
                f"(b) ReportLab {args.count} certificates {report_lab:7.2f} s  "
                f"{report_lab / args.count * 1000:6.2f} ms each  (one process)"
            )
        gpos_root = make_project(Path(tmp) / "gpos", args.count, "noto-sans")
        gpos, gpos_peak = run_ours(gpos_root)
        print(
            f"ours, GPOS  {args.count} certificates  {gpos:7.2f} s  "
            f"{gpos / args.count * 1000:6.2f} ms each  peak {gpos_peak / 1024:6.0f} MiB "
            "(Noto Sans theme: kerning in GPOS only)"
        )
        print(f"speed-up over (a): {naive / ours:5.1f}x   (target: at least 20x)")
        if report_lab:
            print(f"ours / (b):        {ours / report_lab:5.2f}   (target: at most 0.3, issue 25)")
            print(f"ours, GPOS / (b):  {gpos / report_lab:5.2f}   (target: at most 0.5)")
        if args.large:
            big = make_project(Path(tmp) / "large", args.large)
            seconds, peak = run_ours(big)
            largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"ours        {args.large} certificates  {seconds:7.2f} s  peak total "
                f"{peak / 1024:.0f} MiB, largest process {largest:.0f} MiB (target: < 1 GiB)"
            )


if __name__ == "__main__":
    main()
