"""The theme's slide template: its named layouts and placeholders, and branding it per client.

The template (``slides/template.pptx``) and its description (``slides/layouts.yaml``) are
looked up along the theme chain, client ``templates/`` folder first. Every layout and
placeholder the description names must be in the template: a missing one is a
:class:`~mi_courseware.errors.ContentError` naming the layout and the theme, before anything
is written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from mi_courseware.core.colour import text_on
from mi_courseware.core.slides import FACES, FontFiles, SlideSpec
from mi_courseware.errors import ContentError
from mi_courseware.rendering.office_theme import brand_theme_tree, colour_scheme
from mi_courseware.rendering.pptx.ooxml import EMU_PER_INCH, EMU_PER_PT, Box
from mi_courseware.rendering.pptx.package import RT, Package, resolve

log = logging.getLogger(__name__)


_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: Layouts whose text sits on the brand band (set light or dark to suit the colour).
BAND_LAYOUTS = ("section", "closing", "exercise")


@dataclass(frozen=True)
class TextStyle:
    """How text in one kind of placeholder is set: sizes (points), spacing, indents."""

    name: str
    largest: float
    smallest: float
    line: float = 1.0
    space_before: float = 0.0
    indent: tuple[int, ...] = ()  # EMU per list level
    bold: bool = False
    italic: bool = False

    def level_scale(self, level: int) -> float:
        """Size of a list level relative to the first."""
        return 0.85 ** min(level, 2)

    def margin(self, level: int) -> int:
        """Left margin of a list level, EMU."""
        if not self.indent:
            return 0
        return self.indent[min(level, len(self.indent) - 1)]


@dataclass(frozen=True)
class Placeholder:
    """A layout placeholder the writer fills: its role, idx, type, box and text area."""

    role: str
    idx: int
    type: str
    box: Box
    insets: tuple[int, int, int, int]
    style: TextStyle | None

    @property
    def text_box(self) -> Box:
        """The box less its text insets."""
        return self.box.inset(*self.insets)

    def ph_xml(self) -> str:
        """The ``p:ph`` element a slide placeholder uses to point at this one."""
        if self.type in ("title", "ctrTitle"):
            return f'<p:ph type="{self.type}"/>'
        if self.type == "obj":
            return f'<p:ph idx="{self.idx}"/>'
        return f'<p:ph type="{self.type}" idx="{self.idx}"/>'


@dataclass(frozen=True)
class Layout:
    """A named layout of the template and the placeholders the writer uses."""

    key: str
    name: str
    part: str
    placeholders: dict[str, Placeholder]


@dataclass
class Template:
    """A loaded template package with its layouts, fonts and text styles."""

    package: Package
    path: Path
    theme: str
    layouts: dict[str, Layout]
    styles: dict[str, TextStyle]
    flow: frozenset[str]
    font_name: str
    font_files: dict[str, Path]
    line_height: float
    master: str
    theme_part: str
    footer: Placeholder | None
    number: Placeholder | None
    substitutes: dict[str, Path] = field(default_factory=dict)  # fonts text is also measured in

    def layout(self, key: str) -> Layout:
        """The layout for a kind of slide."""
        return self.layouts[key]


def _box(element, fallback: Box | None) -> Box | None:  # type: ignore[no-untyped-def]
    off = element.find(f".//{_A}xfrm/{_A}off")
    ext = element.find(f".//{_A}xfrm/{_A}ext")
    if off is None or ext is None:
        return fallback
    return Box(int(off.get("x")), int(off.get("y")), int(ext.get("cx")), int(ext.get("cy")))


def _insets(element, fallback: tuple[int, int, int, int]) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    body = element.find(f".//{_A}bodyPr")
    if body is None:
        return fallback
    names = ("lIns", "tIns", "rIns", "bIns")
    return tuple(
        int(body.get(n)) if body.get(n) is not None else fallback[i]  # type: ignore[return-value]
        for i, n in enumerate(names)
    )


def _placeholders(tree) -> dict[tuple[str, int], object]:  # type: ignore[no-untyped-def]
    found = {}
    for ph in tree.iter(f"{_P}ph"):
        shape = ph.getparent().getparent().getparent()
        kind = ph.get("type", "obj")
        idx = int(ph.get("idx", "0"))
        found[(kind, idx)] = shape
    return found


def load_template(
    theme: str, dirs: tuple[Path, ...], client_folder: Path | None, spec: SlideSpec | None
) -> Template:
    """Load the theme's slide template and check it has every layout and placeholder that
    ``spec`` (its ``layouts.yaml``, as the check phase passed it) names."""
    from mi_courseware.loading.themes import find_theme_file

    path = find_theme_file(theme, dirs, "slides/template.pptx", client_folder)
    if spec is None:
        spec_path = find_theme_file(theme, dirs, "slides/layouts.yaml", client_folder)
        raise ContentError.single(
            spec_path, "this file was not checked; run 'mi-courseware validate' for the details"
        )
    return _load(theme, dirs, client_folder, spec, path)


def _load(
    theme: str, dirs: tuple[Path, ...], client_folder: Path | None, spec: SlideSpec, path: Path
) -> Template:
    from lxml import etree

    from mi_courseware.loading.themes import find_theme_file

    package = Package.open(path)
    drop_slides(package, path)
    pres_rels = package.rels("ppt/presentation.xml")
    master = resolve("ppt/presentation.xml", pres_rels.of_type(RT["master"])[0].target)
    theme_part = (
        resolve("ppt/presentation.xml", pres_rels.of_type(RT["theme"])[0].target)
        if pres_rels.of_type(RT["theme"])
        else "ppt/theme/theme1.xml"
    )
    master_tree = etree.fromstring(package.parts[master])
    master_ph = _placeholders(master_tree)
    styles = {
        name: TextStyle(
            name,
            float(values.sizes[0]),
            float(values.sizes[1]),
            float(values.line),
            float(values.space_before),
            tuple(round(v * EMU_PER_INCH) for v in values.indent),
            values.bold,
            values.italic,
        )
        for name, values in spec.styles.items()
    }
    by_name: dict[str, tuple[str, object]] = {}
    for rel in package.rels(master).of_type(RT["layout"]):
        part = resolve(master, rel.target)
        tree = etree.fromstring(package.parts[part])
        c_sld = tree.find(f"{_P}cSld")
        by_name[c_sld.get("name", "")] = (part, tree)
    layouts = {}
    problems = []
    for key, layout_spec in spec.layouts.items():
        name = layout_spec.name
        if name not in by_name:
            problems.append(
                f"theme '{theme}' has no slide layout '{name}' in {path.name} "
                f"(it has: {', '.join(sorted(by_name)) or 'none'})"
            )
            continue
        part, tree = by_name[name]
        present = _placeholders(tree)
        found = {}
        for role, ph in layout_spec.placeholders.items():
            kind, idx = ph.type, ph.idx
            shape = present.get((kind, idx))
            if shape is None:
                shape = next((s for (_, i), s in present.items() if i == idx and idx != 0), None)
            if shape is None:
                problems.append(
                    f"slide layout '{name}' of theme '{theme}' has no {kind} "
                    f"placeholder idx={idx} for the {role.replace('_', ' ')}"
                )
                continue
            inherited = master_ph.get(
                ("title", 0) if kind in ("title", "ctrTitle") else ("body", 1)
            )
            fallback_box = _box(inherited, None) if inherited is not None else None
            where = _box(shape, fallback_box)
            if where is None:
                problems.append(f"placeholder {role} of layout '{name}' has no position")
                continue
            insets = (
                _insets(inherited, (91440, 45720, 91440, 45720))
                if inherited is not None
                else (91440, 45720, 91440, 45720)
            )
            style = styles[ph.style] if ph.style else None
            found[role] = Placeholder(role, idx, kind, where, _insets(shape, insets), style)
        layouts[key] = Layout(key, name, part, found)
    if problems:
        raise ContentError.single(path, "; ".join(problems))
    font = spec.font

    def files(faces: FontFiles) -> dict[str, Path]:
        named = faces.faces()
        return {face: find_theme_file(theme, dirs, named[face], client_folder) for face in FACES}

    def master_placeholder(kind: str, idx: int) -> Placeholder | None:
        shape = master_ph.get((kind, idx))
        box = _box(shape, None) if shape is not None else None
        if box is None:
            return None
        return Placeholder(kind, idx, kind, box, _insets(shape, (0, 0, 0, 0)), styles["footer"])

    return Template(
        package,
        path,
        theme,
        layouts,
        styles,
        frozenset(spec.flow),
        font.name,
        files(font.files),
        font.line_height,
        master,
        theme_part,
        master_placeholder("ftr", 11),
        master_placeholder("sldNum", 12),
        files(font.substitutes) if font.substitutes is not None else {},
    )


def drop_slides(package: Package, path: Path) -> None:
    """Leave out the slides a template holds (only its masters and layouts are used)."""
    from lxml import etree

    pres = "ppt/presentation.xml"
    rels = package.rels(pres)
    slides = rels.of_type(RT["slide"])
    if not slides:
        return
    for rel in slides:
        part = resolve(pres, rel.target)
        for notes in package.rels(part).of_type(RT["notes"]):
            package.remove(resolve(part, notes.target))
        package.remove(part)
        rels.items.remove(rel)
    tree = etree.fromstring(package.parts[pres])
    for listing in tree.findall(f"{_P}sldIdLst"):
        tree.remove(listing)
    package.parts[pres] = etree.tostring(
        tree, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    log.warning(
        "%s holds %d slide%s: left out of the deck (only its masters and layouts are used)",
        path,
        len(slides),
        "" if len(slides) == 1 else "s",
    )


def brand_theme(template: Template, primary: str, secondary: str, accent: str) -> None:
    """Put the brand's colours into the theme colour scheme and the theme font into its fonts."""
    from lxml import etree

    scheme = colour_scheme(primary, secondary, accent)
    part = template.theme_part
    tree = etree.fromstring(template.package.parts[part])
    if not brand_theme_tree(tree, scheme, template.font_name):
        raise ContentError.single(template.path, f"{part} has no colour scheme (a:clrScheme)")
    template.package.parts[part] = etree.tostring(
        tree, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    if text_on(scheme["accent4"]) != "#ffffff":
        # a light brand colour: text on the band is set dark instead of white
        for key in BAND_LAYOUTS:
            layout = template.layouts.get(key)
            if layout is None:
                continue
            tree = etree.fromstring(template.package.parts[layout.part])
            for colour in tree.iterfind(f".//{_A}defRPr/{_A}solidFill/{_A}schemeClr"):
                if colour.get("val") == "bg1":
                    colour.set("val", "tx1")
            template.package.parts[layout.part] = etree.tostring(
                tree, xml_declaration=True, encoding="UTF-8", standalone=True
            )


def points(emu_value: int) -> float:
    """EMU to points."""
    return emu_value / EMU_PER_PT
