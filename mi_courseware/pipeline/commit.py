"""The commit phase: each staged folder put in place whole, its manifest written, then the
records kept elsewhere (the certificate register) told what is now in place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mi_courseware.pipeline.manifest as manifest
import mi_courseware.pipeline.staging as staging
from mi_courseware import __version__
from mi_courseware.builders.base import BuildContext
from mi_courseware.core.edition import Edition
from mi_courseware.errors import display_path
from mi_courseware.pipeline.inputs import digest
from mi_courseware.pipeline.plan import TargetPlan, output_files, register_state
from mi_courseware.workers import pause_at


@dataclass
class Built:
    """What building one output gave (plain data: it may come back from a worker)."""

    name: str
    files: list[str]
    pending: Any = None
    #: SHA-256 of some of ``files``, as the builder computed them while writing.
    digests: dict[str, str] = field(default_factory=dict)


@dataclass
class Staged:
    """A target built into its staging folder, waiting to be committed."""

    plan: TargetPlan
    folder: Path
    built: list[Built] = field(default_factory=list)


@dataclass
class TargetResult:
    """What a build did for one target (an edition, or a project-level subject)."""

    target: Any
    folder: Path
    #: Output name -> "built (...)" or "up to date".
    status: dict[str, str]
    #: Files now in the folder that this build wrote or kept, manifest last.
    files: list[Path]
    #: Output name -> what its builder's record phase reported (certificates: a Report).
    reports: dict[str, Any] = field(default_factory=dict)


def commit(
    staged: list[Staged], plans: list[TargetPlan], context: BuildContext, force: bool = False
) -> list[TargetResult]:
    """Put each staged folder in place (kept files linked in, manifest written), then let
    builders that keep records elsewhere record what is now in place. A file of the user's
    in the way of an output stops the build first, unless ``force``."""
    # by folder, not by object: a plan staged in a worker process comes back as a copy
    by_plan = {s.plan.folder: s for s in staged}
    results = []
    if not force:
        try:
            in_the_way(staged)
        except BaseException:
            staging.discard([s.folder for s in staged if s.folder.exists()])
            raise
    pause_at("commit")
    try:
        for target_plan in plans:
            done = by_plan.get(target_plan.folder)
            if done is None:
                results.append(_unchanged(target_plan))
                continue
            results.append(_commit_one(target_plan, done, context))
    except OSError as exc:
        staging.discard([s.folder for s in staged if s.folder.exists()])
        raise staging.os_problem(exc, "write") from None
    for result, target_plan in zip(results, plans, strict=True):
        done = by_plan.get(target_plan.folder)
        outputs = {o.name: o for o in target_plan.outputs}
        for built in done.built if done else ():
            builder = outputs[built.name].builder
            report = builder.record(context, target_plan.target, result.folder, built.pending)
            if report is not None:
                result.reports[built.name] = report
        if done is not None:
            _settle(target_plan, {b.name for b in done.built}, context)
    return results


def in_the_way(staged: list[Staged]) -> None:
    """Refuse to replace a file the tool did not write: one the folder's manifest does not
    list (with no manifest, every file already there is the user's, e.g. a deck of their own
    in a folder named with ``--out``)."""
    found = []
    for done in staged:
        final = done.plan.folder
        current = done.plan.manifest
        ours = {f for record in manifest.records(current).values() for f in record.files}
        ours |= {str(o.get("path")) for o in current.get("outputs", []) if isinstance(o, dict)}
        outputs = {o.name: o.builder for o in done.plan.outputs}
        for built in done.built:
            if not current and outputs[built.name].unlisted_before:
                continue  # written by an earlier version, which kept no manifest
            found += [final / f for f in built.files if f not in ours and (final / f).exists()]
        if current.get("tool") != "mi-courseware" and (final / manifest.NAME).exists():
            found.append(final / manifest.NAME)  # a file of that name, but not ours
    if found:
        shown = ", ".join(display_path(path) for path in found)
        them = "it" if len(found) == 1 else "them"
        raise staging.OutputError(
            f"not replacing {shown}: mi-courseware did not write {them} (the folder's "
            f"{manifest.NAME} does not list {them}); move {them} away, or build with "
            f"--force to replace {them}"
        )


def _settle(target_plan: TargetPlan, built: set[str], context: BuildContext) -> None:
    """Record, for each output just built from the register, the register's state now that
    the build has recorded its own certificates there: the next build compares with this
    state, and finds the output up to date unless something else changed the register."""
    outputs = [o for o in target_plan.outputs if o.builder.register and o.name in built]
    if not outputs:
        return
    state = register_state(target_plan.target, context)
    manifest.set_digests(target_plan.folder, {o.key: o.digest_with(state) for o in outputs})


def _unchanged(target_plan: TargetPlan) -> TargetResult:
    folder = target_plan.folder
    records = manifest.records(target_plan.manifest)
    status = {o.name: "up to date" for o in target_plan.outputs}
    files = [
        folder / f
        for o in target_plan.outputs
        for f in (records[o.key].files if o.key in records else [])
    ]
    return TargetResult(target_plan.target, folder, status, [*files, folder / manifest.NAME])


def _header(target: Any, stamp: str) -> dict[str, Any]:
    """The top of a folder's manifest: the tool, and what was built (an edition's course,
    variant, add-ons, client, event and theme)."""
    header: dict[str, Any] = {"tool": "mi-courseware", "version": __version__, "built_at": stamp}
    if isinstance(target, Edition):
        header |= {
            "course": target.course_id,
            "variant": target.variant_id,
            "addons": [a.id for a in target.addons],
            "client": target.brand.client_id,
            "event": target.event.id if target.event else None,
            "theme": target.theme,
        }
    return header


def _commit_one(target_plan: TargetPlan, done: Staged, context: BuildContext) -> TargetResult:
    folder = done.folder
    old = manifest.records(target_plan.manifest)
    outputs = {o.name: o for o in target_plan.outputs}
    rebuilt = {outputs[b.name].key for b in done.built}
    listed = {f for b in done.built for f in b.files}
    # a rebuilt output's old files go, except those it still lists (a run for some people
    # lists every certificate but writes only theirs: the others are carried over)
    drop = {f for key in rebuilt for f in (old[key].files if key in old else [])} - listed
    if not old:  # an earlier version's manifest: its outputs are ours to replace
        drop |= {
            str(o.get("path"))
            for o in target_plan.manifest.get("outputs", [])
            if isinstance(o, dict)
        } - listed
    staging.carry_over(target_plan.folder, folder, drop)
    stamp = context.time.isoformat().replace("+00:00", "Z")
    records = {key: record for key, record in old.items() if key not in rebuilt}
    for built in done.built:
        output = outputs[built.name]
        records[output.key] = manifest.OutputRecord(
            digest=output.digest,
            built_at=stamp,
            files=sorted(built.files),
            inputs=output.inputs,
            options=output.options,
        )
    known = {f: d for built in done.built for f, d in built.digests.items()}
    hashes = {
        f: known.get(f) or manifest.sha256(folder / f)
        for record in records.values()
        for f in record.files
        if (folder / f).is_file()
    }
    for output in target_plan.outputs:  # in order: those it is made after come first
        if output.builder.after and output.key in rebuilt:
            inputs = list(output.own)
            for earlier in output.builder.after:
                inputs += output_files(records[outputs[earlier].key].files, hashes)
            output.inputs = inputs
            output.digest = digest(output.key, inputs, output.options, "", output.tool)
            records[output.key].inputs, records[output.key].digest = inputs, output.digest
    manifest.write(folder, _header(target_plan.target, stamp), records, hashes)
    staging.swap(folder, target_plan.folder)
    status = {
        o.name: (f"built ({o.reason})" if o.key in rebuilt else "up to date")
        for o in target_plan.outputs
    }
    names = [f for o in target_plan.outputs for f in records[o.key].files]
    files = [target_plan.folder / f for f in names] + [target_plan.folder / manifest.NAME]
    return TargetResult(target_plan.target, target_plan.folder, status, files)
