"""The chart helper: SVG vector graphics, deterministic, meaning in words and patterns."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import REPO
from lxml import etree

from mi_courseware.rendering.charts import (
    BandRow,
    Bar,
    ChartStyle,
    Series,
    Threshold,
    band_chart,
    bar_chart,
    line_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
FONTS = tuple(sorted((REPO / "themes" / "default" / "fonts").glob("OpenSans-*.ttf")))
STYLE = ChartStyle(font_files=FONTS)


def texts(svg: str) -> list[str]:
    root = etree.fromstring(svg.encode())
    return [t.text.strip() for t in root.iter(f"{SVG}text") if t.text and t.text.strip()]


def charts(style: ChartStyle = STYLE) -> list[str]:
    return [
        bar_chart(
            [Bar("Q", 12), Bar("SR", 5), Bar("AF", 2, "adherent"), Bar("SEEK", 1, "adherent")],
            style=style,
            description="Counts",
            legend={"": "other", "adherent": "MI-adherent"},
        ),
        line_chart(
            ["Jan", "Feb", "Mar"],
            [Series("Technical", (2.5, None, 3.5))],
            style=style,
            description="Technical over time",
            thresholds=[Threshold("fair 3", 3), Threshold("good 4", 4)],
            y_range=(1, 5),
        ),
        band_chart(
            [
                BandRow("Technical", 3.5, "3.50", 1, 5, 3, 4),
                BandRow("R:Q", None, "undefined: no questions", 0, 3, 1, 2),
            ],
            style=style,
            description="Scores against thresholds",
        ),
    ]


@pytest.fixture(scope="module")
def made() -> list[str]:
    return charts()


def test_charts_are_svg_with_a_title_and_no_metadata(made: list[str]) -> None:
    for svg, title in zip(made, ["Counts", "Technical over time", "Scores against thresholds"],
                          strict=True):  # fmt: skip
        root = etree.fromstring(svg.encode())
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img" and root.get("aria-label") == title
        assert root.find(f"{SVG}title").text == title
        assert root.find(f"{SVG}metadata") is None
        assert root.find(f".//{SVG}image") is None  # nothing raster inside
        assert "Matplotlib" not in svg and "<dc:date>" not in svg


def test_charts_are_the_same_every_time(made: list[str]) -> None:
    assert charts() == made


def test_text_stays_text_in_the_themes_font(made: list[str]) -> None:
    bars, line, _ = made
    assert {"12", "5", "2", "1", "other", "MI-adherent", "Q", "SEEK"} <= set(texts(bars))
    assert {"fair 3", "good 4", "2.5", "3.5"} <= set(texts(line))
    assert "Open Sans" in bars and "DejaVu" not in bars


def test_bands_are_named_in_words_and_drawn_with_patterns(made: list[str]) -> None:
    bars, _, bands = made
    words = texts(bands)
    assert words.count("below fair") == 2 and words.count("good") == 2
    assert "3.50" in words and "undefined: no questions" in words
    # groups and bands differ by fill pattern, not colour alone
    assert bands.count("<pattern") >= 2 and bars.count("<pattern") >= 1


def test_a_missing_font_falls_back_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    style = ChartStyle(font_family="No Such Sans", font_files=(Path("missing.ttf"),))
    with caplog.at_level(logging.WARNING, logger="mi_courseware.rendering.charts"):
        svg = bar_chart([Bar("Q", 1)], style=style, description="x")
    assert "charts: font 'No Such Sans' not found" in caplog.text
    assert "DejaVu Sans" in svg and "No Such Sans" not in svg
