"""The register's state in a no-change rebuild: ``register/state.py``'s raw read vs SQLAlchemy.

    .venv/bin/python benchmarks/bench_register_state.py [--rounds 7]

Every build of an event's certificates asks the register for the event's state (a digest:
certificates are made again when it changes). ``register/state.py`` reads a current SQLite
register with the standard library's ``sqlite3``, so that a rebuild with nothing to do never
imports SQLAlchemy (or Alembic); ``event_state(..., fast=False)`` reads it through the
register's own API instead. This benchmark is the measured reason the raw read is kept.

A fresh copy of the demo project is built once (every output, a register of its 12
certificates); then whole ``mi-courseware build northfield-2027-03`` processes, each finding
every output up to date, are timed alternately: as shipped, and with every ``event_state``
call made with ``fast=False``. Both start the same way (``python -c``), and each says
whether SQLAlchemy was imported. Medians of the rounds; the ratio is shipped over SQLAlchemy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import EVENT, copy_project, machine, run, statuses

#: The tool as shipped, saying at exit whether SQLAlchemy was imported.
SHIPPED = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write(f'sqlalchemy: {\"sqlalchemy\" in sys.modules}\\n'))\n"
    "from mi_courseware.cli import main\n"
    "sys.argv[0] = 'mi-courseware'\n"
    "main()\n"
)
#: The same, with the register's state read through the register's API (SQLAlchemy).
THROUGH_SQLALCHEMY = SHIPPED.replace(
    "from mi_courseware.cli import main\n",
    "import functools\n"
    "from mi_courseware.register import state\n"
    "state.event_state = functools.partial(state.event_state, fast=False)\n"
    "from mi_courseware.cli import main\n",
)


def rebuild(project: Path, program: str) -> tuple[float, bool]:
    """One no-change rebuild: its wall time, and whether it imported SQLAlchemy."""
    command = [sys.executable, "-c", program, "--project", str(project), "-v", "build", EVENT]
    start = time.perf_counter()
    stderr = run(command).stderr
    seconds = time.perf_counter() - start
    found = statuses(stderr)
    stale = {name: status for name, status in found.items() if status != "up to date"}
    if not found or stale:
        raise SystemExit(f"benchmark stopped: the rebuild was not a no-change one ({stale})")
    return seconds, "sqlalchemy: True" in stderr


def main() -> None:
    """Build once, then time the two kinds of no-change rebuild alternately."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print(f"no-change rebuild of {EVENT}: the register's state ({machine()})")
    with tempfile.TemporaryDirectory(prefix="bench-state-") as tmp:
        project = copy_project(Path(tmp))
        run([sys.executable, "-c", SHIPPED, "--project", str(project), "-q", "build", EVENT])
        rebuild(project, SHIPPED)  # warm: compiled bytecode, the edition cache, the page cache
        shipped, through, imported = [], [], set()
        for _ in range(max(args.rounds, 1)):
            seconds, used = rebuild(project, SHIPPED)
            shipped.append(seconds)
            imported.add(("raw read", used))
            seconds, used = rebuild(project, THROUGH_SQLALCHEMY)
            through.append(seconds)
            imported.add(("SQLAlchemy", used))
    raw, orm = statistics.median(shipped), statistics.median(through)
    said = dict(imported)
    print(f"  raw sqlite3 read (state.py, as shipped)  : {raw:7.3f} s  SQLAlchemy imported: "
          f"{said['raw read']}")  # fmt: skip
    print(f"  through the register (SQLAlchemy)        : {orm:7.3f} s  SQLAlchemy imported: "
          f"{said['SQLAlchemy']}")  # fmt: skip
    print(f"  ratio raw / SQLAlchemy (median of {len(shipped)})     : {raw / orm:7.3f}")


if __name__ == "__main__":
    main()
