"""Slide decks: built from fixture projects and the demo, reopened as a trainer's tools would.

Decks are opened with python-pptx and converted with LibreOffice (where installed); nothing
is mocked. ``tests/projects/slides-basic`` has a slide of every kind, an add-on session, a
600-character bullet, a client with brand colours and an SVG logo (``brightwater``) and one
with neither, whose wording is Welsh (``plain``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Emu

from mi_courseware.builders import BuildContext
from mi_courseware.core.edition import Edition
from mi_courseware.errors import ContentError, Problems
from mi_courseware.loading.markdown import parse
from mi_courseware.model.client import DEFAULT_ACCENT, DEFAULT_PRIMARY
from mi_courseware.pipeline import build_targets
from mi_courseware.pipeline.targets import load_checked
from mi_courseware.project import ProjectPaths
from mi_courseware.resolving.targets import editions_for, find_target
from tests.ooxml_audit import deck_faults

TESTS = Path(__file__).parent
REPO = TESTS.parent
FIXTURE = TESTS / "projects" / "slides-basic"
WHEN = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
CONTINUED = " (continued)"


def build(root: Path, target: str, out: Path, **options: object) -> tuple[Path, Edition]:
    """Build the deck for ``target`` in-process; returns its path and the Edition (every deck
    built here must open in PowerPoint without a repair: see ``tests/ooxml_audit.py``)."""
    problems = Problems()
    project = load_checked(ProjectPaths(root), problems)
    problems.raise_if_errors()
    editions = editions_for(project, [find_target(project, target)], problems, **options)  # type: ignore[arg-type]
    problems.raise_if_errors()
    context = BuildContext(quiet=True, time=WHEN)
    result = build_targets(editions, ("slides",), context, out)[0]
    deck = result.folder / "slides.pptx"
    assert deck_faults(deck) == []
    return deck, editions[0]


def content_slides(body: str) -> int:
    """Slides a session's Markdown makes: ``#``/``##`` and ``---`` start one; an introduction
    with more than paragraphs in it makes one too."""
    count = 0
    intro_shows = False
    for token in parse(body):
        if token.level != 0:
            continue
        if (token.type == "heading_open" and token.tag in ("h1", "h2")) or token.type == "hr":
            count += 1
        elif (
            count == 0
            and token.type.endswith("_open")
            and token.type != "paragraph_open"
            and not token.type.startswith(("container_notes", "container_answers"))
        ):
            intro_shows = True
    return count + intro_shows


def expected_slides(edition: Edition) -> int:
    """Title, outcomes, a timetable per day, a section header and content per session, close."""
    return 3 + len(edition.days) + sum(1 + content_slides(s.body) for s in edition.sessions)


def untitled_breaks(edition: Edition) -> int:
    """``---`` slides: they take the title before them, with "(continued)"."""
    return sum(1 for s in edition.sessions for t in parse(s.body) if t.type == "hr" and not t.level)


def titles(deck: Path) -> list[str]:
    return [slide.shapes.title.text for slide in Presentation(str(deck)).slides]


def overflow_continuations(names: list[str]) -> int:
    """Slides continuing the slide before them (same title + " (continued)")."""
    count = 0
    for before, after in pairwise(names):
        if after.endswith(CONTINUED) and before.removesuffix(CONTINUED) == after.removesuffix(
            CONTINUED
        ):
            count += 1
    return count


def theme_colours(deck: Path) -> dict[str, str]:
    with zipfile.ZipFile(deck) as archive:
        theme = archive.read("ppt/theme/theme1.xml").decode()
    return dict(re.findall(r'<a:(\w+)><a:srgbClr val="([0-9A-F]{6})"/>', theme))


@pytest.fixture(scope="module")
def fixture_deck(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Edition]:
    return build(FIXTURE, "brightwater-2027", tmp_path_factory.mktemp("out"))


def test_every_slide_has_a_title_notes_and_no_picture_without_alt_text(fixture_deck) -> None:
    deck, _ = fixture_deck
    presentation = Presentation(str(deck))
    for number, slide in enumerate(presentation.slides, start=1):
        assert slide.shapes.title is not None and slide.shapes.title.text.strip(), number
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip(), number
        for shape in slide.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE or (
                shape.is_placeholder
                and shape.placeholder_format.type == 18
                and hasattr(shape, "image")
            ):
                descr = shape._element.xpath("./p:nvPicPr/p:cNvPr/@descr")[0]
                assert descr.strip(), f"slide {number}: picture without alt text"
                assert "/" not in descr and ".png" not in descr and ".svg" not in descr
    pictures = [
        s
        for slide in presentation.slides
        for s in slide.shapes
        if s.shape_type == MSO_SHAPE_TYPE.PICTURE or s._element.tag.endswith("}pic")
    ]
    descrs = {p._element.xpath("./p:nvPicPr/p:cNvPr/@descr")[0] for p in pictures}
    assert descrs == {"Brightwater Family Services logo", "Two practitioners talking at a table"}


def test_slide_count_follows_the_edition_and_long_text_continues(fixture_deck) -> None:
    deck, edition = fixture_deck
    names = titles(deck)
    overflow = overflow_continuations(names) - untitled_breaks(edition)
    assert overflow == 1  # the slide with the 600-character bullets
    assert len(names) == expected_slides(edition) + overflow
    long_title = next(n for n in names if n.startswith("A slide whose title"))
    assert names[names.index(long_title) + 1] == long_title + CONTINUED
    slides = Presentation(str(deck)).slides
    sections = [s for s in slides if s.slide_layout.name == "Section header"]
    assert [s.shapes.title.text for s in sections] == [s.title for s in edition.sessions]
    assert "Extra practice" in [s.title for s in edition.sessions]  # the add-on, in its place


def test_layouts_follow_the_content(fixture_deck) -> None:
    deck, _ = fixture_deck
    layout = {s.shapes.title.text: s.slide_layout.name for s in Presentation(str(deck)).slides}
    assert layout["Two kinds of talk"] == "Two columns"
    assert layout["A voice from practice"] == "Quote"
    assert layout["The cycle of change"] == "Diagram"
    assert layout["Matching the stage"] == "Title and table"
    assert layout["A picture"] == "Image with caption"
    assert layout["Try it: reflections"] == "Exercise"
    assert layout["Thank you"] == "Closing"
    assert layout["MI for Slide Decks"] == "Title"


def slide_titled(deck: Path, title: str):  # type: ignore[no-untyped-def]
    return next(s for s in Presentation(str(deck)).slides if s.shapes.title.text == title)


def all_text(shapes) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            found += all_text(shape.shapes)
        elif shape.has_text_frame and shape.text_frame.text.strip():
            found.append(shape.text_frame.text)
    return found


def test_section_headers_exercises_and_notes_carry_times_groupings_and_trainer_notes(
    fixture_deck,
) -> None:
    deck, edition = fixture_deck
    opening = edition.sessions[0]
    header = slide_titled(deck, "Opening")
    assert opening.times in all_text(header.shapes)[2]
    assert "Session 1" in all_text(header.shapes)[1]
    welcome = slide_titled(deck, "Welcome")
    notes = welcome.notes_slide.notes_text_frame.text
    assert opening.times in notes and "Start on time" in notes and "Keep introductions" in notes
    assert "trainer script" in notes  # paragraphs beside a list are the trainer's script
    assert not any("trainer script" in t for t in all_text(welcome.shapes))
    levels = [p.level for p in welcome.placeholders[1].text_frame.paragraphs]
    assert levels == [0, 0, 1, 1, 0]
    exercise = slide_titled(deck, "Try it: reflections")
    texts = " ".join(all_text(exercise.shapes))
    assert "10" in texts and "minutes" in texts and "in triads" in texts
    assert "Good reflections" in exercise.notes_slide.notes_text_frame.text
    assert "Good reflections" not in texts  # answers never on a slide


def test_diagrams_and_tables_are_native_editable_shapes(fixture_deck) -> None:
    deck, _ = fixture_deck
    cycle = slide_titled(deck, "The cycle of change")
    groups = [s for s in cycle.shapes if s.shape_type == MSO_SHAPE_TYPE.GROUP]
    assert len(groups) == 1
    labels = all_text(groups[0].shapes)
    for stage in (
        "Precontemplation",
        "Contemplation",
        "Preparation",
        "Action",
        "Maintenance",
        "Relapse",
    ):
        assert stage in labels
    assert "Precontemplation" in groups[0]._element.xpath("./p:nvGrpSpPr/p:cNvPr/@descr")[0]
    balance = all_text(slide_titled(deck, "Decisional balance").shapes)
    for label in ("Staying the same", "Making a change", "Good things", "Not-so-good things"):
        assert label in balance
    ruler = all_text(
        s for s in slide_titled(deck, "Rulers").shapes if s.shape_type == MSO_SHAPE_TYPE.GROUP
    )
    assert [str(n) for n in range(11)] == [t for t in ruler if t.isdigit()]
    assert "How important is this change to you?" in ruler
    table = next(s for s in slide_titled(deck, "Matching the stage").shapes if s.has_table)
    assert table.table.cell(1, 0).text == "Contemplation"
    for slide in Presentation(str(deck)).slides:
        assert not [
            s
            for s in slide.shapes
            if s.shape_type == MSO_SHAPE_TYPE.PICTURE
            and slide.shapes.title.text not in ("A picture",)
        ]


def test_theme_colours_and_fonts_carry_the_clients_brand(fixture_deck, tmp_path: Path) -> None:
    deck, _ = fixture_deck
    colours = theme_colours(deck)
    assert (colours["accent1"], colours["accent2"], colours["accent3"]) == (
        "0B6E69",
        "3A9E5C",
        "D9822B",
    )
    with zipfile.ZipFile(deck) as archive:
        theme = archive.read("ppt/theme/theme1.xml").decode()
    assert theme.count('<a:latin typeface="Open Sans"/>') == 2  # major and minor fonts
    plain, _ = build(FIXTURE, "slides-course", tmp_path, client="plain")
    defaults = theme_colours(plain)
    assert defaults["accent1"] == DEFAULT_PRIMARY[1:].upper()
    assert defaults["accent3"] == DEFAULT_ACCENT[1:].upper()
    names = titles(plain)
    assert "Deilliannau dysgu" in names and "Diolch" in names  # Welsh fixed wording
    presentation = Presentation(str(plain))
    assert not any(
        s.shape_type == MSO_SHAPE_TYPE.PICTURE
        for slide in presentation.slides
        for s in slide.shapes
        if slide.shapes.title.text != "A picture"
    )
    exercise = " ".join(all_text(slide_titled(plain, "Rhowch gynnig arni: reflections").shapes))
    assert "Ymarfer" in exercise and "munud" in exercise and "mewn grwpiau o dri" in exercise


def test_two_builds_from_copies_in_different_folders_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    decks = []
    for folder in ("a", "deeper/b"):
        root = tmp_path / folder / "project"
        shutil.copytree(FIXTURE, root)
        problems = Problems()
        project = load_checked(ProjectPaths(root), problems)
        editions = editions_for(project, [find_target(project, "brightwater-2027")], problems)
        result = build_targets(editions, ("slides",), BuildContext(quiet=True), root / "output")[0]
        decks.append((result.folder / "slides.pptx").read_bytes())
    assert decks[0] == decks[1]
    with zipfile.ZipFile(root / "output/events/brightwater-2027/slides.pptx") as archive:
        core = archive.read("docProps/core.xml").decode()
        stamps = {i.date_time for i in archive.infolist()}
    when = datetime.fromtimestamp(1790000000, tz=UTC)
    assert stamps == {(when.year, when.month, when.day, when.hour, when.minute, when.second)}
    assert f"{when:%Y-%m-%dT%H:%M:%SZ}" in core and "<cp:revision>1</cp:revision>" in core


def test_a_layout_the_theme_lacks_is_an_error_naming_layout_and_theme(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    source = REPO / "themes/default/slides/template.pptx"
    target = root / "content/clients/brightwater/templates/slides/template.pptx"
    target.parent.mkdir(parents=True)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            new.writestr(item, data.replace(b'name="Exercise"', b'name="Activity"'))
    with pytest.raises(ContentError) as caught:
        build(root, "brightwater-2027", tmp_path / "out")
    message = str(caught.value)
    assert "'Exercise'" in message and "theme 'default'" in message


def test_a_slide_with_two_visuals_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    module = root / "content/modules/tools.md"
    text = module.read_text(encoding="utf-8")
    module.write_text(
        text.replace("## Rulers\n", "## Rulers\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"),
        encoding="utf-8",
    )
    line = text.splitlines().index("## Rulers") + 1
    with pytest.raises(ContentError) as caught:
        build(root, "brightwater-2027", tmp_path / "out")
    assert f"tools.md:{line}:" in str(caught.value)
    assert "a table and a diagram" in str(caught.value)


def test_the_demo_deck_follows_its_edition() -> None:
    out = Path(__import__("tempfile").mkdtemp())
    try:
        deck, edition = build(REPO, "mi-practitioner", out, client="northfield", variant="in-depth")
        names = titles(deck)
        overflow = overflow_continuations(names) - untitled_breaks(edition)
        assert len(names) - overflow == expected_slides(edition)
        presentation = Presentation(str(deck))
        assert all(s.has_notes_slide for s in presentation.slides)
        assert theme_colours(deck)["accent1"] == "1D3557"
    finally:
        shutil.rmtree(out)


def test_the_committed_template_is_what_its_script_makes() -> None:
    script = REPO / "scripts/make_slide_template.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (REPO / "themes/default/slides/template.pptx").stat().st_size < 100_000


HIDE_OPEN_SANS = """<?xml version="1.0"?><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<selectfont><rejectfont><glob>*OpenSans*</glob>
<pattern><patelt name="family"><string>Open Sans</string></patelt></pattern>
</rejectfont></selectfont><cachedir>{cache}</cachedir></fontconfig>"""


@pytest.fixture(scope="session")
def rendered_decks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """The fixture deck and the demo deck, converted by LibreOffice in one run, on a machine
    without Open Sans (as most council laptops are): name -> (deck, PDF)."""
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip(
            "LibreOffice (soffice) and poppler-utils are needed to render decks; "
            "scripts/system-deps.sh installs them"
        )
    tmp = tmp_path_factory.mktemp("libreoffice")
    decks = {}
    for name, (root, target, options) in {
        "fixture": (FIXTURE, "brightwater-2027", {}),
        "demo": (REPO, "mi-practitioner", {"client": "northfield", "variant": "in-depth"}),
    }.items():
        deck, _ = build(root, target, tmp / name, **options)
        decks[name] = shutil.copy(deck, tmp / f"{name}.pptx")
    fonts = tmp / "fonts.conf"
    fonts.write_text(HIDE_OPEN_SANS.format(cache=tmp / "cache"), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "FONTCONFIG_FILE": str(fonts)}
    found = subprocess.run(["fc-match", "Open Sans"], capture_output=True, text=True, env=env)
    assert "OpenSans" not in found.stdout  # the theme's font really is hidden
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp), *(str(d) for d in decks.values())],
        check=True, capture_output=True, env=env, timeout=300,
    )  # fmt: skip
    return {name: (Path(deck), tmp / f"{name}.pdf") for name, deck in decks.items()}


def test_libreoffice_shows_every_slide_with_no_text_outside_its_placeholder(
    rendered_decks: dict[str, tuple[Path, Path]],
) -> None:
    deck, pdf = rendered_decks["fixture"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    presentation = Presentation(str(deck))
    assert pages == len(presentation.slides)
    names = [s.shapes.title.text for s in presentation.slides]
    for index, name in enumerate(names):
        if not name.startswith("A slide whose title"):
            continue
        slide = presentation.slides[index]
        boxes = [_points(s) for s in slide.placeholders if s.placeholder_format.idx in (0, 1)]
        footer = set(["Brightwater", "Family", "Services", "·", "MI", "for", "Slide", "Decks"]) | {
            str(index + 1)
        }
        words = _words(pdf, index + 1)
        assert len(words) > 100
        for word, box in words:
            if word in footer and box[1] > 6.8 * 72:
                continue  # the footer line
            assert any(_inside(box, area) for area in boxes), f"{word!r} outside on {name}"


def text_boxes(shapes) -> list[tuple[float, float, float, float]]:  # type: ignore[no-untyped-def]
    """The boxes of every shape that can hold text (placeholders, shapes, tables, groups)."""
    found = []
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            found += text_boxes(shape.shapes)
        elif shape.has_text_frame or getattr(shape, "has_table", False):
            found.append(_points(shape))
    return found


def test_the_demo_deck_fits_every_word_in_its_box_where_open_sans_is_missing(
    rendered_decks: dict[str, tuple[Path, Path]],
) -> None:
    deck, pdf = rendered_decks["demo"]
    presentation = Presentation(str(deck))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert f"Pages:           {len(presentation.slides)}" in info.stdout
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "OpenSans" not in fonts and "DejaVuSans" in fonts  # drawn in the substitute
    outside = []
    for number, slide in enumerate(presentation.slides, start=1):
        boxes = text_boxes(slide.shapes)
        words = _words(pdf, number)
        assert words, f"slide {number} shows no text"
        for word, box in words:
            # poppler's word box is the font's full height; the letters keep to its middle
            trim = 0.15 * (box[3] - box[1])
            inked = (box[0], box[1] + trim, box[2], box[3] - trim)
            if not any(_inside(inked, area) for area in boxes):
                outside.append((number, slide.shapes.title.text, word, box))
    assert outside == []


def _points(shape) -> tuple[float, float, float, float]:  # type: ignore[no-untyped-def]
    left, top, width, height = shape.left, shape.top, shape.width, shape.height
    return (Emu(left).pt, Emu(top).pt, Emu(left + width).pt, Emu(top + height).pt)


def _inside(box: tuple[float, float, float, float], area: tuple[float, ...]) -> bool:
    slack = 1.5
    return (
        box[0] >= area[0] - slack
        and box[1] >= area[1] - slack
        and box[2] <= area[2] + slack
        and box[3] <= area[3] + slack
    )


def _words(pdf: Path, page: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
        r'yMax="([\d.]+)">([^<]*)</word>',
        html,
    )
    return [(w, (float(a), float(b), float(c), float(d))) for a, b, c, d, w in found]


def test_a_layout_stated_in_the_content_is_used_and_checked(tmp_path: Path) -> None:
    """``::: layout NAME`` chooses the layout where the content allows it, else it is an error."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    module = root / "content/modules/opening.md"
    text = module.read_text(encoding="utf-8")
    stated = text.replace(
        "## A voice from practice\n",
        "## A voice from practice\n\n::: layout quote\n:::\n\n- STATED-BULLET for the notes\n",
    ).replace("## Welcome\n", "## Welcome\n\n::: layout bullets\n:::\n")
    module.write_text(stated, encoding="utf-8")
    deck, _ = build(root, "brightwater-2027", tmp_path / "out")
    quote = slide_titled(deck, "A voice from practice")
    assert quote.slide_layout.name == "Quote"
    assert "STATED-BULLET" in quote.notes_slide.notes_text_frame.text
    assert "STATED-BULLET" not in " ".join(all_text(quote.shapes))
    assert slide_titled(deck, "Welcome").slide_layout.name == "Title and bullets"

    module.write_text(
        text.replace("## Welcome\n", "## Welcome\n\n::: layout diagram\n:::\n"), encoding="utf-8"
    )
    line = text.splitlines().index("## Welcome") + 1
    with pytest.raises(ContentError) as caught:
        build(root, "brightwater-2027", tmp_path / "out2")
    assert f"opening.md:{line}:1: error: slide 'Welcome' asks for layout 'diagram'" in str(
        caught.value
    )


