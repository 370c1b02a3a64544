"""The documents around a course run: flyer, calendar invitations and sign-in sheet.

One build of the fixture project (``days-basic``) is shared by the module; every test opens
the real files: PDFs with pdftotext and pdfplumber, the calendar with icalendar.
"""

from __future__ import annotations

import csv
import itertools
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from conftest import PROJECTS
from icalendar import Calendar

from mi_courseware.cli import cli

EPOCH = "1800000000"  # 2027-01-15 08:00 UTC
OUTPUTS = ("--only", "flyer", "--only", "calendar", "--only", "sign-in")
MM = 72 / 25.4  # points per millimetre


def build(root: Path, event: str, *args: str) -> Path:
    result = CliRunner().invoke(
        cli,
        ["-q", "--project", str(root), "build", event, *OUTPUTS, *args],
        env={"SOURCE_DATE_EPOCH": EPOCH},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return root / "output" / "events" / event


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("days") / "project"
    shutil.copytree(PROJECTS / "days-basic", root)
    build(root, "partners-2027")
    build(root, "cwm-2027")
    return root


@pytest.fixture(scope="module")
def out(project: Path) -> Path:
    return project / "output" / "events" / "partners-2027"


def pdf_text(path: Path, *args: str) -> str:
    run = subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, check=True)
    return run.stdout.decode()


def folded(text: str) -> str:
    return " ".join(text.split())


# --- flyer ------------------------------------------------------------------------------


def test_the_flyer_is_one_a4_page_showing_every_field_the_event_has(out: Path) -> None:
    with pdfplumber.open(out / "flyer.pdf") as pdf:
        assert len(pdf.pages) == 1
        assert (round(pdf.pages[0].width), round(pdf.pages[0].height)) == (595, 842)
    words = folded(pdf_text(out / "flyer.pdf"))
    for field in (
        "MI with Follow-up Practice",  # title
        "A morning introduction to motivational interviewing",  # summary
        "Support workers",  # who it is for
        "Housing officers",
        "Team leaders",
        "bring a recent conversation about change",  # prior knowledge
        "Describe the spirit of motivational interviewing",  # outcomes
        "Use reflective listening in everyday conversations",
        "Tuesday 9 March 2027 09:30–12:30 · Room 4, Brightwell House",  # each day
        "Tuesday 13 April 2027 10:00–11:30 · Meeting Room 1, Station Road Hub",
        "Wednesday 12 May 2027 13:30–15:00 · Online",
        "Ruth Calloway, Imran Siddall",  # trainers
        "Gemma Thornley bookings@brightwell.example 01632 960778",  # admin contact
        "23 February 2027",  # closing date
        "40 places",
        "BCP-MI-27",  # event code
        "5.5 CPD hours",
        # the standards, one line per framework
        "Drug and Alcohol National Occupational Standards: AF3, AI1",
        "Professional Capabilities Framework: 5, 7",
        "The follow-up sessions made it stick.",  # feedback and who said it
        "Housing officer, Brightwell",
        "Brightwell Community Partnership",  # the client
        "https://brightwell.example",
    ):
        assert field in words, field


