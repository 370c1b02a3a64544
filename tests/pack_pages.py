"""Reading a built pack page by page from its text positions, to find pages a designer would
frown at: a heading alone, an attribution alone, a lone table row, a contents overflow.

Only the body of each page counts: the running header and footer sit in the page margins
(above 22 mm and below 276 mm on A4) and are left out.
"""

from __future__ import annotations

import re
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


# -- pages judged against the HTML they were made from ---------------------------------------

#: Elements that head what follows them: titles, a table's caption, a label (not the label of
#: a box to write in, which has no text to be parted from).
HEADINGS = (
    "//h1 | //h2 | //h3 | //h4 | //h5 | //h6 | //caption"
    " | //*[contains(concat(' ', @class, ' '), ' label ')]"
    " | //*[contains(concat(' ', @class, ' '), ' write-label ')][not(following-sibling::*[1]"
    "[contains(concat(' ', @class, ' '), ' box ') or contains(@class, 'line')])]"
)


def _normal(text: str) -> str:
    """Text as compared: without spaces (the HTML does not say where a block ends a line),
    list markers or soft hyphens."""
    return "".join(text.replace("\u00ad", "").replace("•", " ").split())


@dataclass
class Run:
    """The items of one list, or the body rows of one table (with its repeated header)."""

    items: list[str]
    header: str = ""


@dataclass
class Blocks:
    """What the HTML says the text is: its headings, and the items of its lists and tables."""

    headings: set[str]
    runs: list[Run]


def blocks_of(html: str) -> Blocks:
    """The headings and the lists and tables of a document's HTML (a participant pack's
    without the trainer's material, which is not printed in it)."""
    from lxml import html as lxml_html

    root = lxml_html.fromstring(html)
    if "participant" in root.xpath("string(//body/@class)"):
        for hidden in root.xpath(
            "//*[contains(@class, 'trainer-') or contains(@class, 'answers')]"
        ):
            hidden.getparent().remove(hidden)
    headings = {_normal(e.text_content()) for e in root.xpath(HEADINGS)}
    runs = [
        Run([_normal(li.text_content()) for li in e.xpath("./li")])
        for e in root.xpath("//ul | //ol")
    ]
    for table in root.xpath("//table"):
        head = "".join(_normal(e.text_content()) for e in table.xpath("./thead"))
        rows = [_normal(tr.text_content()) for tr in table.xpath("./tbody/tr")]
        runs.append(Run(rows, head))
    return Blocks({h for h in headings if h}, [r for r in runs if len(r.items) > 2])


def layout_faults(pages: list[Page], blocks: Blocks) -> list[str]:
    """Pages a reader would frown at, worded for a test failure (empty when all is well):

    - a heading (a title, a table's caption, a label), or its first lines, as the last text of
      a page, what it heads overleaf;
    - a heading with no more than three lines after it at the foot of a page, when the list
      or table they introduce starts overleaf;
    - a page whose body is only the last one or two items of a list, or the last one or two
      rows of a table (under its repeated header), the rest of it on the page before.

    The cover (first page) and the back cover (last page) are not judged.
    """
    found: list[str] = []
    for index in range(1, len(pages) - 1):
        page = pages[index]
        texts = [_normal(t) for t in page.texts]
        if not texts:
            continue
        for count in range(1, min(3, len(texts) - 1) + 1):  # a page of a heading alone: faults()
            tail = "".join(texts[-count:])
            if page.lines[-count].bold and any(h.startswith(tail) for h in blocks.headings):
                shown = " ".join(page.texts[-count:])
                found.append(f"page {page.number} ends with the heading '{shown}'")
                break
        opening = "".join(_normal(t) for t in pages[index + 1].texts[:3])
        intro = _introduction(page, texts, blocks)
        if intro and any(
            run.items and opening.startswith((run.header + run.items[0])[:15])
            for run in blocks.runs
        ):
            found.append(
                f"page {page.number} ends with the heading '{intro}' and its introduction; "
                "what they introduce is overleaf"
            )
        body = "".join(texts)
        before = "".join(_normal(t) for t in pages[index - 1].texts)
        for run in blocks.runs:
            for count in (1, 2):
                tail = "".join(run.items[-count:])
                shown = {tail, run.header + tail}
                if body in shown and run.items[-count - 1] in before:
                    found.append(
                        f"page {page.number} holds only the last {count} of a list or "
                        f"table: {page.texts}"
                    )
    return found


def _introduction(page: Page, texts: list[str], blocks: Blocks) -> str:
    """The heading among a page's last lines that only one to three lines follow, if any."""
    for start in range(len(texts) - 2, max(-1, len(texts) - 8), -1):
        for count in (1, 2, 3):
            after = len(texts) - start - count
            if not page.lines[start].bold or not 1 <= after <= 3:
                continue
            rest = page.texts[start + count :]
            if any(re.match(r"\s*(•|\d+[.)] )", line) for line in rest):
                continue  # the list itself has begun under its heading
            if "".join(texts[start : start + count]) in blocks.headings:
                return " ".join(page.texts[start : start + count])
    return ""
