"""The PDF engine's page references kept per PDF: the same bytes, far fewer rebuilds."""

from __future__ import annotations

import io
import logging
from typing import Any

import pikepdf
import pydyf
import pytest
from weasyprint import HTML

from mi_courseware.rendering import engine_speed

#: pydyf's own property, as the package ships it (whether or not a render in this process
#: has installed ours already).
_SHIPPED = pydyf.PDF.__dict__["page_references"]
ORIGINAL = getattr(_SHIPPED.fget, "original", _SHIPPED)


@pytest.fixture
def pristine(monkeypatch: pytest.MonkeyPatch) -> None:
    """pydyf as it ships, restored after the test whatever the test installed."""
    monkeypatch.setattr(pydyf.PDF, "page_references", ORIGINAL)


def _document(pages: int) -> str:
    """A tagged document of ``pages`` pages, each with a heading, a list, a table and a link
    to the next page (every one of them read the page references)."""
    body = []
    for page in range(pages):
        body.append(
            f'<section style="break-before: page"><h2 id="s{page}">Section {page}</h2>'
            f"<ul><li>one</li><li>two</li></ul>"
            f"<table><tr><th>Head</th></tr><tr><td>cell {page}</td></tr></table>"
            f'<p><a href="#s{(page + 1) % pages}">next</a></p></section>'
        )
    return f"<html lang=en><body>{''.join(body)}</body></html>"


def _write(html: str) -> bytes:
    data = HTML(string=html).render().write_pdf(pdf_tags=True)
    assert isinstance(data, bytes)
    return data


def test_the_same_bytes_with_references_kept(
    pristine: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    html = _document(12)
    plain = _write(html)
    engine_speed.install()
    assert pydyf.PDF.__dict__["page_references"] is not ORIGINAL
    kept = _write(html)
    assert kept == plain
    with pikepdf.open(io.BytesIO(kept)) as pdf:
        assert len(pdf.pages) == 12
        assert "/StructTreeRoot" in pdf.Root


def test_references_are_built_once_per_change_of_pages_not_per_element(
    pristine: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[int] = []

    def counting(pdf: Any) -> Any:
        built.append(len(pdf.pages["Kids"]))
        return ORIGINAL.fget(pdf)

    monkeypatch.setattr(pydyf.PDF, "page_references", property(counting))
    html = _document(20)
    _write(html)
    per_element = len(built)
    built.clear()
    engine_speed.install()
    _write(html)
    # pydyf's property was read once per tagged element and link; kept, it is built once
    assert per_element > 100
    assert 1 <= len(built) <= 2


def test_kept_references_follow_the_pages(pristine: None) -> None:
    engine_speed.install()
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert first == ORIGINAL.fget(pdf) and len(first) == 3
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert pdf.page_references == ORIGINAL.fget(pdf) and len(pdf.page_references) == 4
    pdf.pages["Kids"][0:3] = [99, 0, "R"]  # a page replaced: the references change with it
    assert pdf.page_references == ORIGINAL.fget(pdf)
    assert pdf.page_references[0] == b"99 0 R"
    engine_speed.install()  # once is enough: a second call wraps nothing again
    assert pdf.page_references == ORIGINAL.fget(pdf)


def test_a_pydyf_without_the_property_is_left_alone_and_said(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delattr(pydyf.PDF, "page_references")
    with caplog.at_level(logging.DEBUG, logger="mi_courseware.rendering.engine_speed"):
        engine_speed.install()
    assert "page_references" not in pydyf.PDF.__dict__
    assert "page references not kept" in caplog.text
