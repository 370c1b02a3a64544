"""A long pack laid out in parts on the PDF workers at once (issue 25).

The joined PDF must be the whole render's: the same pages with the same text and the same
pixels, the same page labels, outline, link targets, structure tree (element types in order,
every figure's alt text) and parent tree, the same bytes from run to run. Whatever a part
cannot know lays the document out whole, and ``-v`` says why; a part that fails names the
part.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mi_courseware.rendering.parts.run import FORCE, render_in_parts
from mi_courseware.rendering.pdf import PdfRenderer, RenderError, render_pdf

HERE = Path(__file__).parent
REPO = HERE.parent
BASIC = HERE / "projects" / "pack-basic"
EPOCH = "1800000000"
DEMO = ["mi-practitioner", "--client", "northfield", "--variant", "in-depth"]
DEMO += ["--addon", "node-link-mapping"]
PACK = Path("northfield") / "mi-practitioner-in-depth" / "participant-pack.pdf"
BASIC_PACK = Path("events") / "acme-run" / "participant-pack.pdf"


def build(project: Path, out: Path, parts: str, *args: str, jobs: int = 2) -> str:
    """``mi-courseware -v build`` as a user runs it (two cores, so two PDF workers); its log."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, FORCE: parts}
    command = [sys.executable, "-m", "mi_courseware", "-v", "--project", str(project)]
    command += ["build", *args, "--jobs", str(jobs), "--force", "--out", str(out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stderr


def page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.split("\f")


def outline(pdf: pikepdf.Pdf) -> list[tuple[Any, ...]]:
    items: list[tuple[Any, ...]] = []

    def walk(level: list[Any], depth: int) -> None:
        for item in level:
            dest = item.destination
            page = pdf.pages.index(pikepdf.Page(dest[0]))
            items.append((depth, item.title, page, [round(float(x), 2) for x in dest[2:4]]))
            walk(item.children, depth + 1)

    with pdf.open_outline() as tree:
        walk(tree.root, 0)
    return items


def links(pdf: pikepdf.Pdf) -> list[tuple[Any, ...]]:
    """Every link: its page, rectangle, and where it lands (page and point) or its URI."""
    names: dict[str, tuple[int, list[float]]] = {}
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        flat = list(pdf.Root.Names.Dests.Names)
        for name, dest in zip(flat[::2], flat[1::2], strict=True):
            point = [round(float(x), 2) for x in dest[2:4]]
            names[str(name)] = (pdf.pages.index(pikepdf.Page(dest[0])), point)
    found = []
    for index, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", []):
            rect = [round(float(x), 2) for x in annotation.Rect]
            if "/Dest" in annotation:
                target: Any = names[str(annotation.Dest)]
            else:
                target = str(annotation.A.URI)
            found.append((index, rect, target, int(annotation.StructParent)))
    return found


def structure(pdf: pikepdf.Pdf) -> list[tuple[Any, ...]]:
    """The structure tree in reading order: depth, type, alt text, page of each element;
    marked content and annotation references by their numbers."""
    found: list[tuple[Any, ...]] = []

    def walk(node: Any, depth: int) -> None:
        if isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
            page = pdf.pages.index(pikepdf.Page(node.Pg)) if "/Pg" in node else None
            found.append((depth, str(node.S), str(node.get("/Alt", "")), page))
            for kid in node.K:
                walk(kid, depth + 1)
        elif isinstance(node, pikepdf.Dictionary):
            found.append((depth, "OBJR", int(node.Obj.StructParent)))
        else:
            found.append((depth, "MCID", int(node)))

    walk(pdf.Root.StructTreeRoot.K[0], 0)
    return found


def parent_tree(pdf: pikepdf.Pdf) -> list[tuple[Any, ...]]:
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    entries: list[tuple[Any, ...]] = []
    for key, value in zip(nums[::2], nums[1::2], strict=True):
        kinds = [str(e.S) for e in value] if isinstance(value, pikepdf.Array) else str(value.S)
        entries.append((int(key), kinds))
    entries += [("page", int(page.obj.StructParents)) for page in pdf.pages]
    return entries


def pixels(pdf: Path, folder: Path) -> list[bytes]:
    folder.mkdir()
    subprocess.run(["pdftoppm", "-gray", "-r", "30", str(pdf), str(folder / "p")], check=True)
    return [page.read_bytes() for page in sorted(folder.iterdir())]


def assert_same(whole: Path, parts: Path, scratch: Path) -> None:
    """The joined PDF is the whole render's, in every way a reader or a viewer sees."""
    assert page_texts(parts) == page_texts(whole)
    with pikepdf.open(whole) as a, pikepdf.open(parts) as b:
        assert len(b.pages) == len(a.pages)
        assert b.Root.get("/PageLabels") == a.Root.get("/PageLabels")
        assert outline(b) == outline(a)
        assert links(b) == links(a)
        tree = structure(b)
        assert tree == structure(a)
        figures = [entry for entry in tree if entry[1] == "/Figure"]
        assert all(entry[2] for entry in figures), "a figure without alt text"
        assert parent_tree(b) == parent_tree(a)
        assert str(b.Root.Lang) == str(a.Root.Lang)
        assert {k: str(v) for k, v in b.docinfo.items()} == {
            k: str(v) for k, v in a.docinfo.items()
        }
        assert b.trailer.ID[0] == a.trailer.ID[0]  # the document's permanent identifier
        programs: dict[str, bytes] = {}
        for page in b.pages:
            for _, font in page.Resources.Font.items():
                program = font.DescendantFonts[0].FontDescriptor.FontFile2.read_raw_bytes()
                name = str(font.BaseFont)
                assert programs.setdefault(name, program) == program, f"{name}: two subsets"
    assert pixels(parts, scratch / "pixels-parts") == pixels(whole, scratch / "pixels-whole")


def copy_of(project: Path, root: Path) -> Path:
    """A copy of ``project``'s content (a build keeps records and caches in its project)."""
    shutil.copytree(project / "content", root / "project" / "content")
    return root / "project"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, str]:
    """The demo's in-depth pack (85 pages): whole, in parts, and in parts again on a
    build with more workers (still two parts: the same bytes on a machine of any size)."""
    root = tmp_path_factory.mktemp("parts")
    project = copy_of(REPO, root)
    build(project, root / "whole", "whole", *DEMO, "--only", "pack")
    log = build(project, root / "parts", "", *DEMO, "--only", "pack")
    build(project, root / "again", "", *DEMO, "--only", "pack", jobs=4)  # more workers
    return root / "whole" / PACK, root / "parts" / PACK, root / "again" / PACK, log


def test_the_demo_pack_in_parts_is_the_whole_pack(
    demo: tuple[Path, Path, Path, str], tmp_path: Path
) -> None:
    whole, parts, _, log = demo
    assert "pack: laid out in 2 parts at once (pages 1–" in log
    assert_same(whole, parts, tmp_path)
    with pikepdf.open(parts) as pdf:
        assert len(pdf.pages) > 60


def test_the_pack_in_parts_is_the_same_bytes_every_time(
    demo: tuple[Path, Path, Path, str],
) -> None:
    _, parts, again, _ = demo
    assert parts.read_bytes() == again.read_bytes()


@pytest.mark.parametrize(
    ("project", "target", "pdf"),
    [
        (BASIC, ["acme-run"], BASIC_PACK),
        (REPO, ["mi-practitioner", "--client", "dyffryn-teg"], Path("dyffryn-teg")),
    ],
    ids=["short", "welsh"],
)
def test_parts_forced_on_other_packs_are_the_whole_pack(
    project: Path, target: list[str], pdf: Path, tmp_path: Path
) -> None:
    project = copy_of(project, tmp_path)
    build(project, tmp_path / "whole", "whole", *target, "--only", "pack")
    log = build(project, tmp_path / "parts", "always", *target, "--only", "pack")
    assert "laid out in 2 parts at once" in log
    if pdf.suffix != ".pdf":
        pdf = pdf / "mi-practitioner-introduction" / "participant-pack.pdf"
    assert_same(tmp_path / "whole" / pdf, tmp_path / "parts" / pdf, tmp_path)


@pytest.mark.parametrize(
    ("css", "why"),
    [
        ("@page :first { margin-top: 40mm; }", "its page rules style a page by its side or place"),
        ("@page :left { margin-left: 30mm; }", "its page rules style a page by its side or place"),
        (
            "section.session { counter-increment: session; }\n"
            "section.session h2::before { content: counter(session) '. '; }",
            "its stylesheets number things with counters",
        ),
        ("", ""),
    ],
    ids=["first-page", "left-pages", "counters", "too-short"],
)
def test_what_a_part_cannot_know_lays_the_pack_out_whole(
    css: str, why: str, tmp_path: Path
) -> None:
    project = copy_of(BASIC, tmp_path)
    forced = "always"
    if css:
        templates = project / "content" / "clients" / "acme" / "templates"
        templates.mkdir()
        (templates / "pack.css").write_text(css + "\n")
    else:  # a short pack: too short to gain from parts
        forced, why = "", "it is too short to gain from parts"
    build(project, tmp_path / "whole", "whole", "acme-run", "--only", "pack")
    log = build(project, tmp_path / "parts", forced, "acme-run", "--only", "pack")
    assert f"pack: laid out whole: {why}" in log
    assert "laid out in 2 parts" not in log
    assert (tmp_path / "parts" / BASIC_PACK).read_bytes() == (
        tmp_path / "whole" / BASIC_PACK
    ).read_bytes()


def test_a_part_that_fails_to_lay_out_fails_the_document_with_the_part_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(FORCE, "always")
    words = " ".join(["words"] * 50)
    # a page number as a list marker: the PDF engine cannot lay it out (a TypeError of its own)
    deep = "<ol class='late'><li>too much</li></ol>"
    html = (
        "<!DOCTYPE html><html lang='en'><head><title>t</title>"
        "<style>body { margin: 0 } .late li::marker { content: counter(page) }</style></head><body>"
        f"<section><h2>One</h2><p>{words}</p></section>"
        f"<section style='break-before: page'><h2>Two</h2><p>{words}</p>{deep}</section>"
        "</body></html>"
    )
    options = {
        "base": tmp_path,
        "allowed": frozenset(),
        "asked_by": tmp_path / "pack.html",
        "identifier": "test/pack",
    }
    renderer = PdfRenderer(2)
    try:
        with pytest.raises(RenderError) as failed:
            render_in_parts(renderer.pool, renderer.channels, html, options)
        # the channels are clean for the next document: it is laid out in parts
        html = html.replace(deep, "")
        assert render_in_parts(renderer.pool, renderer.channels, html, options)
    finally:
        renderer.close()
    message = str(failed.value)
    assert message.startswith("test/pack (part 2 of 2, from 'Two'): ")
    assert "could not lay out" in message


# --- documents a part cannot finish alone, and generated documents -------------------------


@pytest.fixture(scope="module")
def renderer() -> Any:
    """Two PDF workers, as on a two-core machine, for documents laid out in parts here."""
    made = PdfRenderer(2)
    yield made
    made.close()


def whole_and_parts(
    renderer: PdfRenderer, html: str, folder: Path, caplog: pytest.LogCaptureFixture
) -> tuple[bytes, bytes | None, str]:
    """``html`` laid out whole, then in parts (None when the parts gave way to the whole,
    and why, from the log)."""
    options = {
        "base": folder,
        "allowed": frozenset(),
        "asked_by": folder / "pack.html",
        "identifier": "test/pack",
    }
    whole = render_pdf(html, **options)
    caplog.clear()
    with caplog.at_level("INFO", logger="mi_courseware.rendering.parts.run"):
        parts = render_in_parts(renderer.pool, renderer.channels, html, options)
    return whole, parts, caplog.text


def texts(data: bytes) -> list[str]:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode().split("\f")


def sections(count: int, body: str = "", css: str = "", nav: str = "") -> str:
    """A document of ``count`` sections, each on a page of its own."""
    words = " ".join(["reflect listen evoke"] * 20)
    made = "".join(
        f"<section id='s{i}'><h2>Section {i}</h2><p>{words}</p>{body.format(i=i)}</section>"
        for i in range(count)
    )
    style = "@page { size: A6; margin: 12mm } body { margin: 0 } section { break-before: page }"
    style += f" {css}"
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>t</title><style>{style}</style></head>"
        f"<body>{nav}{made}</body></html>"
    )


