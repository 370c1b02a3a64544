"""Layout passes spared (mi_courseware.rendering.passes): the same PDF, byte for byte, in
fewer passes.

Each document is rendered twice by the real PDF engine in this process: as the tool renders
it, and with the early parse turned off (WeasyPrint's own passes alone). The bytes must be
equal, and the passes never more; documents with a contents page need one pass less.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mi_courseware.rendering.passes as passes
from mi_courseware.rendering.pdf import render_pdf

WORDS = [
    "reflect",
    "listen",
    "change",
    "talk",
    "open",
    "question",
    "affirm",
    "summary",
    "plan",
    "evoke",
    "engage",
    "focus",
]


def document(
    sections: list[int], refs: list[tuple[int, int]], total_in_body: bool, footer: bool
) -> str:
    """A contents page, then ``sections`` (paragraphs each), page-number references from
    one section to another, and the page total shown in the body and in the footer when
    asked."""
    style = [
        "@page { size: A5; margin: 15mm 12mm;"
        + (" @bottom-center { content: counter(page) ' of ' counter(pages) }" if footer else "")
        + " }",
        "section { break-before: page }",
        ".toc a::after { content: leader('.') target-counter(attr(href), page) }",
        ".ref::after { content: ' (p. ' target-counter(attr(href), page) ')' }",
        ".total::after { content: counter(pages) }",
    ]
    toc = "".join(f'<li><a href="#s{i}">Section {i}</a></li>' for i in range(len(sections)))
    body = [f'<nav class="toc"><h1>Contents</h1><ul>{toc}</ul></nav>']
    for index, paragraphs in enumerate(sections):
        text = []
        for number in range(paragraphs):
            words = [WORDS[(index * 7 + number * 3 + k) % len(WORDS)] for k in range(60)]
            text.append(f"<p>{' '.join(words)}.</p>")
        for source, target in refs:
            if source == index:
                text.append(f'<p>See <a class="ref" href="#s{target}">section {target}</a>.</p>')
        if total_in_body and index == 0:
            text.append('<p>Pages: <span class="total"></span></p>')
        body.append(f'<section id="s{index}"><h2>Section {index}</h2>{"".join(text)}</section>')
    return (
        f'<!doctype html><html lang="en"><head><style>{"".join(style)}</style></head>'
        f"<body>{''.join(body)}</body></html>"
    )


class Passes(logging.Handler):
    """Counts WeasyPrint's layout passes (its progress messages)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 1

    def emit(self, record: logging.LogRecord) -> None:
        if "Repagination" in record.getMessage():
            self.count += 1


def rendered(html: str, tmp: Path) -> tuple[bytes, int]:
    counter = Passes()
    progress = logging.getLogger("weasyprint.progress")
    level = progress.level
    progress.addHandler(counter)
    progress.setLevel(logging.INFO)
    try:
        data = render_pdf(html, base=tmp, allowed=frozenset(), asked_by=tmp, identifier="t")
    finally:
        progress.removeHandler(counter)
        progress.setLevel(level)
    return data, counter.count


def both(html: str, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """Render ``html`` as the tool does and with WeasyPrint's passes alone; same bytes."""
    ours, fewer = rendered(html, tmp)
    with monkeypatch.context() as patch:
        patch.setattr(passes, "settle", lambda context: None)
        theirs, more = rendered(html, tmp)
    assert ours == theirs
    return fewer, more


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_a_contents_page_is_laid_out_in_one_pass_less(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fewer, more = both(
        document([3, 5, 2, 6, 4], [(1, 3), (3, 0)], False, True), tmp_path, monkeypatch
    )
    assert (fewer, more) == (2, 3)


def test_a_total_shown_in_the_body_is_still_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = document([4, 3, 5], [(0, 2)], True, False)
    fewer, more = both(html, tmp_path, monkeypatch)
    assert fewer <= more
    pdf = tmp_path / "total.pdf"
    pdf.write_bytes(rendered(html, tmp_path)[0])
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")[:-1]
    assert len(pages) > 1
    assert f"Pages: {len(pages)}" in "".join(pages)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    sections=st.lists(st.integers(0, 9), min_size=1, max_size=7),
    refs=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=5),
    total_in_body=st.booleans(),
    footer=st.booleans(),
)
def test_any_document_gives_the_same_bytes_in_no_more_passes(
    sections: list[int],
    refs: list[tuple[int, int]],
    total_in_body: bool,
    footer: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refs = [(s, t) for s, t in refs if s < len(sections) and t < len(sections)]
    fewer, more = both(document(sections, refs, total_in_body, footer), tmp_path, monkeypatch)
    assert fewer <= more
