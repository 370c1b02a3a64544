"""A client's Word template (``clients/<c>/reference.docx``), read for its styles only.

A ``.docx`` is a zip of XML parts that can point outside itself: an attached template
fetched from a server when the file opens (a known attack), linked pictures, macros
(``vbaProject.bin``), embedded objects. The Word editions take nothing from a client's file
but its style definitions (``word/styles.xml``): :func:`read_reference` finds that part
through the package's own relationships, parses it with no entities, no network and no
document type, within bounds, and lists everything else it leaves out, so that the check
phase can say so. The same reader serves the check phase and the writer, so the writer uses
exactly what was checked.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from mi_courseware.limits import current, megabytes

#: The file name a client's Word template has in its folder.
REFERENCE_NAME = "reference.docx"

#: Paragraph styles the Word editions use, by their names in Word.
PARAGRAPH_STYLES = (
    "Normal",
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Heading 4",
    "List Bullet",
    "List Bullet 2",
    "List Bullet 3",
    "List Number",
    "List Number 2",
    "List Number 3",
    "List Continue",
    "Quote",
    "Caption",
    "TOC Heading",
    "toc 1",
    "toc 2",
    "Header",
    "Footer",
    "Label",
    "Note",
    "Exercise",
    "Exercise Heading",
    "Trainer Note",
    "Answer",
    "Writing Label",
    "Code",
)
#: Character styles they use.
CHARACTER_STYLES = ("Panel Label", "Hyperlink")
#: Table styles they use.
TABLE_STYLES = ("Course Table",)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
#: How many parts a Word file may hold (a real template has a few dozen).
MAX_PARTS = 2_000


class ReferenceError(ValueError):
    """The file cannot be used as a Word template (the message says why, for its author)."""


@dataclass
class Reference:
    """What a client's Word template gives: its styles part, and what was left out."""

    #: ``word/styles.xml`` as it is in the file (parsed and checked: no entities, no DTD).
    styles: bytes
    #: Each name of a style it defines, lower case, by kind (``paragraph``, ``character``,
    #: ``table``, ``numbering``).
    names: dict[str, set[str]] = field(default_factory=dict)
    #: What it holds besides its styles that is left out, as the note says it.
    dropped: list[str] = field(default_factory=list)

    def missing(self) -> list[str]:
        """The styles the Word editions use that it does not define, as messages name them."""
        wanted = [("paragraph", PARAGRAPH_STYLES), ("character", CHARACTER_STYLES)]
        wanted.append(("table", TABLE_STYLES))
        return [
            f"{kind} style '{name}'"
            for kind, names in wanted
            for name in names
            if name.lower() not in self.names.get(kind, set())
        ]


def _parse(data: bytes, what: str):  # type: ignore[no-untyped-def]
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ReferenceError(f"its {what} is not well-formed XML ({exc})") from None
    if root.getroottree().docinfo.doctype:
        raise ReferenceError(f"its {what} declares a document type, which Word never writes")
    return root


def read_reference(path: Path) -> Reference:
    """Read ``path`` as a client's Word template; raises :class:`ReferenceError`."""
    limit = current().workbook_bytes
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReferenceError(f"is not a Word document (.docx) ({exc})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise ReferenceError(f"holds {len(infos):,} parts; a Word template has a few dozen")
        if sum(info.file_size for info in infos) > limit:
            raise ReferenceError(
                f"unpacks to more than {megabytes(limit)}; a Word template is far smaller "
                "(raise the limit with --size-limit)"
            )
        names = {info.filename for info in infos}

        def read(name: str) -> bytes:
            try:
                return archive.read(name)
            except (KeyError, zipfile.BadZipFile, OSError, ValueError) as exc:
                raise ReferenceError(f"its part '{name}' cannot be read ({exc})") from None

        main = _target("", _relationships(read, names, ""), _DOCUMENT)
        if main is None:
            raise ReferenceError("has no main document part: is it a Word document?")
        styles = _target(main, _relationships(read, names, main), _STYLES)
        if styles is None or styles not in names:
            raise ReferenceError("has no styles part (word/styles.xml)")
        data = read(styles)
        root = _parse(data, "styles part")
        if root.tag != f"{{{_W}}}styles":
            raise ReferenceError("its styles part is not a WordprocessingML styles part")
        return Reference(data, _style_names(root), _left_out(read, names, main))


def _relationships(read, names: set[str], part: str) -> list[tuple[str, str, bool]]:  # type: ignore[no-untyped-def]
    """``(type, target, external)`` of each relationship of ``part`` (``""``: the package)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in names:
        return []
    root = _parse(read(rels), f"relationships part {rels}")
    return [
        (r.get("Type", ""), r.get("Target", ""), r.get("TargetMode") == "External")
        for r in root.iter(f"{{{_RELS}}}Relationship")
    ]


def _target(part: str, rels: list[tuple[str, str, bool]], kind: str) -> str | None:
    for rel_type, target, external in rels:
        if rel_type == kind and not external:
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
    return None


def _style_names(root) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    found: dict[str, set[str]] = {}
    for style in root.iterfind(f"{{{_W}}}style"):
        name = style.find(f"{{{_W}}}name")
        if name is not None:
            kind = style.get(f"{{{_W}}}type", "paragraph")
            found.setdefault(kind, set()).add(name.get(f"{{{_W}}}val", "").lower())
    return found


def _left_out(read, names: set[str], main: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What the file holds that could load or run something, each said once."""
    dropped: list[str] = []
    external: list[str] = []
    for rels in sorted(n for n in names if n.endswith(".rels")):
        folder = posixpath.dirname(posixpath.dirname(rels))
        part = posixpath.join(folder, posixpath.basename(rels)[: -len(".rels")])
        for rel_type, target, is_external in _relationships(read, names, part):
            if is_external:
                external.append(f"{rel_type.rsplit('/', 1)[-1]} {target}")
    if external:
        dropped.append("links to outside the file (" + "; ".join(sorted(external)[:5]) + ")")
    settings = posixpath.join(posixpath.dirname(main), "settings.xml")
    if settings in names:
        root = _parse(read(settings), "settings part")
        if root.find(f"{{{_W}}}attachedTemplate") is not None:
            dropped.append("an attached template")
    if any(posixpath.basename(n).lower().startswith("vbaproject") for n in names):
        dropped.append("macros")
    if any("/embeddings/" in f"/{n}" or "activex" in n.lower() for n in names):
        dropped.append("embedded objects")
    return dropped
