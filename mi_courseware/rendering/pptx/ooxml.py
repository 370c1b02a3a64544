"""Small builders for DrawingML and PresentationML fragments, as strings.

Strings rather than an element tree: a deck is mostly small, regular fragments, and string
building is several times faster than python-pptx's object layer. Child elements are written
in the order the schemas require (PowerPoint asks to repair files that get it wrong).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAMESPACES = f'xmlns:a="{NS_A}" xmlns:r="{NS_R}" xmlns:p="{NS_P}"'
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

EMU_PER_INCH = 914400
EMU_PER_PT = 12700

_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def emu(inches: float) -> int:
    """Inches to EMU."""
    return round(inches * EMU_PER_INCH)


def esc(text: str) -> str:
    """Text for XML content and attributes (characters XML cannot carry are dropped)."""
    text = _INVALID.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in EMU."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        """Right edge."""
        return self.x + self.w

    @property
    def bottom(self) -> int:
        """Bottom edge."""
        return self.y + self.h

    def inset(self, left: int, top: int, right: int, bottom: int) -> Box:
        """The box shrunk by the given margins."""
        return Box(
            self.x + left,
            self.y + top,
            max(0, self.w - left - right),
            max(0, self.h - top - bottom),
        )


def xfrm(box: Box, tag: str = "a:xfrm", flip_h: bool = False, flip_v: bool = False) -> str:
    """An ``xfrm`` element for ``box``."""
    flips = (' flipH="1"' if flip_h else "") + (' flipV="1"' if flip_v else "")
    return (
        f'<{tag}{flips}><a:off x="{box.x}" y="{box.y}"/><a:ext cx="{box.w}" cy="{box.h}"/></{tag}>'
    )


def colour(value: str, alpha: int | None = None) -> str:
    """A colour element: ``#rrggbb`` or a scheme colour name such as ``accent1``."""
    inner = f'<a:alpha val="{alpha * 1000}"/>' if alpha is not None else ""
    if value.startswith("#"):
        return f'<a:srgbClr val="{value[1:].upper()}">{inner}</a:srgbClr>'
    return f'<a:schemeClr val="{value}">{inner}</a:schemeClr>'


def solid(value: str, alpha: int | None = None) -> str:
    """A solid fill."""
    return f"<a:solidFill>{colour(value, alpha)}</a:solidFill>"


def line(value: str | None, width_pt: float = 1.0, head: bool = False) -> str:
    """An outline (``None`` for none), optionally with an arrowhead at its end."""
    if value is None:
        return "<a:ln><a:noFill/></a:ln>"
    arrow = '<a:tailEnd type="triangle" w="med" len="med"/>' if head else ""
    return f'<a:ln w="{round(width_pt * EMU_PER_PT)}">{solid(value)}{arrow}</a:ln>'


