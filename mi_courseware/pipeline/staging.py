"""Building outputs in a staging folder and putting the folder in place whole.

An edition's folder is rebuilt beside itself (``<out>/.staging-<pid>-...``): the outputs
that are built write there, the files of every other output, and files the user put in the
folder, are linked in from the current folder (same bytes, same modification times), the
manifest is written, and then the staged folder takes the old one's place with two renames.
Until then ``output/`` is as it was; a build that fails or is killed leaves it so (a killed
build's staging folder is removed by the next build, which says so).
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mi_courseware.errors import MiCoursewareError, display_path
from mi_courseware.workers import remove_stale

log = logging.getLogger(__name__)

STAGING = ".staging-"
OLD = ".old-"


class OutputError(MiCoursewareError):
    """The output folder cannot be written (permissions, a full disk, a bad path)."""


def os_problem(exc: OSError, doing: str, where: Path | None = None) -> OutputError:
    """An operating-system failure while writing outputs, in words a user can act on."""
    if where is not None:
        shown = display_path(where)
    else:
        shown = display_path(Path(exc.filename)) if exc.filename else "the output folder"
    if exc.errno == errno.ENOSPC:
        reason = "the disk is full"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "permission denied (is it read-only?)"
    elif exc.errno == errno.ENAMETOOLONG:
        reason = "the path is too long"
    else:
        reason = exc.strerror or str(exc)
    return OutputError(f"cannot {doing} {shown}: {reason}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def new_folder(out_root: Path) -> Path:
    """A fresh staging folder in ``out_root`` with the permissions the user's umask gives."""
    try:
        out_root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-", dir=out_root))
        folder.chmod(0o777 & ~_umask())  # mkdtemp makes it private; outputs are not
    except OSError as exc:
        raise os_problem(exc, "write to", out_root) from None
    return folder


def clear_stale(out_root: Path) -> None:
    """Remove staging and old folders that killed builds left behind."""
    remove_stale(out_root, STAGING, "staging folders")
    remove_stale(out_root, OLD, "replaced output folders")


def carry_over(final: Path, staging: Path, drop: set[str]) -> list[str]:
    """Link every file of ``final`` into ``staging`` except those in ``drop`` (relative
    names) and the manifest; hidden files and folders stay behind. Returns the names."""
    kept: list[str] = []
    if not final.is_dir():
        return kept
    for top, dirs, names in os.walk(final):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            source = Path(top, name)
            relative = source.relative_to(final).as_posix()
            if name.startswith(".") or relative in drop or relative == "manifest.json":
                continue
            target = staging / relative
            if target.exists():  # this build wrote it anew
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:  # a file system without hard links: a copy keeps the times too
                log.debug("copying %s (cannot link it)", relative)
                shutil.copy2(source, target)
            kept.append(relative)
    return kept


def swap(staging: Path, final: Path) -> None:
    """Put the staged folder in place of ``final`` (two renames), then remove the old one."""
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = staging.parent / f"{OLD}{os.getpid()}-{final.name}"
        final.rename(old)
    staging.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def no_new_folder(folder: Path) -> Iterator[None]:
    """A build into ``folder`` that fails leaves no empty ``folder`` behind when it was not
    there before (``output/``, or the folder of a path the user named)."""
    created = not folder.exists()
    try:
        yield
    except BaseException:
        if created and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        raise


def discard(folders: list[Path]) -> None:
    """Remove staging folders of a build that did not finish."""
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
