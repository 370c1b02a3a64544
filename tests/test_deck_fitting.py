"""Text that does not fit a slide: a slide's text ends where a paragraph ends (never inside a
sentence), a little overflow is set smaller rather than moved to a slide of its own, and a
continuation slide is never set larger than the slide it continues."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pptx import Presentation

from mi_courseware.builders import BuildContext
from mi_courseware.errors import Problems
from mi_courseware.pipeline import build_targets
from mi_courseware.pipeline.targets import load_checked
from mi_courseware.project import ProjectPaths
from mi_courseware.rendering.pptx.ooxml import Box, Para, Run, emu
from mi_courseware.resolving.targets import editions_for, find_target
from tests.conftest import MakeProject

BULLET = (
    "Practise open questions and reflective listening with people who are unsure about "
    "change, and plan how to keep practising"
)
EXERCISE = [
    "The speaker chooses a real change they have been thinking about for a while, not "
    "something invented for the exercise.",
    "The listener asks open questions only: no advice, no closed questions, no suggestions "
    "of their own.",
    "After five minutes, the listener offers a summary of what they heard, and the speaker "
    "says what it was like to be listened to.",
    "Swap roles and repeat, then talk together about which questions helped most and why.",
    "Note one question you would like to use at work next week.",
]
#: The welcome module of a new trainer's course: a list one bullet too long for its slide, an
#: exercise whose last bullet does not fit beside its panel (as in issue 21), and a list that
#: needs a second slide.
WELCOME = "\n".join(
    [
        "---\ntitle: Welcome\n---\nWelcome to the course.\n\n## What we will do\n",
        *(f"- {BULLET}." for _ in range(6)),
        "\n## Ask, then listen\n\nAn open question invites a story rather than a yes or a no.\n",
        "::: exercise minutes=20 grouping=pairs",
        "Take turns to ask about a change your partner is thinking about. Use open",
        "questions only, and reflect back what you hear.\n",
        *(f"- {line}" for line in EXERCISE),
        ":::\n\n## Ten things to try\n",
        *(f"- Thing {n}: {BULLET}." for n in range(1, 11)),
    ]
)


def deck_slides(root: Path) -> list[tuple[str, list[tuple[str, float]]]]:
    """Each slide's title, and its body's paragraphs with the size each is set at."""
    problems = Problems()
    project = load_checked(ProjectPaths(root), problems)
    editions = editions_for(project, [find_target(project, "acme-2027")], problems)
    problems.raise_if_errors()
    context = BuildContext(quiet=True, time=datetime(2027, 1, 1, tzinfo=UTC))
    folder = build_targets(editions, ("slides",), context, root / "out")[0].folder
    slides = []
    for slide in Presentation(str(folder / "slides.pptx")).slides:
        body = [s for s in slide.placeholders if s.placeholder_format.idx == 1]
        paras = [
            (p.text, p.runs[0].font.size.pt)
            for shape in body
            for p in shape.text_frame.paragraphs
            if p.runs and p.runs[0].font.size is not None
        ]
        slides.append((slide.shapes.title.text, paras))
    return slides


def test_no_sentence_is_split_across_slides_and_no_continuation_is_set_larger(
    make_project: MakeProject,
) -> None:
    slides = deck_slides(make_project({"content/modules/welcome.md": WELCOME}))
    titles = [title for title, _ in slides]
    # one bullet too many, or a last bullet beside an exercise panel: set smaller, one slide
    assert "What we will do (continued)" not in titles
    assert "Ask, then listen (continued)" not in titles
    shown = dict(slides)
    assert [text for text, _ in shown["What we will do"]] == [f"{BULLET}."] * 6
    exercise = [text for text, _ in shown["Ask, then listen"]]
    assert exercise[-len(EXERCISE) :] == EXERCISE
    assert min(size for _, size in shown["Ask, then listen"]) >= 16 * 0.8  # instructions: 16 pt
    # a list that needs two slides: whole bullets on each, the second no larger than the first
    first, second = shown["Ten things to try"], shown["Ten things to try (continued)"]
    texts = [text for text, _ in first + second]
    assert texts == [f"Thing {n}: {BULLET}." for n in range(1, 11)]
    assert max(size for _, size in second) <= min(size for _, size in first)


def test_a_paragraph_taller_than_its_box_at_the_floor_is_cut_after_a_sentence() -> None:
    from mi_courseware.rendering.pptx.fitting import FLOOR, Metrics, fit_group
    from mi_courseware.rendering.pptx.template import TextStyle
    from tests.conftest import REPO

    fonts = REPO / "themes/default/fonts"
    faces = ("Regular", "Bold", "Italic", "BoldItalic")
    keys = ("regular", "bold", "italic", "bold_italic")
    metrics = Metrics(
        {k: fonts / f"OpenSans-{f}.ttf" for k, f in zip(keys, faces, strict=True)}, 1.362
    )
    style = TextStyle("body", 24, 18, line=0.95, space_before=10)
    sentences = [f"Sentence {n} says one short thing about listening well." for n in range(30)]
    paras = [Para((Run(" ".join(sentences)),), kind="bullet")]
    size, parts = fit_group({"body": (paras, Box(0, 0, emu(6), emu(1.5)), style)}, metrics)
    here, later = parts["body"]
    assert size == FLOOR
    assert here[0].text.endswith(".") and here[0].text in " ".join(sentences)
    assert later[0].kind == "continued" and later[0].text.startswith("Sentence ")
    assert f"{here[0].text} {later[0].text}" == " ".join(sentences)
