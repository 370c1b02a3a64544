"""The plan phase: for every target and output asked for, what shapes it, its digest, and
whether (and why) it is built.

A target is an :class:`~mi_courseware.core.edition.Edition` or a project-level
:class:`~mi_courseware.resolving.subjects.Subject`; its outputs are the builders whose
``target`` names its kind. Each output's digest covers its input files (the parts of the
target its builder ``uses``, the theme folders it reads), its options, the register's
record of the event for those made from it, the files of the outputs it is made ``after``,
and the tool. An output whose digest is the one its folder's manifest recorded, and whose
files are as it wrote them, is up to date.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import mi_courseware.pipeline.manifest as manifest
from mi_courseware import builders
from mi_courseware.builders.base import BuildContext, Builder
from mi_courseware.core.edition import Edition
from mi_courseware.errors import UsageError, did_you_mean
from mi_courseware.pipeline.inputs import Hasher, changes, code_stamp, digest, display
from mi_courseware.pipeline.inputs import output_inputs as files_shaping

if TYPE_CHECKING:
    from mi_courseware.builders.base import Target

log = logging.getLogger("mi_courseware")

#: How an output's manifest entry names a file of an output it is made after.
OUTPUT_PREFIX = "<output>/"


@dataclass
class Shaping:
    """What shapes one output of one target, and its digest."""

    #: Its input files, each ``{"path", "sha256"}``, as the manifest records them.
    inputs: list[dict[str, str]]
    options: dict[str, Any]
    #: The register's record of the event, for an output made from it (else ``""``).
    state: str
    digest: str


@dataclass
class OutputPlan:
    """One output of one target: what shapes it, and why it is built (``None``: up to date)."""

    builder: type[Builder[Any]]
    #: Its entry in the folder's manifest: the builder's name (and the target's part).
    key: str
    inputs: list[dict[str, str]]
    options: dict[str, Any]
    digest: str
    reason: str | None
    #: The tool's stamp the digest was made with.
    tool: str = ""
    #: Its own input files, without those of the outputs it is made after.
    own: list[dict[str, str]] = field(default_factory=list)
    #: Whether it is kept as it is although its inputs changed: its event is over
    #: (:attr:`~mi_courseware.builders.base.Builder.kept_after_event`).
    kept: bool = False

    @property
    def name(self) -> str:
        """The builder's name."""
        return self.builder.name

    def digest_with(self, state: str) -> str:
        """The digest for the same inputs and options with the register in ``state``."""
        return digest(self.key, self.inputs, self.options, state, self.tool)


@dataclass
class TargetPlan:
    """A target's folder and the plan for each of its outputs."""

    target: Any  # an Edition or a Subject
    folder: Path
    manifest: dict[str, Any]
    outputs: list[OutputPlan]

    @property
    def stale(self) -> list[OutputPlan]:
        """The outputs to build."""
        return [o for o in self.outputs if o.reason is not None]

    @property
    def label(self) -> str:
        """How messages name the target (``events/acme-2027``, ``coding/alex-reed``)."""
        return label(self.target)


def label(target: Any) -> str:
    """How messages name a target (a subject: its
    :attr:`~mi_courseware.resolving.subjects.Subject.label`)."""
    return str(target.slug) if isinstance(target, Edition) else str(target.label)


def record_key(builder: type[Builder[Any]], target: Any) -> str:
    """The output's entry in its folder's manifest: ``<name>``, or ``<name>/<part>`` for a
    subject that shares its folder with others of its kind."""
    part = "" if isinstance(target, Edition) else str(target.part)
    return f"{builder.name}/{part}" if part else builder.name


def kind(target: Any) -> str:
    """The kind of target, as builders name what they are made from."""
    return "edition" if isinstance(target, Edition) else str(target.kind)


def check_outputs(only: tuple[str, ...]) -> None:
    """Every name given to ``--only`` is an output ``build`` makes (else exit 2)."""
    known = builders.edition_outputs()
    unknown = [name for name in only if name not in known]
    if unknown:
        raise UsageError(
            f"unknown output '{unknown[0]}' for --only{did_you_mean(unknown[0], known)}"
        )


def plan(
    targets: list[Any],
    only: tuple[str, ...],
    context: BuildContext,
    out_root: Path,
    hasher: Hasher,
    *,
    force: bool = False,
    require: bool = False,
) -> list[TargetPlan]:
    """For every target and output asked for (``only``, else every output ``build`` makes):
    its inputs, its digest, and whether to build it. With ``require``, an output a target
    has no data for stops the run (else it is left out, with a note when asked for)."""
    tool = code_stamp()
    plans = []
    for target in targets:
        folder = out_root / target.slug
        current = manifest.read(folder)
        records = manifest.records(current)
        planned: dict[str, OutputPlan] = {}
        for builder in wanted(target, only, context, require):
            key = record_key(builder, target)
            shaped = shaping(target, builder, context, hasher, tool)
            own, waiting = list(shaped.inputs), None
            inputs = list(own)
            for earlier in builder.after:
                done = planned[earlier]
                if done.reason is not None:
                    waiting = waiting or f"{earlier} is built again"
                else:
                    inputs += output_files(records[done.key].files, recorded_hashes(current))
            value = digest(key, inputs, shaped.options, shaped.state, tool)
            reason = "--force" if force else waiting
            if reason is None:
                reason = why(key, value, inputs, shaped.options, records, current, folder)
            kept = (
                reason is not None
                and not force
                and kept_as_taught(builder, target, context, records.get(key), current, folder)
            )
            planned[builder.name] = OutputPlan(
                builder, key, inputs, shaped.options, value, None if kept else reason, tool, own,
                kept,
            )  # fmt: skip
        plans.append(TargetPlan(target, folder, current, list(planned.values())))
    return plans


