"""A new user's path as one test: ``docs/getting-started.md``, run exactly as written.

The guide's fenced blocks are its steps, in order, so the guide and this test cannot drift
apart:

- a ``console`` block holds commands (``$ mi-courseware ...``, ``$ cd DIR``, optionally
  after ``SOURCE_DATE_EPOCH=N``) each followed by what the user should see: every line shown
  must be among the lines the command prints (``…`` stands for any text), and every warning,
  error, note or traceback it prints must be one the guide shows (a warning the user did not
  cause fails the test); every command must succeed;
- a block whose info string names a file (```` ```yaml file=content/... ````) is written to
  that file, as the user is told to.

The commands run in this process (as ``run_cli`` does) in a new folder. The clock starts
before the event (:data:`TODAY`); a command given ``SOURCE_DATE_EPOCH`` moves it on, and
time never goes back. Afterwards the test opens what the user got.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO

GUIDE = REPO / "docs" / "getting-started.md"
#: The day the user starts: 3 May 2027, weeks before the guide's event (8 and 9 June 2027).
TODAY = "1809331200"
#: What makes an output line something the user must have been shown.
ALARMING = re.compile(r"(\berror\b|\bwarning\b|\bnote\b|Traceback|Error:)")


@dataclass(frozen=True)
class Step:
    """One step of the guide: a file to write, or a command and what it shows."""

    line: int
    file: str | None = None
    text: str = ""
    command: str | None = None
    shown: tuple[str, ...] = ()


def steps(markdown: str) -> list[Step]:
    """The guide's steps, in order."""
    from markdown_it import MarkdownIt

    found: list[Step] = []
    for token in MarkdownIt("commonmark").parse(markdown):
        if token.type != "fence":
            continue
        line = (token.map or [0])[0] + 1
        words = token.info.split()
        target = next((w[5:] for w in words[1:] if w.startswith("file=")), None)
        if target is not None:
            found.append(Step(line, file=target, text=token.content))
        elif words and words[0] == "console":
            command: str | None = None
            shown: list[str] = []
            for row in token.content.splitlines():
                if row.startswith("$ "):
                    if command is not None:
                        found.append(Step(line, command=command, shown=tuple(shown)))
                    command, shown = row[2:], []
                elif row.strip():
                    shown.append(row)
            if command is not None:
                found.append(Step(line, command=command, shown=tuple(shown)))
    return found


def matches(shown: str, printed: str) -> bool:
    """Whether a line the guide shows is the line printed (``…``: any text)."""
    pattern = ".*".join(re.escape(part) for part in shown.split("…"))
    return re.fullmatch(pattern, printed.rstrip()) is not None


def test_the_guide_holds_the_steps_the_issue_asks_for() -> None:
    commands = [s.command for s in steps(GUIDE.read_text(encoding="utf-8")) if s.command]
    for wanted in (
        "mi-courseware init --bare",
        "mi-courseware validate",
        "mi-courseware build",
        "SOURCE_DATE_EPOCH=",
        "mi-courseware verify HHA-2027-000002 --name",
        "mi-courseware verify output/",
        "mi-courseware register revoke HHA-",
        "--reissue",
        "mi-courseware register publish",
        "mi-courseware evaluation template",
        "mi-courseware evaluation report",
        "mi-courseware coding report",
    ):
        assert any(c.startswith(wanted) or wanted in c for c in commands), wanted
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_link = re.search(r"\]\(([^)]+\.md)\)", readme)
    assert first_link and first_link.group(1) == "docs/getting-started.md"


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide, followed from beginning to end; the project it made."""
    import os

    from click.testing import CliRunner

    from mi_courseware.cli import cli

    here = tmp_path_factory.mktemp("guide")
    start = Path.cwd()
    clock = TODAY
    try:
        os.chdir(here)
        for step in steps(GUIDE.read_text(encoding="utf-8")):
            where = f"docs/getting-started.md:{step.line}"
            if step.file is not None:
                path = Path(step.file)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(step.text, encoding="utf-8")
                continue
            assert step.command is not None
            words = shlex.split(step.command)
            env = {}
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                name, value = words.pop(0).split("=", 1)
                env[name] = value
            if words[0] == "cd":
                os.chdir(words[1])
                continue
            assert words[0] == "mi-courseware", f"{where}: the guide runs only mi-courseware"
            clock = max(clock, env.pop("SOURCE_DATE_EPOCH", clock), key=int)
            result = CliRunner().invoke(
                cli,
                words[1:],
                env={"SOURCE_DATE_EPOCH": clock, **env},
                catch_exceptions=False,
                prog_name="mi-courseware",
            )
            printed = [*result.stderr.splitlines(), *result.stdout.splitlines()]
            if os.environ.get("GUIDE_SHOW"):  # for writing the guide: what each step prints
                print(f"\n$ {step.command}  [{result.exit_code}]\n" + "\n".join(printed))
                continue
            said = f"{where}: $ {step.command}\n" + "\n".join(printed)
            assert result.exit_code == 0, said
            for line in step.shown:
                assert any(matches(line, p) for p in printed), f"{said}\n-- not shown: {line}"
            for line in printed:
                if ALARMING.search(line):
                    assert any(matches(s, line) for s in step.shown if s.strip() != "…"), (
                        f"{said}\n-- the guide does not show: {line}"
                    )
        return Path.cwd()
    finally:
        os.chdir(start)


def text(pdf: Path) -> str:
    """A PDF's text, whitespace folded."""
    import subprocess

    done = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def test_a_new_user_follows_the_guide_to_the_end(walked: Path) -> None:
    """Issue 21: from ``init --bare`` to certificates, verification, evaluations and
    feedback on practice, with no error, traceback or warning the user did not cause; then
    what the user got, opened."""
    import json

    from pptx import Presentation

    event = walked / "output" / "events" / "first-run"
    names = ["Siân O'Súilleabháin", "Charlotte Fairfax-Whitmore", "Declan O'Reilly",
             "Gwenllïan ap Llŷr", "Tomasz Wiśniewski", "Aoife Ní Bhriain",
             "Kwame Mensah-Boateng", "Zoë D'Arcy"]  # fmt: skip
    pack = text(event / "participant-pack.pdf")
    for shown in ("Harbour Health Alliance", "Sam Lee", "training@harbour.example",
                  "Tuesday 8 June 2027", "Wednesday 9 June 2027", "Harbour House, Room 2",
                  "Online", "It follows the course day by day"):  # fmt: skip
        assert shown in pack, shown
    assert "reflective log" not in pack  # the course has none
    signin = text(event / "sign-in.pdf")
    assert all(signin.count(name) == 2 for name in names)  # once a day, as written
    assert "JOINED LEFT CAMERA" in signin and "Joined without booking?" in signin
    deck = Presentation(str(event / "slides.pptx"))
    assert deck.slides[0].shapes.title.text == "A First Look at Motivational Interviewing"
    everyone = text(event / "certificates" / "all-certificates.pdf")
    assert "Zoë D'Arcy-Evans" in everyone and "Tomasz" not in everyone
    assert "Aoife" not in everyone and "Issued 9 June 2027" in everyone
    assert (event / "quality-report.pdf").is_file()
    site = walked / "verify-site"
    assert "--accent: #0b5563;" in (site / "brand.css").read_text(encoding="utf-8")
    meta = json.loads((site / "site.json").read_text(encoding="utf-8"))
    assert meta["title"] == "Harbour Health Alliance" and meta["logo"]["src"].startswith("data:")
    assert "Jordan Blake" in text(walked / "output" / "coding" / "jordan-blake" / "feedback.pdf")
