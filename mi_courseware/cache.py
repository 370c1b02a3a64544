"""The resolved-edition cache: repeat builds of unchanged inputs skip reading and checking.

Like Sphinx's stored environment, but as plain JSON (:mod:`mi_courseware.plain`), never
pickle: ``output/`` travels with shared projects, so an entry is untrusted data that can
name no class beyond the Edition's own and no file outside the project. The key is a
SHA-256 over the tool (its version and the stamps of its modules), the command's request
and the bytes of every file under ``content/``, the project's ``themes/`` and the built-in
themes: any change to any input, however small, is a miss, and a hit is exactly what a full
check would have produced. Only successful builds are stored. The cache lives in
``output/.cache/`` (disposable, like all of ``output/``); an entry that cannot be read is a
miss and is written again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mi_courseware import __version__
from mi_courseware.project import ProjectPaths, builtin_dir

log = logging.getLogger(__name__)

FOLDER = ".cache"


def _files(folder: Path) -> Iterable[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(root, name)


def _code_stamp() -> bytes:
    """Size and modification time of the tool's own modules: a changed tool is a miss too,
    even a development copy whose version number has not moved."""
    package = Path(__file__).resolve().parent
    stamp = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        info = path.stat()
        stamp.update(f"{path.relative_to(package)}:{info.st_size}:{info.st_mtime_ns};".encode())
    return stamp.digest()


def inputs_key(paths: ProjectPaths, request: tuple[Any, ...], extra: Iterable[Path] = ()) -> str:
    """A key that changes whenever any input file, the request or the tool changes."""
    digest = hashlib.sha256()
    digest.update(repr((__version__, sys.version_info[:2], request)).encode())
    digest.update(_code_stamp())
    folders = [paths.content, paths.themes]
    builtin = builtin_dir("themes").resolve()
    if not builtin.is_relative_to(paths.root.resolve()):
        folders.append(builtin)
    for folder in folders:
        for path in _files(folder) if folder.is_dir() else ():
            digest.update(str(path.relative_to(folder.parent)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for path in extra:
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()


def _entry(paths: ProjectPaths, key: str) -> Path:
    return paths.output / FOLDER / f"editions-{key[:32]}.json"


def _codec(paths: ProjectPaths) -> Any:
    from mi_courseware.plain import Codec

    return Codec({"project": paths.root, "builtin": builtin_dir("themes")})


def load(paths: ProjectPaths, key: str) -> tuple[list[Any], list[Any]] | None:
    """The editions and the warnings (problems) stored under ``key``, or ``None``.

    Anything that is not an entry this version wrote, whole and for this key, is a miss.
    """
    from mi_courseware.plain import Undecodable

    entry = _entry(paths, key)
    try:
        stored = json.loads(entry.read_bytes())
        if not isinstance(stored, dict) or stored.get("key") != key:
            raise Undecodable("another key")
        codec = _codec(paths)
        editions = codec.decode(stored["editions"])
        warnings = codec.decode(stored["warnings"])
        if not isinstance(editions, list) or not isinstance(warnings, list):
            raise Undecodable("not lists")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, RecursionError) as exc:
        log.debug("edition cache: ignoring %s (%s)", entry.name, exc)
        return None
    return editions, warnings


def save(paths: ProjectPaths, key: str, editions: list[Any], warnings: list[Any]) -> None:
    """Store ``editions`` (and the warnings to repeat) under ``key``; old entries go.

    The cache is an optimisation: when it cannot be written (a read-only or full disk, an
    edition holding something with no plain form), the build goes on without it.
    """
    folder = paths.output / FOLDER
    try:
        codec = _codec(paths)
        data = {"key": key, "editions": codec.encode(editions), "warnings": codec.encode(warnings)}
        folder.mkdir(parents=True, exist_ok=True)
        entries = sorted(folder.glob("editions-*.json"), key=lambda e: e.stat().st_mtime)
        for old in entries[:-15]:  # keep the newest few
            old.unlink(missing_ok=True)
        for stale in folder.glob("editions-*.pickle"):  # what earlier versions wrote
            stale.unlink(missing_ok=True)
        entry = _entry(paths, key)
        temporary = entry.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temporary.replace(entry)
    except (OSError, TypeError) as exc:
        log.debug("edition cache not written: %s", exc)
