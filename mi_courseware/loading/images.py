"""One rule for every image a project gives us (logos, signatures, pictures), for every output.

:func:`image_problem` says what is wrong with an image file, or ``None``: the check phase calls
it, once, before anything is built (:func:`bounds_problem` holds the size bounds again, from
the header, where a picture is used, against a file replaced since). PNG and JPEG are decoded
in full by Pillow (a truncated file fails here, not in a viewer), after checking the pixel
count against :data:`MAX_PIXELS` without decoding (a decompression bomb is refused before it
can fill memory). An SVG must be at most :data:`MAX_SVG_BYTES` and parse as XML with no
entities expanded and nothing fetched; :func:`sanitised_svg` also removes every reference to
a file or address outside the SVG before it is drawn.
"""

from __future__ import annotations

from pathlib import Path

MAX_PIXELS = 40_000_000
"""Largest raster image accepted (width x height): a print-quality A4 page at 600 dpi is 35M."""
MAX_SVG_BYTES = 4_000_000
"""Largest SVG file accepted."""
RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
_XLINK = "{http://www.w3.org/1999/xlink}href"


def image_problem(path: Path) -> str | None:
    """What is wrong with an image file, as the end of a sentence naming it, or ``None``.

    Messages read after the file's name: ``'logo.png' is not a PNG image (...)``.
    """
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return _svg_problem(path)
    kind = RASTER.get(suffix)
    if kind is None:
        return "is not an image this tool can use (use SVG, PNG or JPEG)"
    return _raster_problem(path, kind)


def bounds_problem(path: Path) -> str | None:
    """Whether a picture the check phase has passed is still within the size bounds, from
    its header alone (no decoding), or ``None``.

    Not the check again: a safety net for a file replaced between the check and its use, so
    that no decompression bomb or oversized SVG reaches an output whatever happens to the
    file meanwhile; it costs one header read.
    """
    if path.suffix.lower() == ".svg":
        size = path.stat().st_size
        return (
            None
            if size <= MAX_SVG_BYTES
            else "is too large to use (it changed since it was checked)"
        )
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        return f"cannot be read ({_short(exc)}); it changed since it was checked"
    if width * height > MAX_PIXELS:
        return "is too large to use (it changed since it was checked)"
    return None


def _raster_problem(path: Path, kind: str) -> str | None:
    import warnings

    from PIL import Image, ImageFile, UnidentifiedImageError

    lenient = ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint sets it for the whole process
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format != kind:
                    return f"is not a {kind} image (save it again as {kind})"
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return (
                        f"is too large to use ({width} x {height} pixels; at most "
                        f"{MAX_PIXELS // 1_000_000} million): save it smaller"
                    )
                image.load()  # decode every pixel: a truncated or corrupt file fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return (
            f"is too large to use (it decodes to more than {MAX_PIXELS // 1_000_000} million "
            "pixels): save it smaller"
        )
    except UnidentifiedImageError:
        return f"is not a {kind} image (save it again as {kind})"
    except (OSError, SyntaxError, ValueError) as exc:
        return f"is not a readable {kind} image ({_short(exc)}); save it again as {kind}"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return None


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."


