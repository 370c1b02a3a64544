"""The demo content as users meet it: the new course, Welsh wording where the content speaks,
the further-reading page, and packs that never break badly (every page read back)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from pptx import Presentation

from mi_courseware.core.edition import Selection
from mi_courseware.errors import Problems
from mi_courseware.model import Course
from mi_courseware.project import ProjectPaths
from mi_courseware.rendering.pack import pages_of
from mi_courseware.resolving.edition import practice_headings, resolve
from tests.conftest import REPO, SCRIPT, RunCli, lines, subprocess_env
from tests.pack_pages import (
    Page,
    blocks_of,
    contents_overflow,
    faults,
    layout_faults,
    read_pages,
)

WORDING = {
    lang: yaml.safe_load((REPO / "themes/default/i18n" / f"{lang}.yaml").read_text("utf-8"))
    for lang in ("en", "cy")
}

#: The demo packs read page by page: (name, language, build arguments, output folder).
PACKS = {
    "event-default-en": ("en", [], "events/northfield-2027-03"),
    "practitioner-large-print-en": (
        "en",
        [
            *("mi-practitioner", "--client", "northfield", "--variant", "in-depth"),
            *("--addon", "node-link-mapping", "--theme", "large-print", "--with-samples"),
        ],
        "northfield/mi-practitioner-in-depth",
    ),
    "introduction-default-cy": (
        "cy",
        ["mi-introduction", "--client", "dyffryn-teg"],
        "dyffryn-teg/mi-introduction",
    ),
    "introduction-large-print-cy": (
        "cy",
        ["mi-introduction", "--client", "dyffryn-teg", "--theme", "large-print"],
        "dyffryn-teg/mi-introduction",
    ),
    "trainers-default-en": (
        "en",
        ["mi-trainers", "--client", "northfield"],
        "northfield/mi-trainers",
    ),
}
#: Outputs built beside the pack (the default: the pack alone).
ALSO = {"introduction-default-cy": None, "event-default-en": ["quality-report"]}


@pytest.fixture(scope="session")
def demo_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each demo pack built once, side by side, by the real console script."""
    root = tmp_path_factory.mktemp("demo-packs")
    env = subprocess_env() | {"SOURCE_DATE_EPOCH": "1800000000"}
    running = {}
    for name, (_, args, _) in PACKS.items():
        also = ALSO.get(name, [])
        only = [] if also is None else [x for o in ("pack", *also) for x in ("--only", o)]
        command = [str(SCRIPT), "-q", "--project", str(REPO), "build", *args, *only]
        command += ["--jobs", "1", "--keep-html", "--out", str(root / name)]
        running[name] = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    for name, process in running.items():
        _, errors = process.communicate()
        assert process.returncode == 0, f"{name}: {errors}"
    return {name: root / name / folder for name, (_, _, folder) in PACKS.items()}


@pytest.fixture(scope="session")
def demo_pages(demo_builds: dict[str, Path]) -> dict[str, list[Page]]:
    return {
        name: read_pages(folder / "participant-pack.pdf") for name, folder in demo_builds.items()
    }


@pytest.mark.parametrize("name", PACKS)
def test_no_page_of_a_demo_pack_holds_only_a_heading_an_attribution_or_one_row(
    name: str, demo_pages: dict[str, list[Page]]
) -> None:
    wording = WORDING[PACKS[name][0]]
    pages = demo_pages[name]
    assert len(pages) > 25  # the trainers' pack is the shortest
    assert faults(pages, {wording["handouts_and_worksheets"]}) == []


def test_sample_quotes_are_printed_only_by_a_build_that_asks_for_them(
    demo_pages: dict[str, list[Page]],
) -> None:
    sample = "I came expecting theory and left with phrases I used the very next morning."
    sourced = "Practising in threes was nerve-racking at first, and it was the part I got most"
    default, samples = (
        " ".join(" ".join(t for p in demo_pages[name] for t in p.texts).split())
        for name in ("event-default-en", "practitioner-large-print-en")
    )
    assert sourced in default and sample not in default
    assert sourced in samples and f"{sample}" in samples
    assert "sample quote, not a participant's words" in samples.replace("\u2019", "'")


