"""Build the demo with the code of an earlier commit and with the working tree; compare.

    python scripts/compare_outputs.py REF

A refactoring that changes no behaviour leaves every output byte-identical: this builds the
bundled demo (every event and its outputs, every course for every client, the coding
reports and sheet, the evaluation report and template) first with the package as it was at
REF, then, in a copy of that project holding the same register (so certificates get the
same numbers and codes), with the package as it is now, both under one
``SOURCE_DATE_EPOCH``, and lists every file that differs. ``manifest.json`` (its code stamp
follows the modules) and ``output/.cache`` are left out. Exit 0 when nothing else differs.
Not a test: later work changes outputs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EPOCH = "1830000000"  # 2027-12-27: the demo events are over, certificates issued
SKIP = {"manifest.json"}


def run(code: Path, project: Path, *args: str) -> None:
    """``mi-courseware`` with the package found in ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code), "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("MI_COURSEWARE_REGISTER", None)
    done = subprocess.run(
        [sys.executable, "-m", "mi_courseware", "-q", "--project", str(project), *args],
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{code.name}: {' '.join(args)} failed:\n{done.stderr}")


def where(code: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(code)}
    return subprocess.run(
        [sys.executable, "-c", "import mi_courseware; print(mi_courseware.__file__)"],
        env=env,
        cwd=code.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def outputs(code: Path, project: Path, extra: Path) -> None:
    """Every output of the demo, into ``project/output`` and ``extra``."""
    run(code, project, "build")
    courses = sorted(p.stem for p in (project / "content" / "courses").glob("*.yaml"))
    clients = sorted(p.name for p in (project / "content" / "clients").iterdir() if p.is_dir())
    for course in courses:
        for client in clients:
            run(code, project, "build", course, "--client", client)
    practitioners = sorted(p.name for p in (project / "content" / "coding").iterdir() if p.is_dir())
    for practitioner in practitioners:
        run(code, project, "coding", "report", practitioner)
    run(code, project, "coding", "sheet", "--scale", "miti-4.2.1", "-o", str(extra / "sheet.pdf"))
    run(code, project, "evaluation", "report", "--out", str(extra / "runs.pdf"))
    run(code, project, "evaluation", "report", "--format", "csv", "--out", str(extra / "runs.csv"))
    events = sorted(p.stem for p in (project / "content" / "events").glob("*.yaml"))
    for event in events:
        run(code, project, "evaluation", "template", event, "-o", str(extra / "templates"))


def files(folder: Path) -> dict[str, str]:
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and path.name not in SKIP and not relative.startswith(".cache"):
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def main() -> int:
    ref = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    with tempfile.TemporaryDirectory(prefix="compare-") as temporary:
        tmp = Path(temporary)
        before_code = tmp / "code-before"
        before_code.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", ref, "mi_courseware", "themes", "scales"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(before_code)], input=archive, check=True)
        for code in (before_code, REPO):
            print(f"package from {where(code)}")
        before, after = tmp / "before", tmp / "after"
        shutil.copytree(REPO / "content", before / "content")
        (tmp / "extra-before").mkdir()
        outputs(before_code, before, tmp / "extra-before")
        shutil.copytree(before, after, ignore=shutil.ignore_patterns("output"))
        (tmp / "extra-after").mkdir()
        outputs(REPO, after, tmp / "extra-after")
        old = {
            **files(before / "output"),
            **{f"extra/{k}": v for k, v in files(tmp / "extra-before").items()},
        }
        new = {
            **files(after / "output"),
            **{f"extra/{k}": v for k, v in files(tmp / "extra-after").items()},
        }
        differ = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
        only = sorted(old.keys() ^ new.keys())
        print(f"{len(old)} files before, {len(new)} after (manifest.json left out)")
        for name in differ:
            print(f"DIFFERS  {name}")
        for name in only:
            print(f"ONLY IN {'before' if name in old else 'after '}  {name}")
        same = len(old.keys() & new.keys()) - len(differ)
        print(f"{same} byte-identical, {len(differ)} differ, {len(only)} in one only")
        return 1 if differ or only else 0


if __name__ == "__main__":
    raise SystemExit(main())
