"""What every themed HTML document shares: search path, wording, colours, styles, files.

The pack, the facilitator guide and certificates are all HTML documents rendered from an
Edition through the theme; this module sets up their common context once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from mi_courseware.core.colour import band, readable_on_white, tint
from mi_courseware.core.edition import Brand, Edition
from mi_courseware.loading.allowed import document_files
from mi_courseware.loading.i18n import Translator
from mi_courseware.loading.themes import search_path
from mi_courseware.rendering.charts import ChartStyle
from mi_courseware.rendering.diagrams import Palette
from mi_courseware.rendering.fetcher import data_uri
from mi_courseware.rendering.templates import environment

if TYPE_CHECKING:
    from mi_courseware.resolving.subjects import Subject


def css_string(value: object) -> Markup:
    """A value as a safe CSS string literal (for generated content such as "Page")."""
    text = str(value)
    out = "".join(c if c.isalnum() or c in " .,-:()" else f"\\{ord(c):x} " for c in text)
    return Markup(f'"{out}"')


@dataclass
class DocumentSetup:
    """The theme-dependent pieces of one brand's documents (an edition's, or a report's)."""

    brand: Brand
    env: jinja2.Environment
    t: Translator
    palette: Palette
    options: dict[str, Any]
    chain: list[Path]
    #: The exact files its documents may read (:mod:`mi_courseware.loading.allowed`).
    allowed: frozenset[Path]
    edition: Edition | None = None
    #: The template file a document was last made from (a refused file is reported there).
    asked_by: Path | None = None

    def template(self, name: str) -> jinja2.Template:
        """The theme's (or the client's own) template ``name``, remembered as the file that
        asks for whatever the document loads."""
        template = self.env.get_template(name)
        if template.filename:
            self.asked_by = Path(template.filename)
        return template

    def stylesheets(self, name: str) -> list[str]:
        """``css/<name>`` of every theme in the chain, parents first, as file URIs."""
        found = [folder / "css" / name for folder in reversed(self.chain)]
        client = self.brand.folder / "templates" / name
        found.append(client)
        return [path.as_uri() for path in found if path.is_file()]

    def colours(self) -> dict[str, str]:
        """CSS custom properties for the brand roles, text colours already made readable."""
        colours = self.brand.colours
        primary_bg, primary_ink = band(colours.primary)
        secondary_bg, secondary_ink = band(colours.secondary)
        accent_bg, accent_ink = band(colours.accent)
        return {
            "--brand-primary": primary_bg,
            "--on-primary": primary_ink,
            "--brand-secondary": secondary_bg,
            "--on-secondary": secondary_ink,
            "--brand-accent": accent_bg,
            "--on-accent": accent_ink,
            "--primary-text": readable_on_white(colours.primary),
            "--accent-text": readable_on_white(colours.accent),
            "--tint": tint(colours.primary, 0.10),
            "--tint-strong": tint(colours.primary, 0.18),
            "--accent-tint": tint(colours.accent, 0.12),
        }

    def chart_style(self, width_mm: float = 170, height_mm: float = 60) -> ChartStyle:
        """Charts in the brand's colours and the theme's font (larger in large print)."""
        colours = self.brand.colours
        fonts = tuple(sorted(p for folder in self.chain for p in (folder / "fonts").glob("*.ttf")))
        scale = float(str(self.options.get("diagram_text_scale", 1.0)))
        return ChartStyle(
            primary=readable_on_white(colours.primary, 3.0),
            accent=readable_on_white(colours.accent, 3.0),
            font_files=fonts,
            font_size=ChartStyle.font_size * scale,
            width_mm=width_mm,
            height_mm=height_mm,
        )

    def render_report(
        self, template: str, title: str, when: datetime, css: tuple[str, ...], **values: Any
    ) -> str:
        """A report's HTML (a feedback report, a quality report): ``template`` with the brand,
        colours, metadata, the theme's ``fonts.css`` and ``css`` stylesheets and ``values``."""
        from mi_courseware.rendering.pdf import metadata_head

        brand = self.brand
        meta = metadata_head(
            title=title, author=brand.name or "mi-courseware", when=when, language=self.t.language
        )
        return self.template(template).render(
            meta=meta,
            lang=self.t.language,
            brand=brand,
            colours=self.colours(),
            stylesheets=[s for name in ("fonts.css", *css) for s in self.stylesheets(name)],
            options=self.options,
            logo=data_uri(brand.logo, self.allowed),
            **values,
        )


def document_setup(target: Edition | Subject) -> DocumentSetup:
    """Search path, translator, Jinja environment and palette for an edition's theme and
    brand (or a project-level subject's: a feedback report's, a sheet's)."""
    return brand_setup(
        target.brand,
        list(target.theme_dirs),
        target.language,
        dict(target.theme_options),
        target.project_root,
        target if isinstance(target, Edition) else None,
        images=target.inputs.get("images", ()),
    )


def brand_setup(
    brand: Brand,
    chain: list[Path],
    language: str,
    options: dict[str, Any],
    project_root: Path,
    edition: Edition | None = None,
    images: Iterable[Path] = (),
) -> DocumentSetup:
    """The same for a document that is not an edition's (a feedback report, a sheet);
    ``images`` are the pictures its text shows."""
    t = Translator(chain, language)
    env = environment(search_path(chain, brand.folder), t)
    env.filters["css_string"] = css_string
    palette = Palette(
        brand.colours.primary,
        brand.colours.secondary,
        brand.colours.accent,
        scale=float(str(options.get("diagram_text_scale", 1.0))),
    )
    allowed = document_files(
        chain,
        project_root,
        client_id=brand.client_id,
        folder=brand.folder,
        named=(brand.logo, brand.signature),
        images=images,
    )
    return DocumentSetup(brand, env, t, palette, options, chain, allowed, edition)