@pytest.mark.parametrize("name", PACKS)
def test_no_page_of_a_demo_pack_parts_a_heading_or_a_lists_last_items_from_the_rest(
    name: str, demo_builds: dict[str, Path], demo_pages: dict[str, list[Page]]
) -> None:
    html = (demo_builds[name] / "participant-pack.html").read_text(encoding="utf-8")
    assert layout_faults(demo_pages[name], blocks_of(html)) == []


@pytest.mark.parametrize("name", PACKS)
def test_the_contents_never_spills_fewer_than_five_entries_onto_a_page(
    name: str, demo_pages: dict[str, list[Page]]
) -> None:
    wording = WORDING[PACKS[name][0]]
    overflow = contents_overflow(demo_pages[name], wording["contents"], wording["welcome"])
    assert all(count >= 5 for count in overflow), overflow


def test_the_page_checks_catch_a_lone_heading_attribution_row_and_short_contents() -> None:
    """The checks above can fail: each kind of bad page, made by hand, is reported."""
    from tests.pack_pages import Line

    def page(number: int, *texts: str, bold: bool = False, size: float = 11) -> Page:
        return Page(number, [Line(10.0 * i, t, bold, size) for i, t in enumerate(texts)])

    body = ["Some text on the page.", "More text.", "And more."]
    pages = [
        page(1, "Cover"),
        page(2, "Contents", *[f"Entry {n} {n}" for n in range(30)]),
        page(3, "Entry 31 40", "Entry 32 41"),
        page(4, "Welcome", *body),
        page(5, "Decisional balance", bold=True, size=24),
        page(6, "— Youth worker"),
        page(7, "TIME SESSION", *body),
        page(8, "TIME SESSION", "16:10–16:30 Review"),
        page(9, "Handouts and worksheets", bold=True, size=32),
        page(10, "Back cover"),
    ]
    assert contents_overflow(pages, "Contents", "Welcome") == [2]
    assert faults(pages, {"Handouts and worksheets"}) == [
        "page 5 holds only a heading: ['Decisional balance']",
        "page 6 holds only an attribution: ['— Youth worker']",
        "page 8 holds a single line or table row: ['TIME SESSION', '16:10–16:30 Review']",
    ]


def page_text(pages: list[Page], heading: str, next_heading: str) -> str:
    """The text of the pages from the one headed ``heading`` up to ``next_heading``."""
    start = next(i for i, p in enumerate(pages) if p.texts and p.texts[0] == heading)
    end = next(i for i, p in enumerate(pages) if i > start and p.texts[0] == next_heading)
    return "\n".join(t for p in pages[start:end] for t in p.texts)


def deck_text(path: Path) -> list[str]:
    texts = []
    for slide in Presentation(str(path)).slides:
        parts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        for shape in slide.shapes:
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        texts.append("\n".join(parts))
    return texts


def test_a_welsh_clients_timetable_and_deck_have_no_english_break_titles(
    demo_builds: dict[str, Path], demo_pages: dict[str, list[Page]]
) -> None:
    cy, en = WORDING["cy"], WORDING["en"]
    english = {en["break_title"], en["lunch_title"], "Morning break", "Afternoon break"}
    timetable = page_text(
        demo_pages["introduction-default-cy"], cy["timetable"], "Sesiwn 1 · Diwrnod 1 · 09:30–09:50"
    )
    words = set(timetable.replace("\n", " ").split())
    assert cy["break_title"] in words and cy["lunch_title"] in words
    assert not any(title in timetable for title in english), timetable
    slides = deck_text(demo_builds["introduction-default-cy"] / "slides.pptx")
    schedule = [s for s in slides if cy["timetable"] in s]
    assert schedule, "the deck has no timetable slide"
    for text in schedule:
        assert cy["lunch_title"] in text or cy["break_title"] in text
        assert not any(title in text.split("\n") for title in english), text