class _Page(HTMLParser):
    """What a reader of the HTML flyer sees and what it refers to."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.references: list[str] = []
        self.tags: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._skip += tag in ("style", "title")
        self.references += [v or "" for k, v in attrs if k in ("href", "src")]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.words += data.split()


def test_the_html_flyer_is_self_contained_and_says_what_the_pdf_says(out: Path) -> None:
    html = (out / "flyer.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    # nothing to fetch: the only addresses are the ones the user wrote
    addresses = re.findall(r"(?:https?|file):[^\s\"'<>)]*", html)
    assert set(addresses) == {"https://brightwell.example"}
    assert "script" not in page.tags
    assert "link" not in page.tags
    assert {r.split(":", 1)[0] for r in page.references} == {"data", "mailto", "https"}
    assert "@font-face" in html and "data:font/woff;base64," in html
    assert '<meta name="viewport"' in html

    # the same content as the printed flyer
    def words(items: list[str]) -> list[str]:  # labels are set in capitals by the style
        return sorted(w.casefold() for w in items if w != "•")

    assert words(page.words) == words(pdf_text(out / "flyer.pdf").split())


def test_an_event_without_optional_fields_leaves_them_out_cleanly(project: Path) -> None:
    """A Welsh client's event with no code, trainers, places, closing date or contact."""
    out = project / "output" / "events" / "cwm-2027"
    words = folded(pdf_text(out / "flyer.pdf"))
    assert "Pryd a ble" in words  # "When and where"
    assert "Dydd Mawrth 9 Mawrth 2027 09:30–12:15 · Ar-lein" in words
    assert "Dydd Mawrth 13 Ebrill 2027 10:00–11:30 · Ar-lein" in words
    assert "5.5 awr DPP" in words
    for label in ("Hyfforddwyr", "Lleoedd", "Archebwch erbyn", "Cod y digwyddiad", "I archebu"):
        assert label not in words
    html = (out / "flyer.html").read_text(encoding="utf-8")
    assert re.search(r"<(dd|p|span|li)[^>]*>\s*</\1>", html) is None  # no empty values


def test_the_large_print_flyer_sets_its_body_in_16_point(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "days-basic", root)
    out = build(root, "partners-2027", "--theme", "large-print")
    with pdfplumber.open(out / "flyer.pdf") as pdf:
        assert len(pdf.pages) <= 2
        sizes = [round(c["size"]) for page in pdf.pages for c in page.chars]
    body = max(set(sizes), key=sizes.count)
    assert body >= 16
    with pdfplumber.open(out / "sign-in.pdf") as pdf:
        names = [w for w in pdf.pages[0].extract_words(extra_attrs=["size"]) if w["text"] == "Siân"]
        assert names and round(names[0]["size"]) >= 16


# --- calendar ---------------------------------------------------------------------------


def test_each_day_is_an_entry_at_its_local_time_in_london(out: Path) -> None:
    calendar = Calendar.from_ical((out / "calendar.ics").read_bytes())
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    entries = calendar.walk("VEVENT")
    # the event file: 9 March (GMT), 13 April (after the clocks go forward: BST), 12 May online
    expected = [
        ("2027-03-09 09:30", "2027-03-09 12:30", timedelta(0), "Room 4, Brightwell House"),
        (
            "2027-04-13 10:00",
            "2027-04-13 11:30",
            timedelta(hours=1),
            "Meeting Room 1, Station Road Hub",
        ),
        ("2027-05-12 13:30", "2027-05-12 15:00", timedelta(hours=1), "Online"),
    ]
    assert len(entries) == len(expected)
    for entry, (start, end, offset, where) in zip(entries, expected, strict=True):
        begins, ends = entry.decoded("DTSTART"), entry.decoded("DTEND")
        assert str(begins.tzinfo) == "Europe/London"
        assert f"{begins:%Y-%m-%d %H:%M}" == start
        assert f"{ends:%Y-%m-%d %H:%M}" == end
        assert begins.utcoffset() == offset
        assert str(entry["LOCATION"]) == where
        description = str(entry["DESCRIPTION"])
        assert "MI with Follow-up Practice" in description
        assert "BCP-MI-27" in description
        assert "bookings@brightwell.example" in description
        assert entry.decoded("DTSTAMP") == datetime.fromisoformat("2027-01-15T08:00:00+00:00")
    # 10:00 BST on 13 April is 09:00 UTC
    assert (
        entries[1].decoded("DTSTART").timestamp()
        == datetime.fromisoformat("2027-04-13T09:00:00+00:00").timestamp()
    )


def test_a_rebuild_gives_the_same_uids_and_bytes(out: Path, tmp_path: Path) -> None:
    root = tmp_path / "elsewhere"
    shutil.copytree(PROJECTS / "days-basic", root)
    again = build(root, "partners-2027", "--only", "calendar") / "calendar.ics"
    first = (out / "calendar.ics").read_bytes()
    assert again.read_bytes() == first
    uids = [str(e["UID"]) for e in Calendar.from_ical(first).walk("VEVENT")]
    assert uids == [f"partners-2027-day-{n}.brightwell@mi-courseware" for n in (1, 2, 3)]


