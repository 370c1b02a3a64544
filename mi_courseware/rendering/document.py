"""What every themed HTML document shares: search path, wording, colours, styles, files.

The pack, the facilitator guide and certificates are all HTML documents rendered from an
Edition through the theme; this module sets up their common context once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from mi_courseware.edition import Brand, Edition
from mi_courseware.project import builtin_dir
from mi_courseware.rendering.colour import band, readable_on_white, tint
from mi_courseware.rendering.diagrams import Palette
from mi_courseware.rendering.i18n import Translator
from mi_courseware.rendering.templates import environment
from mi_courseware.rendering.themes import search_path


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
    roots: list[Path]
    edition: Edition | None = None

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


def document_setup(edition: Edition) -> DocumentSetup:
    """Search path, translator, Jinja environment and palette for ``edition``'s theme."""
    return brand_setup(
        edition.brand,
        list(edition.theme_dirs),
        edition.language,
        dict(edition.theme_options),
        edition.project_root,
        edition,
    )


def brand_setup(
    brand: Brand,
    chain: list[Path],
    language: str,
    options: dict[str, Any],
    project_root: Path,
    edition: Edition | None = None,
) -> DocumentSetup:
    """The same for a document that is not an edition's (a feedback report, a sheet)."""
    t = Translator(chain, language)
    env = environment(search_path(chain, brand.folder), t)
    env.filters["css_string"] = css_string
    palette = Palette(
        brand.colours.primary,
        brand.colours.secondary,
        brand.colours.accent,
        scale=float(str(options.get("diagram_text_scale", 1.0))),
    )
    roots = [project_root, *chain, builtin_dir("themes")]
    return DocumentSetup(brand, env, t, palette, options, chain, roots, edition)