def test_validate_names_an_unknown_stated_layout(tmp_path: Path) -> None:
    from mi_courseware.loading.blocks import check_markdown

    problems = Problems()
    check_markdown("## A\n\n::: layout quotes\n:::\n", tmp_path / "m.md", 1, problems)
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'm.md'}:3:5: error: unknown slide layout 'quotes' (did you mean 'quote'?)".replace(
            str(tmp_path / "m.md"), str(Path(os.path.relpath(tmp_path / "m.md")))
        )
    ]


def test_a_misspelt_key_in_a_themes_layouts_yaml_is_a_located_error_from_validate(
    tmp_path: Path, run_cli
) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    theme = root / "themes" / "mine"
    (theme / "slides").mkdir(parents=True)
    (theme / "theme.yaml").write_text("name: Mine\nextends: default\n", encoding="utf-8")
    text = (REPO / "themes/default/slides/layouts.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "      body: {idx: 1, style: body}\n", "      body: {idx: 1, stlye: body}\n", 1
    )
    text = text.replace("style: quote,", "style: quotes,")
    (theme / "slides" / "layouts.yaml").write_text(text, encoding="utf-8")
    line = text.splitlines().index("      body: {idx: 1, stlye: body}") + 1
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 1
    assert (
        f"themes/mine/slides/layouts.yaml:{line}:22: error: unknown key 'stlye' "
        "(did you mean 'style'?)" in result.output
    )
    text = text.replace("stlye: body", "style: body")
    (theme / "slides" / "layouts.yaml").write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "style: quotes" in t)
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 1
    assert (
        f"themes/mine/slides/layouts.yaml:{line}:" in result.output
        and "error: unknown style 'quotes' (did you mean 'quote'?)" in result.output
    )


