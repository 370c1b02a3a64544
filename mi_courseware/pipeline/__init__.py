"""The build pipeline: one function, named phases, every input read and checked first.

    find the project -> read -> check (every problem, once) -> resolve Editions
    -> plan outputs (which are stale, and why) -> build what is stale (staging folders)
    -> commit (each folder swapped in whole) -> record (the certificate register)

In the spirit of MkDocs' ``build()`` and Sphinx's read-then-write phases: nothing is written
until everything has been read and checked, and a build that fails leaves ``output/`` as it
was. Reading, checking and resolving are skipped when the edition cache holds the result for
exactly these inputs; building is skipped for each output whose recorded inputs, options and
tool are unchanged (``--force`` builds all).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mi_courseware import __version__
from mi_courseware.builders import REGISTRY, BuildContext, BuilderEntry
from mi_courseware.edition import Edition
from mi_courseware.errors import Problem, UsageError, did_you_mean, display_path
from mi_courseware.pipeline import manifest, staging
from mi_courseware.pipeline.inputs import Hasher, changes, code_stamp, digest, display
from mi_courseware.pipeline.inputs import output_inputs as files_shaping
from mi_courseware.project import ProjectPaths

log = logging.getLogger("mi_courseware")

#: Outputs that render HTML to PDF (and use the PDF worker processes).
PDF_OUTPUTS = frozenset({"pack", "facilitator", "flyer", "sign-in"})


@dataclass(frozen=True)
class BuildRequest:
    """What to build: a target (or every event) and the outputs asked for."""

    target: str | None = None
    client: str | None = None
    variant: str | None = None
    addons: tuple[str, ...] = ()
    theme: str | None = None
    only: tuple[str, ...] = ()
    out: Path | None = None
    force: bool = False
    #: Every output in ``only`` must apply to the target (the ``certificates`` command).
    require: bool = False

    def choices(self) -> dict[str, Any]:
        """The options that pick the edition."""
        return {
            "client": self.client,
            "variant": self.variant,
            "addons": self.addons,
            "theme": self.theme,
        }


@dataclass
class OutputPlan:
    """One output of one edition: what shapes it, and why it is built (``None``: up to date)."""

    entry: BuilderEntry
    inputs: list[dict[str, str]]
    options: dict[str, Any]
    digest: str
    reason: str | None
    #: The tool's stamp the digest was made with.
    tool: str = ""

    def digest_with(self, state: str) -> str:
        """The digest for the same inputs and options with the register in ``state``."""
        return digest(self.entry.name, self.inputs, self.options, state, self.tool)


@dataclass
class EditionPlan:
    """An edition's folder and the plan for each of its outputs."""

    edition: Edition
    folder: Path
    manifest: dict[str, Any]
    outputs: list[OutputPlan]

    @property
    def stale(self) -> list[OutputPlan]:
        """The outputs to build."""
        return [o for o in self.outputs if o.reason is not None]


@dataclass
class Built:
    """What building one output gave (plain data: it may come back from a worker)."""

    name: str
    files: list[str]
    pending: Any = None


@dataclass
class Staged:
    """An edition built into its staging folder, waiting to be committed."""

    plan: EditionPlan
    folder: Path
    built: list[Built] = field(default_factory=list)


@dataclass
class EditionResult:
    """What a build did for one edition."""

    edition: Edition
    folder: Path
    #: Output name -> "built (...)" or "up to date".
    status: dict[str, str]
    #: Files now in the folder that this build wrote or kept, manifest last.
    files: list[Path]
    #: Output name -> what its builder's record phase reported (certificates: a Report).
    reports: dict[str, Any] = field(default_factory=dict)


def check_outputs(only: tuple[str, ...]) -> None:
    """Every name given to ``--only`` is a known output (else a usage error, exit 2)."""
    unknown = [name for name in only if name not in REGISTRY]
    if unknown:
        raise UsageError(
            f"unknown output '{unknown[0]}' for --only{did_you_mean(unknown[0], REGISTRY)}"
        )


def check_out(paths: ProjectPaths, out: Path) -> None:
    """``--out`` may not point into the project's own sources or records."""
    resolved = out.resolve()
    for folder, what in (
        (paths.content, "content/"),
        (paths.themes, "themes/"),
        (paths.records, "records/"),
    ):
        if resolved == folder.resolve() or resolved.is_relative_to(folder.resolve()):
            raise UsageError(
                f"--out {out}: outputs may not go inside {what}; choose a folder of their own"
            )


