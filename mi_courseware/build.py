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
from mi_courseware.edition import Edition, Selection
from mi_courseware.errors import Problems, UsageError, did_you_mean
from mi_courseware.loading.project import Project, load_project
from mi_courseware.project import ProjectPaths
from mi_courseware.resolve import check_claims, plan, resolve

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
            planned, _ = plan(project, record, variant, [], None, pos, problems)
            if variant is not None:
                check_claims(record, variant, planned, problems)
    for ident in project.events:
        check_event_edition(project, ident, problems)


def check_event_edition(project: Project, ident: str, problems: Problems) -> None:
    """Resolve an event completely, unless its course or client is missing (already reported)."""
    event = project.events[ident].model
    if event.course in project.courses and event.client in project.clients:
        resolve(project, event_selection(project, ident), problems)


def check_targets(project: Project, targets: list[Target], problems: Problems) -> None:
    """``validate TARGET``: an event resolves completely, a course in each of its variants."""
    for target in targets:
        if target.kind == "event":
            if target.id in project.events:  # else its file's problems are reported already
                check_event_edition(project, target.id, problems)
            continue
        if target.id not in project.courses:
            continue
        for variant in project.courses[target.id].model.variants or [None]:
            resolve(project, Selection(course=target.id, variant=variant), problems)


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
        if not project.exists(f"{kind}s", path.stem):
            raise UsageError(f"{text}: this project has no {kind} '{path.stem}'")
        return Target(kind, path.stem)
    # a file that failed to load is still a target: its problems are reported, not "no such"
    if project.exists("events", text):
        return Target("event", text)
    if project.exists("courses", text):
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
        check_options(project, target, client=client, variant=variant, addons=addons, theme=theme)
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


def check_options(
    project: Project,
    target: Target,
    *,
    client: str | None,
    variant: str | None,
    addons: tuple[str, ...],
    theme: str | None,
) -> None:
    """Names given on the command line exist (else exit 2, not a problem in a file)."""
    if target.kind == "event":
        given = [
            f"--{n}" for n, v in (("client", client), ("variant", variant), ("addon", addons)) if v
        ]
        if given:
            raise UsageError(
                f"{', '.join(given)}: event '{target.id}' sets its own client, variant and "
                f"add-ons in its file; name the course to build it another way"
            )
    elif target.id in project.courses:  # a course that failed to load has its problems listed
        course = project.courses[target.id].model
        if variant is not None and variant not in course.variants:
            raise UsageError(
                f"--variant: course '{target.id}' has no variant '{variant}'"
                f"{did_you_mean(variant, course.variants)}"
            )
        for ref in addons:
            if ref not in course.addons:
                raise UsageError(
                    f"--addon: add-on '{ref}' is not allowed for course '{target.id}'"
                    f"{did_you_mean(ref, course.addons)}"
                )
        if client is not None and client not in project.clients:
            raise UsageError(
                f"--client: unknown client '{client}'{did_you_mean(client, project.clients)}"
            )
    if theme is not None and theme not in project.themes:
        raise UsageError(f"--theme: unknown theme '{theme}'{did_you_mean(theme, project.themes)}")


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
    created = not out_root.exists()
    out_root.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Edition, Path, list[Path], list[str]]] = []
    done = False
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
        done = True
        for finish in context.finishers:  # outputs are in place: records may say so now
            finish()
        return results
    finally:
        for _, staging, _, _ in staged:
            shutil.rmtree(staging, ignore_errors=True)
        if created and not done and not any(out_root.iterdir()):
            out_root.rmdir()  # output/ did not exist before this failed build


def _run_builders(
    edition: Edition,
    names: list[str],
    context: BuildContext,
    staging: Path,
    progress: Callable[[str], None] | None,
) -> tuple[list[Path], list[str]]:
    files: list[Path] = []
    unavailable: list[str] = []
    pending: list[Callable[[], list[Path]]] = []
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
        pending.append(builder.start(edition, staging))
    for finish in pending:
        files.extend(finish())
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
            {
                "path": str(p.relative_to(root)) if p.is_relative_to(root) else p.name,
                "sha256": sha256(p),
            }
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
