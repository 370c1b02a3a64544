"""QR codes: segno's public API against the mask selection of ``certificates/qr.py``.

    .venv/bin/python benchmarks/bench_qr.py [--codes 1000] [--certificates 1000] [--rounds 3]

``certificates/qr.py`` builds each symbol with segno's own steps and scores the eight data
masks on whole rows at once instead of module by module; this benchmark is the measured
reason it is kept. Two figures, each side by side in one run, alternately:

1. **the codes alone**: ``--codes`` verification addresses (as on certificates), each made
   with ``segno.make(url, error="m").matrix`` and with ``qr_matrix(url)``; every matrix is
   checked to be segno's, module for module. Median of the rounds; the ratio is ours over
   segno's.
2. **the certificates** (``--certificates``, 0 to skip): whole ``mi-courseware
   certificates`` processes issuing that many for a generated roster (as
   ``bench_certificates.py`` does), once as shipped and once with ``qr_matrix`` replaced
   by segno's public API (the same PDFs, byte for byte: checked). The ratio says what the
   hand-written path saves on the certificates benchmark, whose target is set against a
   ReportLab loop that makes its codes with ``segno.make``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_certificates import EVENT, make_project
from common import TOOL, machine

#: What ``mi-courseware`` runs as with segno's public API in place of ``qr_matrix`` (the
#: certificate workers are forked from it, so they use it too).
PUBLIC = (
    "import segno, sys\n"
    "from mi_courseware.certificates import qr\n"
    "qr._encode = lambda url: segno.make(url, error='m').matrix\n"
    "from mi_courseware.cli import main\n"
    "sys.argv[0] = 'mi-courseware'\n"
    "main()\n"
)
#: Dates fixed, so that the two ways' PDFs can be compared byte for byte.
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "SOURCE_DATE_EPOCH": "1805443200",
}
#: The same process as shipped (so that both sides start the same way).
SHIPPED = "import sys\nfrom mi_courseware.cli import main\nsys.argv[0] = 'mi-courseware'\nmain()\n"
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def addresses(count: int) -> list[str]:
    """Verification addresses like a certificate's (a site and a 12-character code)."""
    pick = random.Random(20)
    return [
        f"https://northfield.example/verify/?code={''.join(pick.choices(ALPHABET, k=12))}"
        for _ in range(count)
    ]


def codes(count: int, rounds: int) -> float:
    """Time both ways of making ``count`` codes, alternately; print; the ratio ours/segno."""
    import segno

    from mi_courseware.certificates.qr import qr_matrix

    urls = addresses(count)
    for url in urls:  # warm-up, and the proof that both give the same symbol
        assert [bytes(r) for r in qr_matrix(url)] == [
            bytes(r) for r in segno.make(url, error="m").matrix
        ], url
    public, ours = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        for url in urls:
            segno.make(url, error="m").matrix  # noqa: B018  (the matrix is the work)
        public.append(time.perf_counter() - start)
        start = time.perf_counter()
        for url in urls:
            qr_matrix(url)
        ours.append(time.perf_counter() - start)
    segno_s, ours_s = statistics.median(public), statistics.median(ours)
    print(f"codes ({count}, median of {rounds} rounds)")
    for label, seconds in (
        ("segno.make(url, error='m')", segno_s),
        ("qr.py qr_matrix(url)", ours_s),
    ):
        print(f"  {label:<28} : {seconds:7.3f} s  {seconds / count * 1000:6.3f} ms each")
    print(f"  ratio ours / segno           : {ours_s / segno_s:7.3f}")
    return ours_s / segno_s


def issue(root: Path, program: str) -> tuple[float, dict[str, str]]:
    """One whole ``certificates`` run (every certificate made again, as ``certificates``
    always does, into an empty output folder); its time and its PDFs' digests."""
    shutil.rmtree(root / "output", ignore_errors=True)
    command = [sys.executable, "-c", program, "--project", str(root), "-q", "certificates", EVENT]
    start = time.perf_counter()
    done = subprocess.run(command, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"benchmark stopped: certificates exited {done.returncode}\n{done.stderr}")
    folder = root / "output" / "events" / EVENT / "certificates"
    made = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.pdf")}
    return seconds, made


def certificates(count: int, rounds: int) -> float:
    """Whole certificate runs with each way, alternately; print; the ratio shipped/public."""
    with tempfile.TemporaryDirectory(prefix="bench-qr-") as tmp:
        root = make_project(Path(tmp), count)
        issue(root, SHIPPED)  # numbers and codes in the register, so both ways make the same
        shipped, public = [], []
        for _ in range(rounds):
            seconds, ours = issue(root, SHIPPED)
            shipped.append(seconds)
            seconds, theirs = issue(root, PUBLIC)
            public.append(seconds)
            assert ours == theirs, "the two ways made different PDFs"
    ours_s, public_s = statistics.median(shipped), statistics.median(public)
    print(f"certificates ({count} made again, whole processes, median of {rounds} rounds)")
    print(f"  with segno's public API      : {public_s:7.3f} s")
    print(f"  as shipped (qr.py)           : {ours_s:7.3f} s")
    print(f"  ratio shipped / public       : {ours_s / public_s:7.3f}   (the PDFs are the same)")
    return ours_s / public_s


def main() -> None:
    """Run both comparisons and print their ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=1000, help="codes to make each way")
    parser.add_argument("--certificates", type=int, default=1000, help="0: skip the runs")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"QR codes: segno's public API vs certificates/qr.py ({machine()}; {TOOL})")
    codes(args.codes, max(args.rounds, 1))
    if args.certificates:
        certificates(args.certificates, max(args.rounds, 1))


if __name__ == "__main__":
    main()
