"""What shapes each output: its input files (hashed), its options and the tool; one digest.

An output is rebuilt when its digest changes. The files come from the Edition, grouped by the
part they play (course files, text, images, brand, roster) and from the theme folders the
output reads; each builder class says which parts it uses, so that editing one
module rebuilds the pack, guide and deck that include it and leaves the certificates alone.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware import __version__, resident
from mi_courseware.pipeline.manifest import sha256
from mi_courseware.project import builtin_dir

if TYPE_CHECKING:
    from mi_courseware.builders.base import Target


class Hasher:
    """SHA-256 of files, each read once per run."""

    def __init__(self) -> None:
        self.known: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        """The file's hash (``"-"`` when it does not exist)."""
        found = self.known.get(path)
        if found is None:
            found = sha256(path) if path.is_file() else "-"
            self.known[path] = found
        return found


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
