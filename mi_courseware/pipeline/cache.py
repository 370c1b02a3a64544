"""The resolved-edition cache: repeat builds of unchanged inputs skip reading and checking.

Like Sphinx's stored environment, but as plain JSON (:mod:`mi_courseware.core.plain`), never
pickle: ``output/`` travels with shared projects, so an entry is untrusted data that can
name no class beyond the Edition's own and no file outside the project. The key is a
SHA-256 over the tool (its version and the stamps of its modules), the command's request
and the bytes of every file under ``content/``, the project's ``themes/`` and the built-in
themes: any change to any input, however small, is a miss, and a hit is exactly what a full
check would have produced. Only successful builds are stored. The cache lives in
``output/.cache/`` (disposable, like all of ``output/``); an entry that cannot be read is a
miss and is written again.

Every entry is authenticated: it begins with an HMAC-SHA256 of its body under a secret of
the project's own (:data:`SECRET`, in ``records/``, readable by its owner only), so an entry
someone else wrote (a crafted file in a shared ``output/``) is discarded with a note, never
decoded. A decoded entry is then held to the rules fresh input is held to (no path into the
project's private folders), and each document still reads only its own list of files.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mi_courseware import __version__
from mi_courseware.project import ProjectPaths, builtin_dir

log = logging.getLogger(__name__)

FOLDER = ".cache"
#: The project's secret that authenticates what it keeps in ``output/.cache/``.
SECRET = "cache-secret"
_MAC_BYTES = 64  # an HMAC-SHA256 in hex, then a newline, then the entry's body


def project_secret(paths: ProjectPaths, create: bool) -> bytes | None:
    """The project's cache secret (``records/cache-secret``, owner-only), made when asked and
    missing; ``None`` when there is none and none can be made (a read-only ``records/``):
    then nothing is cached, and ``-v`` says so."""
    path = paths.records / SECRET
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
        raise OSError("too short")
    except FileNotFoundError:
        if not create:
            return None
    except OSError as exc:
        log.info("edition cache off: its secret %s cannot be read (%s)", path, exc)
        return None
    try:
        paths.records.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{SECRET}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_hex(32).encode())
        try:
            os.link(temporary, path)  # never replaces a secret another build made meanwhile
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
        return path.read_bytes()
    except OSError as exc:
        log.info("edition cache off: no secret can be kept in %s (%s)", paths.records, exc)
        return None


def sign(secret: bytes, body: bytes) -> bytes:
    """``body`` with its MAC in front (what an entry file holds)."""
    return hmac.new(secret, body, hashlib.sha256).hexdigest().encode() + b"\n" + body


def verified(secret: bytes, data: bytes) -> bytes | None:
    """The body of an entry file whose MAC is right, else ``None``."""
    mac, newline, body = data[:_MAC_BYTES], data[_MAC_BYTES : _MAC_BYTES + 1], data[65:]
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest().encode()
    if newline != b"\n" or not hmac.compare_digest(mac, expected):
        return None
    return body


def _files(folder: Path) -> Iterable[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(root, name)


def _code_stamp() -> bytes:
    """The tool's own stamp (its version and modules): a changed tool is a miss too."""
    from mi_courseware.pipeline.inputs import code_stamp

    return code_stamp().encode()


def inputs_key(
    paths: ProjectPaths,
    request: tuple[Any, ...],
    extra: Iterable[Path] = (),
    hasher: Any = None,
) -> str:
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
            digest.update(_hash(path, hasher).encode())
    for path in extra:
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()


def _entry(paths: ProjectPaths, key: str) -> Path:
    return paths.output / FOLDER / f"editions-{key[:32]}.json"


def _codec(paths: ProjectPaths) -> Any:
    from mi_courseware.core.plain import Codec
    from mi_courseware.loading.allowed import PRIVATE

    return Codec(
        {"project": paths.root, "builtin": builtin_dir("themes")},
        private=[paths.root / name for name in PRIVATE],
    )


