"""What shapes each output: its input files (hashed), its options and the tool; one digest.

An output is rebuilt when its digest changes. The files come from the Edition, grouped by the
part they play (course files, text, images, brand, roster) and from the theme folders the
output reads; each builder class says which parts it uses, so that editing one
module rebuilds the pack, guide and deck that include it and leaves the certificates alone.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware import __version__, resident
from mi_courseware.pipeline.manifest import sha256
from mi_courseware.project import builtin_dir

if TYPE_CHECKING:
    from mi_courseware.builders.base import Target


#: SHA-256 of every file of the built-in themes, taken once by the resident server (every
#: first build it runs hashes them, 4 MB of fonts in the main), each with the size, time
#: and inode it had then: a file that keeps all three is taken to be unchanged, as the
#: server's code fingerprint takes the package's files to be.
_BUILTIN: dict[Path, tuple[tuple[int, int, int], str]] = {}


def _stamp(found: os.stat_result) -> tuple[int, int, int]:
    return found.st_size, found.st_mtime_ns, found.st_ino


@resident.ahead
def hash_builtin_themes() -> int:
    """Hash the built-in themes' files ahead (in the resident server); how many."""
    for path in sorted(builtin_dir("themes").rglob("*")):
        if path.is_file():
            _BUILTIN[path] = (_stamp(path.stat()), sha256(path))
    return len(_BUILTIN)


class Hasher:
    """SHA-256 of files, each read once per run."""

    def __init__(self) -> None:
        self.known: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        """The file's hash (``"-"`` when it does not exist)."""
        found = self.known.get(path)
        if found is None:
            found = _hash(path)
            self.known[path] = found
        return found


def _hash(path: Path) -> str:
    try:
        found = path.stat()
    except OSError as exc:  # as Path.is_file() has it: a missing file, else the error
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP):
            raise
        return "-"
    if not stat.S_ISREG(found.st_mode):
        return "-"
    kept = _BUILTIN.get(path)
    if kept is not None and kept[0] == _stamp(found):
        return kept[1]
    return sha256(path)


@resident.ahead
@functools.cache
def code_stamp() -> str:
    """Size and modification time of the tool's own modules: a changed development copy
    counts as a different tool, even when its version number has not moved.

    Taken once a process: it describes the code this process runs, which was read when its
    modules were imported (a resident server's fingerprint covers these files too)."""
    stamp = hashlib.sha256(__version__.encode())
    for name, size, time in resident.package_files():
        if name.endswith(".py"):
            stamp.update(f"{name}:{size}:{time};".encode())
    return stamp.hexdigest()


@functools.cache
def display(path: Path, root: Path) -> str:
    """A path as the manifest shows it: relative to the project, or to the built-in themes
    or scales.

    Remembered for the run: the outputs of an edition share most of their inputs, and
    resolving each path again for each output was a third of a no-change rebuild."""
    resolved = path.resolve()
    if resolved.is_relative_to(root):
        return resolved.relative_to(root).as_posix()
    for name in ("themes", "scales"):
        builtin = _builtin(name)
        if resolved.is_relative_to(builtin):
            return f"<built-in {name}>/" + resolved.relative_to(builtin).as_posix()
    return resolved.as_posix()


@functools.cache
def _builtin(name: str) -> Path:
    return builtin_dir(name).resolve()


def _walk(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(top, name)


def theme_files(edition: Target, parts: Iterable[str]) -> list[Path]:
    """The files of the theme chain an output reads (``templates``, ``css``, ``slides``...),
    and every file of the client's ``templates/`` overrides."""
    files: list[Path] = []
    for folder in edition.theme_dirs:
        for part in parts:
            files += _walk(folder / part)
        files += [p for p in (folder / "theme.yaml",) if p.is_file()]
    files += _walk(edition.brand.folder / "templates")
    return files


def output_inputs(edition: Target, uses: Iterable[str], theme_parts: Iterable[str]) -> list[Path]:
    """Every file that shapes one output of ``edition`` (or of a project-level subject), in
    a stable order, once each."""
    files: list[Path] = []
    for role in uses:
        files += edition.inputs.get(role, ())
    files += theme_files(edition, theme_parts)
    return list(dict.fromkeys(files))


def digest(
    name: str,
    inputs: list[dict[str, str]],
    options: dict[str, Any],
    state: str,
    tool: str,
) -> str:
    """One hash of everything that shapes an output."""
    text = json.dumps(
        {"output": name, "tool": tool, "options": options, "inputs": inputs, "state": state},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def changes(old: list[dict[str, str]], new: list[dict[str, str]]) -> list[str]:
    """The input files that differ between two manifests' lists, as short phrases."""
    before = {e["path"]: e["sha256"] for e in old if "path" in e and "sha256" in e}
    after = {e["path"]: e["sha256"] for e in new}
    said = [f"{p} changed" for p in after if p in before and before[p] != after[p]]
    said += [f"{p} is new" for p in after if p not in before]
    said += [f"{p} is no longer used" for p in before if p not in after]
    return said
