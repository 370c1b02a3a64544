"""What the coding documents share: the client's brand and theme, charts in its style, PDF.

Feedback reports and observer's sheets are themed HTML documents like the pack: the same
search path, wording, colours and stylesheets (:func:`mi_courseware.rendering.document.
brand_setup`), rendered by :func:`mi_courseware.rendering.pdf.render_pdf` and written
atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mi_courseware.errors import ContentError, Problems
from mi_courseware.licences import belongs_to
from mi_courseware.loading.project import Project, Record
from mi_courseware.model import Client
from mi_courseware.rendering.charts import ChartStyle
from mi_courseware.rendering.document import DocumentSetup, brand_setup
from mi_courseware.rendering.pdf import render_pdf, write_atomic
from mi_courseware.rendering.themes import theme_chain, theme_options
from mi_courseware.resolve import house_brand, make_brand


@dataclass
class CodingDocument:
    """A themed document being made: its setup and the file that asked for it."""

    setup: DocumentSetup
    project: Project
    source: Path

    def chart_style(self, width_mm: float = 170, height_mm: float = 60) -> ChartStyle:
        """Charts in the brand's colours and the theme's font."""
        return self.setup.chart_style(width_mm, height_mm)

    def render(self, template: str, title: str, when: datetime, **values: Any) -> str:
        """The document's HTML from ``template`` with the common context."""
        return self.setup.render_report(template, title, when, ("coding.css",), **values)

    def write_pdf(self, html: str, target: Path, identifier: str) -> Path:
        """Render ``html`` and write it to ``target`` through a temporary file and a rename."""
        data = render_pdf(
            html,
            base=self.project.paths.root,
            allowed=self.setup.allowed,
            asked_by=self.source,
            identifier=identifier,
        )
        write_atomic(target, data)
        return target


def client_for(project: Project, organisation: str | None) -> Record[Client] | None:
    """The client an ``organisation`` value names (by id or name), if any."""
    return next((c for c in project.clients.values() if belongs_to(organisation, c)), None)


def coding_document(
    project: Project, client: Record[Client] | None, theme: str, source: Path
) -> CodingDocument:
    """A document in ``client``'s brand and language (the house style without one)."""
    problems = Problems()
    brand = make_brand(client, project) if client is not None else house_brand(project)
    problems.raise_if_errors()
    if theme not in project.themes:
        raise ContentError.single(project.paths.themes, f"unknown theme '{theme}'")
    chain = theme_chain(project, theme)
    setup = brand_setup(
        brand, chain, brand.language, theme_options(project, theme), project.paths.root
    )
    return CodingDocument(setup, project, source)
