"""Writing PDF files from objects we number ourselves.

Certificates of one run share most of their objects: the design, its fonts and images, the
structure tree. These are serialised once, with fixed object numbers, and every certificate's
file is those bytes plus a handful of its own objects and a cross-reference table. That is
what makes a certificate cost milliseconds instead of a full render and a full PDF write.
Objects are pypdf's generic objects; references use our numbers (:func:`ref`).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


def ref(number: int) -> Any:
    """A reference to object ``number`` in our numbering."""
    from pypdf.generic import IndirectObject

    return IndirectObject(number, 0, None)  # type: ignore[arg-type]


def body(obj: Any) -> bytes:
    """The serialised form of one object (without ``n 0 obj``)."""
    out = io.BytesIO()
    obj.write_to_stream(out)
    return out.getvalue()


def framed(number: int, obj: Any) -> bytes:
    """``n 0 obj ... endobj`` for ``obj``."""
    return b"%d 0 obj\n" % number + body(obj) + b"\nendobj\n"


def flate_stream(data: bytes, extra: dict[str, Any] | None = None) -> Any:
    """A compressed stream object holding ``data``."""
    from pypdf.generic import DecodedStreamObject, NameObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    encoded = stream.flate_encode(level=6)
    for key, value in (extra or {}).items():
        encoded[NameObject(key)] = value
    return encoded


def raw_stream(data: bytes, dictionary: dict[str, Any]) -> Any:
    """A stream object with already-encoded ``data`` and its dictionary."""
    from pypdf.generic import EncodedStreamObject, NameObject

    stream = EncodedStreamObject()
    stream._data = data
    for key, value in dictionary.items():
        if key != "/Length":
            stream[NameObject(key)] = value
    return stream


def inflate(stream: Any) -> bytes:
    """The decoded bytes of a stream object."""
    return bytes(stream.get_data())


def deflate(data: bytes) -> bytes:
    """``data`` compressed for a ``/FlateDecode`` stream."""
    return zlib.compress(data, 6)


class Renumber:
    """Copies objects out of a pypdf reader into our numbering, following references.

    ``fixed`` maps reader object numbers to numbers chosen in advance (the page, objects made
    per certificate); anything else reachable gets the next free number. ``skip`` names
    dictionary keys not to follow (e.g. a page's ``/Parent``).
    """

    def __init__(
        self, first: int, fixed: dict[int, int] | None = None, skip: Iterable[str] = ()
    ) -> None:
        self.next = first
        self.numbers: dict[int, int] = dict(fixed or {})
        self.copied: dict[int, Any] = {}
        self.skip = set(skip)
        self._queue: list[Any] = []

    def number_of(self, reference: Any) -> int:
        """Our number for a reader reference (assigned, and queued for copying, if new)."""
        key = int(reference.idnum)
        if key not in self.numbers:
            self.numbers[key] = self.next
            self.next += 1
            self._queue.append(reference)
        return self.numbers[key]

    def copy(self, obj: Any) -> Any:
        """``obj`` with every reference replaced by ours (objects queued, not yet copied)."""
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            IndirectObject,
            NameObject,
            StreamObject,
        )

        if isinstance(obj, IndirectObject):
            return ref(self.number_of(obj))
        if isinstance(obj, StreamObject):
            data = obj._data
            new = raw_stream(data, {k: self.copy(v) for k, v in obj.items() if k not in self.skip})
            return new
        if isinstance(obj, DictionaryObject):
            return DictionaryObject(
                {NameObject(k): self.copy(v) for k, v in obj.items() if k not in self.skip}
            )
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.copy(v) for v in obj)
        return obj

    def drain(self, replace: Callable[[int, Any], Any] | None = None) -> None:
        """Copy every queued object (``replace`` may substitute one: number, object)."""
        while self._queue:
            reference = self._queue.pop(0)
            number = self.numbers[int(reference.idnum)]
            target = reference.get_object()
            substitute = replace(number, target) if replace else None
            self.copied[number] = substitute if substitute is not None else self.copy(target)


class FileWriter:
    """Writes numbered objects to a stream, then the cross-reference table and trailer."""

    def __init__(self, out: BinaryIO, prefix: bytes = HEADER) -> None:
        self.out = out
        self.offsets: dict[int, int] = {}
        self.position = 0
        self._write(prefix)

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.position += len(data)

    def add(self, number: int, obj: Any) -> None:
        """Write object ``number``."""
        self.offsets[number] = self.position
        self._write(framed(number, obj))

    def add_serialised(self, chunk: bytes, offsets: dict[int, int]) -> None:
        """Write pre-serialised objects; ``offsets`` are relative to the start of ``chunk``."""
        for number, offset in offsets.items():
            self.offsets[number] = self.position + offset
        self._write(chunk)

    def finish(self, root: int, info: int | None, identifier: bytes) -> None:
        """The cross-reference table and trailer."""
        size = max(self.offsets) + 1
        xref = self.position
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        for number in range(1, size):
            offset = self.offsets.get(number)
            lines.append(
                b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 65535 f \n"
            )
        hexid = identifier.hex().encode()
        info_part = b" /Info %d 0 R" % info if info is not None else b""
        lines.append(
            b"trailer\n<< /Size %d /Root %d 0 R%s /ID [<%s> <%s>] >>\n"
            % (size, root, info_part, hexid, hexid)
        )
        lines.append(b"startxref\n%d\n%%%%EOF\n" % xref)
        self._write(b"".join(lines))


def serialise_all(objects: dict[int, Any]) -> tuple[bytes, dict[int, int]]:
    """Objects framed and concatenated in number order, with their offsets in the chunk."""
    chunk = io.BytesIO()
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = chunk.tell()
        chunk.write(framed(number, objects[number]))
    return chunk.getvalue(), offsets
