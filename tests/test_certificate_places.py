"""A certificate of an event held in several places names each day's place (issue 21: day 2
was online, the certificate named day 1's venue only), and a certificate already issued keeps
its file: a new design applies to the certificates issued from then on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from mi_courseware.certificates import issue
from mi_courseware.cli import cli
from tests.conftest import MakeProject, pdf_text

EVENT = "partners-2027"
AFTER = "1812153600"  # 2027-06-04, after the event's last day
PLACES = [
    "9 March 2027: Room 4, Brightwell House",
    "13 April 2027: Meeting Room 1, Station Road Hub",
    "12 May 2027: Online",
]


def certificates(root: Path) -> dict[str, bytes]:
    """Issue the event's certificates; every file of the folder, by name."""
    result = CliRunner().invoke(
        cli,
        ["--project", str(root), "--register", str(root / "register.sqlite"), "-q",
         "certificates", EVENT],
        catch_exceptions=False,
        env={"SOURCE_DATE_EPOCH": AFTER},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    folder = root / "output/events" / EVENT / "certificates"
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.pdf"))}


def said(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "one.pdf"
    path.write_bytes(data)
    return " ".join(pdf_text(path).split())


def test_a_certificate_names_every_days_place(make_project: MakeProject, tmp_path: Path) -> None:
    files = certificates(make_project(base="days-basic"))
    text = said(
        next(data for name, data in files.items() if name != "all-certificates.pdf"), tmp_path
    )
    assert " · ".join(PLACES) in text


def test_a_certificate_issued_in_the_first_design_keeps_its_bytes(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(base="days-basic")
    with monkeypatch.context() as patch:
        patch.setattr(issue, "LAYOUT", 1)  # issued as the release before this design did
        first = certificates(root)
    again = certificates(root)
    assert again == first  # laid out in the design they were issued in: the same bytes
    one = said(first["B-2027-000001.pdf"], tmp_path)
    assert "9 March 2027, 13 April 2027 and 12 May 2027 · Room 4, Brightwell House · " in one
    assert "Station Road Hub" not in one
    register = sqlite3.connect(root / "register.sqlite")
    assert (
        register.execute("SELECT count(*) FROM history WHERE action = 'regenerated'").fetchone()[0]
        == 0
    )

    roster = root / "content/rosters/partners-2027.csv"
    roster.write_text(
        roster.read_text(encoding="utf-8")
        + "BK-1099,Noor Al-Hakim,noor@example.org,,,yes,yes,yes\n",
        encoding="utf-8",
    )
    later = certificates(root)
    new = sorted(set(later) - set(first))
    assert len(new) == 1
    assert all(
        later[name] == data for name, data in first.items() if name != "all-certificates.pdf"
    )
    assert " · ".join(PLACES) in said(later[new[0]], tmp_path)
    layouts = dict(register.execute("SELECT number, layout FROM certificates"))
    assert layouts[new[0].removesuffix(".pdf")] == issue.LAYOUT
    assert {
        layouts[name.removesuffix(".pdf")] for name in first if name != "all-certificates.pdf"
    } == {1}
    printed = tmp_path / "all.pdf"
    printed.write_bytes(later["all-certificates.pdf"])
    with pikepdf.open(printed) as pdf:
        assert len(pdf.pages) == len(later) - 1
    text = " ".join(pdf_text(printed).split())
    assert text.count(" · ".join(PLACES)) == 1
