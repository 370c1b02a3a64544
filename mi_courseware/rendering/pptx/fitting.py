"""Text measurement with the theme's own font files: wrap, shrink, split.

Widths come from the fonts' own advance widths (:mod:`mi_courseware.loading.fontmetrics`),
summed per character and cached, the wider of the theme's font and its declared substitute,
with a safety margin for kerning and renderer differences. Text is set
as large as fits between a style's largest and smallest sizes; text that still does not fit
continues on another slide from a paragraph's start (a paragraph is cut only when it alone is
taller than the box at the floor size), so nothing overflows and no sentence is split.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mi_courseware.rendering.pptx.ooxml import EMU_PER_PT, Box, Para, Run
from mi_courseware.rendering.pptx.template import TextStyle

#: Measured widths are stretched by this much: renderers differ, and wrapping must never
#: surprise us by one word.
WIDTH_MARGIN = 1.06
#: Only this share of a box's height is planned for.
HEIGHT_MARGIN = 0.96
#: Hard floor for text that must not continue elsewhere (titles, labels).
FLOOR = 10.0


class Metrics:
    """Advance widths of the theme's font for the four faces, in ems.

    With ``substitutes`` (the same faces of the widest font a viewer may use instead), each
    character counts as wide as the wider of the two, so text fits either way.
    """

    def __init__(
        self,
        files: dict[str, Path],
        line_height: float,
        substitutes: dict[str, Path] | None = None,
    ) -> None:
        from mi_courseware.loading.fontmetrics import face

        self.line_height = line_height
        self._faces = {key: [face(path)] for key, path in files.items()}
        for key, path in (substitutes or {}).items():
            self._faces[key].append(face(path))
        self._cache: dict[tuple[str, str], float] = {}
        #: whole words and spaces, measured once (a deck repeats them on slide after slide)
        self._words: dict[tuple[bool, bool, str], float] = {}

    def width(self, text: str, bold: bool = False, italic: bool = False) -> float:
        """The width of ``text`` in ems."""
        known = self._words.get((bold, italic, text))
        if known is not None:
            return known
        face = ("bold_" if bold else "") + ("italic" if italic else "")
        face = {"": "regular", "bold_": "bold"}.get(face, face)
        total = 0.0
        cache = self._cache
        for char in text:
            key = (face, char)
            value = cache.get(key)
            if value is None:
                value = max(f.advance(char) for f in self._faces[face])
                cache[key] = value
            total += value
        if len(text) <= 40:  # words, not whole paragraphs
            self._words[(bold, italic, text)] = total
        return total


def _words(
    para: Para, metrics: Metrics, bold: bool = False, italic: bool = False
) -> list[tuple[float, float, bool]]:
    """(word width, width of the space after it, line break after) in ems, per word."""
    words: list[tuple[float, float, bool]] = []
    current = 0.0
    pending = False
    for run in para.runs:
        pieces = run.text.replace("\n", " \n ").split(" ")
        for index, piece in enumerate(pieces):
            if index and pending:  # a space (or a break) between words
                space = metrics.width(" ", run.bold or bold, run.italic or italic)
                words.append((current, space, False))
                current, pending = 0.0, False
            if piece == "\n":
                if words or pending:
                    if pending:
                        words.append((current, 0.0, True))
                        current, pending = 0.0, False
                    else:
                        words[-1] = (words[-1][0], 0.0, True)
                continue
            if piece:
                current += metrics.width(piece, run.bold or bold, run.italic or italic)
                pending = True
    if pending:
        words.append((current, 0.0, False))
    return words


def count_lines(
    para: Para,
    size: float,
    width_emu: int,
    metrics: Metrics,
    style: TextStyle | None = None,
) -> int:
    """How many lines ``para`` wraps to at ``size`` points in a column ``width_emu`` wide
    (set in ``style``'s weight and slant where its runs do not say)."""
    available = width_emu / EMU_PER_PT / (size * WIDTH_MARGIN)  # in ems
    if available <= 0:
        return 10**6
    lines = 1
    used = 0.0
    bold, italic = (style.bold, style.italic) if style is not None else (False, False)
    for width, space, breaks in _words(para, metrics, bold, italic):
        if used == 0.0:
            if width > available:  # a word longer than the line is broken by the renderer
                extra = int(width // available)
                lines += extra
                used = width - extra * available
            else:
                used = width
        elif used + width <= available:
            used += width
        else:
            lines += 1
            used = width if width <= available else width % available
        used += space
        if breaks:
            lines += 1
            used = 0.0
    return lines


def para_height(para: Para, size: float, width: int, style: TextStyle, metrics: Metrics) -> float:
    """Height of a paragraph in points (space before included)."""
    level_size = size * style.level_scale(para.level) * para.scale
    margin = 0 if para.kind == "plain" else style.margin(para.level)
    lines = count_lines(para, level_size, width - margin, metrics, style)
    return lines * level_size * metrics.line_height * style.line + style.space_before


def text_height(
    paras: list[Para], size: float, box: Box, style: TextStyle, metrics: Metrics
) -> float:
    """Height of paragraphs in points."""
    return sum(para_height(p, size, box.w, style, metrics) for p in paras)


def fits(paras: list[Para], size: float, box: Box, style: TextStyle, metrics: Metrics) -> bool:
    """Whether the paragraphs fit ``box`` at ``size``."""
    return text_height(paras, size, box, style, metrics) <= box.h / EMU_PER_PT * HEIGHT_MARGIN


def sizes(style: TextStyle, step: float = 2) -> list[float]:
    """The sizes to try, largest first, in ``step`` pt steps."""
    result = []
    size = style.largest
    while size > style.smallest:
        result.append(size)
        size -= step
    return [*result, style.smallest]


def fit_fixed(paras: list[Para], box: Box, style: TextStyle, metrics: Metrics) -> float:
    """The largest size at which text that cannot continue elsewhere fits (down to a floor)."""
    for size in sizes(style):
        if fits(paras, size, box, style, metrics):
            return size
    size = style.smallest
    while size > FLOOR and not fits(paras, size, box, style, metrics):
        size -= 1
    return size


def fit_group(
    fields: dict[str, tuple[list[Para], Box, TextStyle]],
    metrics: Metrics,
    cap: float | None = None,
) -> tuple[float, dict[str, tuple[list[Para], list[Para]]]]:
    """Fit flowing fields that share one size (e.g. two columns), no larger than ``cap``.

    Returns the size and, per field, (what goes on this slide, what continues). Text is set
    as large as fits; when it does not fit at the smallest size, a slide's text ends where a
    paragraph ends, never inside one: a little overflow (at most :data:`MAX_CARRIED`
    paragraphs) is set smaller instead, down to :data:`SQUEEZE` of the smallest size; a first
    paragraph too tall for the box is set smaller, down to :data:`FLOOR`, and cut (at a
    sentence's end where one fits) only when it is taller than the box even there.
    """
    values = list(fields.values())

    def every_field_fits(size: float) -> bool:
        return all(fits(paras, size, box, style_, metrics) for paras, box, style_ in values)

    style_sizes = [sizes(style_) for _, _, style_ in values]
    for step in range(max(len(s) for s in style_sizes)):
        size = style_sizes[0][min(step, len(style_sizes[0]) - 1)]
        if cap is not None and size > cap:
            continue
        if all(
            fits(paras, options[min(step, len(options) - 1)], box, style_, metrics)
            for (paras, box, style_), options in zip(values, style_sizes, strict=True)
        ):
            return size, {key: (value[0], []) for key, value in fields.items()}
    size = min(style_.smallest for _, _, style_ in values)
    size = size if cap is None else min(size, cap)

    def split_all(size: float, cut: bool = False) -> dict[str, tuple[list[Para], list[Para]]]:
        return {
            key: split(paras, size, box, style_, metrics, cut)
            for key, (paras, box, style_) in fields.items()
        }

    parts = split_all(size)
    carried = sum(len(later) for _, later in parts.values())
    if carried <= MAX_CARRIED:
        smaller = size - 1
        while smaller >= max(FLOOR, size * SQUEEZE):
            if every_field_fits(smaller):
                return smaller, {key: (value[0], []) for key, value in fields.items()}
            smaller -= 1

    def stuck(parts: dict[str, tuple[list[Para], list[Para]]]) -> bool:
        return any(later and not here for here, later in parts.values())

    while stuck(parts) and size - 1 >= FLOOR:
        size -= 1
        parts = split_all(size)
    if stuck(parts):
        parts = split_all(size, cut=True)
    return size, parts


#: Paragraphs that may be kept on a slide by setting it smaller rather than continuing.
MAX_CARRIED = 2
#: How much smaller than its smallest size flowing text may be set to stay on one slide.
SQUEEZE = 0.8


def _heading(para: Para) -> bool:
    """A bold line of its own (a ``###`` heading), which belongs with what follows it."""
    return para.kind == "plain" and bool(para.runs) and all(r.bold for r in para.runs)


def split(
    paras: list[Para],
    size: float,
    box: Box,
    style: TextStyle,
    metrics: Metrics,
    cut: bool = False,
) -> tuple[list[Para], list[Para]]:
    """The whole paragraphs that fit ``box`` at ``size``, and those that continue on the next
    slide (a heading line goes with what follows it). When the first paragraph alone does not
    fit, nothing fits, unless ``cut``: then it is cut (see :func:`split_paragraph`), and if not
    even a word fits it goes whole, so that every slide holds something."""
    limit = box.h / EMU_PER_PT * HEIGHT_MARGIN
    used = 0.0
    for index, para in enumerate(paras):
        height = para_height(para, size, box.w, style, metrics)
        if used + height <= limit:
            used += height
            continue
        if index == 0:
            if not cut:
                return [], paras
            head, tail = split_paragraph(para, limit, size, box, style, metrics)
            if head is None:
                return paras[:1], paras[1:]
            return [head], [tail, *paras[1:]]
        while index > 1 and _heading(paras[index - 1]):
            index -= 1
        return paras[:index], paras[index:]
    return paras, []


#: Where a sentence (or a clause that stands alone) ends.
_ENDS = (".", "?", "!", ";", ":", "…")


def split_paragraph(
    para: Para, room: float, size: float, box: Box, style: TextStyle, metrics: Metrics
) -> tuple[Para | None, Para]:
    """Split one paragraph so that its first part fits ``room`` points: after the last
    sentence that fits, or at a word when not even the first sentence does."""
    words = _flatten(para)
    low, high = 0, len(words)
    while low < high:  # the most words that fit
        middle = (low + high + 1) // 2
        head = para.with_runs(_join(words[:middle]))
        if para_height(head, size, box.w, style, metrics) <= room:
            low = middle
        else:
            high = middle - 1
    if low == 0 or low == len(words):
        return None, para
    sentence = next(
        (k for k in range(low, 0, -1) if words[k - 1].text.rstrip().endswith(_ENDS)), None
    )
    low = sentence or low
    head = para.with_runs(_join(words[:low]))
    tail = replace(
        para, runs=_join(words[low:]), kind="continued" if para.kind != "plain" else "plain"
    )
    return head, tail


def _flatten(para: Para) -> list[Run]:
    """One run per word, keeping each word's formatting (and the space after it)."""
    words: list[Run] = []
    for run in para.runs:
        for piece in run.text.split(" "):
            if piece:
                words.append(replace(run, text=piece + " "))
    return words


def _join(words: list[Run]) -> tuple[Run, ...]:
    runs: list[Run] = []
    for word in words:
        if runs and replace(runs[-1], text="") == replace(word, text=""):
            runs[-1] = replace(runs[-1], text=runs[-1].text + word.text)
        else:
            runs.append(word)
    if runs:
        runs[-1] = replace(runs[-1], text=runs[-1].text.rstrip(" "))
    return tuple(runs)