def test_try_it_headings_are_in_the_clients_language_in_pack_and_deck(
    demo_builds: dict[str, Path], demo_pages: dict[str, list[Page]]
) -> None:
    pack = "\n".join(t for p in demo_pages["introduction-default-cy"] for t in p.texts)
    deck = "\n".join(deck_text(demo_builds["introduction-default-cy"] / "slides.pptx"))
    for text in (pack, deck):
        assert f"{WORDING['cy']['try_it']} three rounds of real-play" in text
        assert WORDING["en"]["try_it"] not in text
    english = "\n".join(t for p in demo_pages["event-default-en"] for t in p.texts)
    assert "Try it: fixing versus listening" in english


def test_the_new_two_day_course_builds_a_pack_a_guide_and_a_deck(
    demo_builds: dict[str, Path], demo_pages: dict[str, list[Page]]
) -> None:
    folder = demo_builds["introduction-default-cy"]
    for name in ("participant-pack.pdf", "facilitator-guide.pdf"):
        info = subprocess.run(["pdfinfo", folder / name], capture_output=True, text=True)
        assert "Tagged:          yes" in info.stdout, name
    guide = subprocess.run(
        ["pdftotext", folder / "facilitator-guide.pdf", "-"], capture_output=True, text=True
    ).stdout
    assert "Three rounds of real-play" in guide and "What strong feedback sounds like" in guide
    slides = deck_text(folder / "slides.pptx")
    assert len(slides) > 60
    assert any("Introduction to Motivational Interviewing" in s for s in slides[:1])
    pages = demo_pages["introduction-default-cy"]
    timetable = page_text(pages, "Amserlen", "Sesiwn 1 · Diwrnod 1 · 09:30–09:50")
    assert "Diwrnod 1" in timetable and "Diwrnod 2" in timetable


def test_the_demo_builds_the_coding_exercise_scripts_questionnaire_and_trainers_pack(
    demo_builds: dict[str, Path], demo_pages: dict[str, list[Page]]
) -> None:
    """Issue 24: what leading providers use, in the demo's outputs: the coding exercise in
    the pack and its key in the guide only, the two demonstration scripts, the questionnaire
    with its rubric in the guide and its scores in the quality report, the trainers' pack."""

    def words(pages: list[Page]) -> str:
        return " ".join(" ".join(t for p in pages for t in p.texts).split())

    def pdf_words(path: Path) -> str:
        done = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True)
        return " ".join(done.stdout.split())

    exercise, key = "Coding exercise: what did the worker do?", "Answer key, with the reason"
    scripts = (
        "Demonstration 1: the fixing conversation",
        "Demonstration 2: the same conversation, done as MI",
    )
    questionnaire = "Skills questionnaire: what would you say next?"
    rubric = "Scoring rubric (0 to 2 for each answer)"
    for name in ("event-default-en", "introduction-default-cy"):  # in-depth and one-day
        pack = words(demo_pages[name])
        assert exercise in pack and questionnaire in pack and key not in pack, name
        assert all(script in pack for script in scripts) and rubric not in pack, name
    guide = pdf_words(demo_builds["introduction-default-cy"] / "facilitator-guide.pdf")
    assert exercise in guide and key in guide and rubric in guide
    quality = pdf_words(demo_builds["event-default-en"] / "quality-report.pdf")
    assert "Skills before and after" in quality
    assert "Answer push-back without arguing 10 0.40 1.20 +0.80 +2.73" in quality
    trainers = words(demo_pages["trainers-default-en"])
    for title in ("The trainer standard", "Observation of training", "Double-coding exercise"):
        assert title in trainers, title
    assert "Key, with reasons" not in trainers


def test_the_further_reading_page_lists_the_courses_reading_in_the_contents(
    demo_pages: dict[str, list[Page]],
) -> None:
    cy = WORDING["cy"]
    pages = demo_pages["introduction-default-cy"]
    reading = page_text(pages, cy["further_reading"], cy["standards_mapping"])
    joined = " ".join(reading.split())
    assert (
        "Miller, W. R. and Rollnick, S. (2023). Motivational Interviewing: Helping People" in joined
    )
    assert "Motivational Interviewing Treatment Integrity Coding Manual 4.2.1" in joined
    assert "Child and family social work studies" in reading
    contents = "\n".join(t for p in pages[1:3] for t in p.texts)
    assert cy["further_reading"] in contents