def test_a_changed_day_moves_its_sequence_on_remembered_in_the_register(tmp_path: Path) -> None:
    """Outlook updates an entry only from an invitation with a higher SEQUENCE: each entry
    has one, the published file says METHOD:PUBLISH, and a day whose details change (its
    times, its joining link) moves on, also after output/ is deleted (the register keeps it)."""
    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "days-basic", root)
    event = root / "content" / "events" / "partners-2027.yaml"

    def sequences() -> list[int]:
        calendar = Calendar.from_ical((out / "calendar.ics").read_bytes())
        assert str(calendar["METHOD"]) == "PUBLISH"
        return [int(e["SEQUENCE"]) for e in calendar.walk("VEVENT")]

    out = build(root, "partners-2027", "--only", "calendar")
    assert sequences() == [0, 0, 0]
    text = event.read_text(encoding="utf-8")
    event.write_text(
        text.replace('"10:00-11:30"', '"10:30-12:00"').replace(
            "virtual: true}", "virtual: true, link: https://meet.example/j/81234}"
        ),
        encoding="utf-8",
    )
    shutil.rmtree(root / "output")  # disposable: the register remembers
    build(root, "partners-2027", "--only", "calendar")
    assert sequences() == [0, 1, 1]
    assert b"meet.example" not in (out / "calendar.ics").read_bytes()  # the link is private
    build(root, "partners-2027", "--only", "calendar", "--force")
    assert sequences() == [0, 1, 1]  # the same details: the same sequence


# --- sign-in sheet ------------------------------------------------------------------------


def roster_names() -> list[str]:
    path = PROJECTS / "days-basic" / "content" / "rosters" / "partners-2027.csv"
    with path.open(encoding="utf-8") as handle:
        return [row["Name"] for row in csv.DictReader(handle)]


def name_cells(pdf_path: Path) -> list[tuple[int, str, float]]:
    """Every participant's name cell: (day, its text, its row's height in mm).

    A row is the space between two horizontal rules of one page: a row split across pages
    would leave its name without a rule below it, or in two pieces.
    """
    cells = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            text = folded(" ".join(w["text"] for w in words))
            day = re.search(r"Day (\d) of 3", text)
            assert day, text[:200]
            # the heads on every page: signed in a room, a register kept online (day 3)
            online = day.group(1) == "3"
            assert ("ORGANISATION JOINED LEFT" in text) == online, text[:300]
            assert ("ORGANISATION TIME IN SIGNATURE" in text) != online, text[:300]
            head = {w["text"]: w for w in words if w["text"] in ("NAME", "ORGANISATION")}
            left, right = head["NAME"]["x0"] - 3, head["ORGANISATION"]["x0"] - 3
            foot = page.height - 18 * MM  # the page's bottom margin holds its footer
            column = [
                w
                for w in words
                if left <= w["x0"] < right and head["NAME"]["bottom"] < w["top"] < foot
            ]
            numbers = [w for w in words if w["x1"] < left and w["text"].isdigit()]
            rules = sorted({round(e["top"], 1) for e in page.edges if e["orientation"] == "h"})
            for top, bottom in itertools.pairwise(rules):
                inside = [w for w in column if top < (w["top"] + w["bottom"]) / 2 < bottom]
                inside.sort(key=lambda w: (round(w["top"]), w["x0"]))
                cell = " ".join(w["text"] for w in inside).replace("- ", "-")
                numbered = any(top < (w["top"] + w["bottom"]) / 2 < bottom for w in numbers)
                if cell and numbered:  # a participant's row (walk-in rows are blank)
                    cells.append((int(day.group(1)), cell, (bottom - top) / MM))
            below = [w["text"] for w in column if w["top"] > rules[-1]]
            assert not below, below  # nothing hangs below the page's last rule
    return cells


