"""Outputs written to a path the user names (``coding sheet -o FILE``, ``evaluation report
--out FILE``, ``evaluation template -o DIR``), through the same phases as a build.

The plan says the output is built, and why: such a path keeps no manifest (the folder is the
user's), so it is always built. The output is built into a staging folder beside the path
(``.staging-<pid>-...`` in the same folder, so the last step is a rename on one file system),
then each file is moved into place whole: a file already there is replaced only by a
complete one, and a run that fails or is killed leaves it as it was. A killed run's staging
folder is removed by the next run that writes there, which says so.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

import mi_courseware.pipeline.staging as staging
from mi_courseware.builders.base import BuildContext
from mi_courseware.pipeline.plan import OutputPlan, TargetPlan, label, record_key, wanted
from mi_courseware.pipeline.stage import stage
from mi_courseware.workers import pause_at

log = logging.getLogger("mi_courseware")

#: Why an output written to a path the user names is built.
ALWAYS = "written to a path you name: always built"


def write_to(
    target: Any, name: str, context: BuildContext, destination: Path, *, single: bool
) -> list[Path]:
    """Build output ``name`` of ``target`` into ``destination``: the file its one file
    becomes when ``single``, else the folder its files go into. Returns the paths written."""
    return write_with_record(target, name, context, destination, single=single)[0]


def write_with_record(
    target: Any, name: str, context: BuildContext, destination: Path, *, single: bool
) -> tuple[list[Path], Any]:
    """:func:`write_to`, and what the builder kept for its records (its ``pending``: the
    messages builder's list of what each file is)."""
    folder = destination.parent if single else destination
    staging.clear_stale(folder)
    outputs = [
        OutputPlan(builder, record_key(builder, target), [], {}, "", ALWAYS)
        for builder in wanted(target, (name,), context, require=True)
    ]
    for output in outputs:
        log.info("%s: %s built (%s)", label(target), output.name, ALWAYS)
    with staging.no_new_folder(folder):
        staged = stage(TargetPlan(target, folder, {}, outputs), context, folder)
        try:
            [built] = [b for b in staged.built if b.name == name]
            if single and len(built.files) != 1:
                raise AssertionError(f"{name} wrote {len(built.files)} files, not one")
            pause_at("commit")
            placed = []
            for file in built.files:
                path = destination if single else destination / file
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged.folder / file, path)
                placed.append(path)
        except OSError as exc:
            raise staging.os_problem(exc, "write") from None
        finally:
            shutil.rmtree(staged.folder, ignore_errors=True)
    return placed, built.pending
