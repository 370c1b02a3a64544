"""Reading a built pack page by page from its text positions, to find pages a designer would
frown at: a heading alone, an attribution alone, a lone table row, a contents overflow.

Only the body of each page counts: the running header and footer sit in the page margins
(above 22 mm and below 276 mm on A4) and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

MM = 72 / 25.4
BODY_TOP, BODY_BOTTOM = 22 * MM, 276 * MM


@dataclass
class Line:
    """One line of text: its words, left to right, and whether every word is bold."""

    top: float
    text: str
    bold: bool
    size: float


@dataclass
class Page:
    """The body lines of one page."""

    number: int
    lines: list[Line] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]


def read_pages(pdf_path: Path) -> list[Page]:
    """Every page's body lines, in reading order (text runs joined by their shared baseline).

    Read with poppler's ``pdftohtml -xml`` (positions in points, each run with its font's
    size and whether it is bold): quick enough to read every page of every demo pack.
    """
    import subprocess
    import xml.etree.ElementTree as ElementTree

    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-q", "-stdout", "-zoom", "1", str(pdf_path)],
        capture_output=True,
        check=True,
    ).stdout
    root = ElementTree.fromstring(xml)
    fonts: dict[str, tuple[float, bool]] = {}
    pages: list[Page] = []
    for number, raw in enumerate(root.iter("page"), start=1):
        for spec in raw.iter("fontspec"):
            bold = "Bold" in spec.get("family", "") and "Semi" not in spec.get("family", "")
            fonts[spec.get("id", "")] = (float(spec.get("size", "0")), bold)
        runs = []
        for text in raw.iter("text"):
            words = "".join(text.itertext()).strip()
            top, height = float(text.get("top", "0")), float(text.get("height", "0"))
            if not words or top < BODY_TOP or top + height > BODY_BOTTOM:
                continue
            size, bold = fonts.get(text.get("font", ""), (0.0, False))
            bold = bold or _all_bold(text)
            runs.append((top + height, float(text.get("left", "0")), words, bold, size))
        runs.sort(key=lambda r: (round(r[0]), r[1]))
        page = Page(number)
        for bottom, _, words, bold, size in runs:
            last = page.lines[-1] if page.lines else None
            if last is not None and abs(last.top - bottom) < 2.5:
                last.text += " " + words
                last.bold = last.bold and bold
                last.size = max(last.size, size)
            else:
                page.lines.append(Line(bottom, words, bold, size))
        pages.append(page)
    return pages


def _all_bold(element: object) -> bool:
    """Whether every character of a ``pdftohtml`` text run is inside ``<b>``."""
    plain = [(element.text or "").strip()]  # type: ignore[attr-defined]
    plain += [(child.tail or "").strip() for child in element]  # type: ignore[attr-defined]
    tags = [child.tag for child in element]  # type: ignore[attr-defined]
    return not any(plain) and bool(tags) and all(tag == "b" for tag in tags)


def contents_overflow(pages: list[Page], contents: str, first_chapter: str) -> list[int]:
    """Entries on each page that the contents list spills onto (none when it fits)."""
    start = next(i for i, p in enumerate(pages) if p.texts and p.texts[0] == contents)
    counts = []
    for page in pages[start + 1 :]:
        if page.texts and page.texts[0] == first_chapter:
            break
        counts.append(len(page.lines))
    return counts


def body_size(pages: list[Page]) -> float:
    """The commonest text size: the body text's."""
    sizes: dict[float, int] = {}
    for page in pages:
        for line in page.lines:
            sizes[round(line.size, 1)] = sizes.get(round(line.size, 1), 0) + len(line.text)
    return max(sizes, key=lambda size: sizes[size])


def faults(pages: list[Page], part_titles: set[str]) -> list[str]:
    """What is wrong with each page, worded for a test failure (empty when all is well).

    The cover (first page), the back cover (last page) and full-page part titles are
    designed to hold little text and are not judged.
    """
    found: list[str] = []
    previous: list[str] = []
    body = body_size(pages)
    for page in pages[1:-1]:
        texts = page.texts
        where = f"page {page.number}"
        if not texts:
            found.append(f"{where} is blank")
        elif set(texts) <= part_titles:
            pass
        elif all(line.bold and line.size > body + 0.5 for line in page.lines):
            found.append(f"{where} holds only a heading: {texts}")
        elif all(text.startswith(("—", "–")) for text in texts):
            found.append(f"{where} holds only an attribution: {texts}")
        else:
            rest = texts[1:] if texts[0] in previous else texts  # a repeated table header
            if len(rest) <= 1 and len(texts) <= 2:
                found.append(f"{where} holds a single line or table row: {texts}")
        previous = texts
    return found
