"""Text measurement with the theme's own font files: wrap, shrink, split.

Widths come from the fonts' own advance widths (:mod:`mi_courseware.loading.fontmetrics`),
summed per character and cached, the wider of the theme's font and its declared substitute,
with a safety margin for kerning and renderer differences. Text is set
as large as fits between a style's largest and smallest sizes; text that still does not fit
is split at paragraph (then word) boundaries for a continuation slide, so nothing overflows.
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

    def width(self, text: str, bold: bool = False, italic: bool = False) -> float:
        """The width of ``text`` in ems."""
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
    fields: dict[str, tuple[list[Para], Box, TextStyle]], metrics: Metrics
) -> tuple[float | None, dict[str, tuple[list[Para], list[Para]]]]:
    """Fit flowing fields that share one size (e.g. two columns).

    Returns the size and, per field, (what goes on this slide, what continues). The size is
    ``None`` when nothing needed splitting and every field fits at its own largest size.
    """
    style_sizes = [sizes(style) for _, _, style in fields.values()]
    steps = max(len(s) for s in style_sizes)
    for step in range(steps):
        ok = True
        for (paras, box, style), options in zip(fields.values(), style_sizes, strict=True):
            size = options[min(step, len(options) - 1)]
            if not fits(paras, size, box, style, metrics):
                ok = False
                break
        if ok:
            first = next(iter(fields.values()))[2]
            size = sizes(first)[min(step, len(sizes(first)) - 1)]
            return size, {k: (v[0], []) for k, v in fields.items()}
    result = {}
    size = min(style.smallest for _, _, style in fields.values())
    for key, (paras, box, style) in fields.items():
        result[key] = split(paras, size, box, style, metrics)
    return size, result


def split(
    paras: list[Para], size: float, box: Box, style: TextStyle, metrics: Metrics
) -> tuple[list[Para], list[Para]]:
    """Paragraphs that fit ``box`` at ``size`` and those that continue on the next slide."""
    limit = box.h / EMU_PER_PT * HEIGHT_MARGIN
    used = 0.0
    for index, para in enumerate(paras):
        height = para_height(para, size, box.w, style, metrics)
        if used + height <= limit:
            used += height
            continue
        if index > 0 and used + height - limit > limit * 0.25:
            return paras[:index], paras[index:]
        head, tail = split_paragraph(para, limit - used, size, box, style, metrics)
        if head is None:
            return paras[:index], paras[index:]
        return [*paras[:index], head], [tail, *paras[index + 1 :]]
    return paras, []


def split_paragraph(
    para: Para, room: float, size: float, box: Box, style: TextStyle, metrics: Metrics
) -> tuple[Para | None, Para]:
    """Split one paragraph at a word so that its first part fits ``room`` points."""
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
