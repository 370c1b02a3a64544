"""The PDF engine's own messages: warnings at the document's file when it renders, notes at -v
when it fails (its failure's error says what went wrong), never ``mi-courseware: error:``.
The warning is the corpus case ``tpl-engine-complains``; here, the failure."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from mi_courseware.rendering.engine_log import engine_messages


def test_when_the_render_fails_the_engine_lines_are_notes_after_the_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = logging.getLogger("weasyprint")
    with (
        caplog.at_level(logging.DEBUG),
        pytest.raises(RuntimeError),
        engine_messages(Path("pack.html"), "events/x/pack"),
    ):
        engine.error("Failed to load image at %r", "nothing.png")
        raise RuntimeError("the render failed")
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("INFO", "events/x/pack: the PDF engine also said: Failed to load image at 'nothing.png'")
    ]
