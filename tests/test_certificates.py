"""Certificates end to end: the CLI, the real PDFs (pikepdf, poppler) and the SQLite register."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
import segno
from click.testing import CliRunner, Result
from conftest import (
    PROJECTS,
    SCRIPT,
    edit_file,
    heading,
    pdf_info,
    pdf_language,
    pdf_pages,
    subprocess_env,
)
from PIL import Image

from mi_courseware.cli import cli
from mi_courseware.codes import check_symbol, group, read_code

EPOCH = "1805443200"  # 2027-03-19 08:00 UTC
EVENT = "acme-2027"
ROSTER = "content/rosters/acme-2027.csv"
NAMES = [
    row["name"]
    for row in csv.DictReader(
        io.StringIO((PROJECTS / "certs-basic" / ROSTER).read_text(encoding="utf-8"))
    )
    if row["attended"] == "yes"
]


def build_project(root: Path, overlay: str = "certs-basic") -> Path:
    shutil.copytree(PROJECTS / "foundation-basic", root)
    shutil.copytree(PROJECTS / overlay, root, dirs_exist_ok=True)
    return root


def mi(root: Path, *args: str) -> Result:
    """The CLI in-process on the project at ``root``, with a fixed build time."""
    return CliRunner().invoke(
        cli,
        ["--project", str(root), *args],
        catch_exceptions=False,
        env={"SOURCE_DATE_EPOCH": EPOCH},
        prog_name="mi-courseware",
    )


def folder(root: Path, event: str = EVENT) -> Path:
    return root / "output" / "events" / event / "certificates"


def rows(root: Path) -> list[sqlite3.Row]:
    db = sqlite3.connect(root / "records" / "certificates.sqlite")
    db.row_factory = sqlite3.Row
    return db.execute("SELECT * FROM certificates ORDER BY number").fetchall()


def history(root: Path, number: str) -> list[tuple[str, str]]:
    db = sqlite3.connect(root / "records" / "certificates.sqlite")
    query = "SELECT action, name FROM history WHERE number = ? ORDER BY id"
    return db.execute(query, (number,)).fetchall()


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pdfs(root: Path, event: str = EVENT) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder(root, event).glob("*.pdf"))}


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fixture project with its event's certificates issued once (read-only tests)."""
    root = build_project(tmp_path_factory.mktemp("issued") / "project")
    result = mi(root, "certificates", EVENT)
    assert result.exit_code == 0, result.output
    yield root


def test_each_attendee_gets_one_certificate_with_the_name_exactly_as_written(issued) -> None:
    from mi_courseware.register.keys import show

    records = rows(issued)
    assert [r["number"] for r in records] == [f"A-2027-{n:06d}" for n in range(1, 13)]
    assert [r["name"] for r in records] == NAMES  # the one not attending has none
    assert {r["status"] for r in records} == {"issued"}
    (key,) = {r["key_id"] for r in records}  # made with the client's first certificate
    assert (issued / "records" / "keys" / f"{key}.pem").is_file()
    for record in records:
        path = folder(issued) / f"{record['number']}.pdf"
        assert record["sha256"] == digest(path)
        assert record["name"] in pdftotext(path)
        assert f"Issuer key {show(key)}" in pdftotext(path)  # small, under the issue date
        meta = pdf_info(path)
        assert pdf_pages(path) == 1
        assert meta["/MICertificateNumber"] == record["number"]
        assert meta["/MICertificateCode"] == record["code"]
        assert meta["/MIIssuerKey"] == show(key)
        assert read_code(record["code"]).verdict == "ok"
    assert pdf_pages(folder(issued) / "all-certificates.pdf") == 12
    assert all(name in pdftotext(folder(issued) / "all-certificates.pdf") for name in NAMES)


def test_the_demo_event_issues_12_certificates_again_and_again_the_same(tmp_path) -> None:
    from conftest import REPO

    root = tmp_path / "demo"
    shutil.copytree(REPO / "content", root / "content")
    roster = root / "content" / "rosters" / "northfield-2027-03.csv"
    names = [r["name"] for r in csv.DictReader(io.StringIO(roster.read_text(encoding="utf-8")))]
    assert mi(root, "certificates", "northfield-2027-03").exit_code == 0
    first = pdfs(root, "northfield-2027-03")
    assert len(first) == 13 and [r["name"] for r in rows(root)] == names
    for record in rows(root):
        path = folder(root, "northfield-2027-03") / f"{record['number']}.pdf"
        assert record["name"] in pdftotext(path) and heading(path) == record["name"]
    assert mi(root, "certificates", "northfield-2027-03").exit_code == 0
    assert pdfs(root, "northfield-2027-03") == first