CONTENTS = "<nav>" + "".join(f"<p><a href='#s{i}'>Section {i}</a></p>" for i in range(8)) + "</nav>"
#: A running header: the page's top left shows the element.
LOGO = ".logo { position: running(logo) } @page { @top-left { content: element(logo) } }"
MONO = (
    "@page { size: A7; margin: 10mm } body { margin: 0; font: 10pt 'DejaVu Sans Mono' }"
    " p { margin: 0 }"
)


#: Markup lxml reads without complaint, which WeasyPrint's HTML5 parser mends otherwise: an
#: ``<a>`` and a ``<code>`` left open (reopened in every paragraph after), a paragraph left
#: open before a figure (which closes it).
UNCLOSED = (
    "<p>See <a href='#s2'>the last section</p><p>Run <code>mi build</p>"
    "<p>The spirit:<figure><p>evoke</p></figure>"
)


def split_number() -> str:
    """A page number at the end of a long paragraph, its generated content broken over two
    pages: the paragraph's length found by laying it out (whatever the fonts' widths)."""
    from weasyprint import HTML

    for words in range(40, 200):
        html = (
            f"<!DOCTYPE html><html lang='en'><head><title>t</title><style>{MONO}"
            " p { orphans: 1; widows: 1 } section { break-before: page }"
            " .at::after { content: ' [page ' counter(page) ']' }</style></head><body>"
            "<section><p>First</p></section><section><p>"
            + "word " * words
            + "<span class='at'>x</span></p></section></body></html>"
        )
        pages: dict[int, set[int]] = {}
        for number, page in enumerate(HTML(string=html).render().pages):
            for box in page._page_box.descendants():
                if (box.element_tag or "").endswith("::after"):
                    pages.setdefault(id(box.missing_link), set()).add(number)
        if any(len(found) > 1 for found in pages.values()):
            return html
    raise AssertionError("no paragraph length breaks the page number over two pages")