def _svg_root(data: bytes):  # type: ignore[no-untyped-def]
    """The SVG's root element, parsed with nothing expanded or fetched (lxml)."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    return etree.fromstring(data, parser)


def _svg_problem(path: Path) -> str | None:
    import xml.etree.ElementTree as ElementTree  # expat >= 2.4 refuses entity bombs

    size = path.stat().st_size
    if size > MAX_SVG_BYTES:
        most = MAX_SVG_BYTES // 1_000_000
        return f"is too large to use ({size // 1000} kB; an SVG image is at most {most} MB)"
    try:
        root = ElementTree.fromstring(path.read_bytes())
    except ElementTree.ParseError as exc:
        return f"is not a readable SVG image ({exc})"
    if not root.tag.endswith("svg"):
        return f"is not an SVG image (its root element is <{root.tag}>)"
    try:
        _, removed = sanitised_svg(path.read_bytes())
    except Exception as exc:  # lxml's own refusal of what expat let through
        return f"is not a readable SVG image ({_short(exc)})"
    if removed:
        return (
            f"refers to something outside it ({removed[0]}); an image may not load other "
            "files or addresses: embed what it shows, or remove the reference"
        )
    return filter_problem(root)


#: How large a filter effect may be, as a share of the picture's longest side (or of the
#: element, with ``primitiveUnits="objectBoundingBox"``). A blur wider than the picture only
#: smudges it; a morphology radius costs its square in work for every pixel drawn.
FILTER_SHARE = {"stdDeviation": 1.0, "radius": 0.01}
#: Octaves of ``feTurbulence`` and the kernel order of ``feConvolveMatrix`` past any use.
FILTER_COUNTS = {"numOctaves": 10, "order": 9}
#: The elements whose attributes above are sized.
_FILTERS = {
    "feGaussianBlur": "stdDeviation",
    "feDropShadow": "stdDeviation",
    "feMorphology": "radius",
    "feTurbulence": "numOctaves",
    "feConvolveMatrix": "order",
}


def filter_problem(root) -> str | None:  # type: ignore[no-untyped-def]
    """Filter effects far larger than any picture needs (``<feMorphology radius="100000">``
    keeps the deck's renderer busy for minutes), or ``None``. ``root`` is the parsed SVG
    (ElementTree or lxml); sizes are in the picture's own units."""
    longest = max(svg_size(root)) or 100.0  # renderers take 100 x 100 when the SVG says nothing
    for effect in root.iter():
        if not isinstance(effect.tag, str) or effect.tag.rpartition("}")[2] != "filter":
            continue
        whole = effect.get("primitiveUnits") == "objectBoundingBox"  # sizes are shares of 1
        for node in effect.iter():
            name = node.tag.rpartition("}")[2] if isinstance(node.tag, str) else ""
            attribute = _FILTERS.get(name, "")
            value = node.get(attribute) if attribute else None
            if value is None:
                continue
            try:
                largest = max((abs(float(v)) for v in value.replace(",", " ").split()), default=0)
            except ValueError:
                continue  # not a number: renderers ignore the attribute
            most = FILTER_COUNTS.get(attribute) or FILTER_SHARE[attribute] * (
                1.0 if whole else longest
            )
            if largest > most:
                return (
                    f"has a filter effect far larger than a picture needs (<{name} "
                    f'{attribute}="{value[:40]}">; at most {most:g} in this picture): make '
                    "the effect smaller, or save the picture as PNG"
                )
    return None


def svg_size(root) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The SVG's width and height in its own units, from its viewBox (or width and height
    in pixels), 0 when it does not say."""
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        if len(box) == 4:
            return abs(float(box[2])), abs(float(box[3]))
        width = float((root.get("width") or "0").strip().removesuffix("px"))
        height = float((root.get("height") or "0").strip().removesuffix("px"))
        return abs(width), abs(height)
    except ValueError:
        return 0, 0


#: How deeply SVG pictures may nest inside one another as ``data:`` addresses.
MAX_SVG_NESTING = 4


def sanitised_svg(data: bytes, depth: int = 0) -> tuple[str, list[str]]:
    """The SVG with every outside reference removed, and what was removed (for a message).

    Removed: ``<image>`` and ``<feImage>`` whose address is not a ``data:`` URI, or is an SVG
    ``data:`` URI that refers to anything outside itself (it is checked the same way, to
    :data:`MAX_SVG_NESTING` levels), ``<use>`` pointing into another file, ``<style>``
    elements and ``<?xml-stylesheet?>`` instructions that import or link anything,
    ``url(...)`` values naming anything but an element of the SVG itself, and DOCTYPEs.
    What is left can be drawn with no access to files or network.
    """
    from lxml import etree

    root = _svg_root(data)
    removed: list[str] = []
    for node in list(root.iter(etree.ProcessingInstruction)):
        if node.target == "xml-stylesheet":
            removed.append("a stylesheet link")
            _drop(node)
    for node in list(root.iter()):
        if not isinstance(node.tag, str):
            continue
        name = etree.QName(node).localname
        href = node.get(_XLINK) or node.get("href") or ""
        inner = _inner_svg_problem(href, depth) if name in ("image", "feImage") else None
        if name in ("image", "feImage") and not href.strip().startswith(("data:", "#")):
            removed.append(f"<{name}> of '{href[:200]}'")
            _drop(node)
        elif inner is not None:
            removed.append(f"<{name}> of an inline SVG picture (data:) that {inner}")
            _drop(node)
        elif name == "use" and href and not href.strip().startswith("#"):
            removed.append(f"<use> of '{href[:200]}'")
            _drop(node)
        elif name == "style" and ("@import" in (node.text or "") or _outside_url(node.text)):
            removed.append("a <style> that loads other files")
            _drop(node)
        else:
            for attribute, value in list(node.attrib.items()):
                if _outside_url(value):
                    removed.append(f"{etree.QName(attribute).localname}='{value[:200]}'")
                    del node.attrib[attribute]
    text = etree.tostring(root, encoding="unicode")  # no DOCTYPE, no internal subset
    return text, removed


def data_uri_bytes(uri: str) -> tuple[str, bytes]:
    """The media type and the bytes of a ``data:`` address (``ValueError`` when broken)."""
    import base64
    from urllib.parse import unquote

    head, comma, body = uri.strip().removeprefix("data:").partition(",")
    if not comma:
        raise ValueError("a data: address without a comma")
    if head.endswith(";base64"):
        return head.removesuffix(";base64"), base64.b64decode(body, validate=False)
    return head, unquote(body).encode("utf-8")


def _inner_svg_problem(href: str, depth: int) -> str | None:
    """What is wrong with an SVG given inline as a ``data:`` address inside an SVG: how it
    refers outside itself (checked as the outer one is), else ``None``; other data is left
    to the renderer."""
    if not href.strip().startswith("data:"):
        return None
    try:
        kind, data = data_uri_bytes(href)
        if "svg" not in kind.lower() and not data.lstrip().startswith(b"<"):
            return None  # a PNG or JPEG (a renderer may sniff XML whatever the type says)
        if depth + 1 >= MAX_SVG_NESTING:
            return f"nests pictures more than {MAX_SVG_NESTING} deep"
        _, removed = sanitised_svg(data, depth + 1)
    except Exception:  # a broken address or a broken SVG: nothing can be checked in it
        return "cannot be read"
    return f"loads {removed[0]}" if removed else None


def _outside_url(value: str | None) -> bool:
    """Whether a CSS value has a ``url(...)`` naming anything but ``#id`` or ``data:``."""
    if not value or "url(" not in value:
        return False
    for part in value.split("url(")[1:]:
        target = part.split(")")[0].strip().strip("'\"")
        if not target.startswith(("#", "data:")):
            return True
    return False


def _drop(node) -> None:  # type: ignore[no-untyped-def]
    parent = node.getparent()
    if parent is not None:
        parent.remove(node)
