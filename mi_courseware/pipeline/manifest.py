"""``manifest.json``: what a folder's outputs were built from, so a rebuild can skip them.

Top level, as the contract has it: the tool and its version, the build time, what was built
(course, variant, add-ons, client, event, theme), every input and every output with its
SHA-256. Under ``builds``, one entry per output (``pack``, ``slides``, ...): the digest of
everything that shaped it (input files, options, tool), when it was built, the inputs and
options themselves, and the files it wrote. An output whose digest is unchanged and whose
files are intact is up to date.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAME = "manifest.json"


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class OutputRecord:
    """What the manifest says about one output."""

    digest: str
    built_at: str
    files: list[str]
    inputs: list[dict[str, str]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The entry as written under ``builds``."""
        return {
            "digest": self.digest,
            "built_at": self.built_at,
            "options": self.options,
            "inputs": self.inputs,
            "files": self.files,
        }


def read(folder: Path) -> dict[str, Any]:
    """The folder's manifest, or an empty one (none yet, or unreadable: rebuild all)."""
    try:
        data = json.loads((folder / NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def records(manifest: dict[str, Any]) -> dict[str, OutputRecord]:
    """The per-output entries of a manifest (entries this version cannot read are dropped)."""
    found: dict[str, OutputRecord] = {}
    builds = manifest.get("builds")
    if not isinstance(builds, dict):
        return found
    for name, entry in builds.items():
        try:
            files = [str(f) for f in entry["files"]]
            found[str(name)] = OutputRecord(
                digest=str(entry["digest"]),
                built_at=str(entry["built_at"]),
                files=files,
                inputs=list(entry.get("inputs", [])),
                options=dict(entry.get("options", {})),
            )
        except (KeyError, TypeError, ValueError):
            continue
    return found


def intact(folder: Path, manifest: dict[str, Any], files: list[str]) -> str | None:
    """``None`` when every file is in ``folder`` as the manifest recorded it, else why not."""
    recorded = {
        o.get("path"): o.get("sha256") for o in manifest.get("outputs", []) if isinstance(o, dict)
    }
    for name in files:
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if recorded.get(name) != sha256(path):
            return f"{name} was changed since it was built"
    return None


def write(
    folder: Path,
    header: dict[str, Any],
    builds: dict[str, OutputRecord],
    hashes: dict[str, str],
) -> Path:
    """Write the manifest for ``builds`` (``hashes``: file name -> SHA-256 of each output)."""
    inputs: dict[str, str] = {}
    for record in builds.values():
        for entry in record.inputs:
            inputs.setdefault(entry["path"], entry["sha256"])
    manifest = {
        **header,
        "inputs": [{"path": p, "sha256": inputs[p]} for p in sorted(inputs)],
        "outputs": [
            {"path": name, "sha256": hashes[name]}
            for name in sorted({f for r in builds.values() for f in r.files})
            if name in hashes
        ],
        "builds": {name: builds[name].as_json() for name in sorted(builds)},
    }
    return _dump(folder, manifest)


def set_digests(folder: Path, digests: dict[str, str]) -> None:
    """Replace the recorded digest of some outputs (name -> digest) in ``folder``'s manifest."""
    manifest = read(folder)
    builds = manifest.get("builds")
    if not isinstance(builds, dict):
        return
    for name, value in digests.items():
        if isinstance(builds.get(name), dict):
            builds[name]["digest"] = value
    _dump(folder, manifest)


def _dump(folder: Path, manifest: dict[str, Any]) -> Path:
    """Write ``manifest`` in place of the folder's, all at once."""
    path = folder / NAME
    temporary = folder / f".{NAME}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    temporary.replace(path)
    return path
