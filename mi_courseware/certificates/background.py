"""The shared design of a run's certificates, rendered once by WeasyPrint and read back.

The template is rendered with a placeholder person whose personal text is laid out but
hidden (``visibility: hidden``). From that one render come:

* the **places** of the personal text, from the document's anchors (the ``id`` of each
  personal element and of the empty marker that starts it, whose box sits on the first
  baseline and is a quarter of an em tall); nothing is read from the content stream for that;
* the **page** itself, as a one-page PDF that every certificate of the run starts from. Its
  structure tree stays WeasyPrint's: the hidden text left one empty marked-content sequence
  per personal element (``/Span <</MCID n>> BDC EMC``), which is taken out of the drawing
  (parsed and written back with pikepdf) so that the setter can fill the same MCIDs with the
  person's text. The personal fonts (fixed subsets, :mod:`.fonts`), the QR code's link
  annotation and its ``Link`` structure element are added once here.

Anything this path does not recognise raises :class:`DesignMismatch`: the whole run then
renders whole pages, and says why.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mi_courseware.certificates.common import BOLD_SLOTS, SLOTS, Person
from mi_courseware.certificates.design import Design, brand_dark
from mi_courseware.certificates.fonts import NAME_BLOCKS, TEXT_BLOCKS, FontSubset, subset_font
from mi_courseware.core.edition import Edition

PX = 0.75
"""PDF points per CSS pixel."""
FONTS = {"bold": "MIPersonalBold", "regular": "MIPersonalText"}
"""Resource names of the personal fonts on the page."""
PLACEHOLDER = Person(
    "XX-0000-000000", "XXXX-XXXX-XXXX", "Placeholder", "2000-01-01T00:00:00Z",
    "2000-01-01T00:00:00Z", False,
)  # fmt: skip


class DesignMismatch(Exception):
    """The design is not one the setter can fill; the run renders whole pages."""


@dataclass(frozen=True)
class Place:
    """Where one personal element's first line starts: pen position and size, PDF points."""

    x: float
    baseline: float  # from the page's bottom edge
    size: float  # font size in points
    mcid: int
    tag: str


@dataclass(frozen=True)
class Background:
    """Everything a worker needs to make certificates: plain data, cheap to pickle."""

    pdf: bytes  # the one-page template
    places: dict[str, Place]
    name_drop: float  # how far the name's baseline lies above its box's bottom, per point
    qr: tuple[float, float, float] | None  # left, top (from the bottom edge), side; points
    dark: tuple[float, float, float]
    language: str
    bold: FontSubset
    regular: FontSubset


def render_background(design: Design) -> tuple[bytes, dict[str, tuple[float, ...]]]:
    """WeasyPrint the shared design: its PDF and the anchors of its page (CSS px)."""
    from weasyprint import HTML

    from mi_courseware.rendering.engine_log import engine_messages
    from mi_courseware.rendering.fetcher import Fence, make_fetcher
    from mi_courseware.rendering.pdf import (
        check_nesting,
        check_no_attachments,
        guarded,
        pdf_options,
        refuse_attachments,
    )

    html = design.html(PLACEHOLDER, "background")
    check_nesting(html, "certificates")
    fence = Fence(design.allowed, design.template_path)
    # the same bounds as every other document
    with engine_messages(design.template_path, "certificates"):
        with guarded(
            "certificates", "the certificate design", "certificate template and stylesheet"
        ) as fonts:
            parsed = HTML(
                string=html, base_url=design.base.as_uri() + "/", url_fetcher=make_fetcher(fence)
            )
            refuse_attachments(parsed, "certificates")
            document = parsed.render(font_config=fonts)
            check_no_attachments(document, "certificates")
            pages = len(document.pages)
            data = document.write_pdf(**pdf_options("certificates")) if pages == 1 else b""
        if pages != 1:
            raise DesignMismatch(f"the design takes {pages} pages, not one")
        fence.check()
    return data, dict(document.pages[0].anchors)


PageRender = tuple[bytes, dict[str, tuple[float, ...]]]
"""What :func:`render_background` gives: the PDF and the anchors of its page."""


