"""Running builders for Editions and moving their outputs into place, all or nothing.

Needs no project, only Editions (which may come from the cache of resolved editions), so it
imports no model code.
"""

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
from mi_courseware.edition import Edition
from mi_courseware.errors import UsageError, did_you_mean

log = logging.getLogger(__name__)


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


def check_outputs(only: tuple[str, ...]) -> None:
    """Every name given to ``--only`` is a known output (else a usage error, exit 2)."""
    unknown = [name for name in only if name not in REGISTRY]
    if unknown:
        raise UsageError(
            f"unknown output '{unknown[0]}' for --only{did_you_mean(unknown[0], REGISTRY)}"
        )


def build_editions(
    editions: list[Edition],
    only: tuple[str, ...],
    context: BuildContext,
    out_root: Path,
    progress: Callable[[str], None] | None = None,
) -> list[BuildResult]:
    """Run the builders for every edition in a staging folder; move each into place whole."""
    check_outputs(only)
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


def refresh_manifest(folder: Path) -> None:
    """Bring ``manifest.json``'s outputs up to date after a command changed files in place
    (``certificates`` issues into a built folder); a folder never built has no manifest."""
    path = folder / "manifest.json"
    if not path.is_file():
        return
    manifest = json.loads(path.read_text(encoding="utf-8"))
    files = sorted(
        f
        for f in folder.rglob("*")
        if f.is_file()
        and f != path
        and not any(part.startswith(".") for part in f.relative_to(folder).parts)
    )
    manifest["outputs"] = [{"path": str(f.relative_to(folder)), "sha256": sha256(f)} for f in files]
    temporary = path.with_name(".manifest.json.tmp")
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    temporary.replace(path)


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