def load(paths: ProjectPaths, key: str, hasher: Any = None) -> tuple[list[Any], list[Any]] | None:
    """The editions and the warnings (problems) stored under ``key``, or ``None``.

    Anything that is not an entry this version wrote, whole and for this key, is a miss; so
    is an entry whose editions read a file outside the hashed folders (a roster kept
    elsewhere in the project) that has changed since.
    """
    from mi_courseware.core.plain import Undecodable

    entry = _entry(paths, key)
    if not entry.is_file():
        return None
    secret = project_secret(paths, create=False)
    if secret is None:
        log.info("edition cache: %s ignored, the project has no cache secret", entry.name)
        return None
    try:
        body = verified(secret, entry.read_bytes())
        if body is None:
            log.warning(
                "%s: ignored: this cache entry is not signed by this project (written by an "
                "earlier version of the tool, or by someone else); the project is read again",
                entry.relative_to(paths.root) if entry.is_relative_to(paths.root) else entry,
            )
            entry.unlink(missing_ok=True)
            return None
        stored = json.loads(body)
        if not isinstance(stored, dict) or stored.get("key") != key:
            raise Undecodable("another key")
        codec = _codec(paths)
        editions = codec.decode(stored["editions"])
        warnings = codec.decode(stored["warnings"])
        extras = codec.decode(stored["extras"])
        if not (isinstance(editions, list) and isinstance(warnings, list)):
            raise Undecodable("not lists")
        if not isinstance(extras, dict):
            raise Undecodable("extras")
        for path, digest in extras.items():
            if not isinstance(path, str) or _hash(paths.root / path, hasher) != digest:
                log.debug("edition cache: %s changed", path)
                return None
    except FileNotFoundError:
        return None
    except Undecodable as exc:
        log.warning(
            "%s: ignored: a cache entry that breaks the rules for input (%s); the project "
            "is read again",
            entry.relative_to(paths.root) if entry.is_relative_to(paths.root) else entry,
            exc,
        )
        return None
    except (OSError, ValueError, KeyError, RecursionError) as exc:
        log.debug("edition cache: ignoring %s (%s)", entry.name, exc)
        return None
    return editions, warnings


def _hash(path: Path, hasher: Any) -> str:
    if hasher is not None:
        return str(hasher(path))
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "-"


def _extras(paths: ProjectPaths, editions: list[Any], hasher: Any) -> dict[str, str]:
    """Files the editions were made from that the key's folders do not cover."""
    covered = [paths.content.resolve(), paths.themes.resolve(), builtin_dir("themes").resolve()]
    root = paths.root.resolve()
    found: dict[str, str] = {}
    for edition in editions:
        for group in edition.inputs.values():
            for path in group:
                resolved = path.resolve()
                if any(resolved.is_relative_to(c) for c in covered):
                    continue
                if not resolved.is_relative_to(root):
                    raise TypeError(f"{path} lies outside the project")
                found[resolved.relative_to(root).as_posix()] = _hash(resolved, hasher)
    return found


def save(
    paths: ProjectPaths, key: str, editions: list[Any], warnings: list[Any], hasher: Any = None
) -> None:
    """Store ``editions`` (and the warnings to repeat) under ``key``; old entries go.

    The cache is an optimisation: when it cannot be written (a read-only or full disk, an
    edition holding something with no plain form), the build goes on without it.
    """
    folder = paths.output / FOLDER
    secret = project_secret(paths, create=True)
    if secret is None:
        return
    try:
        codec = _codec(paths)
        data = {
            "key": key,
            "editions": codec.encode(editions),
            "warnings": codec.encode(warnings),
            "extras": codec.encode(_extras(paths, editions, hasher)),
        }
        folder.mkdir(parents=True, exist_ok=True)
        entries = sorted(folder.glob("editions-*.json"), key=lambda e: e.stat().st_mtime)
        for old in entries[:-15]:  # keep the newest few
            old.unlink(missing_ok=True)
        for stale in folder.glob("editions-*.pickle"):  # what earlier versions wrote
            stale.unlink(missing_ok=True)
        entry = _entry(paths, key)
        temporary = entry.with_suffix(".tmp")
        temporary.write_bytes(sign(secret, json.dumps(data, ensure_ascii=False).encode()))
        temporary.replace(entry)
    except (OSError, TypeError) as exc:
        log.debug("edition cache not written: %s", exc)
