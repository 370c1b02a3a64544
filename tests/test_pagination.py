"""Pages of a pack as a reader turns them: no heading left at the foot of a page with what it
heads overleaf, no list or table leaving its last one or two items on a page of their own,
no heading and introduction alone with their table overleaf (issue 21: a new trainer's
two-day event met all three).

The project is made to meet them: a first day long enough that the second day's timetable
starts at a page's foot, a summary that pushes the welcome page's list to the foot of its
page, and fourteen outcomes, so that the evaluation form's tables are longer than what is
left of their page. Read with the page checks of ``tests/pack_pages.py``, which learn what
is a heading, a list or a table from the HTML the pack was made from.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import SCRIPT, MakeProject, subprocess_env
from tests.pack_pages import Blocks, Line, Page, Run, blocks_of, faults, layout_faults, read_pages

OUTCOMES = "\n".join(
    f"  - id: o{n}\n    text: Outcome {n} to practise motivational interviewing well in a "
    "conversation at work"
    for n in range(14)
)
SESSIONS = "\n".join(
    [
        *(
            f"  - {{id: s{n}, title: Session {n} on a topic, minutes: 20, outcomes: [o{n % 14}], "
            "body: Text., day: 1}"
            for n in range(18)
        ),
        *(
            f"  - {{id: t{n}, title: Day two session {n}, minutes: 30, outcomes: [o0], "
            "body: Text., day: 2}"
            for n in range(3)
        ),
    ]
)
COURSE = f"""title: Long Days
summary: {" ".join(["Listening well"] * 340)}.
audience: [Practitioners]
outcomes:
{OUTCOMES}
sessions:
{SESSIONS}
schedule:
  start: "09:00"
  end: "17:00"
"""
EVENT = """course: long-days
client: acme
days:
  - {date: 2027-01-25, times: "09:00-17:00", venue: "Harbour Room, Quayside Centre"}
  - {date: 2027-01-26, times: "09:00-17:00", virtual: true}
"""


def test_a_two_day_packs_pages_keep_headings_lists_and_tables_together(
    make_project: MakeProject,
) -> None:
    root = make_project(
        {"content/courses/long-days.yaml": COURSE, "content/events/long.yaml": EVENT}
    )
    command = [str(SCRIPT), "-q", "build", "long", "--only", "pack", "--keep-html"]
    env = subprocess_env() | {"SOURCE_DATE_EPOCH": "1800000000"}
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    pack = root / "output/events/long/participant-pack.pdf"
    pages = read_pages(pack)
    blocks = blocks_of(pack.with_suffix(".html").read_text(encoding="utf-8"))
    assert any(h.startswith("Day2·Tuesday26January2027") for h in blocks.headings)
    assert layout_faults(pages, blocks) == []
    assert faults(pages, set()) == []


def test_the_page_checks_see_a_heading_at_the_foot_a_lone_last_item_and_a_lone_introduction() -> (
    None
):
    """The checks can fail: each kind of bad page, made by hand, is reported."""

    def page(number: int, *lines: tuple[str, bool]) -> Page:
        return Page(number, [Line(10.0 * i, t, bold, 11) for i, (t, bold) in enumerate(lines)])

    blocks = Blocks(
        {"Day2·Tuesday26January2027Online", "Evaluationform", "Howtousethispack"},
        [Run(["Eachsessionstarts.", "Exercisesaremarked.", "Thelogisattheback."]),
         Run(["Thecoursemetthisoutcome1", "Thecoursemetthisoutcome2", "Overall"], "12345")],
    )  # fmt: skip
    text = ("Some text.", False)
    pages = [
        page(1, ("Cover", True)),
        page(2, text, ("Day 2 · Tuesday 26 January 2027", True)),
        page(3, ("Online", False), text, ("How to use this pack", True),
             ("• Each session starts.", False), ("• Exercises are marked.", False)),
        page(4, ("• The log is at the back.", False)),
        page(5, ("Evaluation form", True), ("Your views help us.", False)),
        page(6, ("1 2 3 4 5", True), ("The course met this outcome 1", False), text),
        page(7, ("Back cover", True)),
    ]  # fmt: skip
    assert layout_faults(pages, blocks) == [
        "page 2 ends with the heading 'Day 2 · Tuesday 26 January 2027'",
        "page 4 holds only the last 1 of a list or table: ['• The log is at the back.']",
        "page 5 ends with the heading 'Evaluation form' and its introduction; what they "
        "introduce is overleaf",
    ]


def test_blocks_are_read_from_the_html(tmp_path: Path) -> None:
    html = (
        "<html><body class='participant'><h2>Evaluation form</h2><p class='label'>Exercise</p>"
        "<aside class='trainer-notes'><p class='label'>Trainer notes</p></aside>"
        "<table><caption>Day 2 · Tuesday<span>Online</span></caption><thead><tr><th>Time</th>"
        "</tr></thead><tbody><tr><td>9</td></tr><tr><td>10</td></tr><tr><td>11</td></tr>"
        "</tbody></table><ul><li>a</li><li>b</li></ul></body></html>"
    )
    blocks = blocks_of(html)
    assert blocks.headings == {"Evaluationform", "Exercise", "Day2·TuesdayOnline"}
    assert [(r.header, r.items) for r in blocks.runs] == [("Time", ["9", "10", "11"])]
