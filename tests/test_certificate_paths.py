"""The certificate setter against WeasyPrint: the same pages either way, and the fallback.

Each certificate is normally set on a shared background (HarfBuzz shaping, positions from the
design's anchors); the whole-page path (WeasyPrint per person) is the fallback. These tests
render the same people both ways, with the default theme (Open Sans, ``kern`` table) and a
theme whose font has only GPOS kerning (``tests/projects/certs-gpos``, Noto Sans), and
compare every glyph's position; and they check that personal text never runs into the QR
code or into other text.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from conftest import PROJECTS, heading, pdf_info

from mi_courseware.certificates.batch import render_all
from mi_courseware.certificates.common import Person
from mi_courseware.certificates.design import Design
from mi_courseware.errors import Problems
from mi_courseware.pipeline.targets import load_checked
from mi_courseware.project import ProjectPaths
from mi_courseware.resolving.targets import editions_for, find_target

AT, LATER = "2027-03-12T09:00:00Z", "2027-04-30T09:00:00Z"
NAMES = [
    "Maria-Fernanda Castellanos de la Fuente-Whitmore",
    "Αλεξίου Ζωή",
    "Trần Thị Minh Châu",
    "Gwenllïan ap Llŷr",
    "Małgorzata Krzyżanowska",
    "AVATAR D'Arcy-Tőwy",
    "Zoe\u0308 Combining",
    "Maria-Fernanda Castellanos de la Fuente-Whitmore y Aguirre-Llewelyn ap Gruffudd Fitzwilliam",
]
PX = 0.75  # a CSS pixel in points: the tolerance


def design_for(tmp_path: Path, event: str, overlays: tuple[str, ...]) -> Design:
    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "foundation-basic", root)
    for overlay in overlays:
        shutil.copytree(PROJECTS / overlay, root, dirs_exist_ok=True)  # a name, or a folder
    problems = Problems()
    project = load_checked(ProjectPaths(root), problems)
    edition = editions_for(project, [find_target(project, event)], problems)[0]
    problems.raise_if_errors()
    return Design(edition)


def glyphs(path: Path) -> list[tuple[str, float, float]]:
    with pdfplumber.open(path) as pdf:
        chars = [
            (unicodedata.normalize("NFD", c["text"])[0], c["x0"], c["top"])
            for c in pdf.pages[0].chars
            if c["text"].strip() and not unicodedata.combining(c["text"][0])
        ]  # base letters: a composed glyph may map to "ë" or to "e" and a combining mark
    return sorted(chars, key=lambda c: (round(c[2]), c[1]))  # reading order, not drawing order


def struct_text(path: Path) -> str:
    return subprocess.run(
        ["pdfinfo", "-struct-text", str(path)], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    ("event", "overlays"),
    [("acme-2027", ("certs-basic",)), ("acme-gpos", ("certs-basic", "certs-gpos"))],
    ids=["open-sans-kern-table", "noto-sans-gpos"],
)
def test_set_pages_match_the_whole_page_path_glyph_for_glyph(
    tmp_path: Path, event: str, overlays: tuple[str, ...]
) -> None:
    design = design_for(tmp_path, event, overlays)
    people = [
        Person(f"A-2027-{n:06d}", "7KQ2-M9XD-F3HG", name, AT, LATER, n % 3 == 0)
        for n, name in enumerate(NAMES, 1)
    ]
    (tmp_path / "set").mkdir(), (tmp_path / "whole").mkdir()
    fast = render_all(design, people, tmp_path / "set", 1)
    assert fast.whole == {}  # the setter stayed on for every name, kerning font or not
    forced = render_all(design, people, tmp_path / "whole", 1, whole=True)
    assert set(forced.whole) == {p.number for p in people}
    assert set(forced.whole.values()) == {"whole pages were asked for"}
    for person in people:
        mine, theirs = (tmp_path / kind / f"{person.number}.pdf" for kind in ("set", "whole"))
        for path in (mine, theirs):
            assert (
                subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
            )
            meta = pdf_info(path)
            assert meta["/MICertificateNumber"] == person.number
            assert meta["/MICertificateCode"] == person.code
        assert "HarfBuzz" in pdf_info(mine)["/Producer"]
        assert "whole page" in pdf_info(theirs)["/Producer"]
        a, b = glyphs(mine), glyphs(theirs)
        assert [g[0] for g in a] == [g[0] for g in b], person.name
        for (char, x0, top), (_, x1, top1) in zip(a, b, strict=True):
            assert abs(x0 - x1) < PX and abs(top - top1) < PX, (person.name, char, x0, x1)
        name = unicodedata.normalize("NFC", " ".join(person.name.split()))
        assert unicodedata.normalize("NFC", heading(mine)) == name
        # WeasyPrint's text of a name broken over two lines loses the space at the break
        assert unicodedata.normalize("NFC", heading(theirs)).replace(" ", "") == name.replace(
            " ", ""
        )
        assert "Link (inline)" in struct_text(mine)


def boxes(path: Path) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every word on the page and its box (points, top-left origin), from poppler."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for line in out.splitlines():
        if "<word " in line:
            values = {
                k: float(line.split(f'{k}="')[1].split('"')[0])
                for k in ("xMin", "yMin", "xMax", "yMax")
            }
            word = line.split(">")[1].split("<")[0]
            found.append((word, (values["xMin"], values["yMin"], values["xMax"], values["yMax"])))
    return found


def meet(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


LONG_TITLE = (
    "Motivational Interviewing for Practitioners in Community Drug and Alcohol Services, "
    "Probation and Early Help"
)


@pytest.mark.parametrize(
    ("event", "overlay", "title"),
    [
        ("acme-2027", "certs-basic", "An Introduction to MI"),
        ("acme-2027", "certs-basic", LONG_TITLE),
        ("dyffryn-2027", "certs-welsh", "An Introduction to MI"),
    ],
    ids=["english", "long-course-title", "welsh"],
)
def test_reissued_long_named_certificates_keep_clear_of_the_qr_code(
    tmp_path: Path, event: str, overlay: str, title: str
) -> None:
    course = PROJECTS / "foundation-basic" / "content" / "courses" / "mi-basics.yaml"
    changed = tmp_path / "changed" / "content" / "courses"
    changed.mkdir(parents=True)
    (changed / "mi-basics.yaml").write_text(
        course.read_text(encoding="utf-8").replace(
            "title: An Introduction to MI", f"title: {title}"
        ),
        encoding="utf-8",
    )
    design = design_for(tmp_path, event, (overlay, str(tmp_path / "changed")))
    assert design.edition.title == title
    seventy = "Maria-Fernanda Castellanos de la Fuente-Whitmore y Aguirre-Llewelyn Ap"
    assert len(seventy) == 70
    people = [Person("A-2027-000001", "7KQ2-M9XD-F3HG", seventy, AT, LATER, True)]
    (tmp_path / "set").mkdir(), (tmp_path / "whole").mkdir()
    render_all(design, people, tmp_path / "set", 1)
    render_all(design, people, tmp_path / "whole", 1, whole=True)
    for kind in ("set", "whole"):
        path = tmp_path / kind / "A-2027-000001.pdf"
        with pikepdf.open(path) as pdf:
            page = pdf.pages[0]
            height = float(page.mediabox[3])
            rects = [[float(v) for v in a.Rect] for a in page.obj.get("/Annots", [])]
        words = boxes(path)
        assert any(w in ("reissued", "ailgyhoeddwyd") for w, _ in words)
        if rects:
            left, bottom, right, top = rects[0]
            qr = (left, height - top, right, height - bottom)
            assert not [w for w, box in words if meet(box, qr)], kind
        # a word's box is its font's full height; its letters keep inside the middle 70%
        inked = [(w, (b[0], b[1] + 0.15 * (b[3] - b[1]), b[2], b[3] - 0.15 * (b[3] - b[1])))
                 for w, b in words]  # fmt: skip
        clashes = [
            (a, b)
            for i, (a, one) in enumerate(inked)
            for b, two in inked[i + 1 :]
            if meet(one, two)
        ]
        assert clashes == [], kind
        assert {w for w, _ in words} >= set(seventy.split())


def test_a_course_title_too_long_for_the_certificate_is_refused_before_numbering(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from mi_courseware.cli import cli

    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "foundation-basic", root)
    shutil.copytree(PROJECTS / "certs-basic", root, dirs_exist_ok=True)
    course = root / "content" / "courses" / "mi-basics.yaml"
    title = " ".join([LONG_TITLE] * 5)
    course.write_text(
        course.read_text(encoding="utf-8").replace(
            "title: An Introduction to MI", f"title: {title}"
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--project", str(root), "certificates", "acme-2027"])
    assert result.exit_code == 1
    assert (
        "content/courses/mi-basics.yaml:1:1: error: the certificate's course details run into "
        f"its learning outcomes: the course title '{title[:57]}...' and its details are too "
        "long for one certificate page; shorten the title (or the variant's title) or the "
        "wording of its 3 learning outcomes"
    ) in result.output
    assert not (root / "records" / "certificates.sqlite").exists()


def test_a_client_template_the_setter_cannot_read_is_rendered_whole_and_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    template = (PROJECTS.parent.parent / "themes/default/templates/certificate.html").read_text(
        encoding="utf-8"
    )
    own = tmp_path / "own" / "content" / "clients" / "acme" / "templates"
    own.mkdir(parents=True)
    (own / "certificate.html").write_text(
        template.replace('<i class="base" id="name-base"></i>', ""), encoding="utf-8"
    )
    design = design_for(tmp_path, "acme-2027", ("certs-basic", str(tmp_path / "own")))
    people = [Person("A-2027-000001", "7KQ2-M9XD-F3HG", "Zoë D'Arcy-Fenwick", AT, AT, False)]
    (tmp_path / "out").mkdir()
    with caplog.at_level(logging.INFO):
        results = render_all(design, people, tmp_path / "out", 1)
    reason = "the design cannot be set on a shared background (the design has no #name-base marker)"
    assert results.whole == {"A-2027-000001": reason}
    assert f"certificate A-2027-000001 (Zoë D'Arcy-Fenwick) rendered as a whole page: {reason}" in [
        r.getMessage() for r in caplog.records
    ]
    path = tmp_path / "out" / "A-2027-000001.pdf"
    assert heading(path) == "Zoë D'Arcy-Fenwick"
    assert pdf_info(path)["/MICertificateCode"] == "7KQ2-M9XD-F3HG"
