"""Roster CSV files as Excel, LibreOffice and Google Sheets save them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mi_courseware.errors import Problems
from mi_courseware.loading.roster import column_key, read_roster


def read(tmp_path: Path, data: bytes | str) -> tuple[list, list[str]]:
    path = tmp_path / "roster.csv"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    problems = Problems()
    people = read_roster(path, problems)
    return people, [
        f"{p.position.line}:{p.position.column}: {p.severity}: {p.message}" for p in problems
    ]


NAMES = [
    "Siân Llewelyn-Parry",
    "Trần Thị Minh Châu",
    "Ζωή Αλεξίου",
    "Zoë D'Arcy-Fenwick",
    "Małgorzata Krzyżanowska",
    "Gwenllïan ap Llŷr",
]


def test_it_keeps_names_exactly_as_written_in_any_script(tmp_path: Path) -> None:
    people, problems = read(tmp_path, "name\n" + "\n".join(NAMES) + "\n")
    assert problems == []
    assert [p.name for p in people] == NAMES


def test_it_reads_utf8_with_a_byte_order_mark_and_crlf_lines(tmp_path: Path) -> None:
    text = "\r\n".join(["name,email", *(f"{n},{i}@x.example" for i, n in enumerate(NAMES))])
    people, problems = read(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8") + b"\r\n")
    assert problems == []
    assert [p.name for p in people] == NAMES


def test_quoted_newlines_stay_in_their_cell_and_lines_are_counted(tmp_path: Path) -> None:
    text = 'name,organisation\n"Siân","Youth Service\nNorth team"\n,Empty Ltd\n'
    people, problems = read(tmp_path, text)
    assert [(p.name, p.organisation) for p in people] == [("Siân", "Youth Service\nNorth team")]
    assert problems == ["4:1: error: empty name"]


#: Real names whose letters are all in Windows-1252 or near it: none may look like mojibake.
ACCENTED = [
    "René Müller", "José Ñúñez", "Åsa Ölund", "Søren Kierkegaard", "Ægir Þórsson",
    "François Lefèvre", "Ciarán Ó Súilleabháin", "Mária Šťastná", "Jürgen Großmann",
    "Ðorđe Đoković", "Ştefan Müller-Özdemir", "Zoë Brontë", "Łukasz Żółć", "Dvořák Ångström",
]  # fmt: skip


def test_names_damaged_by_a_wrong_encoding_are_errors_saying_what_they_were(
    tmp_path: Path,
) -> None:
    damaged = ["SiÃ¢n Jones", "RenÃ© MÃ¼ller", "Ã‰lise Å\x81ukasz", "SiÃƒÂ¢n"]
    people, problems = read(tmp_path, "name\n" + "\n".join(damaged + ACCENTED) + "\n")
    assert [p.name for p in people] == ACCENTED
    fix = "; correct the name, and save the roster as 'CSV UTF-8'"
    said = "looks damaged by a wrong encoding (UTF-8 text read as Windows-1252): it was probably"
    assert problems == [
        f"2:1: error: name 'SiÃ¢n Jones' {said} 'Siân Jones'{fix}",
        f"3:1: error: name 'RenÃ© MÃ¼ller' {said} 'René Müller'{fix}",
        f"4:1: error: name 'Ã‰lise Å\x81ukasz' {said} 'Élise Łukasz'{fix}",
        f"5:1: error: name 'SiÃƒÂ¢n' {said} 'Siân'{fix}",
    ]


def test_a_name_with_a_line_break_is_refused(tmp_path: Path) -> None:
    people, problems = read(tmp_path, 'name\n"Siân\nLlewelyn"\n')
    assert people == []
    assert problems == [
        "2:1: error: name 'Siân Llewelyn' has a line break in it; put the whole name on one line"
    ]


def test_windows_1252_is_read_and_reported_on_the_first_line_it_matters(tmp_path: Path) -> None:
    data = "name,email\nAnn Smith,a@x.example\nZoë Brontë,z@x.example\n".encode("cp1252")
    people, problems = read(tmp_path, data)
    assert [p.name for p in people] == ["Ann Smith", "Zoë Brontë"]
    assert len(problems) == 1 and problems[0].startswith("3:1: warning: file is not UTF-8")


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_an_error(tmp_path: Path) -> None:
    people, problems = read(tmp_path, b"name\nAnn\n\x81\x8d\n")
    assert people == []
    assert problems == [
        "3:1: error: not UTF-8 or Windows-1252 text (byte 0x81); save the file as CSV UTF-8"
    ]


def test_excel_unicode_text_utf16_is_read(tmp_path: Path) -> None:
    people, problems = read(tmp_path, "name,email\nZoë,z@x.example\n".encode("utf-16"))
    assert problems == []
    assert [p.name for p in people] == ["Zoë"]


@pytest.mark.parametrize(
    "header, column",
    [
        ("Name", "name"),
        (" FULL NAME ", "name"),
        ("E-mail", "email"),
        ("e_mail", "email"),
        ("Email Address", "email"),
        ("Organization", "organisation"),
        ("ATTENDED", "attended"),
        ("I D", "id"),
        ("Job title", "role"),
    ],
)
def test_header_names_match_whatever_their_case_and_spacing(header: str, column: str) -> None:
    assert column_key(header) == column


def test_unknown_columns_are_ignored_with_one_note_and_repeated_ones_reported(
    tmp_path: Path,
) -> None:
    people, problems = read(tmp_path, "name,emial,Name,notes\nAnn,a@x,Ann,\n")
    assert problems == [
        "1:12: error: column 'Name' appears twice (also column 1); keep one",
        "1:1: warning: ignored columns 'emial' (did you mean 'email'?), 'notes': a roster uses "
        "name, email, organisation, role, id, attended and day 1, day 2, ...",
    ]
    assert [p.name for p in people] == ["Ann"]


def test_a_booking_system_export_reads_with_one_note_naming_its_extra_columns(
    tmp_path: Path,
) -> None:
    people, problems = read(
        tmp_path,
        "Booking reference,Full name,Dietary needs,Line manager,Email\n"
        "BK-0012,Ann Example,Vegetarian,Bob Boss,ann@x.example\n",
    )
    assert problems == [
        "1:1: warning: ignored columns 'Booking reference', 'Dietary needs', 'Line manager': "
        "a roster uses name, email, organisation, role, id, attended and day 1, day 2, ..."
    ]
    assert [(p.name, p.email) for p in people] == [("Ann Example", "ann@x.example")]


@pytest.mark.parametrize("header", ["Day 2", "DAY2", "day_2", " day-2 ", "Day 02"])
def test_day_columns_match_whatever_their_case_and_spacing(tmp_path: Path, header: str) -> None:
    people, problems = read(tmp_path, f"name,{header}\nAnn,no\nBen,\n")
    assert problems == []
    assert [(p.name, p.marks) for p in people] == [("Ann", ((2, False),)), ("Ben", ((2, True),))]


def test_day_columns_are_read_like_attended(tmp_path: Path) -> None:
    people, problems = read(
        tmp_path, "name,attended,day 1,day 2\nAnn,,yes,no\nBen,no,,\nCat,,1,Y\nDee,,,\n"
    )
    assert problems == []
    assert [(p.name, p.attended_days(2)) for p in people] == [
        ("Ann", (1,)),
        ("Ben", ()),  # attended: no means no day at all
        ("Cat", (1, 2)),
        ("Dee", (1, 2)),  # blank means yes
    ]


def test_an_unreadable_day_value_and_a_day_beyond_the_course_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("name,Day 1,Day 3\nAnn,maybe,yes\n", encoding="utf-8")
    problems = Problems()
    people = read_roster(path, problems, days=2)
    assert [f"{p.position.line}:{p.position.column}: {p.message}" for p in problems] == [
        "1:12: column 'Day 3': the course runs on 2 days",
        "2:1: day 1: 'maybe' is not yes/no/true/false/1/0 (blank means yes)",
    ]
    assert people == []


@pytest.mark.parametrize(
    "value, attended",
    [
        ("yes", True),
        ("Y", True),
        ("true", True),
        ("1", True),
        ("", True),
        ("no", False),
        ("N", False),
        ("FALSE", False),
        ("0", False),
    ],
)
def test_attended_values(tmp_path: Path, value: str, attended: bool) -> None:
    people, problems = read(tmp_path, f"name,attended\nAnn,{value}\n")
    assert problems == []
    assert people[0].attended is attended


def test_an_unreadable_attended_value_is_reported(tmp_path: Path) -> None:
    _, problems = read(tmp_path, "name,attended\nAnn,maybe\n")
    assert problems == [
        "2:1: error: attended: 'maybe' is not yes/no/true/false/1/0 (blank means yes)"
    ]


def test_identity_is_id_then_email_then_the_folded_name(tmp_path: Path) -> None:
    text = "name,email,id\nAnn,a@X.example,S-1\nBen,B@x.Example,\nCai  Jones,,\n"
    people, _ = read(tmp_path, text)
    assert [p.identity for p in people] == ["id:S-1", "email:b@x.example", "name:cai jones"]


def test_duplicates_name_the_line_of_the_first_and_what_they_share(tmp_path: Path) -> None:
    text = "name,email,id\nAnn,a@x.example,\nAnn B,A@X.example,\nCai,,7\nCai J,,7\nDee,,\nDEE,,\n"
    people, problems = read(tmp_path, text)
    assert [p.name for p in people] == ["Ann", "Cai", "Dee"]
    assert problems == [
        "3:1: error: duplicate participant 'Ann B': same email 'A@X.example' as 'Ann' on line 2",
        "5:1: error: duplicate participant 'Cai J': same id '7' as 'Cai' on line 4",
        "7:1: error: duplicate participant 'DEE': same name (add an 'id' or 'email' column to "
        "tell people with one name apart) as 'Dee' on line 6",
    ]


def test_a_row_with_more_cells_than_columns_is_reported(tmp_path: Path) -> None:
    people, problems = read(tmp_path, "name,email\nAnn,a@x.example,extra\nBen,b@x.example,\n")
    assert [p.name for p in people] == ["Ben"]
    assert problems == ["2:1: error: row has 3 cells but the header names 2 columns"]


def test_a_roster_without_a_name_column_or_header_is_refused(tmp_path: Path) -> None:
    assert read(tmp_path, "email\na@x\n")[1] == [
        "1:1: error: the roster needs a 'name' column (or 'First name' and 'Last name' columns)"
    ]
    # half a name is not a name
    assert read(tmp_path, "Surname,email\nJones,a@x\n")[1] == [
        "1:1: warning: ignored column 'Surname': a roster uses name, email, organisation, role, "
        "id, attended and day 1, day 2, ...",
        "1:1: error: the roster needs a 'name' column (or 'First name' and 'Last name' columns)",
    ]


def test_a_booking_systems_first_and_last_name_columns_are_read_as_the_name(
    tmp_path: Path,
) -> None:
    """Issue 21, defect 20: Eventbrite's export (and Microsoft Forms', Ticket Tailor's...)."""
    export = (
        "Order #,First Name,Last Name,Email,Ticket Type,Dietary needs\n"
        "1001,Siân,O'Súilleabháin,sian@x.example,Standard,none\n"
        "1002,Charlotte, Fairfax-Whitmore ,cf@x.example,Standard,\n"
        "1003,Declan,O'Reilly,d@x.example,Standard,vegan\n"
    )
    people, problems = read(tmp_path, export)
    assert [p.name for p in people] == [
        "Siân O'Súilleabháin",
        "Charlotte Fairfax-Whitmore",
        "Declan O'Reilly",
    ]
    assert [p.email for p in people] == ["sian@x.example", "cf@x.example", "d@x.example"]
    assert problems == [  # one note
        "1:1: warning: names read from 'First Name' and 'Last Name'; ignored columns 'Order #', "
        "'Ticket Type', 'Dietary needs': a roster uses name, email, organisation, role, id, "
        "attended and day 1, day 2, ..."
    ]
    for first, last in (("Forename", "Surname"), ("Given name", "Family name")):
        people, problems = read(tmp_path, f"{last},{first}\nO'Reilly,Declan\n")
        assert [p.name for p in people] == ["Declan O'Reilly"]
        assert problems == [f"1:1: warning: names read from '{first}' and '{last}'"]
    # a name column wins; the halves beside it are ignored, in the same one note
    people, problems = read(tmp_path, "First name,Last name,Name\nDec,O,Declan O'Reilly\n")
    assert [p.name for p in people] == ["Declan O'Reilly"]
    assert problems == [
        "1:1: warning: ignored columns 'First name', 'Last name': a roster uses name, email, "
        "organisation, role, id, attended and day 1, day 2, ..."
    ]
    people, problems = read(
        tmp_path, "First name,Last name,email\n,,x@x.example\nAnn,,a@x.example\n"
    )
    assert [p.name for p in people] == ["Ann"]
    assert problems == [
        "1:1: warning: names read from 'First name' and 'Last name'",
        "2:1: error: empty name",
    ]
    assert read(tmp_path, "\n")[1] == [
        "1:1: error: empty roster: the first row must name the columns"
    ]