def test_a_certificate_is_tagged_with_the_name_as_its_heading(issued) -> None:
    path = folder(issued) / "A-2027-000005.pdf"
    with pikepdf.open(path) as pdf:
        assert pdf.Root.MarkInfo.Marked and pdf.Root.Lang == "en"
    tree = subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert heading(path) == NAMES[4]
    assert any(line.strip().startswith("Link") for line in tree)
    assert "A-2027-000005" in "\n".join(tree)


def test_the_qr_code_opens_the_clients_verify_page_for_this_code(issued) -> None:
    path = folder(issued) / "A-2027-000003.pdf"
    code = pdf_info(path)["/MICertificateCode"]
    url = f"https://acme.example/verify?code={code}"
    with pikepdf.open(path) as pdf:
        annotation = pdf.pages[0].Annots[0]
        assert str(annotation.A.URI) == url
        left, _, right, top = (float(v) for v in annotation.Rect)
        height = float(pdf.pages[0].mediabox[3])
    dpi = 200
    png = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), str(path)], check=True, capture_output=True
    ).stdout
    image = Image.open(io.BytesIO(png)).convert("L")
    matrix = segno.make(url, error="m").matrix
    module = (right - left) / len(matrix)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            x = (left + (column + 0.5) * module) * dpi / 72
            y = (height - top + (row + 0.5) * module) * dpi / 72
            assert (image.getpixel((int(x), int(y))) < 128) == bool(dark), (row, column)


def test_a_rerun_gives_the_same_numbers_and_bytes_also_from_a_copy(tmp_path: Path) -> None:
    root = build_project(tmp_path / "here" / "project")
    assert mi(root, "certificates", EVENT).exit_code == 0
    first, numbers = pdfs(root), [r["number"] for r in rows(root)]
    again = mi(root, "certificates", EVENT)
    assert again.exit_code == 0 and "unchanged      12" in again.output
    assert pdfs(root) == first and [r["number"] for r in rows(root)] == numbers
    elsewhere = tmp_path / "there" / "copy"
    shutil.copytree(root, elsewhere)
    shutil.rmtree(elsewhere / "output")
    assert mi(elsewhere, "certificates", EVENT).exit_code == 0
    assert pdfs(elsewhere) == first
    assert all(len(history(root, n)) == 1 for n in numbers)


def test_one_certificate_made_alone_is_the_same_as_in_its_batch(tmp_path: Path) -> None:
    root = build_project(tmp_path / "project")
    assert mi(root, "certificates", EVENT).exit_code == 0
    before = pdfs(root)
    (folder(root) / "A-2027-000006.pdf").unlink()
    result = mi(root, "certificates", EVENT, "--only", "zoi@acme.example")
    assert result.exit_code == 0, result.output
    assert pdfs(root) == before
    assert history(root, "A-2027-000006") == [("issued", NAMES[5])]
    missing = mi(root, "certificates", EVENT, "--only", "Nobody Here")
    assert missing.exit_code == 2 and "no attending participant 'Nobody Here'" in missing.output