def build(
    paths: ProjectPaths,
    request: BuildRequest,
    context: BuildContext,
    *,
    warn: Callable[[list[Problem]], None],
    start_renderer: Callable[[], Any] | None = None,
) -> list[EditionResult]:
    """Build ``request`` for the project at ``paths``; the phases in order."""
    check_outputs(request.only)
    out_root = request.out or paths.output
    check_out(paths, out_root)
    context = replace(context, out_root=out_root)
    staging.clear_stale(out_root)
    hasher = Hasher()
    # every event, on several cores: the events build in worker processes of their own, each
    # rendering its PDFs itself, so PDF workers started for this process would go unused;
    # the event workers start now and import the builders while this process reads
    several = request.target is None and _cores(context) > 1
    with EventPool(_cores(context)) if several else nullcontext() as pool:
        early = None if several else start_renderer
        editions, warnings, remember = gather(paths, request, hasher, early)
        warn(warnings)
        plans = plan(editions, request, context, out_root, hasher)
        if (
            start_renderer is not None
            and context.renderer is None
            and _renders_pdf(plans)
            and _event_workers(plans, context) <= 1
        ):
            context = replace(context, renderer=start_renderer())
        created = not out_root.exists()
        try:
            staged = run(plans, context, out_root, pool)
            results = commit(staged, plans, context, request.force)
        except BaseException:
            if created and out_root.is_dir() and not any(out_root.iterdir()):
                out_root.rmdir()  # output/ did not exist before this failed build
            raise
    remember()
    return results


class EventPool:
    """Worker processes for building several editions at once, started before the project
    is read: each imports the builders and the PDF engine (about a second) while the main
    process reads, checks and resolves. Closed unused, they are stopped at once."""

    def __init__(self, workers: int) -> None:
        from mi_courseware.workers import WorkerPool

        self.workers = workers
        self.used = False
        self.pool = WorkerPool("event", workers, warm=_warm)

    def __enter__(self) -> EventPool:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        """The block done, wait for the workers when they built something; else (nothing
        built, or the build failed or was interrupted) stop them where they are."""
        if self.used and kind is None:
            self.pool.close()
        else:
            self.pool.kill()


def _warm() -> None:
    """In a new event worker: import what building takes, while the main process reads."""
    import weasyprint  # noqa: F401

    for entry in REGISTRY.values():
        entry.load()


def gather(
    paths: ProjectPaths,
    request: BuildRequest,
    hasher: Hasher,
    start_renderer: Callable[[], Any] | None = None,
) -> tuple[list[Edition], list[Problem], Callable[[], None]]:
    """Read, check and resolve, or take the result from the edition cache when every input
    is unchanged. Returns the editions, the warnings, and how to store them once built."""
    from mi_courseware import cache

    key = cache.inputs_key(paths, ("build", request.target, *request.choices().values()))
    stored = cache.load(paths, key, hasher)
    if stored is not None:
        editions, warnings = stored
        return editions, warnings, lambda: None
    if start_renderer is not None:
        start_renderer()  # workers import the PDF engine while this process reads
    editions, warnings = read_check_resolve(paths, request)
    return editions, warnings, lambda: cache.save(paths, key, editions, warnings, hasher)


def read_check_resolve(
    paths: ProjectPaths, request: BuildRequest
) -> tuple[list[Edition], list[Problem]]:
    """Read the whole project, report every problem at once, resolve the editions."""
    from mi_courseware.errors import ContentError, Problems
    from mi_courseware.pipeline.targets import Target, editions_for, find_target, load_checked

    problems = Problems()
    project = load_checked(paths, problems)
    if problems.errors:
        raise ContentError(problems.items)
    if request.target:
        targets = [find_target(project, request.target)]
    else:
        targets = [Target("event", ident) for ident in project.events]
        if not targets:
            raise UsageError("nothing to build: the project has no events; name a course")
    editions = editions_for(project, targets, problems, **request.choices())
    if problems.errors:
        raise ContentError(problems.items)
    return editions, problems.warnings