def kept_as_taught(
    builder: type[Builder[Any]],
    target: Any,
    context: BuildContext,
    record: manifest.OutputRecord | None,
    current: dict[str, Any],
    folder: Path,
) -> bool:
    """Whether an output to be built again is kept as it is instead: teaching material of
    an event that is over, built before and still as it was written."""
    if not builder.kept_after_event or record is None or not isinstance(target, Edition):
        return False
    if target.event is None or not target.ended(context.time):
        return False
    return manifest.intact(folder, current, record.files) is None


def wanted(
    target: Any, only: tuple[str, ...], context: BuildContext, require: bool
) -> list[type[Builder[Any]]]:
    """The builders of ``target``'s outputs asked for, each after the outputs it is made
    from (asked for or not), leaving out those the target has no data for."""
    names = list(only) or (builders.edition_outputs() if kind(target) == "edition" else [])
    ordered: list[str] = []

    def visit(name: str) -> None:
        for earlier in builders.REGISTRY[name].after:
            visit(earlier)
        if name not in ordered:
            ordered.append(name)

    for name in names:
        visit(name)
    found: list[type[Builder[Any]]] = []
    missing: dict[str, str] = {}  # an output left out -> why
    for name in ordered:
        builder = builders.REGISTRY[name]
        if builder.target != kind(target):
            raise UsageError(f"{name} is not made from {kind(target)}s")
        gone = [e for e in builder.after if e in missing]
        if gone:
            missing[name] = missing[gone[0]]
        elif not builder.applies(target, context):
            missing[name] = builder.not_applicable(target)
        else:
            found.append(builder)
            continue
        if require:
            raise UsageError(missing[name])
        if name in only:  # asked for by name: say why there is none
            log.warning("%s: no %s: %s", label(target), name, missing[name])
    return found


def shaping(
    target: Target, builder: type[Builder[Any]], context: BuildContext, hasher: Hasher, tool: str
) -> Shaping:
    """What shapes ``builder``'s output of ``target`` (without the outputs it is made after),
    and its digest: the planner's, and ``serve``'s to tell a page that must be made again."""
    root = target.project_root.resolve()
    files = files_shaping(target, builder.uses, builder.theme_parts)
    if builder.register and context.roster is not None:
        files.append(context.roster)
    inputs = [{"path": display(p, root), "sha256": hasher(p)} for p in files]
    options = builder.options(context, target)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        options["source_date_epoch"] = epoch
    state = register_state(cast(Edition, target), context) if builder.register else ""
    key = record_key(builder, target)
    return Shaping(inputs, options, state, digest(key, inputs, options, state, tool))


def output_files(files: list[str], hashes: dict[str, str]) -> list[dict[str, str]]:
    """Entries for the files of an output another is made after (``<output>/<file>``)."""
    return [{"path": OUTPUT_PREFIX + f, "sha256": hashes.get(f, "-")} for f in sorted(files)]


def recorded_hashes(current: dict[str, Any]) -> dict[str, str]:
    """File -> SHA-256 of every output a folder's manifest lists."""
    return {
        str(o.get("path")): str(o.get("sha256"))
        for o in current.get("outputs", [])
        if isinstance(o, dict)
    }


def register_state(edition: Edition, context: BuildContext) -> str:
    """What the register holds for the edition's event (its certificates shape the files)."""
    from mi_courseware.register.engine import key_folder
    from mi_courseware.register.state import event_state

    register = context.register or edition.project_root / "records" / "certificates.sqlite"
    assert edition.event is not None
    keys = key_folder(register, edition.project_root)
    return event_state(register, edition.event.id, keys=keys)


def why(
    key: str,
    value: str,
    inputs: list[dict[str, str]],
    options: dict[str, Any],
    records: dict[str, manifest.OutputRecord],
    current: dict[str, Any],
    folder: Path,
) -> str | None:
    """Why an output is built (``None``: it is up to date)."""
    record = records.get(key)
    if record is None:
        return "not built before" if not current else "not built before in this folder"
    if record.digest == value:
        return manifest.intact(folder, current, record.files)
    changed = changes(record.inputs, inputs)
    if changed:
        return ", ".join(changed[:3]) + (
            f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        )
    if record.options != options:
        return "options changed"
    return "the tool or the register changed"
