"""The presentation-level parts PowerPoint writes in every file it saves, added when missing.

ECMA-376 Part 1 §13.3.7 says a presentation package "shall contain exactly one"
Presentation Properties part (``ppt/presProps.xml``), and PowerPoint offers to repair a deck
without it or without the View Properties part (``ppt/viewProps.xml``); it also writes a
Table Styles part (``ppt/tableStyles.xml``) in every file. A template made by our script, or
by another tool, may lack them: each missing one is added with its relationship from
``presentation.xml`` and its content type, as PowerPoint itself writes it (python-pptx's
default template, saved by PowerPoint, holds the same parts). A template saved by PowerPoint
keeps its own.

Left out on purpose: ``docProps/thumbnail.jpeg`` (a preview picture, optional, which would
need the title slide rendered) and ``ppt/printerSettings/*.bin`` (the Mac version's printer
set-up, an opaque blob no other version writes).
"""

from __future__ import annotations

from collections.abc import Callable

from mi_courseware.rendering.pptx.ooxml import NS_A, NS_P, NS_R
from mi_courseware.rendering.pptx.package import REL, Package, relative

PRESENTATION = "ppt/presentation.xml"
_CT = "application/vnd.openxmlformats-officedocument.presentationml"
#: The default table style PowerPoint names (Medium Style 2 - Accent 1).
_TABLE_STYLE = "{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"


def _xml(build: Callable[[Callable[..., object]], object]) -> bytes:
    """A part's bytes from ``build(E)``, where ``E(tag, *children, **attributes)`` makes an
    element (tags as ``p:name`` or ``a:name``)."""
    from lxml import etree

    spaces = {"a": NS_A, "p": NS_P, "r": NS_R}

    def element(tag: str, *children: object, **attributes: str) -> object:
        prefix, name = tag.split(":")
        made = etree.Element(f"{{{spaces[prefix]}}}{name}", nsmap=spaces, attrib=attributes)
        made.extend(children)  # type: ignore[arg-type]
        return made

    tree = build(element)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=True)  # type: ignore[call-overload,no-any-return]


def _presentation_properties(e: Callable[..., object]) -> object:
    return e("p:presentationPr")


def _view_properties(e: Callable[..., object]) -> object:
    """Normal view with the slide pane and notes at PowerPoint's own default proportions."""
    return e(
        "p:viewPr",
        e("p:normalViewPr", e("p:restoredLeft", sz="15620"), e("p:restoredTop", sz="94660")),
        e("p:gridSpacing", cx="76200", cy="76200"),
    )


def _table_styles(e: Callable[..., object]) -> object:
    return e("a:tblStyleLst", **{"def": _TABLE_STYLE})


#: Relationship type (last segment), part name, content type and maker of each part.
PARTS = (
    ("presProps", "ppt/presProps.xml", f"{_CT}.presProps+xml", _presentation_properties),
    ("viewProps", "ppt/viewProps.xml", f"{_CT}.viewProps+xml", _view_properties),
    ("tableStyles", "ppt/tableStyles.xml", f"{_CT}.tableStyles+xml", _table_styles),
)


def complete(package: Package) -> list[str]:
    """Add each presentation-level part the package lacks; returns the names added."""
    rels = package.rels(PRESENTATION)
    added = []
    for kind, name, content_type, make in PARTS:
        if rels.of_type(f"{REL}/{kind}"):
            continue
        package.add(name, _xml(make), content_type)
        rels.add(f"{REL}/{kind}", relative(PRESENTATION, name))
        added.append(name)
    return added
