"""The build pipeline: one function, named phases, every input read and checked first.

    find the project -> read -> check (every problem, once) -> resolve the targets
    -> plan outputs (which are stale, and why: plan.py) -> build what is stale (staging
    folders: stage.py) -> commit (each folder swapped in whole: commit.py) -> record (the
    certificate register)

A target is an Edition (``build``), or a project-level subject that a command resolves and
hands to :func:`build_targets` (a practitioner's feedback report: ``coding report``); its
outputs are those of the builders whose ``target`` names its kind. Outputs written to a path
the user names go through the same phases in :mod:`mi_courseware.pipeline.named`.

In the spirit of MkDocs' ``build()`` and Sphinx's read-then-write phases: nothing is written
until everything has been read and checked, and a build that fails leaves ``output/`` as it
was. Reading, checking and resolving are skipped when the edition cache holds the result for
exactly these inputs; building is skipped for each output whose recorded inputs, options and
tool are unchanged (``--force`` builds all).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mi_courseware import builders, resident
from mi_courseware.builders.base import BuildContext
from mi_courseware.core.edition import Edition
from mi_courseware.errors import Problem, UsageError
from mi_courseware.pipeline import staging
from mi_courseware.pipeline.commit import Staged, TargetResult, commit
from mi_courseware.pipeline.inputs import Hasher
from mi_courseware.pipeline.plan import TargetPlan, check_outputs, plan
from mi_courseware.pipeline.stage import stage
from mi_courseware.project import ProjectPaths

log = logging.getLogger("mi_courseware")


@dataclass(frozen=True)
class BuildRequest:
    """What to build: a target, several (``target`` and ``others``), or every event; and
    the outputs asked for."""

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
    #: Print the courses' sample quotes, marked as samples (``build --with-samples``).
    samples: bool = False
    #: Targets named after the first (``build a b``): each built as if named alone.
    others: tuple[str, ...] = ()

    def named(self) -> tuple[str, ...]:
        """Every target named, in order, each once (none: every event)."""
        return tuple(dict.fromkeys((self.target, *self.others) if self.target else ()))

    def choices(self) -> dict[str, Any]:
        """The options that pick the edition."""
        return {
            "client": self.client,
            "variant": self.variant,
            "addons": self.addons,
            "theme": self.theme,
            "samples": self.samples,
        }


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
) -> list[TargetResult]:
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
    several = len(request.named()) != 1 and _cores(context) > 1
    # (in the resident server the builders' libraries are imported already: built here)
    ahead = (
        not several and _cores(context) > 1 and _made_aside(request.only) and not resident.served_by
    )
    workers = _cores(context) if several else 1
    if ahead:
        log.debug(
            "%s: made in a worker started before the project is read", ", ".join(request.only)
        )
    with EventPool(workers, request.only) if several or ahead else nullcontext() as pool:
        early = None if several else start_renderer
        editions, warnings, remember = gather(paths, request, hasher, early)
        warn(warnings)
        if context.roster is not None:  # read and checked here, once (no model imported else)
            from mi_courseware.pipeline.targets import roster_override

            people = roster_override(context.roster, editions, warn)
            context = replace(context, roster_people=people)
        plans = plan(
            editions,
            request.only,
            context,
            out_root,
            hasher,
            force=request.force,
            require=request.require,
        )
        if (
            start_renderer is not None
            and context.renderer is None
            and any(o.builder.renders_pdf for p in plans for o in p.stale)
            and _event_workers(plans, context) <= 1
        ):
            context = replace(context, renderer=start_renderer())
        with staging.no_new_folder(out_root):
            results = commit(run(plans, context, out_root, pool), plans, context, request.force)
    remember()
    return results


class EventPool:
    """Worker processes for building several editions at once, started before the project
    is read: each imports what the outputs asked for are made with (the PDF engine: about a
    second) while the main process reads, checks and resolves. Closed unused, they are
    stopped at once."""

    def __init__(self, workers: int, only: tuple[str, ...] = ()) -> None:
        from functools import partial

        from mi_courseware.workers import WorkerPool

        self.workers = workers
        self.used = False
        self.pool = WorkerPool("event", workers, warm=partial(_warm, only))

    def __enter__(self) -> EventPool:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        """The block done, wait for the workers when they built something; else (nothing
        built, or the build failed or was interrupted) stop them where they are."""
        if self.used and kind is None:
            self.pool.close()
        else:
            self.pool.kill()


def _warm(only: tuple[str, ...]) -> None:
    """In a new event worker: import what building the outputs ``only`` names (else every
    output ``build`` makes) takes, while the main process reads (each builder's
    ``preload``)."""
    import importlib

    for name in only or builders.edition_outputs():
        for module in builders.REGISTRY[name].preload if name in builders.REGISTRY else ():
            try:
                importlib.import_module(module)
            except ImportError as exc:  # imported when the output is built, and failing there
                log.debug("%s: %s not imported ahead (%s)", name, module, exc)


def gather(
    paths: ProjectPaths,
    request: BuildRequest,
    hasher: Hasher,
    start_renderer: Callable[[], Any] | None = None,
) -> tuple[list[Edition], list[Problem], Callable[[], None]]:
    """Read, check and resolve, or take the result from the edition cache when every input
    is unchanged. Returns the editions, the warnings, and how to store them once built."""
    from mi_courseware.pipeline import cache

    key = cache.inputs_key(
        paths, ("build", *request.named(), *request.choices().values()), hasher=hasher
    )
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
    """Read what the target needs (every event: the whole project), report every problem at
    once, resolve the editions."""
    from mi_courseware.errors import ContentError, Problems
    from mi_courseware.pipeline.targets import load_checked, roster_notes, scope_of
    from mi_courseware.resolving.targets import Target, editions_for, find_target

    problems = Problems()
    scope = scope_of(request.named(), request.choices()) if request.named() else None
    project = load_checked(paths, problems, scope)
    if problems.errors:
        raise ContentError(problems.items)
    if request.named():
        targets = list(dict.fromkeys(find_target(project, t) for t in request.named()))
    else:
        targets = [Target("event", ident) for ident in project.events]
        if not targets:
            raise UsageError("nothing to build: the project has no events; name a course")
    # with courses among several targets, --client, --variant and --addon are theirs: each
    # event is built as its file says, as if named alone
    mixed = len(targets) > 1 and any(t.kind == "course" for t in targets)
    editions = []
    for target in targets:
        choices = request.choices()
        if mixed and target.kind == "event":
            choices = {"theme": request.theme}
        editions += editions_for(project, [target], problems, **choices)
    if problems.errors:
        raise ContentError(problems.items)
    roster_notes(project, [t.id for t in targets if t.kind == "event"], problems)
    return editions, problems.warnings


def build_targets(
    targets: list[Any],
    only: tuple[str, ...],
    context: BuildContext,
    out_root: Path,
    *,
    force: bool = False,
) -> list[TargetResult]:
    """Plan, build and commit ``targets`` already resolved (editions, or project-level
    subjects: :mod:`mi_courseware.resolving.subjects`) in ``out_root``, with no project reading."""
    if any(isinstance(t, Edition) for t in targets):
        check_outputs(only)
    context = replace(context, out_root=out_root)
    staging.clear_stale(out_root)
    plans = plan(targets, only, context, out_root, Hasher(), force=force)
    with staging.no_new_folder(out_root):
        return commit(run(plans, context, out_root), plans, context, force)


def run(
    plans: list[TargetPlan],
    context: BuildContext,
    out_root: Path,
    pool: EventPool | None = None,
) -> list[Staged]:
    """Build every stale output into staging folders (editions in parallel when several)."""
    todo = [p for p in plans if p.stale]
    for target_plan in plans:
        for output in target_plan.outputs:
            what = f"built ({output.reason})" if output.reason else "up to date"
            if output.kept:
                what = "kept: the event is over (build it again with --force)"
            log.info("%s: %s %s", target_plan.label, output.name, what)
    workers = _event_workers(plans, context)
    staged: list[Staged] = []
    try:
        if workers > 1 or (pool is not None and todo):
            staged = _run_parallel(todo, context, out_root, workers, pool)
        else:
            with _progress(len(todo), context) as tick:
                for target_plan in todo:
                    staged.append(stage(target_plan, context, out_root))
                    tick()
    except BaseException:
        staging.discard([s.folder for s in staged])
        raise
    return staged


def _made_aside(only: tuple[str, ...]) -> bool:
    """Whether one edition's outputs ``only`` are made in a worker started before the
    project is read (each builder's ``aside``: the deck, the Word packs, the calendar),
    which imports their builders' modules while this process reads and checks. A PDF is
    laid out by the PDF workers, started early for the same reason; the certificates
    spread over every core from a worker of their own."""
    return bool(only) and all(
        name in builders.REGISTRY and builders.REGISTRY[name].aside for name in only
    )


def _cores(context: BuildContext) -> int:
    from mi_courseware.workers import cores, forking

    return cores(context.jobs or 0) if forking() else 1


def _event_workers(plans: list[TargetPlan], context: BuildContext) -> int:
    """How many worker processes build the editions with something to build (1: none, the
    editions build in this process)."""
    return max(1, min(_cores(context), sum(1 for p in plans if p.stale)))


def _stage_in_worker(target_plan: TargetPlan, context: BuildContext, out_root: Path) -> Staged:
    return stage(target_plan, replace(context, renderer=None, jobs=1, quiet=True), out_root)


def _run_parallel(
    todo: list[TargetPlan],
    context: BuildContext,
    out_root: Path,
    workers: int,
    started: EventPool | None = None,
) -> list[Staged]:
    if context.renderer is not None:
        context.renderer.close()  # each event worker renders its own PDFs
    own = started is None or started.workers < workers
    names = tuple(dict.fromkeys(o.name for p in todo for o in p.stale))
    events = EventPool(workers, names) if own else started
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


class Renderer:
    """PDF worker processes for a command, started on demand (early on a first build, so
    that they import the PDF engine while the project is read) and stopped when it ends."""

    def __init__(self, jobs: int, only: tuple[str, ...]) -> None:
        self.jobs = jobs
        pdfs = [n for n in only if n in builders.REGISTRY and builders.REGISTRY[n].renders_pdf]
        self.wanted = not only or bool(pdfs)
        #: A long document is laid out in parts only when it is the one PDF the build makes
        #: (``--only pack``): several PDFs already keep the workers busy side by side.
        self.parts = len(pdfs) == 1
        self.renderer: Any = None

    def start(self) -> Any:
        """The renderer, started the first time it is asked for (``None`` if not wanted)."""
        if self.renderer is None and self.wanted:
            from mi_courseware.rendering.pdf import PdfRenderer

            self.renderer = PdfRenderer(self.jobs, parts=self.parts)
        return self.renderer

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if self.renderer is not None:
            if kind is None:
                self.renderer.close()
            else:
                self.renderer.kill()


__all__ = [
    "BuildRequest",
    "Renderer",
    "TargetPlan",
    "TargetResult",
    "build",
    "build_targets",
    "check_outputs",
    "commit",
    "gather",
    "plan",
    "read_check_resolve",
    "run",
    "stage",
]
