"""Editions as plain JSON, and back: a format that can carry data but never run code.

The edition cache in ``output/`` travels with shared projects and zip files, so what it holds
is untrusted. Unlike pickle, decoding here only ever builds the plain dataclasses named in
:data:`ALLOWED` with the fields they declare, and every path is re-rooted inside the project
(or the built-in themes) it belongs to: a crafted entry can name no file outside them.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from mi_courseware.core import edition, people, slides
from mi_courseware.core import evaluation as evaluation_data
from mi_courseware.errors import Position, Problem


def _dataclasses(*modules: Any) -> dict[str, type]:
    found: dict[str, type] = {}
    for module in modules:
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and dataclasses.is_dataclass(value)
                and value.__module__ == module.__name__
            ):
                found[name] = value
    return found


#: The only classes a decoded document may contain.
ALLOWED: dict[str, type] = {
    **_dataclasses(edition, people, evaluation_data, slides),
    "Problem": Problem,
    "Position": Position,
}


@functools.cache
def _names(cls: type) -> tuple[str, ...]:
    """The names of a dataclass's fields, in order (looked up once per class)."""
    return tuple(f.name for f in dataclasses.fields(cls))


class Undecodable(ValueError):
    """The data is not a document this version wrote; treat it as missing."""


class Codec:
    """Encoder and decoder for one project: paths are stored relative to named roots."""

    def __init__(self, roots: dict[str, Path], private: list[Path] | None = None) -> None:
        self.roots = {name: root.resolve() for name, root in roots.items()}
        #: Folders no decoded path may lead into (the project's records/, output/, .git/).
        self.private = [p.resolve() for p in private or []]
        #: Each path encoded so far (an edition names the same folders many times over:
        #: resolving one is a ``stat`` of each of its parts).
        self._encoded: dict[Path, list[str]] = {}

    def encode(self, value: Any) -> Any:
        """``value`` as JSON-ready data (``TypeError`` for anything that has no plain form)."""
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, Path):
            relative = self._encoded.get(value)
            if relative is None:
                relative = self._encoded[value] = self._relative(value)
            return {"$path": list(relative)}
        if isinstance(value, datetime):
            return {"$datetime": value.isoformat()}
        if isinstance(value, date):
            return {"$date": value.isoformat()}
        if isinstance(value, time):
            return {"$time": value.isoformat()}
        if isinstance(value, tuple):
            return {"$tuple": [self.encode(v) for v in value]}
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            return {"$dict": {k: self.encode(v) for k, v in value.items()}}
        name = type(value).__name__
        if dataclasses.is_dataclass(value) and ALLOWED.get(name) is type(value):
            kind: type = type(value)
            fields = {field: self.encode(getattr(value, field)) for field in _names(kind)}
            return {"$class": name, "fields": fields}
        raise TypeError(f"no plain form for {type(value).__name__}")

    def _relative(self, path: Path) -> list[str]:
        resolved = path.resolve()
        for name, root in self.roots.items():
            if resolved.is_relative_to(root):
                return [name, resolved.relative_to(root).as_posix()]
        raise TypeError(f"path {path} lies outside the project")

    def decode(self, data: Any) -> Any:
        """The value ``data`` encodes; :class:`Undecodable` for anything else."""
        if data is None or isinstance(data, bool | int | float | str):
            return data
        if isinstance(data, list):
            return [self.decode(v) for v in data]
        if not isinstance(data, dict) or len(data) not in (1, 2):
            raise Undecodable("unexpected value")
        try:
            if "$class" in data:
                cls = ALLOWED[data["$class"]]
                fields = data["fields"]
                if not isinstance(fields, dict):
                    raise Undecodable("fields")
                known = {f.name for f in dataclasses.fields(cls) if f.init}
                if not set(fields) <= known:
                    raise Undecodable(f"unknown fields of {data['$class']}")
                return cls(**{k: self.decode(v) for k, v in fields.items()})
            ((tag, value),) = data.items()
            if tag == "$path":
                return self._path(value)
            if tag == "$tuple" and isinstance(value, list):
                return tuple(self.decode(v) for v in value)
            if tag == "$dict" and isinstance(value, dict):
                return {str(k): self.decode(v) for k, v in value.items()}
            if tag == "$date" and isinstance(value, str):
                return date.fromisoformat(value)
            if tag == "$time" and isinstance(value, str):
                return time.fromisoformat(value)
            if tag == "$datetime" and isinstance(value, str):
                return datetime.fromisoformat(value)
        except (KeyError, TypeError, ValueError) as exc:
            raise Undecodable(str(exc)) from None
        raise Undecodable(f"unknown tag in {sorted(data)}")

    def _path(self, value: Any) -> Path:
        if not (isinstance(value, list) and len(value) == 2 and value[0] in self.roots):
            raise Undecodable("path")
        root = self.roots[value[0]]
        try:
            path = (root / str(value[1])).resolve()
        except (OSError, RuntimeError, ValueError):
            raise Undecodable("a path that cannot be resolved") from None
        if not path.is_relative_to(root):
            raise Undecodable("a path outside its root")
        if any(path.is_relative_to(folder) for folder in self.private):
            raise Undecodable(f"a path into {value[1]!r}, a private folder")
        return path