def test_a_template_that_holds_slides_gives_a_deck_of_only_our_slides(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    template = Presentation(str(REPO / "themes/default/slides/template.pptx"))
    for _ in range(2):
        slide = template.slides.add_slide(template.slide_layouts[2])
        slide.shapes.title.text = "A SLIDE THE CLIENT LEFT IN"
    target = root / "content/clients/brightwater/templates/slides/template.pptx"
    target.parent.mkdir(parents=True)
    template.save(str(target))
    with caplog.at_level(logging.INFO):
        deck, _ = build(root, "brightwater-2027", tmp_path / "out")
    assert any(
        "template.pptx holds 2 slides: left out of the deck" in r.getMessage()
        for r in caplog.records
    )
    presentation = Presentation(str(deck))
    names = [s.shapes.title.text for s in presentation.slides]
    assert "A SLIDE THE CLIENT LEFT IN" not in names
    with zipfile.ZipFile(deck) as archive:
        pres = archive.read("ppt/presentation.xml").decode()
        slides = [n for n in archive.namelist() if re.match(r"ppt/slides/slide\d+\.xml$", n)]
    assert pres.count("<p:sldIdLst>") == 1 and pres.count("<p:sldId ") == len(names)
    assert (
        len(slides)
        == len(names)
        == len(titles(build(FIXTURE, "brightwater-2027", tmp_path / "plain")[0]))
    )


def test_a_timetable_too_long_for_one_slide_is_shared_evenly_never_larger_on_the_next() -> None:
    """The demo's day has more slots than one slide holds: its rows are shared evenly between
    two slides at one size, not a full slide in small type and two rows over in large type."""
    from mi_courseware.rendering.pptx.deck import slide_plan

    problems = Problems()
    project = load_checked(ProjectPaths(REPO), problems)
    [edition] = editions_for(project, [find_target(project, "northfield-2027-03")], problems)
    [(spec, fitted)] = [(s, f) for s, f in slide_plan(edition) if s.layout == "table"][:1]
    assert spec.table is not None and len(spec.table.rows) > 12
    tables = [f.table for f in fitted if f.table is not None]
    assert len(tables) == 2
    counts = [len(t.rows) for t in tables]
    assert sum(counts) == len(spec.table.rows)
    assert max(counts) - min(counts) <= 1, counts
    assert fitted[1].table_size <= fitted[0].table_size
