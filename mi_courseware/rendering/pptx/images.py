"""Pictures for decks: PNG and JPEG as they are, SVG rasterised for projection.

python-pptx and many PowerPoint versions cannot show SVG, so SVG logos are drawn to PNG with
resvg (a self-contained wheel), using only the theme's own fonts so that the pixels are the
same on every machine, and with every reference to anything outside the SVG removed first
(:func:`mi_courseware.loading.images.sanitised_svg`), so nothing from another file reaches the deck.
The aspect ratio is kept; the long side gets enough pixels for the largest place the picture
is shown at ``DPI``.
"""

from __future__ import annotations

import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_courseware.errors import ContentError
from mi_courseware.limits import current

log = logging.getLogger(__name__)

#: Pixels per inch of slide for rasterised pictures (a 16:9 slide shown 1920 px wide is 144 ppi).
DPI = 160
_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}

#: What drawing an SVG gives: ``("png", bytes, (width, height))`` or ``("error", why, (0, 0))``.
Answer = tuple[str, bytes | str, tuple[int, int]]


@dataclass(frozen=True)
class Picture:
    """Image bytes ready for the package, with its pixel size."""

    data: bytes
    extension: str
    content_type: str
    width: int
    height: int

    @property
    def aspect(self) -> float:
        """Width over height."""
        return self.width / self.height if self.height else 1.0


def load_picture(path: Path, longest_inches: float, font_dir: Path, family: str) -> Picture:
    """Read a picture; SVG is rasterised with ``longest_inches`` × DPI pixels on its long side.

    Every picture has passed :func:`mi_courseware.loading.images.image_problem` in the check phase
    (a truncated file or a decompression bomb never gets this far); its size bounds are held
    again here, from its header, against a file replaced since.
    Text in an SVG is drawn with the theme's font (``family`` in ``font_dir``) only.
    """
    started = start_picture(path, longest_inches, font_dir, family)
    return started.result() if isinstance(started, Drawing) else started


def start_picture(
    path: Path, longest_inches: float, font_dir: Path, family: str
) -> Picture | Drawing:
    """:func:`load_picture`, but an SVG is only started: its :class:`Drawing` gives the
    picture later (the caller works meanwhile)."""
    from mi_courseware.loading.images import bounds_problem

    suffix = path.suffix.lower()
    if suffix not in _TYPES and suffix != ".svg":
        raise ContentError.single(
            path, f"cannot put a '{suffix}' picture on a slide (use SVG, PNG or JPEG)"
        )
    # decoded in full by the check phase (the client's logo, the text's pictures); here
    # only the size bounds, again, against a file replaced since
    problem = bounds_problem(path)
    if problem:
        raise ContentError.single(path, f"'{path.name}' {problem}")
    if suffix == ".svg":
        return start_drawing(path, round(longest_inches * DPI), font_dir, family)
    data = path.read_bytes()
    width, height = _pixel_size(data)
    return Picture(data, suffix.lstrip(".").replace("jpeg", "jpg"), _TYPES[suffix], width, height)


def _rasterise(path: Path, longest: int, font_dir: Path, family: str) -> Picture:
    """Draw an SVG to PNG with no access to files or network (outside references removed)."""
    return start_drawing(path, longest, font_dir, family).result()