def test_a_roster_given_on_the_command_line_is_checked_once_before_anything_is_made(
    make_project, run_cli
) -> None:
    """``--roster`` is read and checked with the project, once, every problem at its row;
    nothing is numbered or written when it has one."""
    root = make_project({"other.csv": "name,attended\nAnn Lee,yes\n,yes\nBo Yu,maybe\n"})
    result = run_cli(
        "certificates", "acme-2027", "--roster", "other.csv", cwd=root,
        env={"SOURCE_DATE_EPOCH": "1830000000"},
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "other.csv:3:1: error: empty name",
        "other.csv:4:1: error: attended: 'maybe' is not yes/no/true/false/1/0 (blank means yes)",
        "2 errors",
    ]
    assert not (root / "output").exists() and not (root / "records").exists()


def test_a_rosters_note_is_said_once_and_only_by_the_commands_that_use_the_roster(
    make_project, run_cli
) -> None:
    """Issue 21, defect 14: not by ``coding report``, ``evaluation report`` or ``validate``
    of another event; once by those that use it (a rebuild from the cache too)."""
    import shutil

    from conftest import PROJECTS

    root = make_project(overlay="evaluation-basic")
    shutil.copytree(PROJECTS / "coding-basic", root, dirs_exist_ok=True)
    roster = root / "content" / "rosters" / "eval-spring.csv"
    rows = roster.read_text(encoding="utf-8").splitlines()
    roster.write_text(
        "\n".join(f"{r},{'Dietary needs' if i == 0 else ''}" for i, r in enumerate(rows)) + "\n",
        encoding="utf-8",
    )
    note = (
        "content/rosters/eval-spring.csv:1:1: warning: ignored column 'Dietary needs': a "
        "roster uses name, email, organisation, role, id, attended and day 1, day 2, ..."
    )
    for args, said in (
        (["validate"], 1),
        (["validate", "eval-spring"], 1),
        (["validate", "eval-autumn"], 0),
        (["build", "eval-spring", "--only", "calendar"], 1),
        (["build", "eval-spring", "--only", "calendar"], 1),  # from the edition cache
        (["evaluation", "report", "--format", "csv"], 0),
        (["coding", "report", "alex-reed", "--format", "json"], 0),
    ):
        result = run_cli(*args, cwd=root)
        assert result.exit_code == 0, (args, result.output)
        assert result.stderr.splitlines().count(note) == said, (args, result.stderr)
