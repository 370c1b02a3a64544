"""The flyer's HTML: the event and its course on one A4 page, through the theme.

The same template makes the page the PDF engine reads (stylesheets linked as files, fenced)
and the self-contained ``flyer.html`` (styles, fonts and images embedded; nothing fetched).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mi_courseware.core.edition import Edition
from mi_courseware.errors import ContentError
from mi_courseware.rendering.days import day_lines
from mi_courseware.rendering.document import DocumentSetup, document_setup
from mi_courseware.rendering.fetcher import Fence, data_uri
from mi_courseware.rendering.html import HtmlOptions, markdown_html
from mi_courseware.rendering.pdf import metadata_head


@dataclass(frozen=True)
class StandardsLine:
    """The units of one framework that the course's outcomes map to."""

    framework: str
    title: str
    publisher: str
    codes: tuple[str, ...]


def standards_lines(edition: Edition) -> list[StandardsLine]:
    """One line per framework, in catalogue order."""
    lines: dict[str, StandardsLine] = {}
    for unit in edition.units:
        line = lines.get(unit.framework)
        codes = (*line.codes, unit.code) if line else (unit.code,)
        lines[unit.framework] = StandardsLine(
            unit.framework, unit.framework_title, unit.publisher, codes
        )
    return list(lines.values())


def flyer_html(
    edition: Edition, *, when: datetime, standalone: bool, compact: bool = False
) -> tuple[str, DocumentSetup]:
    """The flyer's complete HTML; ``standalone`` embeds everything it uses, ``compact`` sets
    the printed page a little tighter (the theme's ``.compact`` style)."""
    setup = document_setup(edition)
    t = setup.t
    options = HtmlOptions(False, setup.palette, t, setup.allowed, heading_shift=2)
    course_file = edition.sources[0]

    def md(text: str | None) -> str:
        return markdown_html(text, course_file, 1, options) if text else ""

    summary, prior = md(edition.summary), md(edition.prior_knowledge)
    if options.problems:
        raise ContentError(options.problems)
    brand = edition.brand
    stylesheets = [*setup.stylesheets("fonts.css"), *setup.stylesheets("flyer.css")]
    context = {
        "edition": edition,
        "event": edition.event,
        "brand": brand,
        "lang": edition.language,
        "meta": metadata_head(
            title=f"{edition.title} – {t('flyer')}",
            author=brand.name or "mi-courseware",
            when=when,
            language=edition.language,
            keywords=", ".join(u.ref for u in edition.units),
        ),
        "colours": setup.colours(),
        "logo": data_uri(brand.logo, setup.allowed),
        "summary": summary,
        "prior": prior,
        "days": day_lines(edition, t),
        "standards": standards_lines(edition),
        "options": setup.options,
        "stylesheets": [] if standalone else stylesheets,
        "inline_css": "",
        "compact": compact,
    }
    template = setup.template("flyer.html")
    html = template.render(**context)
    if standalone:
        from markupsafe import Markup

        from mi_courseware.rendering.standalone import inline_styles

        fence = Fence(setup.allowed, course_file)
        if brand.logo is not None and not str(context["logo"]).startswith("data:"):
            fence.local_file(brand.logo.as_uri())
            fence.check()  # the logo is outside the client's folder: say so, embed nothing
        css = inline_styles(stylesheets, html, fence).replace("</", "<\\/")
        context["inline_css"] = Markup(css)  # the theme's own CSS, any closing tag escaped
        html = template.render(**context)
    return html, setup