@pytest.mark.parametrize(
    ("html", "why"),
    [
        (
            sections(8, css="nav a::before { content: target-text(attr(href)) ': ' }", nav=CONTENTS),
            "a reference shows the text of a section in another part",
        ),
        (
            sections(8, body="<p>Said<span class='fn'>A note {i}</span>.</p>",
                     css=".fn { float: footnote }"),
            "it has footnotes",
        ),
        (
            sections(8, css=".see::after { content: ' p.' target-counter(attr(data-to), page) }",
                     nav="<p class='see' data-to='#s7'>The last section</p>"),
            "a reference leads to an anchor the part does not hold",
        ),
        (
            sections(8, css="h2 { quotes: '«' '»' '‹' '›' } h2::before { content: open-quote }"),
            "a quotation opened in one part closes in another",
        ),
        (
            sections(8, css="h2::before { content: open-quote 'p.' counter(page) ' ' }"
                     " h2::after { content: close-quote }"),
            "its page numbers and quotation marks share a content",
        ),
        (
            sections(8, css="section { page: chapter } @page :nth(1 of chapter) { margin: 20mm }"),
            "its page rules pick pages by their place in a group",
        ),
        (
            sections(8, css="section { page: chapter } @page chapter { counter-increment: page 2 }"),
            "its page rules set counters",
        ),
        (
            sections(8, body="<ol><li>one</li><li>two</li></ol>",
                     css="body { counter-reset: list-item } ol { counter-reset: none }"),
            "its lists number on from one section to the next",
        ),
        (None, "a page number in generated content breaks across pages"),
        (sections(3).replace("<body>", "<body><a id='top'></a>"),
         "an element before its first section is not a running one"),
        (sections(3, css=".logo { position: running(logo); display: inline }"
                  " @page { @top-left { content: element(logo) } }").replace(
            "<body>", "<body><img class='logo' alt='' style='width: 5mm' src=\"data:image/svg+xml,"
            "%3Csvg xmlns='http://www.w3.org/2000/svg' width='40' height='20'%3E%3C/svg%3E\">"),
         "a part would begin with a page before its first section"),
        (sections(3).replace("</body>", "Loose words</body>"), "it has text outside its sections"),
        (sections(3, css="body { padding-top: 5mm }"), "its body has a top margin, padding or border"),
        (sections(3, css="body { display: flex; flex-direction: column }"),
         "its body does not lay its sections out one below another"),
        (sections(3, css="body::after { content: 'End' }"), "its body has generated content of its own"),
        (sections(3, css="section:nth-of-type(2) { float: left }"),
         "a part's first section is not a block in the body's flow"),
        (sections(3, css="h2 { break-before: right }"), "a part would start on a chosen side of a spread"),
        (sections(3, css=".mark { position: fixed; top: 0 }", body="<p class='mark'>Draft</p>"),
         "an element of it is fixed to every page"),
        (sections(3, css="p { margin-break: discard }"),
         "its margins are discarded at page breaks but on the first"),
        (sections(3).replace("<h2>Section 2</h2>", "<h2>Section 2</h2><style>p { color: red }</style>"),
         "a stylesheet inside its body applies only where it stands"),
        (sections(3, body="<p><a href='#s0'>back</a></p>").replace("id='s2'", "id='s0'"),
         "two of its parts hold an anchor of the same name"),
        (sections(3, body="<p>a<div>b</div></p>"), "its HTML is not well formed"),
        (sections(3, body="<ol><li>one</li></ol>",
                  css=".see::after { content: target-counter(attr(href), list-item) }",
                  nav="<p><a class='see' href='#item'>see</a></p>")[::-1]
         .replace("<li>"[::-1], "<li id='item'>"[::-1], 1)[::-1],  # the last section's item
         "a reference shows a counter of another part (list-item)"),
        (sections(3).replace("</section><section id='s1'>", "</section>&nbsp;<section id='s1'>"),
         "it has text outside its sections"),
        (sections(4, css="section { break-after: left }"),
         "a part would end asking for a side of a spread"),

        (sections(3, css="html, body { height: 100% }"), "its body has a height of its own"),
        (sections(3).replace("<body>", "<body><div></div>"),
         "an element before its first section is not a running one"),
        (sections(3, css="body:has(.back) h2::before { content: 'Pack: ' }").replace(
            "<h2>Section 2</h2>", "<h2>Section 2</h2><p class='back'>Back cover</p>"),
         "its stylesheets select elements by what they hold (:has())"),
        (sections(3, css="section:not(:empty) + section h2::after { content: ' (cont.)' }"),
         "its stylesheets select an element by whether the one beside it is empty (:empty)"),
        (sections(3, body=UNCLOSED), "WeasyPrint's HTML parser reads it otherwise than the cut did"),
        (sections(3, body="<p>Code: x\x00y</p>"),
         "WeasyPrint's HTML parser reads it otherwise than the cut did"),
        (sections(3, nav="<p><a href='#s\\32'>To 2</a><a href='#s2'>To 2</a></p>").replace(
            "id='s2'", "id='s\\32'"), "an anchor's name would not read as itself"),
    ],
    ids=["target-text", "footnotes", "reference-by-data-attribute", "open-quote",
         "quote-and-page-number", "page-group", "page-counter-rule", "list-numbers",
         "page-number-across-pages", "leading-anchor", "inline-running-logo", "body-text", "body-padding",
         "body-flex", "body-content", "floated-section", "sided-heading", "fixed",
         "margin-discard", "style-in-body", "duplicate-anchor", "malformed",
         "list-item-reference", "no-break-space", "break-after-side", "body-height", "leading-block",
         "has", "not-empty-beside", "unclosed-tags", "nul", "backslash-in-id"],
)  # fmt: skip
def test_what_only_the_whole_document_knows_lays_it_out_whole(
    html: str | None,
    why: str,
    renderer: PdfRenderer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each of these once gave a part that failed the build (``target-text()``) or a pack
    whose text differed from the whole render's (footnote numbers, a reference the cut did
    not see): each now lays the document out whole, and ``-v`` says why."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv(FORCE, "always")
    whole, parts, log = whole_and_parts(renderer, html or split_number(), tmp_path, caplog)
    assert parts is None
    assert f"test/pack: laid out whole: {why}" in log
    assert any(page.strip() for page in texts(whole))