def test_a_corrected_name_keeps_its_number_and_the_old_pdf_stops_verifying(tmp_path) -> None:
    root = build_project(tmp_path / "project")
    assert mi(root, "certificates", EVENT).exit_code == 0
    old = tmp_path / "old.pdf"
    shutil.copy(folder(root) / "A-2027-000004.pdf", old)
    edit_file(root / ROSTER, "Zoë D'Arcy-Fenwick,", "Zoë D'Arcy-Fenwick-Hale,")
    refused = mi(root, "certificates", EVENT)
    assert refused.exit_code == 1
    assert (
        f"{ROSTER}:5:1: error: 'Zoë D'Arcy-Fenwick-Hale' differs from the name on "
        "certificate A-2027-000004 ('Zoë D'Arcy-Fenwick')" in refused.output
    )
    assert digest(folder(root) / "A-2027-000004.pdf") == digest(old)
    assert mi(root, "certificates", EVENT, "--reissue").exit_code == 0
    record = rows(root)[3]
    assert (record["number"], record["name"], record["status"]) == (
        "A-2027-000004",
        "Zoë D'Arcy-Fenwick-Hale",
        "reissued",
    )
    assert history(root, "A-2027-000004") == [
        ("issued", "Zoë D'Arcy-Fenwick"),
        ("reissued", "Zoë D'Arcy-Fenwick-Hale"),
    ]
    new = folder(root) / "A-2027-000004.pdf"
    assert "Zoë D'Arcy-Fenwick-Hale" in pdftotext(new) and "reissued" in pdftotext(new)
    stale = mi(root, "verify", str(old))
    assert stale.exit_code == 1
    assert "DOES NOT MATCH the register" in stale.output and "earlier copy" in stale.output
    current = mi(root, "verify", str(new))
    assert current.exit_code == 0 and "matches the register" in current.output


