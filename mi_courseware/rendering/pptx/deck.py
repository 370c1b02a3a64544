"""The whole flow for one deck: template, brand, plan, fit, write."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from mi_courseware.core.colour import band
from mi_courseware.core.edition import Edition
from mi_courseware.rendering.pptx.fitting import Metrics
from mi_courseware.rendering.pptx.images import Drawing, Picture, load_picture, start_picture
from mi_courseware.rendering.pptx.placing import Placer
from mi_courseware.rendering.pptx.plan import plan_deck
from mi_courseware.rendering.pptx.spec import FittedSlide, ImageSpec, SlideSpec
from mi_courseware.rendering.pptx.template import (
    Template,
    brand_theme,
    colour_scheme,
    load_template,
)
from mi_courseware.rendering.pptx.wording import Wording

#: Longest side, in inches, a picture is shown at (sets the SVG rasterising resolution).
PICTURE_INCHES = 7.9
#: Longest side, in inches, of the logo on the title slide.
LOGO_INCHES = 5.2


def brand_colours(primary: str, secondary: str, accent: str) -> dict[str, str]:
    """The theme colour slots plus the derived colours shapes use directly."""
    colours = colour_scheme(primary, secondary, accent)
    background, text = band(primary)
    colours.update(band_primary=background, band_primary_text=text, rule="#bfbfbf")
    return colours


def _setup(edition: Edition) -> tuple[Wording, Template, Metrics]:
    """The deck's wording, its branded template and the metrics its text is measured with."""
    brand = edition.brand
    wording = Wording(list(edition.theme_dirs), edition.language)
    template = load_template(edition.theme, edition.theme_dirs, brand.folder, edition.slides)
    palette = brand.colours
    brand_theme(template, palette.primary, palette.secondary, palette.accent)
    metrics = Metrics(template.font_files, template.line_height, template.substitutes)
    return wording, template, metrics


def slide_plan(edition: Edition) -> list[tuple[SlideSpec, list[FittedSlide]]]:
    """The deck's slide plan: each slide planned from the edition, with the slides it was
    fitted to (more than one when its text continues), before anything is drawn or written."""
    wording, template, metrics = _setup(edition)
    logo = ImageSpec(edition.brand.logo, edition.brand.logo_alt) if edition.brand.logo else None
    placer = Placer(template, metrics, wording)
    # placing a table may change its spec's text (the text below moves on with the rows)
    return [
        (spec, placer.place_each(replace(spec, text=dict(spec.text))))
        for spec in plan_deck(edition, wording, logo)
    ]


def write_deck(edition: Edition, path: Path, when: datetime) -> None:
    """Write the edition's deck to ``path``."""
    brand = edition.brand
    wording, template, metrics = _setup(edition)
    palette = brand.colours
    colours = brand_colours(palette.primary, palette.secondary, palette.accent)
    font_dir = template.font_files["regular"].parent
    logo_spec = None
    logo: Picture | Drawing | None = None
    if brand.logo is not None and brand.logo.is_file():
        logo_spec = ImageSpec(brand.logo, brand.logo_alt)
        # an SVG is drawn in a process of its own, while the deck is planned and fitted here
        logo = start_picture(brand.logo, LOGO_INCHES, font_dir, template.font_name)
    try:
        specs = plan_deck(edition, wording, logo_spec)
        slides = Placer(template, metrics, wording).place(specs)
    except BaseException:
        if isinstance(logo, Drawing):
            logo.cancel()
        raise
    if isinstance(logo, Drawing):
        logo = logo.result()
    footer = " · ".join(t for t in (brand.name, edition.course_title) if t)
    from mi_courseware.rendering.pptx.writer import DeckWriter

    writer = DeckWriter(template, colours, metrics, wording, footer)
    if logo is not None:
        writer.add_master_logo(logo, brand.logo_alt)
    pictures: dict[Path, Picture] = {}
    for slide in slides:
        image = None
        if slide.image is not None:
            if logo is not None and slide.image.path == brand.logo:
                image = logo
            else:
                if slide.image.path not in pictures:
                    pictures[slide.image.path] = load_picture(
                        slide.image.path, PICTURE_INCHES, font_dir, template.font_name
                    )
                image = pictures[slide.image.path]
        writer.add(slide, image)
    writer.save(path, when, edition.title, brand.name or "mi-courseware")
