"""What the project-level documents share: the client's brand and theme, charts in its style.

Feedback reports, observer's sheets and the evaluation report are themed HTML documents like
the pack: the same search path, wording, colours and stylesheets (:func:`mi_courseware.
rendering.document.brand_setup`). Their subjects (:mod:`mi_courseware.resolving.subjects`) carry the
brand and theme, resolved here from the project; their builders render them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from mi_courseware.checks.licences import belongs_to
from mi_courseware.loading.project import Project, Record
from mi_courseware.loading.themes import theme_chain, theme_options
from mi_courseware.model import Client
from mi_courseware.resolving.edition import brand_inputs, house_brand, make_brand

if TYPE_CHECKING:
    from mi_courseware.rendering.document import DocumentSetup


def client_for(project: Project, organisation: str | None) -> Record[Client] | None:
    """The client an ``organisation`` value names (by id or name), if any."""
    return next((c for c in project.clients.values() if belongs_to(organisation, c)), None)


def styled(project: Project, client: Record[Client] | None, theme: str) -> dict[str, Any]:
    """A subject's look: ``client``'s brand and language (the house style without one) in
    ``theme`` (a name the command has checked), and the brand's files as its inputs."""
    brand = make_brand(client, project) if client is not None else house_brand(project)
    return {
        "brand": brand,
        "theme": theme,
        "theme_dirs": tuple(theme_chain(project, theme)),
        "theme_options": theme_options(project, theme),
        "project_root": project.paths.root,
        "inputs": {"brand": brand_inputs(client, brand)},
    }


def render_coding(
    setup: DocumentSetup, template: str, title: str, when: datetime, **values: Any
) -> str:
    """A coding document's HTML from ``template`` with the common context."""
    return setup.render_report(template, title, when, ("coding.css",), **values)