def growing(fill: int) -> str:
    """Sections that end in a line holding the document's page count, placed so that when
    the count grows from the first pass's one digit to two, the line wraps onto a new page."""
    css = (
        "@page { size: 74mm 105mm; margin: 10mm 11mm }"
        "body { font-family: 'DejaVu Sans Mono'; font-size: 5mm; line-height: 10mm; margin: 0 }"
        f"section {{ break-before: page }} .fill {{ height: {fill}mm }} p, h2 {{ margin: 0 }}"
        "h2 { font-size: 5mm } .count::after { content: counter(pages) }"
        "nav a::after { content: ' ' target-counter(attr(href), page) }"
    )
    body = "".join(
        f"<section id='s{i}'><h2>S{i}</h2><div class='fill'></div>"
        "<p class='count'>aaaaaaaaaaaaaaa </p></section>"
        for i in range(12)
    )
    nav = "<nav>" + "".join(f"<p><a href='#s{i}'>S{i}</a></p>" for i in range(3)) + "</nav>"
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>t</title><style>{css}</style></head>"
        f"<body>{nav}{body}</body></html>"
    )


def test_a_part_whose_pages_move_once_numbers_are_agreed_lays_the_document_out_whole(
    renderer: PdfRenderer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The parts agree their numbers after a first pass. A number that then grows a digit
    can wrap a line onto a new page, and the other parts' numbers were worked out from the
    old count: such a document is laid out whole (it was once joined with 13 pages' worth
    of numbers on 25 pages). One that keeps its pages is joined, the same as the whole."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv(FORCE, "always")
    whole, parts, log = whole_and_parts(renderer, growing(60), tmp_path, caplog)
    assert parts is None
    assert "laid out whole: a part's pages moved once the parts' numbers were agreed" in log
    assert len(texts(whole)) > 20
    whole, parts, log = whole_and_parts(renderer, growing(75), tmp_path, caplog)
    assert parts is not None, log
    assert "laid out in 2 parts at once" in log
    assert texts(parts) == texts(whole)


WORDS = [
    "reflect",
    "listen",
    "change",
    "talk",
    "open",
    "question",
    "affirm",
    "summary",
    "plan",
    "evoke",
    "engage",
    "focus",
]


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Documents with what a pack's pages depend on: a contents list, references across
    sections, page numbers and the page count in the text and in the margins, a running
    header, sections of any length on pages of their own."""
    count = draw(st.integers(2, 9))
    size = draw(st.sampled_from(["A7", "A6", "105mm 80mm"]))
    css = [f"@page {{ size: {size}; margin: 12mm 10mm;"]
    if draw(st.booleans()):
        css.append(" @bottom-center { content: 'p. ' counter(page) ' of ' counter(pages) }")
    if draw(st.booleans()):
        css.append(" @top-center { content: string(title) }")
    css.append("} body { margin: 0 } section { break-before: page }")
    css.append("h2 { string-set: title content() }")
    css.append(".toc a::after { content: leader('.') target-counter(attr(href), page) }")
    css.append(".see::after { content: ' (p. ' target-counter(attr(href), page) ')' }")
    css.append(".here::after { content: ' [' counter(page) '/' counter(pages) ']' }")
    body = []
    if draw(st.booleans()):
        body.append(
            "<nav class='toc'>"
            + "".join(f"<p><a href='#s{i}'>Section {i}</a></p>" for i in range(count))
            + "</nav>"
        )
    for i in range(count):
        paragraphs = []
        for _ in range(draw(st.integers(0, 6))):
            words = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=3, max_size=80)))
            extra = draw(
                st.sampled_from(
                    ["", "", f" <a class='see' href='#s{draw(st.integers(0, count - 1))}'>see</a>",
                     " <span class='here'></span>"]
                )
            )  # fmt: skip
            paragraphs.append(f"<p>{words}{extra}.</p>")
        body.append(f"<section id='s{i}'><h2>Section {i}</h2>{''.join(paragraphs)}</section>")
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>t</title><style>{' '.join(css)}</style>"
        f"</head><body>{''.join(body)}</body></html>"
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(html=documents())
def test_generated_documents_in_parts_read_as_the_whole_document(
    html: str,
    renderer: PdfRenderer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Laid out in parts (forced, however short), a document reads as the whole render does,
    page for page; or it is laid out whole, and says why."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv(FORCE, "always")
    whole, parts, log = whole_and_parts(renderer, html, tmp_path, caplog)
    if parts is None:
        event("laid out whole")
        assert "test/pack: laid out whole: " in log
        return
    event("laid out in parts")
    assert texts(parts) == texts(whole)


def test_a_part_proves_its_numbers_settled_and_lays_stale_pages_out_again(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    """A part parses its page-based content again with the agreed numbers before its next
    pass, so each page is laid out once with them; and after every later pass it parses it
    all again to prove nothing is stale. Forced here: before the pass, every page with
    such content is marked to be laid out again and WeasyPrint is told its content is up
    to date, but it is not parsed again: the pass lays out stale numbers, as a reference
    whose target moved would be, and WeasyPrint sees nothing to do. The proof finds the
    contents page stale and lays it out once more; the pack reads as the whole render."""
    import copy

    from mi_courseware.rendering.parts import layout

    shift, refresh = layout._shift, layout._refresh

    def stale(context: Any) -> int:
        page_maker = context.page_maker
        for (_, token), lookup in context.target_collector.counter_lookup_items.items():
            index = lookup.page_maker_index
            if token == "content" and index is not None and index + 1 < len(page_maker):
                lookup.cached_page_counter_values = copy.deepcopy(page_maker[index + 1][3][1])
                page_maker[index][-1]["content_changed"] = True
        return 0

    def shift_without_refresh(context: Any, numbers: Any) -> None:
        layout._refresh = stale
        try:
            shift(context, numbers)
        finally:
            layout._refresh = refresh

    monkeypatch.setattr(layout, "_shift", shift_without_refresh)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv(FORCE, "always")
    html = sections(8, css="nav a::after { content: ' p.' target-counter(attr(href), page) }",
                    nav=CONTENTS)  # fmt: skip
    logger = logging.getLogger("mi_courseware.rendering.parts.layout")
    said = logging.StreamHandler(sys.stderr)  # the workers' stderr is this process's
    logger.addHandler(said)
    monkeypatch.setattr(logger, "level", logging.DEBUG)
    try:
        renderer = PdfRenderer(2)  # forked after the patches: the parts run them
        try:
            whole, parts, log = whole_and_parts(renderer, html, tmp_path, caplog)
        finally:
            renderer.close()
    finally:
        logger.removeHandler(said)
    assert parts is not None, log
    assert "part 1: 1 page(s) to lay out again" in capfd.readouterr().err
    assert texts(parts) == texts(whole)
    assert "Section 7 p.9" in texts(parts)[0]


def test_a_contents_line_at_a_page_end_breaks_where_the_whole_documents_does(
    renderer: PdfRenderer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A part's first pass shows a reference to another part as the whole document's first
    pass does (0): with a wider stand-in (10), a contents line at the foot of its page once
    wrapped, moved to the next page with its paragraph and never came back, a blank page
    the whole render does not have. Lines of every length around the wrap are tried."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv(FORCE, "always")
    joined = 0
    for length in range(12, 28):
        html = (
            f"<!DOCTYPE html><html lang='en'><head><title>t</title><style>{MONO}"
            " section { break-before: page }"
            " nav a::after { content: ' ' target-counter(attr(href), page) }</style></head>"
            "<body><nav><div style='height: 76mm'></div>"
            f"<p><a href='#b'>{'x' * length}</a></p></nav>"
            "<section><h2>A</h2></section><section id='b'><h2>B</h2></section></body></html>"
        )
        whole, parts, _ = whole_and_parts(renderer, html, tmp_path, caplog)
        if parts is not None:
            joined += 1
            assert texts(parts) == texts(whole), length
    assert joined >= 8


def test_comments_sibling_selectors_and_encoded_links_are_laid_out_in_parts_as_whole(
    renderer: PdfRenderer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A comment in the body once shifted the cut by one (a section dropped from the pack, or
    a part that failed); a later part's sections once matched ``:first-of-type`` and ``+``
    as the first of their body (they are now beside stand-ins of the other parts' sections);
    a link to a percent-encoded anchor in another part once lost its target, as did a link
    in the running header to an anchor of the first part on the other parts' pages."""
    import io

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv(FORCE, "always")
    documents = [
        sections(4).replace("<body>", "<body><!-- made by a template -->")
        .replace("<section id='s2'>", "<!-- between --><section id='s2'>"),
        sections(4, css="section:first-of-type h2::before { content: 'Welcome: ' }"
                        " section + section + section h2::after { content: ' (third on)' }"),
        sections(4, nav="<p><a href='#caf%C3%A9'>To the café</a></p>").replace(
            "id='s3'", "id='café'"),
        sections(4, css=LOGO + " .mark { display: inline-block; width: 5mm; height: 5mm;"
                 " background: #369 }").replace(
            "<body>", "<body><div class='logo'><a href='#s0'><span class='mark'></span></a></div>"),
    ]  # fmt: skip
    for html in documents:
        whole, parts, log = whole_and_parts(renderer, html, tmp_path, caplog)
        assert parts is not None, log
        assert texts(parts) == texts(whole)
        assert sum("Section" in page for page in texts(parts)) == 4
        with pikepdf.open(io.BytesIO(whole)) as a, pikepdf.open(io.BytesIO(parts)) as b:
            assert links(b) == links(a)


def test_selectors_reading_a_stand_ins_attributes_and_links_with_spaces_read_as_whole(
    renderer: PdfRenderer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Stand-ins once had no id and a style of their own: ``#s0 ~ section``, ``section[id] +
    section`` and ``:not([style]) + section`` matched otherwise in a later part. A link whose
    href ends in a space once lost its target (lxml wrote it as ``%20``). Each is now laid
    out in parts, as the whole."""
    import io

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv(FORCE, "always")
    documents = [
        sections(4, css="#s0 ~ section h2::before { content: 'Later: ' }"),
        sections(4, css="section[id] + section h2::after { content: ' (next)' }"),
        sections(4, css="section:not([style]) + section h2::after { content: ' (cont.)' }"),
        sections(4, nav="<p><a class='to' href='#s3 '>To the end</a></p>",
                 css=".to::after { content: ' (' attr(href) ')' }"),
    ]  # fmt: skip
    for html in documents:
        whole, parts, log = whole_and_parts(renderer, html, tmp_path, caplog)
        assert parts is not None, log
        assert texts(parts) == texts(whole)
        with pikepdf.open(io.BytesIO(whole)) as a, pikepdf.open(io.BytesIO(parts)) as b:
            assert links(b) == links(a)