def plan(
    editions: list[Edition],
    request: BuildRequest,
    context: BuildContext,
    out_root: Path,
    hasher: Hasher,
) -> list[EditionPlan]:
    """For every edition and output asked for: its inputs, its digest, and whether to build."""
    names = list(request.only) or list(REGISTRY)
    tool = code_stamp()
    plans = []
    for edition in editions:
        folder = out_root / edition.slug
        current = manifest.read(folder)
        records = manifest.records(current)
        outputs = []
        for name in names:
            entry = REGISTRY[name]
            if not entry.applies(edition, context):
                if request.require:
                    raise UsageError(_not_applicable(entry, edition))
                if name in request.only:  # asked for by name: say why there is none
                    log.warning(
                        "%s: no %s: %s", edition.slug, name, _not_applicable(entry, edition)
                    )
                continue
            root = edition.project_root.resolve()
            files = files_shaping(edition, entry.uses, entry.theme_parts)
            if entry.register and context.roster is not None:
                files.append(context.roster)
            inputs = [{"path": display(p, root), "sha256": hasher(p)} for p in files]
            options = _options(entry, context, edition)
            state = _register_state(edition, context) if entry.register else ""
            value = digest(name, inputs, options, state, tool)
            outputs.append(
                OutputPlan(
                    entry,
                    inputs,
                    options,
                    value,
                    _why(name, value, inputs, options, records, current, folder, request.force),
                    tool,
                )
            )
        plans.append(EditionPlan(edition, folder, current, outputs))
    return plans


def _not_applicable(entry: BuilderEntry, edition: Edition) -> str:
    if edition.event is None:
        return f"'{edition.course_id}' is a course; {entry.name} are made for an event"
    if entry.absent and any(not edition.inputs.get(role) for role in entry.requires):
        return entry.absent.format(event=edition.event.id)
    return (
        f"event '{edition.event.id}' has no roster: add 'roster:' to its file, "
        "or give one with --roster"
    )


def _options(entry: BuilderEntry, context: BuildContext, edition: Edition) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if entry.name in ("pack", "facilitator"):
        options["keep_html"] = context.keep_html
    if entry.register:
        options.update(reissue=context.reissue, only=list(context.only_people))
        # prepared before the last day, confirmed or voided after it: a build on the other
        # side of it makes other certificates even when no file changed
        options["phase"] = (
            "after the last day" if edition.ended(context.time) else "until the last day"
        )
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        options["source_date_epoch"] = epoch
    return options


def _register_state(edition: Edition, context: BuildContext) -> str:
    """What the register holds for the edition's event (its certificates shape the files)."""
    from mi_courseware.register.keys import key_folder
    from mi_courseware.register.state import event_state

    register = context.register or edition.project_root / "records" / "certificates.sqlite"
    assert edition.event is not None
    keys = key_folder(register, edition.project_root)
    return event_state(register, edition.event.id, keys=keys)


def _why(
    name: str,
    value: str,
    inputs: list[dict[str, str]],
    options: dict[str, Any],
    records: dict[str, manifest.OutputRecord],
    current: dict[str, Any],
    folder: Path,
    force: bool,
) -> str | None:
    if force:
        return "--force"
    record = records.get(name)
    if record is None:
        return "not built before" if not current else "not built before in this folder"
    if record.digest == value:
        damaged = manifest.intact(folder, current, record.files)
        return damaged
    changed = changes(record.inputs, inputs)
    if changed:
        return ", ".join(changed[:3]) + (
            f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        )
    if record.options != options:
        return "options changed"
    return "the tool or the register changed"


def _renders_pdf(plans: list[EditionPlan]) -> bool:
    return any(o.entry.name in PDF_OUTPUTS for p in plans for o in p.stale)


def build_editions(
    editions: list[Edition],
    only: tuple[str, ...],
    context: BuildContext,
    out_root: Path,
    *,
    force: bool = False,
) -> list[EditionResult]:
    """Plan, build and commit ``editions`` already resolved (no project reading)."""
    check_outputs(only)
    context = replace(context, out_root=out_root)
    staging.clear_stale(out_root)
    plans = plan(editions, BuildRequest(only=only, force=force), context, out_root, Hasher())
    return commit(run(plans, context, out_root), plans, context, force)