def test_list_courses_verbose_shows_the_new_course_over_two_days(run_cli: RunCli) -> None:
    result = run_cli("--project", str(REPO), "list", "courses", "-v")
    assert result.exit_code == 0
    out = lines(result.output)
    start = next(i for i, line in enumerate(out) if line.split()[0] == "mi-introduction")
    assert "Introduction to Motivational Interviewing" in out[start]
    rows = []
    for line in out[start + 2 :]:
        if not line.startswith("      ") or line.split()[0].endswith(":"):
            break
        rows.append(line.split())
    assert {row[2] for row in rows} == {"1", "2"}
    assert rows[[r[0] for r in rows].index("real-play")][:3] == ["real-play", "60", "2"]


def test_the_demo_project_validates_with_no_warnings(run_cli: RunCli) -> None:
    # a day before the demo events (2027), whatever day the tests run
    result = run_cli(
        "--project", str(REPO), "validate", "--strict", env={"SOURCE_DATE_EPOCH": "1790000000"}
    )
    assert result.exit_code == 0, result.output
    assert lines(result.output) == ["OK: 5 courses, 4 add-ons, 3 clients, 2 events; no errors"]


def test_every_demo_course_fits_its_days_and_maps_only_to_catalogued_standards() -> None:
    from mi_courseware.pipeline.targets import load_checked

    problems = Problems()
    project = load_checked(ProjectPaths(REPO), problems)
    for ident, record in project.courses.items():
        written = {o.id: o.standards for o in record.model.outcomes}
        for variant in record.model.variants or [None]:
            edition = resolve(project, Selection(ident, variant), problems)
            assert edition is not None, (ident, variant, problems.errors)
            for outcome in edition.outcomes:
                found = [unit.ref for unit in outcome.standards]
                assert found == written[outcome.id], (ident, outcome.id)
    assert not problems.errors and not problems.warnings


def test_feedback_names_roles_only_never_a_place_or_organisation() -> None:
    for path in sorted((REPO / "content" / "courses").glob("*.yaml")):
        course = Course.model_validate(yaml.safe_load(path.read_text("utf-8")))
        for item in course.feedback:
            assert "," not in item.by, (path.name, item.by)
    for path in sorted((REPO / "content").rglob("*.md")):
        for line in path.read_text("utf-8").splitlines():
            if line.startswith("> —"):
                assert "," not in line, (path.name, line)


def test_practice_headings_take_the_wording_and_leave_other_text_alone() -> None:
    body = (
        'Say "Try it: now" in a sentence.\n\n## Try it: rulers\n\nText.\n\n'
        "```\n## Try it: in code\n```\n\nSetext\n======\n"
    )
    out = practice_headings(body, "Rhowch gynnig arni:")
    assert "## Rhowch gynnig arni: rulers" in out
    assert 'Say "Try it: now"' in out and "## Try it: in code" in out
    assert practice_headings(body, "Try it:") == body


def test_breaks_are_named_by_the_theme_in_the_clients_language() -> None:
    from mi_courseware.pipeline.targets import load_checked

    problems = Problems()
    project = load_checked(ProjectPaths(REPO), problems)
    titles = {}
    for client in ("northfield", "dyffryn-teg"):
        edition = resolve(project, Selection("mi-child-family", client=client), problems)
        assert edition is not None
        titles[client] = [s.title for d in edition.days for s in d.slots if s.kind == "break"]
    assert titles["northfield"] == ["Break", "Lunch", "Break"] * 2
    assert titles["dyffryn-teg"] == ["Egwyl", "Cinio", "Egwyl"] * 2


def test_the_contents_is_cut_into_pages_leaving_at_least_five_for_the_last() -> None:
    assert pages_of(list(range(30)), 30) == [list(range(30))]
    assert [len(p) for p in pages_of(list(range(32)), 30)] == [27, 5]
    assert [len(p) for p in pages_of(list(range(40)), 17)] == [17, 17, 6]
    assert [len(p) for p in pages_of(list(range(36)), 17)] == [17, 14, 5]