def test_certificates_issued_before_keys_keep_their_bytes_when_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Certificates issued by an earlier release carry no key fingerprint. Making them again
    with this release (a rebuild, a forced run) must not change a byte: a new file would be
    recorded as regenerated and every copy already handed out would verify as superseded.
    The fingerprint is for certificates issued from now on."""
    root = build_project(tmp_path / "project")
    # the earlier release's way: no key made when certificates are issued
    monkeypatch.setattr("mi_courseware.certificates.issue.ensure_key", lambda *args: None)
    assert mi(root, "certificates", EVENT).exit_code == 0
    monkeypatch.undo()
    before = pdfs(root)
    assert not (root / "records" / "keys").exists()
    first = folder(root) / "A-2027-000001.pdf"
    assert "/MIIssuerKey" not in pdf_info(first)
    assert "Issuer key" not in pdftotext(first)
    logged = [history(root, f"A-2027-{n:06d}") for n in range(1, 13)]
    # this release makes every certificate again (certificates always does, build --force too)
    assert mi(root, "certificates", EVENT).exit_code == 0
    assert mi(root, "build", EVENT, "--only", "certificates", "--force").exit_code == 0
    assert pdfs(root) == before
    assert [history(root, f"A-2027-{n:06d}") for n in range(1, 13)] == logged
    assert {r["status"] for r in rows(root)} == {"issued"}
    kept = mi(root, "verify", str(first))
    assert kept.exit_code == 0 and "matches the register" in kept.output
    # a newcomer's certificate is the client's first with a key: made now, printed on it
    with (root / ROSTER).open("a", encoding="utf-8") as roster:
        roster.write("Ruth Newcomer,ruth@acme.example,Acme,Nurse,yes\n")
    assert mi(root, "certificates", EVENT).exit_code == 0
    listed = mi(root, "register", "keys", "list").output
    newcomer = pdf_info(folder(root) / "A-2027-000013.pdf")["/MIIssuerKey"]
    assert listed.startswith(f"{newcomer}  Acme Health Trust  made 2027-03-19, current")
    assert {k: v for k, v in pdfs(root).items() if k in before and k != "all-certificates.pdf"} == {
        k: v for k, v in before.items() if k != "all-certificates.pdf"
    }


def test_verify_tells_valid_unknown_mistyped_and_revoked_apart(tmp_path: Path) -> None:
    root = build_project(tmp_path / "project")
    assert mi(root, "certificates", EVENT).exit_code == 0
    record = rows(root)[1]
    valid = mi(root, "verify", record["code"].lower())
    assert valid.exit_code == 0
    assert valid.output.splitlines()[:2] == ["A-2027-000002: valid", f"  holder:  {NAMES[1]}"]
    body = "7KQ2M9XDF3H"
    unknown = mi(root, "verify", group(body + check_symbol(body)))
    assert unknown.exit_code == 1 and "unknown" in unknown.output
    code = record["code"]
    typo = code[:3] + ("7" if code[3] != "7" else "8") + code[4:]
    mistyped = mi(root, "verify", typo)
    assert mistyped.exit_code == 1 and "mistyped" in mistyped.output
    # a coordinator on the phone has the number, not the code (issue 21, defect 15)
    nobody = mi(root, "register", "revoke", "A-2027-000999", "--reason", "never issued")
    assert (nobody.exit_code, nobody.output) == (
        1,
        "A-2027-000999: unknown: no certificate has this number\n",
    )
    number = record["number"].lower()
    revoked = mi(root, "register", "revoke", number, "--reason", "issued to the wrong person")
    assert revoked.exit_code == 0, revoked.output
    assert revoked.output.startswith("Revoked A-2027-000002 (")
    after = mi(root, "verify", code)
    assert after.exit_code == 1
    assert "REVOKED on 2027-03-19: issued to the wrong person" in after.output
    rerun = mi(root, "certificates", EVENT)
    assert "revoked         1" in rerun.output
    assert not (folder(root) / "A-2027-000002.pdf").exists()
    assert pdf_pages(folder(root) / "all-certificates.pdf") == 11


def test_register_export_neutralises_cells_a_spreadsheet_would_run(tmp_path: Path) -> None:
    root = build_project(tmp_path / "project")
    (root / ROSTER).write_text(
        'name,email\n"=HYPERLINK(""http://x.example"")",a@x.example\n+44 Smith,b@x.example\n-Dash,c@x.example\n'
        "@Mention,d@x.example\nPlain Name,e@x.example\n",
        encoding="utf-8",
    )
    assert mi(root, "certificates", EVENT).exit_code == 0
    out = tmp_path / "register.csv"
    assert mi(root, "register", "export", "--csv", "-o", str(out)).exit_code == 0
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["name"] for r in table] == [
        '\'=HYPERLINK("http://x.example")',
        "'+44 Smith",
        "'-Dash",
        "'@Mention",
        "Plain Name",
    ]
    assert "=HYPERLINK" in pdftotext(folder(root) / "A-2027-000001.pdf")  # printed as written


def test_welsh_wording_and_the_bilingual_design(tmp_path: Path) -> None:
    root = build_project(tmp_path / "project", "certs-welsh")
    assert mi(root, "certificates", "dyffryn-2027").exit_code == 0
    text = pdftotext(folder(root, "dyffryn-2027") / "GTD-2027-000001.pdf")
    for words in (
        "TYSTYSGRIF PRESENOLDEB",
        "Mae hyn yn cadarnhau bod",
        "Gwenllïan ap Llŷr",
        "wedi mynychu",
        "2 awr DPP",
        "Cyhoeddwyd 13 Mai 2027",  # the event's last day, not the day it was built
        "13 Mai 2027",
    ):
        assert words in text
    assert "This is to certify" not in text
    assert mi(root, "certificates", "dyffryn-dwyieithog").exit_code == 0
    both = pdftotext(folder(root, "dyffryn-dwyieithog") / "GTD-2027-000003.pdf")
    assert both.index("Mae hyn yn cadarnhau bod") < both.index("This is to certify that")
    assert "2 awr DPP" in both and "2 CPD hours" in both
    assert pdf_language(folder(root, "dyffryn-2027") / "GTD-2027-000001.pdf") == "cy"


def test_long_names_shrink_to_one_line_then_wrap_and_never_overflow(tmp_path: Path) -> None:
    root = build_project(tmp_path / "project")
    longest = (
        "Maria-Fernanda Castellanos de la Fuente-Whitmore y Aguirre-Llewelyn ap "
        "Gruffudd Fitzwilliam-Ó Súilleabháin"
    )
    (root / ROSTER).write_text(
        f"name,email\n{longest},m@x.example\n{NAMES[10]},n@x.example\n", encoding="utf-8"
    )
    assert mi(root, "certificates", EVENT).exit_code == 0
    for number in ("A-2027-000001", "A-2027-000002"):
        path = folder(root) / f"{number}.pdf"
        assert pdf_pages(path) == 1
        words = subprocess.run(
            ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        right_edges = [
            float(line.split('xMax="')[1].split('"')[0])
            for line in words.splitlines()
            if "<word " in line
        ]
        assert max(right_edges) < 841.89 - 40  # inside the page's right margin
    assert heading(folder(root) / "A-2027-000001.pdf") == longest  # two lines, one name


def test_a_name_in_a_script_the_certificate_font_lacks_is_rendered_whole(tmp_path: Path) -> None:
    root = build_project(tmp_path / "project")
    (root / ROSTER).write_text(
        "name,email\nप्रिया शर्मा,w@x.example\nZoë,z@x.example\n", encoding="utf-8"
    )
    result = mi(root, "-v", "certificates", EVENT)
    assert result.exit_code == 0, result.output
    assert (
        "certificate A-2027-000001 (प्रिया शर्मा) rendered as a whole page: 'प' (U+092A) is set "
        "in a supplementary font" in result.output
    )
    assert result.output.count("rendered as a whole page") == 1  # Zoë's is set
    whole = folder(root) / "A-2027-000001.pdf"
    assert "whole page" in pdf_info(whole)["/Producer"]
    assert "HarfBuzz" in pdf_info(folder(root) / "A-2027-000002.pdf")["/Producer"]
    with pikepdf.open(whole) as pdf:
        fonts = [str(f.BaseFont) for f in pdf.pages[0].Resources.Font.values()]
    assert any("Noto-Sans-Devanagari" in f for f in fonts)  # no empty boxes
    assert [r["sha256"] for r in rows(root)] == [
        digest(folder(root) / f"A-2027-00000{n}.pdf") for n in (1, 2)
    ]


def refusal(tmp_path: Path, name: str) -> str:
    """The output of issuing for a roster whose second row is ``name``: refused, nothing kept."""
    root = build_project(tmp_path / "project")
    (root / ROSTER).write_text(
        f"name,email\nZoë,z@x.example\n{name},w@x.example\n", encoding="utf-8"
    )
    result = mi(root, "certificates", EVENT)
    assert result.exit_code == 1
    assert not (root / "records" / "certificates.sqlite").exists() or rows(root) == []
    return result.output


NO_FONT = (
    "has characters no certificate font can show ({}): they would print as empty boxes; write "
    "the name in a script the theme's fonts cover, or add a font that covers it to the "
    "theme's fonts/supplementary/ folder"
)
LONG = ("Bartholomew-Featherstonehaugh " * 11)[:299] + "z"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "王小明",
            "'王小明' "
            + NO_FONT.format(
                "'王' (U+738B cjk unified ideograph-738b), '小' (U+5C0F cjk unified ideograph-5c0f), '明' (U+660E cjk unified ideograph-660e)"
            ),
        ),
        ("Sam 😀", "'Sam 😀' " + NO_FONT.format("'😀' (U+1F600 grinning face)")),
        (
            "བཀྲ་ཤིས",
            "'བཀྲ་ཤིས' "
            + NO_FONT.format(
                "'བ' (U+0F56 tibetan letter ba), 'ཀ' (U+0F40 tibetan letter ka), 'ྲ' (U+0FB2 tibetan subjoined letter ra) and 4 more"
            ),
        ),
        ("Jo\ue000", "'Jo\ue000' " + NO_FONT.format("(U+E000 unnamed character)")),
        (
            LONG,
            f"'{LONG[:57]}...': the name is too long for the certificate (300 characters): it does not fit two lines at 16 pt; shorten it in the roster (the register keeps what the roster says)",
        ),
    ],
    ids=["cjk", "emoji", "tibetan", "private-use", "300-characters"],
)
def test_a_name_no_certificate_can_show_is_refused_at_its_row(
    tmp_path: Path, name: str, message: str
) -> None:
    assert f"{ROSTER}:3:1: error: {message}" in refusal(tmp_path, name)


def test_build_issues_certificates_through_its_staging_swap(tmp_path: Path) -> None:
    root = build_project(tmp_path / "project")
    result = mi(root, "build", EVENT, "--only", "certificates")
    assert result.exit_code == 0, result.output
    assert {r["status"] for r in rows(root)} == {"issued"} and len(rows(root)) == 12
    assert all(r["sha256"] == digest(folder(root) / f"{r['number']}.pdf") for r in rows(root))
    assert "certificates/A-2027-000001.pdf" in (
        root / "output/events/acme-2027/manifest.json"
    ).read_text(encoding="utf-8")
    # the register now holds what this build recorded: the next build finds nothing to do,
    # and reads the register's state without loading the database toolkit or the PDF engine
    kept = {p: p.stat().st_mtime_ns for p in folder(root).iterdir()}
    script = (
        "import sys\nfrom mi_courseware.cli import cli\n"
        "cli.main(sys.argv[1:], prog_name='mi-courseware', standalone_mode=False)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'weasyprint'}))"
    )
    only = ("--only", "certificates")
    again = subprocess.run(
        [sys.executable, "-c", script, "--project", str(root), "-v", "build", EVENT, *only],
        capture_output=True,
        text=True,
        env={**subprocess_env(), "SOURCE_DATE_EPOCH": EPOCH},
    )
    assert again.returncode == 0, again.stderr
    assert f"events/{EVENT}: certificates up to date" in again.stderr
    assert again.stdout.splitlines()[-1] == "[]"
    assert {p: p.stat().st_mtime_ns for p in folder(root).iterdir()} == kept
    # a change to the register made elsewhere (a revocation) is a reason to build again
    code = rows(root)[2]["code"]
    revoked = mi(root, "register", "revoke", code, "--reason", "left early")
    assert revoked.exit_code == 0, revoked.output
    rebuilt = mi(root, "-v", "build", EVENT, "--only", "certificates")
    assert f"events/{EVENT}: certificates built (the tool or the register changed)" in (
        rebuilt.stderr
    )


def test_events_built_in_worker_processes_are_put_in_place_and_recorded(tmp_path: Path) -> None:
    """``build`` of every event with two jobs stages each event in a worker process; each
    folder is then put in place (none left staged), its certificates recorded, and the next
    build finds everything up to date."""
    root = build_project(tmp_path / "project")
    outputs = ("--only", "certificates", "--only", "calendar")
    result = mi(root, "build", "--jobs", "2", *outputs)
    assert result.exit_code == 0, result.output
    events = root / "output" / "events"
    assert sorted(p.name for p in events.iterdir()) == ["acme-2027", "acme-second"]
    assert not [p.name for p in (root / "output").iterdir() if p.name.startswith(".staging")]
    for event in ("acme-2027", "acme-second"):
        assert (events / event / "calendar.ics").is_file()
        assert (events / event / "manifest.json").is_file()
    issued = {(r["event"], r["status"]) for r in rows(root)}
    # built on 19 March 2027: the first event is over, the second (22 April) is still to come
    assert issued == {("acme-2027", "issued"), ("acme-second", "prepared")}
    assert all(r["sha256"] for r in rows(root))
    again = mi(root, "-v", "build", "--jobs", "2", *outputs)
    assert again.exit_code == 0, again.output
    said = [line for line in again.stderr.splitlines() if ": no certificate for " not in line]
    assert sorted(said) == [
        f"events/{event}: {name} up to date"
        for event in ("acme-2027", "acme-second")
        for name in ("calendar", "certificates")
    ]


def test_usage_mistakes_exit_2(tmp_path: Path) -> None:
    root = build_project(tmp_path / "project")
    assert mi(root, "certificates", "mi-basics").exit_code == 2
    assert mi(root, "certificates", "acme-2028").exit_code == 2


@pytest.mark.parametrize(
    "command",
    [
        ["certificates"],
        ["verify"],
        ["register"],
        ["register", "export"],
        ["register", "revoke"],
        ["register", "keys"],
        *(["register", "keys", name] for name in ("list", "rotate", "export", "import")),
    ],
)
def test_every_command_explains_itself(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_help_does_not_load_the_pdf_libraries() -> None:
    code = (
        "import sys\nfrom mi_courseware.cli import cli\n"
        "try:\n    cli.main(['certificates', '--help'], prog_name='mi-courseware')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('weasyprint', 'pypdf', 'pikepdf', 'fontTools', 'segno')"
        " if m in sys.modules))"
    )
    python = SCRIPT.parent / "python"
    out = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, env=subprocess_env(), check=True
    ).stdout
    assert out.strip().endswith("[]")


def test_the_design_is_rendered_by_a_worker_that_imported_the_pdf_engine_meanwhile(
    tmp_path: Path,
) -> None:
    """``certificates`` never imports the PDF engine itself: a worker started before the
    project is read imports it and renders the shared design (the same certificates)."""
    root = build_project(tmp_path / "project")
    code = (
        "import sys\nfrom mi_courseware.cli import cli\n"
        "try:\n    cli.main(sys.argv[1:], prog_name='mi-courseware')\n"
        "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('weasyprint' in sys.modules)"
    )
    command = ["--project", str(root), "-q", "certificates", EVENT]
    out = subprocess.run(
        [str(SCRIPT.parent / "python"), "-c", code, *command],
        capture_output=True,
        text=True,
        env=subprocess_env() | {"SOURCE_DATE_EPOCH": EPOCH},
        check=True,
    ).stdout
    assert out.strip() == "False"
    made = sorted(p for p in folder(root).glob("*.pdf") if p.name != "all-certificates.pdf")
    assert len(made) == len(NAMES)
    with pikepdf.open(made[0]) as pdf:  # set on the worker's background, not rendered whole
        assert str(pdf.docinfo["/Producer"]) == "mi-courseware (WeasyPrint, HarfBuzz)"


def test_one_job_starts_no_background_worker() -> None:
    """``--jobs 1``: the run keeps to one process, the design laid out in it."""
    from mi_courseware.certificates.early import EarlyBackground

    with EarlyBackground(1) as one, EarlyBackground(2) as two:
        assert one.pool is None and one.render(None) is None  # type: ignore[arg-type]
        assert two.pool is not None and two.pool.workers == 1


def test_a_killed_certificate_run_leaves_no_background_worker(tmp_path: Path) -> None:
    """``kill -9`` of ``certificates`` while its background worker is running: it ends too."""
    from conftest import kill_and_expect_workers_gone, run_until_paused, worker_pids

    root = build_project(tmp_path / "project")
    args = ["--project", str(root), "certificates", EVENT]
    step = "certificate background workers"
    run, log = run_until_paused(args, step, {"SOURCE_DATE_EPOCH": EPOCH})
    kill_and_expect_workers_gone(run, worker_pids(log, "certificate background"))


def test_the_qr_matrix_is_segnos_module_for_module() -> None:
    import random

    from mi_courseware.certificates.qr import qr_matrix

    pick, masks, versions = random.Random(5), set(), set()
    for n in range(240):
        code = "".join(pick.choice("23456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(12))
        url = ["https://acme.example/verify?code=", "https://a.example/v/"][n % 2] + code * (n % 3)
        url += "/" + code * (n % 7 == 0) * (n % 4 * 4)  # long ones: version information, 3 blocks
        expected = segno.make(url, error="m")
        masks.add(expected.mask)
        versions.add(expected.version)
        assert [bytes(r) for r in qr_matrix(url)] == [bytes(r) for r in expected.matrix], url
    assert masks == set(range(8))
    assert min(versions) < 7 < max(versions)


def test_a_killed_certificate_run_leaves_no_worker(tmp_path: Path) -> None:
    """``kill -9`` of ``certificates --jobs 2`` once its workers have started: they end too."""
    from conftest import kill_and_expect_workers_gone, run_until_paused, worker_pids

    root = build_project(tmp_path / "project")
    args = ["--project", str(root), "certificates", EVENT, "--jobs", "2"]
    run, log = run_until_paused(args, "certificate workers", {"SOURCE_DATE_EPOCH": EPOCH})
    kill_and_expect_workers_gone(run, worker_pids(log, "certificate"))


def test_a_name_given_with_a_number_is_compared_without_punctuation_spacing_case_or_accents() -> (
    None
):
    """Issue 21, defect 16: the names a caller gave on the phone."""
    from mi_courseware.certificates.verify import fold_name

    for printed, typed in (
        ("Charlotte Fairfax-Whitmore", "charlotte fairfax whitmore"),
        ("Declan O'Reilly", "Declan OReilly"),
        ("Declan O’Reilly", "declan o reilly"),
        ("Siân O'Súilleabháin", "SIAN OSUILLEABHAIN"),
        ("Ζωή Αλεξίου", "ζωη αλεξιου"),
    ):
        assert fold_name(typed) == fold_name(printed), typed
    assert fold_name("Declan O'Reilly") != fold_name("Declan Reilly")