def build_background(
    design: Design, rendering: Callable[[], PageRender] | None = None
) -> Background:
    """Render the shared design once and prepare the page every certificate starts from
    (``rendering``: how to wait for the render when a worker does it, :mod:`.early`; the
    personal fonts are subset meanwhile)."""
    fonts = personal_fonts(design)
    data, anchors = rendering() if rendering is not None else render_background(design)
    check_fit(design, anchors)
    try:
        return _prepare(design, data, anchors, fonts)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
        raise DesignMismatch(f"its PDF is not laid out as the setter expects ({exc!r})") from None


def render_background_of(edition: Edition) -> PageRender:
    """:func:`render_background` of ``edition``'s current design (in a worker process, which
    is given the edition: :mod:`.early`)."""
    return render_background(Design(edition))


def personal_fonts(design: Design) -> dict[str, FontSubset]:
    """The fixed subsets the personal text is set in (:mod:`.fonts`), by face."""
    return {
        "bold": subset_font(design.name_font, tuple(NAME_BLOCKS)),
        "regular": subset_font(design.text_font, tuple(TEXT_BLOCKS)),
    }


def _prepare(
    design: Design,
    data: bytes,
    anchors: dict[str, tuple[float, ...]],
    fonts: dict[str, FontSubset],
) -> Background:
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    page = pdf.pages[0]
    height = float(page.MediaBox[3])
    marks = _take_hidden_marks(pdf, page)
    places = {
        kind: _place(anchors, kind, height, mcid, tag)
        for kind, (mcid, tag) in zip(SLOTS, marks, strict=True)
    }
    box = anchors.get("name-box")
    if box is None:
        raise DesignMismatch("the design has no #name-box")
    name = places["name"]
    name_drop = (name.baseline - (height - box[3] * PX)) / name.size
    _add_fonts(pdf, page, fonts)
    qr = None
    if design.edition.brand.verify_url:
        qr = _qr_box(anchors, height)
        _add_link(pdf, page, qr, design.plain("certificate.qr"))
    from mi_courseware.core.colour import rgb

    red, green, blue = rgb(brand_dark(design.edition))
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return Background(
        pdf=out.getvalue(),
        places=places,
        name_drop=name_drop,
        qr=qr,
        dark=(red / 255, green / 255, blue / 255),
        language=design.primary,
        bold=fonts["bold"],
        regular=fonts["regular"],
    )


def check_fit(design: Design, anchors: dict[str, tuple[float, ...]]) -> None:
    """Refuse a design whose shared text runs into itself (a very long course title).

    The award (name, course, details), the learning outcomes panel and the foot (signatory,
    number and code, QR code) are laid out apart; when one reaches into another, no
    certificate of the event would be readable.
    """
    from mi_courseware.errors import ContentError

    parts = [(key, anchors[key]) for key in ("award", "learning", "foot") if key in anchors]
    for index, (one, a) in enumerate(parts):
        for other, b in parts[index + 1 :]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                edition = design.edition
                course = edition.project_root / "content" / "courses" / f"{edition.course_id}.yaml"
                raise ContentError.single(
                    course if course.is_file() else design.template_path,
                    f"the certificate's {_PARTS[one]} run into its {_PARTS[other]}: the "
                    f"course title '{_clip(edition.title)}' and its details are too long for "
                    f"one certificate page; shorten {_what_to_shorten(edition, one, other)}",
                )


def _what_to_shorten(edition: Edition, one: str, other: str) -> str:
    """What the user can shorten, from what runs into what: the title always; the outcomes
    when their panel is one of the two; the places when the event has several."""
    what = ["the title (or the variant's title)"]
    if "learning" in (one, other) and len(edition.outcomes) > 1:
        what.append(f"the wording of its {len(edition.outcomes)} learning outcomes")
    places = {d.venue or ("online" if d.virtual else "") for d in edition.days} - {""}
    if "award" in (one, other) and len(places) > 1:
        what.append(f"the names of its {len(places)} places")
    return what[0] if len(what) == 1 else ", ".join(what[:-1]) + " or " + what[-1]


_PARTS = {"award": "course details", "learning": "learning outcomes", "foot": "signature line"}


