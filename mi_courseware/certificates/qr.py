"""QR codes as segno makes them, with the slow steps done on whole blocks, rows and columns.

``segno.make(url, error="m")`` spends most of its time choosing the data mask: it applies
each of the eight masks and scores the result (ISO/IEC 18004 7.8.3) module by module in
Python; the error correction and the placement of the codewords go codeword by codeword and
module by module too. Here segno's own steps make the data codewords; the error correction
keeps the division's remainder as one integer, the codewords are placed from a layout made
once per version, and the same penalty rules, with the same quirks and the same
tie-breaking, are computed on rows and columns as bytes and integers. The result is the
matrix ``segno.make`` gives, module for module (a test compares them on many codes, every
mask and versions with and without version information); anything unusual (a Micro QR
symbol, a segno without these steps) goes to segno.

Kept for speed, measured by ``benchmarks/bench_qr.py`` (side by side, in one run): a code
takes a seventh of ``segno.make``'s time (ratio 0.15: 0.52 ms against 3.4 ms; 0.33 before
the error correction, placement and run counts were done on whole blocks and lines).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_ZERO = bytes([1] + [0] * 255)  # a zero byte to 1, any other to 0 (bytes.translate)
_FINDER = bytes((1, 0, 1, 1, 1, 0, 1))
_DARK = re.compile(rb"[^\x00]+")  # a run of dark modules


def qr_drawing(url: str, box: tuple[float, float, float], dark: tuple[float, ...]) -> bytes:
    """The QR code of ``url`` as filled rectangles in a PDF content stream, an artifact.

    ``box`` is the left edge, top edge (from the page's bottom) and side, in points.
    """
    left, top, side = box
    matrix = qr_matrix(url)
    module = side / len(matrix)
    # in module units from the top-left corner: each run of dark modules is one rectangle
    parts = [
        b"q /Artifact BMC %.4f %.4f %.4f rg" % dark[:3],
        b"%.4f 0 0 %.4f %.3f %.3f cm" % (module, -module, left, top),
    ]
    for row, cells in enumerate(matrix):
        for run in _DARK.finditer(cells):
            parts.append(b"%d %d %d 1 re" % (run.start(), row, run.end() - run.start()))
    parts.append(b"f EMC Q")
    return b"\n".join(parts)


def qr_matrix(url: str) -> tuple[bytearray, ...]:
    """The module matrix of ``segno.make(url, error="m")`` (rows of 0 and 1)."""
    try:
        return _encode(url)
    except (AttributeError, ImportError, TypeError, ValueError):  # pragma: no cover
        import segno

        return segno.make(url, error="m").matrix


def _encode(url: str) -> tuple[bytearray, ...]:
    """segno's ``encode`` and ``_encode`` for a QR code with error level M: its own steps up
    to the data codewords, then the error correction and the placement done here on whole
    blocks and from a layout made once per version, and the masks scored on whole rows."""
    from segno import consts
    from segno import encoder as e

    error = consts.ERROR_LEVEL_M
    segments = e.prepare_data(url, None, None)
    version = e.find_version(segments, error, eci=False, micro=None)
    if version < 1:
        raise ValueError("a Micro QR symbol: left to segno")
    error = e.boost_error_level(version, error, segments, False, is_sa=False)
    buff = e.Buffer()
    ver_range = e.version_range(version)
    for segment in segments:
        e.write_segment(buff, segment, None, ver_range, False)
    capacity = consts.SYMBOL_CAPACITY[version][error]  # type: ignore[index]
    e.write_terminator(buff, capacity, None, len(buff))
    e.write_padding_bits(buff, version, len(buff))
    e.write_pad_codewords(buff, version, capacity, len(buff))
    bits = _final_message(version, error, bytes(buff.getbits()))
    width = e.calc_matrix_size(version)
    template, order, cells = _layout(version, width)
    if len(bits) > cells:
        raise ValueError("more codewords than the symbol holds: left to segno")
    # each module taken from the message bits or the function patterns (no Python loop):
    # data modules past the message stay 0x2, as segno leaves them
    source = bits + b"\x02" * (cells - len(bits)) + template
    flat = bytes(map(source.__getitem__, order))
    matrix = tuple(bytearray(flat[i : i + width]) for i in range(0, width * width, width))
    mask, rows = _best_mask(matrix, width)
    e.add_format_info(rows, version, error, mask)
    e.add_version_info(rows, version)
    return rows


_BIT = bytes.maketrans(b"01", b"\x00\x01")  # '0'/'1' characters to module values


def _final_message(version: int, error: int, bits: bytes) -> bytes:
    """segno's ``make_final_message`` (QR, not Micro): data and error correction codewords
    interleaved by block, as bits (0/1 bytes), with the version's remainder bits."""
    from itertools import zip_longest

    from segno import consts

    size = (len(bits) + 7) // 8
    codewords = int(bits.ljust(size * 8, b"\x00").translate(bytes.maketrans(b"\x00\x01", b"01")), 2)
    data = codewords.to_bytes(size, "big")
    blocks, errors, offset = [], [], 0
    for info in consts.ECC[version][error]:  # type: ignore[index]
        count = info.num_total - info.num_data
        table = _rs_table(count)
        for _ in range(info.num_blocks):
            block = data[offset : offset + info.num_data]
            offset += info.num_data
            blocks.append(block)
            errors.append(_remainder(block, count, table))
    message = bytes(
        x
        for group in (blocks, errors)
        for column in zip_longest(*group)
        for x in column
        if x is not None
    )
    if not message:
        return b""
    spelled = format(int.from_bytes(message, "big"), f"0{len(message) * 8}b")
    return spelled.encode().translate(_BIT) + b"\x00" * _remainder_bits(version)


def _remainder_bits(version: int) -> int:
    """The bits after the last codeword that fill the symbol (ISO/IEC 18004 7.6)."""
    if version in (2, 3, 4, 5, 6):
        return 7
    if version in (14, 15, 16, 17, 18, 19, 20, 28, 29, 30, 31, 32, 33, 34):
        return 3
    if version in (21, 22, 23, 24, 25, 26, 27):
        return 4
    return 0


@lru_cache(maxsize=16)
def _rs_table(count: int) -> tuple[int, ...]:
    """For each leading coefficient, what segno's synthetic division XORs into the next
    ``count`` codewords, as one integer."""
    from segno import consts

    generator = consts.GEN_POLY[count]
    exp, log = consts.GALIOS_EXP, consts.GALIOS_LOG
    table = [0]
    for coefficient in range(1, 256):
        power = log[coefficient]
        table.append(int.from_bytes(bytes(exp[power + g] for g in generator), "big"))
    return tuple(table)


def _remainder(block: bytes, count: int, table: tuple[int, ...]) -> bytes:
    """The ``count`` error correction codewords of ``block``: the division segno does one
    codeword at a time, the running remainder kept as one integer."""
    keep, shift, remainder = (1 << 8 * count) - 1, 8 * (count - 1), 0
    for codeword in block:
        remainder = ((remainder << 8) & keep) ^ table[codeword ^ (remainder >> shift)]
    return remainder.to_bytes(count, "big")


@lru_cache(maxsize=8)
def _layout(version: int, width: int) -> tuple[bytes, tuple[int, ...], int]:
    """A version's function patterns (rows joined); for each module, where its value is
    taken from in ``message bits + fill + function patterns`` (:func:`_encode`): the data
    modules in segno's placement order (``add_codewords``), the others from the patterns;
    and how many data modules there are."""
    from segno import encoder as e

    matrix = e.make_matrix(width, width)
    e.add_finder_patterns(matrix, width, width)
    e.add_alignment_patterns(matrix, width, width)
    cells: list[int] = []
    for right in range(width - 1, 0, -2):  # add_codewords' walk, for a QR (not Micro) code
        if right <= 6:
            right -= 1
        for vertical in range(width):
            for z in range(2):
                j = right - z
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = (width - 1 - vertical) if upwards else vertical
                if matrix[i][j] == 0x2:
                    cells.append(i * width + j)
    where = {cell: n for n, cell in enumerate(cells)}
    template = b"".join(bytes(row) for row in matrix)
    order = tuple(where.get(k, len(cells) + k) for k in range(width * width))
    return template, order, len(cells)


@lru_cache(maxsize=8)
def _masks(width: int) -> tuple[int, int, tuple[tuple[int, int], ...]]:
    """For a symbol size: the N2 position mask, and per mask pattern the rows and the
    columns to XOR with, each as one integer of 0/1 bytes (the layout of :func:`_packed`)."""
    from segno import encoder as e

    function = e.make_matrix(width, width)
    e.add_finder_patterns(function, width, width)
    e.add_alignment_patterns(function, width, width)
    function[-8][8] = 0x1
    patterns = []
    for pattern in e.get_data_mask_functions(False):
        rows = [
            bytes(1 if function[i][j] > 0x1 and pattern(i, j) else 0 for j in range(width))
            for i in range(width)
        ]
        columns = [bytes(c) for c in zip(*rows, strict=True)]
        patterns.append((_packed(rows, b"\x00"), _packed(columns, b"\x00")))
    inner = [b"\x00" * width] + [b"\x00" + b"\x01" * (width - 1)] * (width - 1)
    return _packed(inner, b"\x00"), (width - 1) ** 2, tuple(patterns)


def _packed(lines: Any, end: bytes) -> int:
    """Lines of bytes as one integer: ``end``, then each line followed by ``end``."""
    return int.from_bytes(end + b"".join(bytes(line) + end for line in lines), "big")


def _best_mask(matrix: Any, width: int) -> tuple[int, tuple[bytearray, ...]]:
    """segno's ``find_and_apply_best_mask`` for a QR (not Micro) code: lowest penalty first."""
    inner, blocks, patterns = _masks(width)
    rows = _packed(matrix, b"\xff")
    columns = _packed(zip(*matrix, strict=True), b"\xff")
    best, best_score, best_rows = 0, -1, b""
    for number, (mask_rows, mask_columns) in enumerate(patterns):
        score, across = _penalty(rows ^ mask_rows, columns ^ mask_columns, width, inner, blocks)
        if best_score < 0 or score < best_score:
            best, best_score, best_rows = number, score, across
    return best, tuple(bytearray(line) for line in best_rows.split(b"\xff")[1 : width + 1])


def _penalty(masked: int, down: int, width: int, inner: int, blocks: int) -> tuple[int, bytes]:
    """segno's ``evaluate_mask`` (N1 to N4) of one masked symbol, given as its rows and its
    columns (:func:`_packed`); and the rows as bytes."""
    size = 1 + width * (width + 1)
    across = masked.to_bytes(size, "big")
    n1 = _runs(masked, size) + _runs(down, size)
    vertical = masked ^ (masked >> (8 * (width + 1)))
    differ = vertical | (vertical >> 8) | (masked ^ (masked >> 8))
    n2 = 3 * (blocks - ((differ | (differ >> 1)) & inner).bit_count())
    n3 = _finders(across, width) + _finders(down.to_bytes(size, "big"), width)
    dark = across.count(1) + 2 * across.count(2) + 3 * across.count(3)
    n4 = 10 * int(abs(float(dark) / (width**2) * 100 - 50) / 5)
    return n1 + n2 + n3 + n4, across


def _runs(lines: int, size: int) -> int:
    """segno's N1 for packed lines (:func:`_packed`): a run of k >= 5 modules alike costs
    k - 2. Where a module equals the one before, ``lines ^ (lines >> 8)`` has a zero byte; a
    run of k such bytes (k >= 4) is k - 3 windows of four plus 2, so the sum is the windows
    of four zero bytes, plus two for each first window of a run, each counted as one bit."""
    same = int.from_bytes((lines ^ (lines >> 8)).to_bytes(size, "big").translate(_ZERO), "big")
    windows = same & (same >> 8) & (same >> 16) & (same >> 24)  # four alike up to this byte
    return windows.bit_count() + 2 * (windows & ~(windows >> 8)).bit_count()


def _finders(text: bytes, width: int) -> int:
    """segno's N3 count over every line of ``text`` (:func:`_packed` rows or columns), its
    bounds and restart rule included: the pattern never spans the 0xFF between lines, so one
    search runs through them all, each match judged within its own line."""
    count, stride = 0, width + 1
    index = text.find(_FINDER)
    while index != -1:
        start = 1 + (index - 1) // stride * stride  # its line
        after = index + 7
        if (
            index - start in (0, width - 7)
            or not text[max(index - 4, start) : index].strip(b"\x00")
            or not text[after : min(after + 4, start + width)].strip(b"\x00")
        ):
            count += 40
        else:
            after = index + 4
        index = text.find(_FINDER, after)
    return count
