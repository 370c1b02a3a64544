"""The build phase for one target: its stale outputs built into a new staging folder, each
after the outputs it is made from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import mi_courseware.pipeline.manifest as manifest
import mi_courseware.pipeline.staging as staging
from mi_courseware.builders.base import BuildContext, Builder
from mi_courseware.pipeline.commit import Built, Staged
from mi_courseware.pipeline.plan import TargetPlan


def stage(target_plan: TargetPlan, context: BuildContext, out_root: Path) -> Staged:
    """Build one target's stale outputs into a new staging folder in ``out_root``."""
    folder = staging.new_folder(out_root)
    staged = Staged(target_plan, folder)
    records = manifest.records(target_plan.manifest)
    keys = {o.name: o.key for o in target_plan.outputs}
    try:
        finishing: list[tuple[str, Builder[Any], Callable[[], list[Path]]]] = []
        for output in target_plan.stale:
            builder = output.builder(context)
            if builder.after:  # it reads their files: they are finished first
                _finish(finishing, staged)
                built = {b.name: b.files for b in staged.built}
                for earlier in builder.after:
                    if earlier in built:  # built now: in the staging folder
                        builder.upstream[earlier] = [folder / f for f in built[earlier]]
                    else:  # up to date: where it is
                        files = records[keys[earlier]].files
                        builder.upstream[earlier] = [target_plan.folder / f for f in files]
            target = builder.sees(target_plan.target)  # a shared output: nothing private
            finishing.append((output.name, builder, builder.start(target, folder)))
        _finish(finishing, staged)
    except OSError as exc:
        staging.discard([folder])
        raise staging.os_problem(exc, "write") from None
    except BaseException:
        staging.discard([folder])
        raise
    return staged


def _finish(
    finishing: list[tuple[str, Builder[Any], Callable[[], list[Path]]]], staged: Staged
) -> None:
    """Wait for the outputs begun so far, in order; they join ``staged``."""
    for name, builder, finish in finishing:
        files = [f.relative_to(staged.folder).as_posix() for f in finish()]
        digests = {f.relative_to(staged.folder).as_posix(): d for f, d in builder.digests.items()}
        staged.built.append(Built(name, files, builder.pending, digests))
    finishing.clear()