class Drawing:
    """An SVG being drawn to PNG in a child process of its own, which the time limit can stop.

    resvg is native code that holds the interpreter until it is done, so neither the
    interval timer of :func:`mi_courseware.limits.time_limit` nor a thread can stop it; a
    process can be killed. The child dies with its parent (:func:`mi_courseware.workers.
    worker_init`). Where ``fork`` is not available, the picture is drawn here (and a note
    says that the time limit cannot stop it).
    """

    def __init__(self, path: Path, options: dict[str, Any], longest: int) -> None:
        import multiprocessing
        import tempfile

        self.path = path
        self.empty = tempfile.TemporaryDirectory(prefix="mi-svg-")
        options["resources_dir"] = self.empty.name  # relative references resolve into nothing
        self.process: Any = None
        self.answer: Answer | None = None
        if "fork" not in multiprocessing.get_all_start_methods():
            log.info("%s: drawn in this process (the time limit cannot stop it here)", path)
            self.answer = _draw(options, longest)
            return
        context = multiprocessing.get_context("fork")
        self.reader, writer = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_draw_child, args=(writer, options, longest, os.getpid()), daemon=True
        )
        self.process.start()
        writer.close()

    def result(self) -> Picture:
        """The PNG, once drawn; a drawing past the time limit is stopped with a clear error."""
        try:
            answer = self.answer if self.process is None else self._wait()
        finally:
            self.cancel()
        assert answer is not None
        kind, value, size = answer
        if kind == "error" or not isinstance(value, bytes):
            raise ContentError.single(self.path, f"cannot draw this SVG: {value!s}")
        return Picture(value, "png", "image/png", *size)

    def _wait(self) -> Answer:
        limit = current().render_seconds
        try:
            if self.reader.poll(limit if limit > 0 else None):
                answer: Answer = self.reader.recv()
                return answer
        except EOFError:  # the child ended without answering (it crashed, or was killed)
            code = self.process.exitcode
            return "error", f"the renderer stopped without drawing it (exit {code})", (0, 0)
        raise ContentError.single(
            self.path,
            f"'{self.path.name}': drawing this SVG took longer than {limit:g} seconds and was "
            "stopped (a filter effect or transform in it is far too large; simplify the "
            "picture or save it as PNG, or raise the limit with --time-limit)",
        )

    def cancel(self) -> None:
        """Stop the child, if it is still drawing, and tidy up."""
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.reader.close()
            self.process = None
        self.empty.cleanup()


def start_drawing(path: Path, longest: int, font_dir: Path, family: str) -> Drawing:
    """Start drawing the SVG at ``path`` with ``longest`` pixels on its long side; the
    returned :class:`Drawing` gives the picture."""
    from mi_courseware.loading.images import sanitised_svg

    svg, removed = sanitised_svg(path.read_bytes())
    if removed:
        log.warning(
            "%s: left out of the deck's copy of this picture (it may not load anything from "
            "outside the SVG): %s",
            path,
            "; ".join(removed),
        )
    return draw_svg(svg, path, longest, font_dir, family)


def draw_svg(svg: str, where: Path, longest: int, font_dir: Path, family: str) -> Drawing:
    """Start drawing an SVG text that refers to nothing outside it (one the tool drew, or
    one :func:`~mi_courseware.loading.images.sanitised_svg` made so) with ``longest`` pixels
    on its long side; ``where`` names it in messages."""
    from mi_courseware.loading.images import svg_size

    options: dict[str, Any] = {
        "svg_string": svg,
        "skip_system_fonts": True,
        "font_dirs": [str(font_dir)],
        "font_family": family,
        "sans_serif_family": family,
        "serif_family": family,
        "size": svg_size(_root(svg)),
    }
    return Drawing(where, options, longest)


def _root(svg: str):  # type: ignore[no-untyped-def]
    from lxml import etree

    return etree.fromstring(svg.encode("utf-8"), etree.XMLParser(resolve_entities=False))


def _draw(options: dict[str, Any], longest: int) -> Answer:
    """``("png", bytes, (width, height))`` of the SVG drawn with ``longest`` pixels on its
    long side, or ``("error", why, (0, 0))``. The size is read from the PNG here, in the
    drawing child, so the image library is imported beside the build, not in its way."""
    import resvg_py

    options = dict(options)
    width, height = options.pop("size")
    try:
        if width <= 0 or height <= 0:  # no size given: the renderer's own, to keep the shape
            width, height = _pixel_size(bytes(resvg_py.svg_to_bytes(**options)))
        wide = width >= height
        data = resvg_py.svg_to_bytes(
            **options, width=longest if wide else None, height=None if wide else longest
        )
    except ValueError as exc:
        return "error", str(exc), (0, 0)
    png = bytes(data)
    return "png", png, _pixel_size(png)


def _draw_child(writer: Any, options: dict[str, Any], longest: int, parent: int) -> None:
    """In the child process (of process ``parent``): draw, hand the answer back, end."""
    from mi_courseware.workers import worker_init

    worker_init(parent)  # tied to the parent: it dies with it
    writer.send(_draw(options, longest))
    writer.close()


def _pixel_size(data: bytes) -> tuple[int, int]:
    """Pixel size of PNG or JPEG bytes (already checked by :func:`image_problem`)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size
