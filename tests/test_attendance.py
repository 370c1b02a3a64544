"""Certificates follow attendance (issue 11): prepared before the event's last day, then
confirmed or voided by the roster once it has passed; dated the event's last day either way.

The fixture (``certs-attendance``) is a two-day event on 16 and 17 March 2027 whose roster
has three people, one of whom did not attend. Before the event, nobody's attendance is known
(the roster's ``attended`` cells are blank), so the module's fixture prepares all three.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import PROJECTS, edit_file, lines, pdf_pages

from mi_courseware.cli import cli
from mi_courseware.register import Location, Register

BEFORE = "1804147200"  # 2027-03-04 08:00 UTC
BEFORE_AGAIN = "1804406400"  # 2027-03-07 08:00 UTC
AFTER = "1805443200"  # 2027-03-19 08:00 UTC
EVENT = "acme-pair"
ROSTER = "content/rosters/acme-pair.csv"
CAME = ["Nia Pritchard-Evans", "Tomasz Wiśniewski"]
ABSENT = "Farah Qureshi-Doyle"
NUMBERS = ["A-2027-000001", "A-2027-000002", "A-2027-000003"]
PRINTED = "Issued 17 March 2027"  # the event's last day


def mi(root: Path, epoch: str, *args: str, register: Location | None = None) -> Result:
    """The CLI in-process on the project at ``root``, built at ``epoch``."""
    where = ["--register", str(register)] if register is not None else []
    return CliRunner().invoke(
        cli,
        ["--project", str(root), *where, *args],
        catch_exceptions=False,
        env={"SOURCE_DATE_EPOCH": epoch},
        prog_name="mi-courseware",
    )


def folder(root: Path) -> Path:
    return root / "output" / "events" / EVENT / "certificates"


def pdfs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder(root).glob("*.pdf"))}


def text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def states(location: Location) -> dict[str, tuple[str, str]]:
    """Number -> (name, status)."""
    with Register(location, create=False) as register:
        return {r.number: (r.name, r.status) for r in register.all()}


def histories(location: Location) -> dict[str, list[tuple[str, str]]]:
    """Number -> [(action, detail), ...]."""
    with Register(location, create=False) as register:
        return {
            r.number: [(h.action, h.detail) for h in register.history(r.number)]
            for r in register.all()
        }


def verify(root: Path, what: str, register: Location | None = None) -> Result:
    return mi(root, AFTER, "verify", what, register=register)


def code(location: Location, number: str) -> str:
    with Register(location, create=False) as register:
        row = register.get(number)
    assert row is not None
    return row.code


def new_project(root: Path) -> Path:
    shutil.copytree(PROJECTS / "foundation-basic", root)
    shutil.copytree(PROJECTS / "certs-attendance", root, dirs_exist_ok=True)
    return root


def before_attendance(root: Path) -> None:
    """The roster as it stands before the event: nobody marked absent yet."""
    edit_file(root / ROSTER, "farah@acme.example,no", "farah@acme.example,")


def absent(root: Path) -> None:
    """The roster after the event: the one who did not come is marked so."""
    edit_file(root / ROSTER, "farah@acme.example,", "farah@acme.example,no")


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Result]]:
    """The event's certificates made on 4 March 2027, before it (read-only: copy to change)."""
    root = new_project(tmp_path_factory.mktemp("attendance") / "project")
    before_attendance(root)
    result = mi(root, BEFORE, "certificates", EVENT)
    assert result.exit_code == 0, result.output
    yield root, result