def run(
    plans: list[EditionPlan],
    context: BuildContext,
    out_root: Path,
    pool: EventPool | None = None,
) -> list[Staged]:
    """Build every stale output into staging folders (editions in parallel when several)."""
    todo = [p for p in plans if p.stale]
    for edition_plan in plans:
        for output in edition_plan.outputs:
            what = f"built ({output.reason})" if output.reason else "up to date"
            log.info("%s: %s %s", edition_plan.edition.slug, output.entry.name, what)
    workers = _event_workers(plans, context)
    staged: list[Staged] = []
    try:
        if workers > 1:
            staged = _run_parallel(todo, context, out_root, workers, pool)
        else:
            with _progress(len(todo), context) as tick:
                for edition_plan in todo:
                    staged.append(stage(edition_plan, context, out_root))
                    tick()
    except BaseException:
        staging.discard([s.folder for s in staged])
        raise
    return staged


def _cores(context: BuildContext) -> int:
    from mi_courseware.workers import forking

    return (context.jobs or os.cpu_count() or 1) if forking() else 1


def _event_workers(plans: list[EditionPlan], context: BuildContext) -> int:
    """How many worker processes build the editions with something to build (1: none, the
    editions build in this process)."""
    return max(1, min(_cores(context), sum(1 for p in plans if p.stale)))


def stage(edition_plan: EditionPlan, context: BuildContext, out_root: Path) -> Staged:
    """Build one edition's stale outputs into a new staging folder."""
    folder = staging.new_folder(out_root)
    staged = Staged(edition_plan, folder)
    try:
        finishing = []
        for output in edition_plan.stale:
            builder = output.entry.load()(context)
            finishing.append(
                (output.entry.name, builder, builder.start(edition_plan.edition, folder))
            )
        for name, builder, finish in finishing:
            files = [f.relative_to(folder).as_posix() for f in finish()]
            staged.built.append(Built(name, files, builder.pending))
    except OSError as exc:
        staging.discard([folder])
        raise staging.os_problem(exc, "write") from None
    except BaseException:
        staging.discard([folder])
        raise
    return staged


def _stage_in_worker(edition_plan: EditionPlan, context: BuildContext, out_root: Path) -> Staged:
    return stage(edition_plan, replace(context, renderer=None, jobs=1, quiet=True), out_root)


def _run_parallel(
    todo: list[EditionPlan],
    context: BuildContext,
    out_root: Path,
    workers: int,
    started: EventPool | None = None,
) -> list[Staged]:
    if context.renderer is not None:
        context.renderer.close()  # each event worker renders its own PDFs
    own = started is None or started.workers < workers
    events = EventPool(workers) if own else started
    assert events is not None
    events.used = True
    staged: list[Staged] = []
    with (
        events if own else nullcontext(events),  # else closed by whoever started it
        _progress(len(todo), context) as tick,
    ):
        futures = [
            events.pool.submit(_stage_in_worker, p, replace(context, renderer=None), out_root)
            for p in todo
        ]
        try:
            for future in futures:
                staged.append(future.result())
                tick()
        except BaseException:
            for future in futures:
                future.cancel()
            for other in futures:
                if other.done() and not other.cancelled() and other.exception() is None:
                    result = other.result()
                    if result not in staged:
                        staged.append(result)
            staging.discard([s.folder for s in staged])
            raise
    return staged


class _progress:
    """A progress bar on a terminal for builds of several editions; nothing otherwise."""

    def __init__(self, length: int, context: BuildContext) -> None:
        self.bar: Any = None
        if length > 1 and not context.quiet and sys.stderr.isatty():
            import click

            self.bar = click.progressbar(length=length, label="Building", file=sys.stderr)

    def __enter__(self) -> Callable[[], None]:
        if self.bar is None:
            return lambda: None
        self.bar.__enter__()
        return lambda: self.bar.update(1)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def commit(
    staged: list[Staged], plans: list[EditionPlan], context: BuildContext, force: bool = False
) -> list[EditionResult]:
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
    try:
        for edition_plan in plans:
            done = by_plan.get(edition_plan.folder)
            if done is None:
                results.append(_unchanged(edition_plan))
                continue
            results.append(_commit_one(done, context))
    except OSError as exc:
        staging.discard([s.folder for s in staged if s.folder.exists()])
        raise staging.os_problem(exc, "write") from None
    for result, edition_plan in zip(results, plans, strict=True):
        done = by_plan.get(edition_plan.folder)
        for built in done.built if done else ():
            builder = REGISTRY[built.name].load()
            report = builder.record(context, edition_plan.edition, result.folder, built.pending)
            if report is not None:
                result.reports[built.name] = report
        if done is not None:
            _settle(edition_plan, {b.name for b in done.built}, context)
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
        for built in done.built:
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


