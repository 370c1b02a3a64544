"""The OPC zip behind a PPTX: parts by name, relationships, content types, reproducible saving.

A deck is written with fixed zip entry times and a fixed entry order (``[Content_Types].xml``
first, then the parts in the order they were added), so the same inputs give the same bytes.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

CONTENT_TYPES = "[Content_Types].xml"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: Relationship types used by the writer.
RT = {
    "slide": f"{REL}/slide",
    "layout": f"{REL}/slideLayout",
    "master": f"{REL}/slideMaster",
    "notes": f"{REL}/notesSlide",
    "notes_master": f"{REL}/notesMaster",
    "image": f"{REL}/image",
    "hyperlink": f"{REL}/hyperlink",
    "theme": f"{REL}/theme",
}
#: Content types of the parts the writer adds.
CT = {
    "slide": "application/vnd.openxmlformats-officedocument.presentationml.slide+xml",
    "notes": "application/vnd.openxmlformats-officedocument.presentationml.notesSlide+xml",
}


@dataclass
class Relationship:
    """One relationship from a part: id, type and target (relative, or external)."""

    id: str
    type: str
    target: str
    external: bool = False


@dataclass
class Rels:
    """The relationships of one part."""

    items: list[Relationship] = field(default_factory=list)

    def add(self, rel_type: str, target: str, external: bool = False) -> str:
        """Add (or reuse) a relationship; returns its id."""
        for rel in self.items:
            if rel.type == rel_type and rel.target == target and rel.external == external:
                return rel.id
        used = {r.id for r in self.items}
        number = len(self.items) + 1
        while f"rId{number}" in used:
            number += 1
        self.items.append(Relationship(f"rId{number}", rel_type, target, external))
        return f"rId{number}"

    def of_type(self, rel_type: str) -> list[Relationship]:
        """The relationships of one type, in order."""
        return [r for r in self.items if r.type == rel_type]

    def to_xml(self) -> bytes:
        """The ``.rels`` part."""
        lines = [
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{RELS_NS}">'
        ]
        for rel in self.items:
            mode = ' TargetMode="External"' if rel.external else ""
            lines.append(
                f'<Relationship Id="{rel.id}" Type="{rel.type}" '
                f'Target="{escape(rel.target)}"{mode}/>'
            )
        lines.append("</Relationships>")
        return "".join(lines).encode("utf-8")

    @classmethod
    def parse(cls, data: bytes) -> Rels:
        """Read a ``.rels`` part."""
        from lxml import etree

        rels = cls()
        for item in etree.fromstring(data).iter(f"{{{RELS_NS}}}Relationship"):
            rels.items.append(
                Relationship(
                    item.get("Id", ""),
                    item.get("Type", ""),
                    item.get("Target", ""),
                    item.get("TargetMode") == "External",
                )
            )
        return rels


def escape(text: str) -> str:
    """Text for an XML attribute value (xml.sax.saxutils costs 10 ms to import)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def rels_name(part: str) -> str:
    """``ppt/slides/slide1.xml`` -> ``ppt/slides/_rels/slide1.xml.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def relative(source: str, target: str) -> str:
    """The target of a relationship from ``source`` to ``target`` (both part names)."""
    return posixpath.relpath(target, posixpath.dirname(source))


def resolve(source: str, target: str) -> str:
    """The part name a relationship target from ``source`` points to."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


class Package:
    """An OPC package in memory: part name -> bytes, with content types and relationships."""

    def __init__(self, parts: dict[str, bytes]) -> None:
        self.parts = parts
        self._rels: dict[str, Rels] = {}
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}
        self._read_content_types(parts.pop(CONTENT_TYPES))

    @classmethod
    def open(cls, path: Path) -> Package:
        """Read a package from a file."""
        with zipfile.ZipFile(path) as archive:
            return cls({info.filename: archive.read(info) for info in archive.infolist()})

    def _read_content_types(self, data: bytes) -> None:
        from lxml import etree

        for item in etree.fromstring(data):
            kind = etree.QName(item).localname
            if kind == "Default":
                self.defaults[item.get("Extension", "").lower()] = item.get("ContentType", "")
            elif kind == "Override":
                self.overrides[item.get("PartName", "").lstrip("/")] = item.get("ContentType", "")

    def rels(self, part: str) -> Rels:
        """The (mutable) relationships of ``part``; ``""`` for the package's own."""
        if part not in self._rels:
            name = "_rels/.rels" if part == "" else rels_name(part)
            data = self.parts.pop(name, None)
            self._rels[part] = Rels.parse(data) if data else Rels()
        return self._rels[part]

    def add(self, name: str, data: bytes, content_type: str | None = None) -> None:
        """Add or replace a part (``content_type`` for parts whose extension says too little)."""
        self.parts[name] = data
        if content_type is not None:
            self.overrides[name] = content_type

    def remove(self, name: str) -> None:
        """Remove a part and its relationships."""
        self.parts.pop(name, None)
        self.parts.pop(rels_name(name), None)
        self._rels.pop(name, None)
        self.overrides.pop(name, None)

    def add_default(self, extension: str, content_type: str) -> None:
        """Declare the content type of every part with ``extension``."""
        self.defaults.setdefault(extension.lower(), content_type)

    def _content_types(self) -> bytes:
        lines = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns='
            '"http://schemas.openxmlformats.org/package/2006/content-types">'
        ]
        for ext, ctype in sorted(self.defaults.items()):
            lines.append(f'<Default Extension="{escape(ext)}" ContentType="{escape(ctype)}"/>')
        for name, ctype in self.overrides.items():
            if name in self.parts:
                lines.append(
                    f'<Override PartName="/{escape(name)}" ContentType="{escape(ctype)}"/>'
                )
        lines.append("</Types>")
        return "".join(lines).encode("utf-8")

    def save(self, path: Path, when: datetime) -> None:
        """Write the package with every entry dated ``when`` and in a fixed order."""
        stamp = _zip_time(when)
        entries: list[tuple[str, bytes]] = [(CONTENT_TYPES, self._content_types())]
        if "" in self._rels:
            entries.append(("_rels/.rels", self._rels[""].to_xml()))
        for name, data in self.parts.items():
            entries.append((name, data))
            rels = self._rels.get(name)
            if rels is not None and rels.items:
                entries.append((rels_name(name), rels.to_xml()))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = (
                    zipfile.ZIP_STORED if name.startswith("ppt/media/") else zipfile.ZIP_DEFLATED
                )
                info.external_attr = 0o644 << 16
                info.create_system = 3
                # the level is given here: an entry given as a ZipInfo takes none from the
                # archive, and zlib's default (6) takes a fifth longer for 3% less
                archive.writestr(info, data, compresslevel=COMPRESSION)


#: The deflate level of every compressed entry (images are stored: they are compressed).
COMPRESSION = 3


def _zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    """Zip timestamps cannot be before 1980."""
    if when.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second - when.second % 2)