def test_everyone_appears_exactly_once_on_each_days_sheet(out: Path) -> None:
    names = roster_names()
    assert len(names) == 35
    cells = name_cells(out / "sign-in.pdf")
    for day in (1, 2, 3):
        on_the_day = [cell for d, cell, _ in cells if d == day]
        assert sorted(on_the_day) == sorted(names)  # each name exactly once, exactly as written
    text = folded(pdf_text(out / "sign-in.pdf"))
    # five walk-in rows a day: 40 places, 35 booked
    assert text.count("Not on the list? Please add your name below.") == 2
    assert text.count("Joined without booking? Add their name below.") == 1
    for number, times in ((36, 3), (40, 3), (41, 0)):
        assert len(re.findall(rf"(?<![\d:–]){number}(?![\d:])", text)) == times


def test_walk_in_rows_never_take_a_page_and_an_online_day_is_a_register(out: Path) -> None:
    """Issue 21, defect 8: three walk-in rows had a page of their own; the online day said
    "Please sign in when you arrive" and had a signature column."""
    with pdfplumber.open(out / "sign-in.pdf") as pdf:
        pages = [folded(page.extract_text()) for page in pdf.pages]
    names = roster_names()
    for page in pages:
        if "without booking" in page or "Not on the list" in page:
            assert any(name in page for name in names), page[:300]
    online = [page for page in pages if "Day 3 of 3" in page]
    in_person = [page for page in pages if "Day 3 of 3" not in page]
    for page in online:
        assert "JOINED LEFT" in page and "SIGNATURE" not in page
        assert "sign in when you arrive" not in page
    assert "ATTENDANCE REGISTER" in online[0]
    assert "joins and leaves, and whether their camera is on" in online[0]
    assert all("SIGNATURE" in page for page in in_person)
    assert "Please sign in when you arrive" in in_person[0]


def test_no_row_is_split_and_every_row_is_tall_enough_to_sign(out: Path) -> None:
    cells = name_cells(out / "sign-in.pdf")
    assert len(cells) == 3 * 35
    short = [(day, name, round(height, 1)) for day, name, height in cells if height < 10]
    assert short == []


@pytest.mark.parametrize(
    ("quotes", "pages", "said"),
    [(4, 1, "flyer set tighter to fit one page"), (12, 2, "flyer runs on to 2 pages")],
)
def test_a_long_flyer_is_set_tighter_to_fit_and_says_so(
    make_project, quotes: int, pages: int, said: str
) -> None:
    extra = "".join(
        f'  - {{quote: "It came together in the practice sessions.", by: "Practitioner {n}"}}\n'
        for n in range(quotes)
    )
    root = make_project(
        base="days-basic",
        edits={"content/courses/follow-up.yaml": [("feedback:\n", "feedback:\n" + extra)]},
    )
    result = CliRunner().invoke(
        cli,
        ["-v", "--project", str(root), "build", "partners-2027", "--only", "flyer"],
        env={"SOURCE_DATE_EPOCH": EPOCH},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert f"events/partners-2027: {said}" in result.stderr
    out = root / "output" / "events" / "partners-2027"
    with pdfplumber.open(out / "flyer.pdf") as pdf:
        assert len(pdf.pages) == pages
    html = (out / "flyer.html").read_text(encoding="utf-8")
    assert ('<body class="flyer compact">' in html) == (pages == 1)


def test_a_name_of_one_long_word_wraps_inside_its_cell(make_project) -> None:
    """A booking export's run-together name (no space to break at) stays inside its cell and
    the page, as every other name does."""
    long = "Z" * 120
    root = make_project(
        base="days-basic",
        edits={"content/rosters/pair-2027.csv": [("Ben Okafor,", f"{long},")]},
    )
    result = CliRunner().invoke(
        cli,
        ["--project", str(root), "build", "pair-2027", "--only", "sign-in"],
        env={"SOURCE_DATE_EPOCH": EPOCH},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    with pdfplumber.open(root / "output" / "events" / "pair-2027" / "sign-in.pdf") as pdf:
        for page in pdf.pages:
            table = [c for c in page.chars if c["text"] == "Z"]
            heads = [w for w in page.extract_words() if w["text"] == "ORGANISATION"]
            if table and heads:  # the name column ends where the organisation's begins
                assert max(c["x1"] for c in table) <= heads[0]["x0"], "the name runs over"
        assert sum(c["text"] == "Z" for p in pdf.pages for c in p.chars) == 120 * 2  # 2 days