def _settle(edition_plan: EditionPlan, built: set[str], context: BuildContext) -> None:
    """Record, for each output just built from the register, the register's state now that
    the build has recorded its own certificates there: the next build compares with this
    state, and finds the output up to date unless something else changed the register."""
    outputs = [o for o in edition_plan.outputs if o.entry.register and o.entry.name in built]
    if not outputs:
        return
    state = _register_state(edition_plan.edition, context)
    manifest.set_digests(edition_plan.folder, {o.entry.name: o.digest_with(state) for o in outputs})


def _unchanged(edition_plan: EditionPlan) -> EditionResult:
    folder = edition_plan.folder
    status = {o.entry.name: "up to date" for o in edition_plan.outputs}
    files = [
        folder / f for o in edition_plan.outputs for f in _recorded(edition_plan, o.entry.name)
    ]
    return EditionResult(edition_plan.edition, folder, status, [*files, folder / manifest.NAME])


def _recorded(edition_plan: EditionPlan, name: str) -> list[str]:
    record = manifest.records(edition_plan.manifest).get(name)
    return record.files if record else []


def _commit_one(done: Staged, context: BuildContext) -> EditionResult:
    edition_plan, folder = done.plan, done.folder
    edition = edition_plan.edition
    old = manifest.records(edition_plan.manifest)
    rebuilt = {b.name for b in done.built}
    listed = {f for b in done.built for f in b.files}
    # a rebuilt output's old files go, except those it still lists (a run for some people
    # lists every certificate but writes only theirs: the others are carried over)
    drop = {f for name in rebuilt for f in (old[name].files if name in old else [])} - listed
    if not old:  # an earlier version's manifest: its outputs are ours to replace
        drop |= {
            str(o.get("path"))
            for o in edition_plan.manifest.get("outputs", [])
            if isinstance(o, dict)
        } - listed
    staging.carry_over(edition_plan.folder, folder, drop)
    stamp = context.time.isoformat().replace("+00:00", "Z")
    records = {name: record for name, record in old.items() if name not in rebuilt}
    plans = {o.entry.name: o for o in edition_plan.outputs}
    for built in done.built:
        output = plans[built.name]
        records[built.name] = manifest.OutputRecord(
            digest=output.digest,
            built_at=stamp,
            files=sorted(built.files),
            inputs=output.inputs,
            options=output.options,
        )
    hashes = {
        f: manifest.sha256(folder / f)
        for record in records.values()
        for f in record.files
        if (folder / f).is_file()
    }
    header = {
        "tool": "mi-courseware",
        "version": __version__,
        "built_at": stamp,
        "course": edition.course_id,
        "variant": edition.variant_id,
        "addons": [a.id for a in edition.addons],
        "client": edition.brand.client_id,
        "event": edition.event.id if edition.event else None,
        "theme": edition.theme,
    }
    manifest.write(folder, header, records, hashes)
    staging.swap(folder, edition_plan.folder)
    status = {
        o.entry.name: (f"built ({o.reason})" if o.entry.name in rebuilt else "up to date")
        for o in edition_plan.outputs
    }
    names = [f for o in edition_plan.outputs for f in records[o.entry.name].files]
    files = [edition_plan.folder / f for f in names] + [edition_plan.folder / manifest.NAME]
    return EditionResult(edition, edition_plan.folder, status, files)


class Renderer:
    """PDF worker processes for a command, started on demand (early on a first build, so
    that they import the PDF engine while the project is read) and stopped when it ends."""

    def __init__(self, jobs: int, only: tuple[str, ...]) -> None:
        self.jobs = jobs
        self.wanted = not only or bool(PDF_OUTPUTS & set(only))
        self.renderer: Any = None

    def start(self) -> Any:
        """The renderer, started the first time it is asked for (``None`` if not wanted)."""
        if self.renderer is None and self.wanted:
            from mi_courseware.rendering.pdf import PdfRenderer

            self.renderer = PdfRenderer(self.jobs)
        return self.renderer

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if self.renderer is not None:
            if kind is None:
                self.renderer.close()
            else:
                self.renderer.kill()