def _clip(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _take_hidden_marks(pdf: Any, page: Any) -> list[tuple[int, str]]:
    """Remove the empty marked-content sequences the hidden text left; their MCIDs and tags.

    The rest of the drawing is wrapped in ``q ... Q`` so that nothing it sets leaks into the
    personal text drawn after it.
    """
    import pikepdf

    instructions = pikepdf.parse_content_stream(page)
    kept: list[Any] = [pikepdf.ContentStreamInstruction([], pikepdf.Operator("q"))]
    marks: list[tuple[int, str]] = []
    skip = False
    for index, instruction in enumerate(instructions):
        operands, operator = instruction.operands, instruction.operator
        if skip:
            skip = False
            continue
        following = instructions[index + 1] if index + 1 < len(instructions) else None
        if (
            str(operator) == "BDC"
            and following is not None
            and str(following.operator) == "EMC"
            and isinstance(operands[1], pikepdf.Dictionary)
            and "/MCID" in operands[1]
        ):
            marks.append((int(operands[1].MCID), str(operands[0])))
            skip = True
            continue
        kept.append(instructions[index])
    kept.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("Q")))
    if len(marks) != len(SLOTS):
        raise DesignMismatch(
            f"the design hides {len(marks)} pieces of text, not the {len(SLOTS)} personal ones"
        )
    drawing = pdf.make_stream(pikepdf.unparse_content_stream(kept))
    personal = pdf.make_stream(b"")
    page.Contents = pikepdf.Array([drawing, personal])
    return marks


def _place(
    anchors: dict[str, tuple[float, ...]], kind: str, height: float, mcid: int, tag: str
) -> Place:
    base = anchors.get(f"{kind}-base")
    if base is None:
        raise DesignMismatch(f"the design has no #{kind}-base marker")
    left, top, _, bottom = base
    size = round((bottom - top) * 4 * PX * 4) / 4  # the marker is a quarter of an em
    if size <= 0:
        raise DesignMismatch(f"the #{kind}-base marker has no height")
    return Place(left * PX, height - bottom * PX, size, mcid, tag)


def _add_fonts(pdf: Any, page: Any, subsets: dict[str, FontSubset]) -> None:
    import pikepdf

    from mi_courseware.certificates.fonts import font_objects

    resources = page.obj.get("/Resources")
    if resources is None:
        resources = page.obj.Resources = pikepdf.Dictionary()
    if "/Font" not in resources:
        resources.Font = pikepdf.Dictionary()
    for key, subset in subsets.items():
        resources.Font[pikepdf.Name("/" + FONTS[key])] = font_objects(pdf, subset)


def _qr_box(anchors: dict[str, tuple[float, ...]], height: float) -> tuple[float, float, float]:
    """The QR code's box in PDF points: left, top (from the bottom edge), side."""
    if "qr-box" not in anchors:
        raise DesignMismatch("the design has no place for the QR code (#qr-box)")
    left, top, right, _ = anchors["qr-box"]
    return left * PX, height - top * PX, (right - left) * PX


def _add_link(pdf: Any, page: Any, qr: tuple[float, float, float], alt: str) -> None:
    """The QR code's link annotation (its address is set per certificate) and its tag."""
    import pikepdf

    left, top, side = qr
    tree = pdf.Root.StructTreeRoot
    kids = tree.K
    document = kids[0] if isinstance(kids, pikepdf.Array) else kids
    key = int(tree.get("/ParentTreeNextKey", 1))
    annotation = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([round(v, 3) for v in (left, top - side, left + side, top)]),
            Border=pikepdf.Array([0, 0, 0]),
            F=4,
            StructParent=key,
            Contents=pikepdf.String(""),
            P=page.obj,
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("")),
        )
    )
    link = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem,
            S=pikepdf.Name.Link,
            P=document,
            Alt=pikepdf.String(alt),
            K=pikepdf.Array(
                [pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=annotation, Pg=page.obj)]
            ),
        )
    )
    if "/NS" in document:
        link.NS = document.NS
    children = document.K if isinstance(document.K, pikepdf.Array) else pikepdf.Array([document.K])
    children.append(link)
    document.K = children
    tree.ParentTree.Nums.extend([key, link])
    tree.ParentTreeNextKey = key + 1
    page.obj.Annots = pikepdf.Array([annotation])
    page.obj.Tabs = pikepdf.Name.S


def bold(kind: str) -> bool:
    """Whether a slot is set in the bold face."""
    return kind in BOLD_SLOTS
