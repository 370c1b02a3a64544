"""Loading a project, checking it whole, resolving targets, and running builders atomically."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mi_courseware import __version__
from mi_courseware.builders import REGISTRY, BuildContext
from mi_courseware.checks import check_project
from mi_courseware.edition import Edition, Selection, plan, resolve
from mi_courseware.errors import Problems, UsageError, did_you_mean
from mi_courseware.loading.project import Project, load_project
from mi_courseware.project import ProjectPaths

log = logging.getLogger(__name__)


def load_checked(paths: ProjectPaths, problems: Problems) -> Project:
    """Read the whole project and run every cross-file check (problems collected)."""
    project = load_project(paths, problems)
    check_project(project, problems)
    return project


def check_timings(project: Project, problems: Problems) -> None:
    """Every variant of every course fits its day; every event resolves completely."""
    for record in project.courses.values():
        course = record.model
        for variant in course.variants or [None]:
            pos = (
                record.position("variants", variant, "sessions")
                if variant
                else record.position("schedule", "end")
            )
            plan(project, record, variant, [], None, pos, problems)
    for ident, record in project.events.items():
        event = record.model
        if event.course in project.courses and event.client in project.clients:
            resolve(project, event_selection(project, ident), problems)


def event_selection(project: Project, ident: str, theme: str | None = None) -> Selection:
    """The selection an event describes."""
    event = project.events[ident].model
    return Selection(
        course=event.course,
        variant=event.variant,
        addons=tuple(event.addons),
        client=event.client,
        event=ident,
        theme=theme or event.theme,
    )


@dataclass(frozen=True)
class Target:
    """What a TARGET argument names."""

    kind: str  # "event" | "course"
    id: str


def find_target(project: Project, text: str) -> Target:
    """An event or a course, by id or by path to its file."""
    path = Path(text)
    if path.suffix in (".yaml", ".yml") and path.exists():
        folder = path.resolve().parent.name
        kind = {"events": "event", "courses": "course"}.get(folder)
        if kind is None:
            raise UsageError(f"{text}: not an event or a course file")
        return Target(kind, path.stem)
    if text in project.events:
        return Target("event", text)
    if text in project.courses:
        return Target("course", text)
    hint = did_you_mean(text, [*project.events, *project.courses])
    raise UsageError(f"no event or course called '{text}'{hint}")


def default_client(project: Project, client: str | None) -> str | None:
    """The client to brand a course build for when ``--client`` is not given."""
    if client is not None:
        return client
    if len(project.clients) == 1:
        return next(iter(project.clients))
    if not project.clients:
        return None
    names = ", ".join(sorted(project.clients))
    raise UsageError(f"choose a client with --client (one of: {names})")


def editions_for(
    project: Project,
    targets: list[Target],
    problems: Problems,
    *,
    client: str | None = None,
    variant: str | None = None,
    addons: tuple[str, ...] = (),
    theme: str | None = None,
) -> list[Edition]:
    """Resolve each target to its Edition; problems are recorded."""
    editions = []
    for target in targets:
        if target.kind == "event":
            selection = event_selection(project, target.id, theme)
        else:
            selection = Selection(
                course=target.id,
                variant=variant,
                addons=addons,
                client=default_client(project, client),
                theme=theme,
            )
        edition = resolve(project, selection, problems)
        if edition is not None:
            editions.append(edition)
    return editions


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildResult:
    """What one edition's build wrote and which requested outputs are not available yet."""

    edition: Edition
    folder: Path
    files: tuple[Path, ...]
    unavailable: tuple[str, ...]


def build_editions(
    editions: list[Edition],
    only: tuple[str, ...],
    context: BuildContext,
    out_root: Path,
    progress: Callable[[str], None] | None = None,
) -> list[BuildResult]:
    """Run the builders for every edition in a staging folder; move each into place whole."""
    unknown = [name for name in only if name not in REGISTRY]
    if unknown:
        raise UsageError(
            f"unknown output '{unknown[0]}' for --only{did_you_mean(unknown[0], REGISTRY)}"
        )
    names = list(only) or list(REGISTRY)
    out_root.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Edition, Path, list[Path], list[str]]] = []
    try:
        # every edition is built before any is moved into place: a failure leaves output/ as it was
        for edition in editions:
            staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_root))
            staged.append((edition, staging, [], []))
            files, unavailable = _run_builders(edition, names, context, staging, progress)
            files.append(_write_manifest(edition, staging, files, context))
            staged[-1] = (edition, staging, files, unavailable)
        results = []
        for edition, staging, files, unavailable in staged:
            final = out_root / edition.slug
            _replace(staging, final)
            written = tuple(final / f.relative_to(staging) for f in files)
            results.append(BuildResult(edition, final, written, tuple(unavailable)))
        return results
    finally:
        for _, staging, _, _ in staged:
            shutil.rmtree(staging, ignore_errors=True)


def _run_builders(
    edition: Edition,
    names: list[str],
    context: BuildContext,
    staging: Path,
    progress: Callable[[str], None] | None,
) -> tuple[list[Path], list[str]]:
    files: list[Path] = []
    unavailable: list[str] = []
    for name in names:
        builder_class = REGISTRY[name].load()
        if builder_class is None:
            unavailable.append(name)
            continue
        builder = builder_class(context)
        if not builder.applies_to(edition):
            continue
        if progress:
            progress(f"{edition.slug}: {name}")
        files.extend(builder.build(edition, staging))
    return files, unavailable


def _write_manifest(
    edition: Edition, staging: Path, files: list[Path], context: BuildContext
) -> Path:
    root = edition.project_root
    manifest = {
        "tool": "mi-courseware",
        "version": __version__,
        "built_at": context.time.isoformat().replace("+00:00", "Z"),
        "course": edition.course_id,
        "variant": edition.variant_id,
        "addons": [a.id for a in edition.addons],
        "client": edition.brand.client_id,
        "event": edition.event.id if edition.event else None,
        "theme": edition.theme,
        "inputs": [
            {"path": str(p.relative_to(root)) if p.is_relative_to(root) else p.name,
             "sha256": sha256(p)}
            for p in edition.sources
            if p.is_file()
        ],
        "outputs": [
            {"path": str(p.relative_to(staging)), "sha256": sha256(p)} for p in sorted(files)
        ],
    }
    path = staging / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _replace(staging: Path, final: Path) -> None:
    """Swap the staged folder in for the old one (two renames; the old one is then removed)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{staging.name}")
        final.rename(old)
    staging.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