@dataclass(frozen=True)
class Run:
    """A piece of text with one formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False
    link: str | None = None
    colour: str | None = None


@dataclass(frozen=True)
class Para:
    """A paragraph: runs, list level, and its kind (bullet, number, plain)."""

    runs: tuple[Run, ...]
    level: int = 0
    kind: str = "bullet"  # "bullet" | "number" | "plain"
    number: int = 1
    scale: float = 1.0  # relative size within its field (e.g. the "minutes" under the figure)
    align: str | None = None  # "ctr" | "r"
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def text(self) -> str:
        """The plain text."""
        return "".join(r.text for r in self.runs)

    def with_runs(self, runs: tuple[Run, ...]) -> Para:
        """The same paragraph with other runs."""
        return replace(self, runs=runs)


def plain(text: str, **options: object) -> Para:
    """A paragraph of unformatted text."""
    bold = bool(options.pop("bold", False))
    italic = bool(options.pop("italic", False))
    return Para((Run(text, bold=bold, italic=italic),), **options)  # type: ignore[arg-type]


def run_xml(run: Run, size: float | None, lang: str, link_id: str | None = None) -> str:
    """A run; ``size`` in points (``None`` to inherit)."""
    attrs = f' lang="{lang}"'
    if size is not None:
        attrs += f' sz="{round(size * 100)}"'
    if run.bold:
        attrs += ' b="1"'
    if run.italic:
        attrs += ' i="1"'
    if run.strike:
        attrs += ' strike="sngStrike"'
    inner = solid(run.colour) if run.colour else ""
    if run.code:
        inner += '<a:latin typeface="DejaVu Sans Mono"/>'
    if link_id:
        inner += f'<a:hlinkClick r:id="{link_id}"/>'
    parts = run.text.split("\n")
    out = []
    for index, piece in enumerate(parts):
        if index:
            out.append(f"<a:br><a:rPr{attrs}/></a:br>")
        if piece:
            out.append(f'<a:r><a:rPr{attrs} dirty="0">{inner}</a:rPr><a:t>{esc(piece)}</a:t></a:r>')
    return "".join(out)


def para_xml(
    para: Para,
    size: float | None,
    lang: str,
    links: dict[str, str] | None = None,
    level_scale: float = 1.0,
    line: float | None = None,
) -> str:
    """A paragraph with its runs at ``size`` points (scaled for its level and ``scale``).

    ``line`` sets the line spacing (1.0 = single) where no list style gives it (table cells).
    """
    props = f' lvl="{para.level}"' if para.level else ""
    if para.align:
        props += f' algn="{para.align}"'
    inner = f'<a:lnSpc><a:spcPct val="{round(line * 100000)}"/></a:lnSpc>' if line else ""
    if para.kind == "plain":
        props += ' marL="0" indent="0"'
        inner += "<a:buNone/>"
    elif para.kind == "continued":
        props += ' indent="0"'
        inner += "<a:buNone/>"
    elif para.kind == "number":
        inner += (
            f'<a:buFont typeface="+mj-lt"/><a:buAutoNum type="arabicPeriod" '
            f'startAt="{para.number}"/>'
        )
    pr = f"<a:pPr{props}>{inner}</a:pPr>" if props or inner else ""
    run_size = None if size is None else round(size * para.scale * level_scale * 2) / 2
    body = "".join(run_xml(r, run_size, lang, (links or {}).get(r.link or "")) for r in para.runs)
    end = (
        f'<a:endParaRPr lang="{lang}" sz="{round(run_size * 100)}" dirty="0"/>'
        if run_size is not None
        else f'<a:endParaRPr lang="{lang}" dirty="0"/>'
    )
    return f"<a:p>{pr}{body}{end}</a:p>"


def placeholder(
    shape_id: int,
    name: str,
    ph: str,
    body: str | None,
    box: Box | None = None,
    body_pr: str = "<a:bodyPr/>",
) -> str:
    """A placeholder shape filled with ``body`` (paragraph XML), positioned by its layout."""
    sp_pr = f"<p:spPr>{xfrm(box)}</p:spPr>" if box else "<p:spPr/>"
    text = f"<p:txBody>{body_pr}<a:lstStyle/>{body}</p:txBody>" if body is not None else ""
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{esc(name)}"/>'
        f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr>'
        f"{sp_pr}{text}</p:sp>"
    )


def shape(
    shape_id: int,
    name: str,
    box: Box,
    geometry: str = "rect",
    fill: str | None = None,
    outline: str | None = None,
    body: str = "",
    body_pr: str = "",
    outline_pt: float = 1,
    descr: str | None = None,
    adjust: str = "",
) -> str:
    """An autoshape (``geometry`` a preset such as ``roundRect``), optionally with text."""
    fill_xml = solid(fill) if fill else "<a:noFill/>"
    text = ""
    if body or body_pr:
        empty = '<a:p><a:endParaRPr dirty="0"/></a:p>'
        text = f"<p:txBody>{body_pr or '<a:bodyPr/>'}<a:lstStyle/>{body or empty}</p:txBody>"
    described = f' descr="{esc(descr)}"' if descr else ""
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{esc(name)}"{described}/><p:cNvSpPr/>'
        f'<p:nvPr/></p:nvSpPr><p:spPr>{xfrm(box)}<a:prstGeom prst="{geometry}">'
        f"<a:avLst>{adjust}</a:avLst></a:prstGeom>{fill_xml}{line(outline, outline_pt)}"
        f"</p:spPr>{text}</p:sp>"
    )


def connector(
    shape_id: int,
    name: str,
    start: tuple[int, int],
    end: tuple[int, int],
    stroke: str,
    width_pt: float = 2.0,
    ends: tuple[tuple[int, int], tuple[int, int]] | None = None,
) -> str:
    """A straight arrow from ``start`` to ``end``; ``ends`` glues it to (shape id, site)."""
    (x1, y1), (x2, y2) = start, end
    box = Box(min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))
    glue = ""
    if ends:
        (a, site_a), (b, site_b) = ends
        glue = f'<a:stCxn id="{a}" idx="{site_a}"/><a:endCxn id="{b}" idx="{site_b}"/>'
    return (
        f'<p:cxnSp><p:nvCxnSpPr><p:cNvPr id="{shape_id}" name="{esc(name)}"/>'
        f"<p:cNvCxnSpPr>{glue}</p:cNvCxnSpPr><p:nvPr/></p:nvCxnSpPr><p:spPr>"
        f"{xfrm(box, flip_h=x2 < x1, flip_v=y2 < y1)}"
        f'<a:prstGeom prst="straightConnector1"><a:avLst/></a:prstGeom>'
        f"{line(stroke, width_pt, head=True)}</p:spPr></p:cxnSp>"
    )


def picture(shape_id: int, name: str, descr: str, rel_id: str, box: Box, ph: str = "") -> str:
    """A picture; ``descr`` is its alternative text."""
    group = ' noGrp="1"' if ph else ""
    locks = f'<a:picLocks{group} noChangeAspect="1"/>'
    return (
        f'<p:pic><p:nvPicPr><p:cNvPr id="{shape_id}" name="{esc(name)}" descr="{esc(descr)}"/>'
        f"<p:cNvPicPr>{locks}</p:cNvPicPr><p:nvPr>{ph}</p:nvPr></p:nvPicPr>"
        f'<p:blipFill><a:blip r:embed="{rel_id}"/><a:stretch><a:fillRect/></a:stretch>'
        f'</p:blipFill><p:spPr>{xfrm(box)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f"</p:spPr></p:pic>"
    )


def group_start(name: str = "") -> str:
    """The opening of a shape tree (``p:spTree``) with its required group properties."""
    return (
        f'<p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name="{esc(name)}"/><p:cNvGrpSpPr/>'
        '<p:nvPr/></p:nvGrpSpPr><p:grpSpPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm>'
        "</p:grpSpPr>"
    )