def copy(prepared: tuple[Path, Result], tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(prepared[0], root)
    return root


def register_of(root: Path) -> Path:
    return root / "records" / "certificates.sqlite"


def test_before_the_last_day_every_certificate_is_prepared_and_not_valid(prepared) -> None:
    root, result = prepared
    assert lines(result.output)[1:] == [
        "  prepared        3  A-2027-000001 … A-2027-000003",
        "  3 certificates in all-certificates.pdf",
        "  3 prepared certificates are not valid until attendance is confirmed: with the "
        "roster's attendance, run 'certificates acme-pair' again after 2027-03-17, the "
        "event's last day",
    ]
    assert lines(result.output)[0].endswith(f": {folder(root)}")
    register = register_of(root)
    assert states(register) == {
        number: (name, "prepared") for number, name in zip(NUMBERS, [*CAME, ABSENT], strict=True)
    }
    for number in NUMBERS:
        by_code = verify(root, code(register, number))
        assert by_code.exit_code == 1
        assert by_code.output.splitlines()[0] == (
            f"{number}: prepared, awaiting attendance: not valid until attendance is confirmed"
        )
        by_file = verify(root, str(folder(root) / f"{number}.pdf"))
        assert by_file.exit_code == 1 and "prepared, awaiting attendance" in by_file.output
        assert "file:    matches the register" in by_file.output
        printed = text(folder(root) / f"{number}.pdf")
        assert PRINTED in printed and "4 March 2027" not in printed  # never the build date
    # trainers print them to hand out at the end of the last day
    everything = folder(root) / "all-certificates.pdf"
    assert pdf_pages(everything) == 3
    assert all(name in text(everything) for name in [*CAME, ABSENT])
    export = mi(root, AFTER, "register", "export")
    table = list(csv.DictReader(io.StringIO(export.output)))
    assert [(r["number"], r["status"], r["confirmed_at"]) for r in table] == [
        (number, "prepared", "") for number in NUMBERS
    ]
    assert histories(register) == {n: [("prepared", "awaiting attendance")] for n in NUMBERS}


def test_a_rebuild_before_the_event_with_nothing_changed_keeps_the_same_bytes(
    prepared, tmp_path: Path
) -> None:
    root = copy(prepared, tmp_path)
    first = pdfs(root)
    again = mi(root, BEFORE_AGAIN, "build", EVENT, "--only", "certificates")
    assert again.exit_code == 0, again.output
    assert pdfs(root) == first
    command = mi(root, BEFORE_AGAIN, "certificates", EVENT)
    assert lines(command.output)[1] == "  unchanged       3"
    assert pdfs(root) == first
    assert histories(register_of(root)) == {
        n: [("prepared", "awaiting attendance")] for n in NUMBERS
    }


def test_after_the_last_day_attendance_confirms_two_and_voids_the_one_who_did_not_come(
    prepared, tmp_path: Path
) -> None:
    root = copy(prepared, tmp_path)
    before = pdfs(root)
    absent(root)
    result = mi(root, AFTER, "certificates", EVENT)
    assert result.exit_code == 0, result.output
    assert lines(result.output)[1:] == [
        "  confirmed       2  A-2027-000001 … A-2027-000002",
        "  voided          1  (attendance not confirmed)",
        f"    A-2027-000003  {ABSENT}: did not attend",
        "  2 certificates in all-certificates.pdf",
    ]
    register = register_of(root)
    assert states(register) == {
        NUMBERS[0]: (CAME[0], "issued"),
        NUMBERS[1]: (CAME[1], "issued"),
        NUMBERS[2]: (ABSENT, "void"),
    }
    # the same numbers and the very bytes printed before the event; the void one's file goes
    after = pdfs(root)
    assert sorted(after) == ["A-2027-000001.pdf", "A-2027-000002.pdf", "all-certificates.pdf"]
    for number in NUMBERS[:2]:
        assert after[f"{number}.pdf"] == before[f"{number}.pdf"]
        assert PRINTED in text(folder(root) / f"{number}.pdf")
        valid = verify(root, code(register, number))
        assert valid.exit_code == 0, valid.output
        assert valid.output.splitlines()[0] == f"{number}: valid"
        # the date printed on it, not the day it was numbered (issue 21, defect 5)
        assert "  issued:  2027-03-17 (attendance confirmed 2027-03-19)" in valid.output
    everything = folder(root) / "all-certificates.pdf"
    assert pdf_pages(everything) == 2 and ABSENT not in text(everything)
    # the copy printed before the event for the one who did not come is void for good
    kept = tmp_path / "A-2027-000003.pdf"
    kept.write_bytes(before["A-2027-000003.pdf"])
    for what in (code(register, NUMBERS[2]), str(kept)):
        void = verify(root, what)
        assert void.exit_code == 1
        assert void.output.splitlines()[0] == (
            "A-2027-000003: VOID: never valid (prepared, attendance not confirmed on "
            "2027-03-19: did not attend)"
        )
    table = list(csv.DictReader(io.StringIO(mi(root, AFTER, "register", "export").output)))
    assert [(r["status"], r["issued_at"], r["confirmed_at"], r["issued_on"]) for r in table] == [
        ("issued", "2027-03-04T08:00:00Z", "2027-03-19T08:00:00Z", "2027-03-17"),
        ("issued", "2027-03-04T08:00:00Z", "2027-03-19T08:00:00Z", "2027-03-17"),
        ("void", "2027-03-04T08:00:00Z", "", "2027-03-17"),
    ]
    assert histories(register) == {
        NUMBERS[0]: [("prepared", "awaiting attendance"), ("confirmed", "attendance confirmed")],
        NUMBERS[1]: [("prepared", "awaiting attendance"), ("confirmed", "attendance confirmed")],
        NUMBERS[2]: [("prepared", "awaiting attendance"), ("voided", "did not attend")],
    }
    # nothing more to decide: a run after that changes nothing
    again = mi(root, AFTER, "certificates", EVENT)
    assert lines(again.output)[1] == "  unchanged       2" and pdfs(root) == after


def test_a_verbose_build_after_the_event_says_who_was_voided(prepared, tmp_path: Path) -> None:
    root = copy(prepared, tmp_path)
    absent(root)
    # marked absent before the last day: still prepared, kept, but not printed for handing out
    early = mi(root, BEFORE_AGAIN, "-v", "build", EVENT, "--only", "certificates")
    assert early.exit_code == 0, early.output
    assert states(register_of(root))[NUMBERS[2]] == (ABSENT, "prepared")
    assert (folder(root) / "A-2027-000003.pdf").is_file()
    assert pdf_pages(folder(root) / "all-certificates.pdf") == 2
    late = mi(root, AFTER, "-v", "build", EVENT, "--only", "certificates")
    assert late.exit_code == 0, late.output
    assert f"events/{EVENT}: certificates built (options changed)" in late.stderr
    assert (
        f"events/{EVENT}: certificate A-2027-000003 of {ABSENT} voided: did not attend"
        in late.stderr
    )
    assert f"events/{EVENT}: no certificate for {ABSENT}: attended no day" in late.stderr
    assert states(register_of(root))[NUMBERS[2]] == (ABSENT, "void")
    assert not (folder(root) / "A-2027-000003.pdf").exists()


def test_the_last_day_having_passed_is_an_option_of_the_certificates_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build after the last day re-runs certificates though no file changed (here without
    SOURCE_DATE_EPOCH, which is an option of its own)."""
    from mi_courseware.builders import BuildContext
    from mi_courseware.pipeline import BuildRequest, plan, read_check_resolve
    from mi_courseware.pipeline.inputs import Hasher
    from mi_courseware.project import ProjectPaths

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = new_project(tmp_path / "project")
    request = BuildRequest(target=EVENT, only=("certificates",))
    editions, _ = read_check_resolve(ProjectPaths(root), request)

    def planned(day: int, hour: int = 12) -> tuple[str, dict[str, object]]:
        context = BuildContext(time=datetime(2027, 3, day, hour, tzinfo=UTC))
        [edition_plan] = plan(editions, request.only, context, root / "output", Hasher())
        [output] = edition_plan.outputs
        return output.digest, output.options

    on_the_day, before = planned(17, 23)
    after, options = planned(18, 0)
    assert (before["phase"], options["phase"]) == ("until the last day", "after the last day")
    assert planned(1)[0] == on_the_day != after == planned(30)[0]


def test_postgresql_prepared_then_confirmed_voided_and_issued_to_a_late_addition(
    tmp_path: Path, postgres
) -> None:
    """The whole round on a PostgreSQL register, with a corrected spelling and someone who
    qualifies but had no prepared certificate."""
    register = postgres.new_database()
    root = new_project(tmp_path / "project")
    before_attendance(root)
    assert mi(root, BEFORE, "certificates", EVENT, register=register).exit_code == 0
    assert {s for _, s in states(register).values()} == {"prepared"}
    assert verify(root, code(register, NUMBERS[0]), register).exit_code == 1
    absent(root)
    edit_file(root / ROSTER, "Tomasz Wiśniewski,", "Tomasz Wiśniewski-Kay,")
    with (root / ROSTER).open("a", encoding="utf-8") as roster:
        roster.write("Odile Marchetti,odile@acme.example,yes\n")
    result = mi(root, AFTER, "certificates", EVENT, register=register)
    assert result.exit_code == 0, result.output
    assert lines(result.output)[1:4] == [
        "  issued          1  A-2027-000004",
        "  confirmed       2  A-2027-000001 … A-2027-000002",
        "  voided          1  (attendance not confirmed)",
    ]
    assert states(register) == {
        NUMBERS[0]: (CAME[0], "issued"),
        NUMBERS[1]: ("Tomasz Wiśniewski-Kay", "issued"),
        NUMBERS[2]: (ABSENT, "void"),
        "A-2027-000004": ("Odile Marchetti", "issued"),
    }
    assert [a for a, _ in histories(register)[NUMBERS[1]]] == [
        "prepared",
        "regenerated",
        "confirmed",
    ]
    assert "Tomasz Wiśniewski-Kay" in text(folder(root) / "A-2027-000002.pdf")
    assert PRINTED in text(folder(root) / "A-2027-000004.pdf")
    for number in (NUMBERS[1], "A-2027-000004"):
        assert verify(root, code(register, number), register).exit_code == 0
    assert verify(root, code(register, NUMBERS[2]), register).exit_code == 1


def test_a_run_stopped_before_the_event_after_its_files_moved_is_completed_as_prepared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mi_courseware.certificates import issue

    root = new_project(tmp_path / "project")
    before_attendance(root)

    class Killed(BaseException):
        """Stands in for a kill between moving the files into place and recording them."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise Killed

    monkeypatch.setattr(issue, "promote", interrupted)
    with pytest.raises(Killed):
        mi(root, BEFORE, "certificates", EVENT)
    register = register_of(root)
    assert {s for _, s in states(register).values()} == {"pending"}
    monkeypatch.undo()
    result = mi(root, BEFORE_AGAIN, "certificates", EVENT)
    assert result.exit_code == 0, result.output
    assert {s for _, s in states(register).values()} == {"prepared"}
    assert histories(register) == {n: [("prepared", "awaiting attendance")] for n in NUMBERS}
    assert verify(root, str(folder(root) / "A-2027-000001.pdf")).exit_code == 1


def test_with_nobody_to_print_there_is_no_print_file(tmp_path: Path) -> None:
    """Nobody attended: no certificate, and no all-certificates.pdf (a PDF of no pages,
    which readers refuse, was written before)."""
    root = new_project(tmp_path / "project")
    for name in ("nia", "tomasz"):
        edit_file(root / ROSTER, f"{name}@acme.example,yes", f"{name}@acme.example,no")
    result = mi(root, AFTER, "certificates", EVENT)
    assert result.exit_code == 0, result.output
    assert "  no certificate to print: no all-certificates.pdf" in lines(result.output)
    assert not folder(root).exists() or list(folder(root).iterdir()) == []
