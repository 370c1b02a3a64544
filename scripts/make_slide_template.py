#!/usr/bin/env python3
"""Make ``themes/default/slides/template.pptx`` from ``layouts.yaml``, reproducibly.

    .venv/bin/python scripts/make_slide_template.py [--check]

The template holds the default theme's slide master and its named layouts (16:9). Colours
are theme colour slots (dk1/lt1/dk2/lt2/accent1-6) and fonts the theme's font scheme, so the
deck writer rebrands a deck by rewriting the theme part alone, and slides a trainer adds later
in PowerPoint are on-brand too. Same script, same bytes: ``--check`` fails when the committed
template differs from what this script makes.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mi_courseware.model.client import (  # noqa: E402
    DEFAULT_ACCENT,
    DEFAULT_PRIMARY,
    DEFAULT_SECONDARY,
)
from mi_courseware.rendering.pptx.ooxml import (  # noqa: E402
    NAMESPACES,
    NS_A,
    XML_HEAD,
    Box,
    emu,
    esc,
    group_start,
    solid,
    xfrm,
)
from mi_courseware.rendering.pptx.package import RT, Package, Rels  # noqa: E402
from mi_courseware.rendering.pptx.template import colour_scheme  # noqa: E402

FOLDER = ROOT / "themes" / "default" / "slides"
CT_BASE = "application/vnd.openxmlformats-officedocument.presentationml"
GREY = '<a:schemeClr val="tx1"><a:lumMod val="65000"/><a:lumOff val="35000"/></a:schemeClr>'
RULE = '<a:schemeClr val="tx1"><a:lumMod val="15000"/><a:lumOff val="85000"/></a:schemeClr>'
ON_BAND = "bg1"  # text on the brand band; the writer swaps it to tx1 for light brand colours
TEXT_COLOURS = {
    "hero": "tx2",
    "title": "tx2",
    "section_title": ON_BAND,
    "label": ON_BAND,
    "times": "tx2",
    "column_heading": "tx2",
    "exercise_label": ON_BAND,
    "timer": ON_BAND,
    "grouping": ON_BAND,
    "organisation": "tx2",
    "details": "grey",
    "attribution": "grey",
    "caption": "grey",
    "subtitle": "tx1",
}
SPEC = yaml.safe_load((FOLDER / "layouts.yaml").read_text(encoding="utf-8"))


def box(values: list[float]) -> Box:
    """Inches to a Box."""
    x, y, w, h = values
    return Box(emu(x), emu(y), emu(w), emu(h))


def fill_of(name: str) -> str:
    """A fill: a scheme colour, or the muted text grey or rule grey."""
    special = {"grey": GREY, "rule": RULE}
    return f"<a:solidFill>{special[name]}</a:solidFill>" if name in special else solid(name)


def level_props(style: dict, level: int, bullet: bool) -> str:
    """``a:lvlNpPr`` for a style."""
    size = style["sizes"][0] * (0.85 ** min(level, 2))
    indents = style.get("indent")
    spacing = f'<a:lnSpc><a:spcPct val="{round(style.get("line", 1.0) * 100000)}"/></a:lnSpc>'
    if style.get("space_before"):
        spacing += f'<a:spcBef><a:spcPts val="{style["space_before"] * 100}"/></a:spcBef>'
    else:
        spacing += '<a:spcBef><a:spcPts val="0"/></a:spcBef>'
    if bullet and indents:
        margin = emu(indents[min(level, len(indents) - 1)])
        hang = emu(indents[0])
        char = "–" if level % 2 else "•"
        attrs = f' marL="{margin}" indent="{-hang}"'
        bullets = (
            f'<a:buClr><a:schemeClr val="tx2"/></a:buClr><a:buFont typeface="Arial"/>'
            f'<a:buChar char="{char}"/>'
        )
    else:
        attrs = ' marL="0" indent="0"'
        bullets = "<a:buNone/>"
    text_colour = TEXT_COLOURS.get(style["_name"], "tx1")
    heading = style["_name"] in ("title", "hero", "section_title")
    font = f'<a:latin typeface="{"+mj-lt" if heading else "+mn-lt"}"/>'
    flags = (' b="1"' if style.get("bold") else "") + (' i="1"' if style.get("italic") else "")
    return (
        f'<a:lvl{level + 1}pPr{attrs} algn="l">{spacing}{bullets}'
        f'<a:defRPr sz="{round(size) * 100}"{flags}>{fill_of(text_colour)}{font}'
        f"</a:defRPr></a:lvl{level + 1}pPr>"
    )


def list_style(style: dict | None, bullet: bool) -> str:
    if style is None:
        return "<a:lstStyle/>"
    levels = 3 if bullet and style.get("indent") else 1
    return (
        "<a:lstStyle>"
        + "".join(level_props(style, n, bullet) for n in range(levels))
        + "</a:lstStyle>"
    )


def ph_xml(
    shape_id: int,
    name: str,
    ph: str,
    where: Box | None,
    style: dict | None,
    bullet: bool,
    anchor: str | None,
    prompt: str,
    fill: str = "",
) -> str:
    anchor_attr = f' anchor="{anchor}"' if anchor else ""
    left = 137160 if fill else 0
    sp_pr = f"<p:spPr>{xfrm(where)}{fill}</p:spPr>" if where else "<p:spPr/>"
    body = (
        f'<p:txBody><a:bodyPr vert="horz" wrap="square" lIns="{left}" tIns="45720" rIns="0" '
        f'bIns="45720" rtlCol="0"{anchor_attr}><a:normAutofit/></a:bodyPr>'
        f'{list_style(style, bullet)}<a:p><a:r><a:rPr lang="en-GB"/><a:t>{esc(prompt)}'
        f"</a:t></a:r></a:p></p:txBody>"
    )
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{esc(name)}"/>'
        f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr>'
        f"{sp_pr}{body}</p:sp>"
    )


def deco(
    shape_id: int,
    name: str,
    where: Box,
    fill: str,
    geometry: str = "rect",
    ring: tuple[str, int, float] | None = None,
) -> str:
    """A decorative shape (marked as such for screen readers)."""
    if ring:
        ring_colour, alpha, width = ring
        paint = (
            f'<a:noFill/><a:ln w="{round(width * 12700)}"><a:solidFill><a:schemeClr '
            f'val="{ring_colour}"><a:alpha val="{alpha * 1000}"/></a:schemeClr>'
            "</a:solidFill></a:ln>"
        )
    else:
        paint = f"{fill_of(fill)}<a:ln><a:noFill/></a:ln>"
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{esc(name)}">'
        '<a:extLst><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
        '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/'
        'decorative" val="1"/></a:ext></a:extLst></p:cNvPr><p:cNvSpPr/><p:nvPr '
        f'userDrawn="1"/></p:nvSpPr><p:spPr>{xfrm(where)}<a:prstGeom prst="{geometry}">'
        f"<a:avLst/></a:prstGeom>{paint}</p:spPr></p:sp>"
    )


FOOTER = box([1.3, 6.95, 8.4, 0.38])
NUMBER = box([0.75, 6.95, 0.5, 0.38])
TITLE = box([0.75, 0.45, 11.83, 1.1])
BODY = box([0.75, 1.9, 11.83, 4.65])


def footer_placeholders(first_id: int) -> str:
    footer_style = {"sizes": [11], "line": 1.0, "_name": "details"}
    number_style = {"sizes": [11], "line": 1.0, "bold": True, "_name": "title"}
    return ph_xml(
        first_id,
        "Footer",
        '<p:ph type="ftr" sz="quarter" idx="11"/>',
        FOOTER,
        footer_style,
        False,
        "ctr",
        "Footer",
    ) + ph_xml(
        first_id + 1,
        "Slide number",
        '<p:ph type="sldNum" sz="quarter" idx="12"/>',
        NUMBER,
        number_style,
        False,
        "ctr",
        "‹#›",
    ).replace(
        '<a:r><a:rPr lang="en-GB"/><a:t>‹#›</a:t></a:r>',
        '<a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum">'
        '<a:rPr lang="en-GB"/><a:t>‹#›</a:t></a:fld>',
    )


DECORATIONS = {
    "title": [
        ("Brand panel", [8.55, 0, 4.783, 7.5], "accent1", "rect", None),
        ("Accent stripe", [8.55, 0, 0.1, 7.5], "accent3", "rect", None),
        ("Ring", [9.35, 1.35, 5.6, 5.6], "", "ellipse", ("bg1", 22, 22)),
        ("Ring small", [8.95, -1.2, 2.9, 2.9], "", "ellipse", ("bg1", 14, 12)),
    ],
    "section": [
        ("Brand band", [0, 0, 13.333, 4.55], "accent4", "rect", None),
        ("Accent stripe", [0, 4.55, 13.333, 0.08], "accent3", "rect", None),
        ("Ring", [10.3, -1.9, 4.6, 4.6], "", "ellipse", ("bg1", 16, 16)),
    ],
    "closing": [
        ("Brand band", [0, 0, 13.333, 4.55], "accent4", "rect", None),
        ("Accent stripe", [0, 4.55, 13.333, 0.08], "accent3", "rect", None),
        ("Ring", [10.3, -1.9, 4.6, 4.6], "", "ellipse", ("bg1", 16, 16)),
    ],
    "exercise": [("Exercise panel", [8.75, 1.9, 3.83, 4.65], "accent4", "roundRect", None)],
    "quote": [("Quote rule", [1.05, 2.1, 0.08, 3.1], "accent3", "rect", None)],
}
TITLE_BAR = ("Title accent", [0.75, 1.62, 0.9, 0.07], "accent3", "rect", None)


def layout_xml(key: str, spec: dict) -> str:
    shapes = []
    next_id = 2
    decorations = DECORATIONS.get(key, [])
    if key not in ("title", "section", "closing"):
        decorations = [TITLE_BAR, *decorations]
    for name, where, fill, geometry, ring in decorations:
        shapes.append(deco(next_id, name, box(where), fill, geometry, ring))
        next_id += 1
    for role, ph in spec["placeholders"].items():
        kind = ph.get("type", "body")
        idx = ph["idx"]
        if kind in ("title", "ctrTitle"):
            tag = f'<p:ph type="{kind}"/>'
        elif kind == "obj":
            tag = f'<p:ph idx="{idx}"/>'
        else:
            tag = f'<p:ph type="{kind}" idx="{idx}"/>'
        style = None
        if "style" in ph:
            style = dict(SPEC["styles"][ph["style"]], _name=ph["style"])
        bullet = ph.get("style") in ("body", "column", "instructions", "side", "below", "outcomes")
        where = box(ph["box"]) if "box" in ph else None
        fill = ""
        if ph.get("style") == "column_heading":
            fill = solid("accent6")
        prompts = {"pic": "Picture", "tbl": "Table", "obj": "Diagram"}
        prompt = prompts.get(kind, role.replace("_", " ").capitalize())
        shapes.append(
            ph_xml(
                next_id,
                role.replace("_", " ").capitalize(),
                tag,
                where,
                style,
                bullet,
                ph.get("anchor"),
                prompt,
                fill,
            )
        )
        next_id += 1
    if key != "title":
        shapes.append(footer_placeholders(next_id))
    show = ' showMasterSp="0"' if key == "title" else ""
    return (
        f'{XML_HEAD}<p:sldLayout {NAMESPACES} preserve="1" userDrawn="1"{show}>'
        f'<p:cSld name="{esc(spec["name"])}">{group_start()}{"".join(shapes)}</p:spTree>'
        "</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
    )


def master_xml(layout_ids: list[str]) -> str:
    title_style = dict(SPEC["styles"]["title"], _name="title", bold=True)
    body_style = dict(SPEC["styles"]["body"], _name="body")
    shapes = [
        ph_xml(2, "Title", '<p:ph type="title"/>', TITLE, None, False, "b", "Click to edit title"),
        ph_xml(
            3, "Text", '<p:ph type="body" idx="1"/>', BODY, None, True, None, "Click to edit text"
        ),
        deco(4, "Footer rule", box([0.75, 6.86, 11.83, 0.012]), "rule"),
        footer_placeholders(5),
    ]
    ids = "".join(
        f'<p:sldLayoutId id="{2147483649 + n}" r:id="{rid}"/>' for n, rid in enumerate(layout_ids)
    )
    title_levels = level_props(title_style, 0, False).replace("lvl1pPr", "lvl1pPr")
    body_levels = "".join(level_props(body_style, n, True) for n in range(3))
    deeper = "".join(
        level_props(body_style, 2, True).replace("lvl3pPr", f"lvl{n}pPr") for n in range(4, 10)
    )
    other = (
        '<a:lvl1pPr marL="0" algn="l"><a:defRPr sz="1800"><a:solidFill><a:schemeClr '
        'val="tx1"/></a:solidFill><a:latin typeface="+mn-lt"/></a:defRPr></a:lvl1pPr>'
    )
    body_levels += deeper
    return (
        f"{XML_HEAD}<p:sldMaster {NAMESPACES}><p:cSld><p:bg><p:bgPr>{solid('bg1')}"
        f"<a:effectLst/></p:bgPr></p:bg>{group_start()}{''.join(shapes)}</p:spTree></p:cSld>"
        '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" '
        'accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" '
        'accent6="accent6" hlink="hlink" folHlink="folHlink"/>'
        f'<p:sldLayoutIdLst>{ids}</p:sldLayoutIdLst><p:hf hdr="0" dt="0"/>'
        f"<p:txStyles><p:titleStyle>{title_levels}</p:titleStyle>"
        f"<p:bodyStyle>{body_levels}</p:bodyStyle><p:otherStyle>{other}</p:otherStyle>"
        "</p:txStyles></p:sldMaster>"
    )


def theme_xml(name: str, font: str) -> str:
    scheme = colour_scheme(DEFAULT_PRIMARY, DEFAULT_SECONDARY, DEFAULT_ACCENT)
    colours = "".join(
        f'<a:{slot}><a:srgbClr val="{value[1:].upper()}"/></a:{slot}>'
        for slot, value in scheme.items()
    )
    fonts = f'<a:latin typeface="{esc(font)}"/><a:ea typeface=""/><a:cs typeface=""/>'
    fills = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>' * 3
    lines = "".join(
        f'<a:ln w="{w}"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>'
        for w in (9525, 19050, 28575)
    )
    effects = "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3
    return (
        f'{XML_HEAD}<a:theme xmlns:a="{NS_A}" name="{esc(name)}"><a:themeElements>'
        f'<a:clrScheme name="mi-courseware">{colours}</a:clrScheme>'
        f'<a:fontScheme name="{esc(font)}"><a:majorFont>{fonts}</a:majorFont>'
        f"<a:minorFont>{fonts}</a:minorFont></a:fontScheme>"
        f'<a:fmtScheme name="mi-courseware"><a:fillStyleLst>{fills}</a:fillStyleLst>'
        f"<a:lnStyleLst>{lines}</a:lnStyleLst><a:effectStyleLst>{effects}"
        f"</a:effectStyleLst><a:bgFillStyleLst>{fills}</a:bgFillStyleLst></a:fmtScheme>"
        "</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>"
    )


def notes_master_xml() -> str:
    image = (
        '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Slide image"/><p:cNvSpPr><a:spLocks '
        'noGrp="1" noRot="1" noChangeAspect="1"/></p:cNvSpPr><p:nvPr><p:ph type="sldImg" '
        f'idx="2"/></p:nvPr></p:nvSpPr><p:spPr>{xfrm(box([0.6, 0.6, 6.3, 3.54]))}'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln w="12700">'
        '<a:solidFill><a:prstClr val="black"/></a:solidFill></a:ln></p:spPr></p:sp>'
    )
    body = (
        '<p:sp><p:nvSpPr><p:cNvPr id="3" name="Notes"/><p:cNvSpPr><a:spLocks noGrp="1"/>'
        '</p:cNvSpPr><p:nvPr><p:ph type="body" sz="quarter" idx="3"/></p:nvPr></p:nvSpPr>'
        f'<p:spPr>{xfrm(box([0.6, 4.45, 6.3, 5.4]))}<a:prstGeom prst="rect"><a:avLst/>'
        "</a:prstGeom></p:spPr><p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr "
        'lang="en-GB"/><a:t>Notes</a:t></a:r></a:p></p:txBody></p:sp>'
    )
    level = (
        '<a:lvl1pPr marL="0" algn="l"><a:spcBef><a:spcPts val="600"/></a:spcBef>'
        '<a:defRPr sz="1200"><a:solidFill><a:schemeClr val="tx1"/></a:solidFill>'
        '<a:latin typeface="+mn-lt"/></a:defRPr></a:lvl1pPr>'
    )
    return (
        f'{XML_HEAD}<p:notesMaster {NAMESPACES}><p:cSld><p:bg><p:bgRef idx="1001">'
        f'<a:schemeClr val="bg1"/></p:bgRef></p:bg>{group_start()}{image}{body}</p:spTree>'
        '</p:cSld><p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" '
        'accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" '
        'accent6="accent6" hlink="hlink" folHlink="folHlink"/>'
        f"<p:notesStyle>{level}</p:notesStyle></p:notesMaster>"
    )


def presentation_xml() -> str:
    return (
        f'{XML_HEAD}<p:presentation {NAMESPACES} saveSubsetFonts="1">'
        '<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
        '<p:notesMasterIdLst><p:notesMasterId r:id="rId2"/></p:notesMasterIdLst>'
        '<p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/>'
        '<p:defaultTextStyle><a:defPPr><a:defRPr lang="en-GB"/></a:defPPr><a:lvl1pPr>'
        '<a:defRPr><a:latin typeface="+mn-lt"/></a:defRPr></a:lvl1pPr>'
        "</p:defaultTextStyle></p:presentation>"
    )


def make() -> bytes:
    """The template's bytes."""
    import io

    font = SPEC["font"]["name"]
    pres = Package({"[Content_Types].xml": b"<Types/>"})
    pres.add_default("rels", "application/vnd.openxmlformats-package.relationships+xml")
    pres.add_default("xml", "application/xml")
    root = pres.rels("")
    root.add(f"{RT['slide'].rsplit('/', 1)[0]}/officeDocument", "ppt/presentation.xml")
    pres.add(
        "ppt/presentation.xml", presentation_xml().encode(), f"{CT_BASE}.presentation.main+xml"
    )
    pres_rels = pres.rels("ppt/presentation.xml")
    pres_rels.add(RT["master"], "slideMasters/slideMaster1.xml")
    pres_rels.add(RT["notes_master"], "notesMasters/notesMaster1.xml")
    pres_rels.add(RT["theme"], "theme/theme1.xml")
    master_rels = Rels()
    layout_ids = []
    layout_parts = []
    for number, (key, spec) in enumerate(SPEC["layouts"].items(), start=1):
        name = f"ppt/slideLayouts/slideLayout{number}.xml"
        layout_ids.append(master_rels.add(RT["layout"], f"../slideLayouts/slideLayout{number}.xml"))
        layout_parts.append((name, layout_xml(key, spec)))
    master_rels.add(RT["theme"], "../theme/theme1.xml")
    pres.add(
        "ppt/slideMasters/slideMaster1.xml",
        master_xml(layout_ids).encode(),
        f"{CT_BASE}.slideMaster+xml",
    )
    pres.rels("ppt/slideMasters/slideMaster1.xml").items = master_rels.items
    for name, xml in layout_parts:
        pres.add(name, xml.encode(), f"{CT_BASE}.slideLayout+xml")
        pres.rels(name).add(RT["master"], "../slideMasters/slideMaster1.xml")
    theme_ct = "application/vnd.openxmlformats-officedocument.theme+xml"
    pres.add("ppt/theme/theme1.xml", theme_xml("mi-courseware", font).encode(), theme_ct)
    pres.add(
        "ppt/notesMasters/notesMaster1.xml",
        notes_master_xml().encode(),
        f"{CT_BASE}.notesMaster+xml",
    )
    pres.rels("ppt/notesMasters/notesMaster1.xml").add(RT["theme"], "../theme/theme2.xml")
    pres.add("ppt/theme/theme2.xml", theme_xml("Notes", font).encode(), theme_ct)
    out = io.BytesIO()
    stamp = datetime(2024, 1, 1, tzinfo=UTC)
    target = FOLDER / ".template.tmp"
    pres.save(target, stamp)
    out.write(target.read_bytes())
    target.unlink()
    return out.getvalue()


def main() -> int:
    data = make()
    path = FOLDER / "template.pptx"
    if "--check" in sys.argv:
        if not path.is_file() or path.read_bytes() != data:
            print(f"{path} is out of date: run scripts/make_slide_template.py", file=sys.stderr)
            return 1
        return 0
    path.write_bytes(data)
    print(f"wrote {path} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
