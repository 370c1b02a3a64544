"""The wording a project's themes give, read once per run and kept on the project."""

from __future__ import annotations

from mi_courseware.loading.i18n import Translator
from mi_courseware.loading.languages import provided
from mi_courseware.loading.project import Project
from mi_courseware.loading.themes import theme_chain


def wording(project: Project, theme: str, code: str) -> Translator:
    """The fixed wording of ``theme`` (and the themes it extends) in the language ``code``:
    read once per run (the read phase reads what the project's events use)."""
    key = (theme, code)
    if key not in project.wordings:
        project.wordings[key] = Translator(theme_chain(project, theme), code)
    return project.wordings[key]


def theme_languages(project: Project, theme: str) -> tuple[str, ...]:
    """The languages ``theme`` (with the themes it extends) has catalogues for: looked for
    once per run (the read phase looks for the project's events' themes)."""
    if theme not in project.theme_languages:
        project.theme_languages[theme] = provided(theme_chain(project, theme))
    return project.theme_languages[theme]


def project_languages(project: Project) -> tuple[str, ...]:
    """The languages any of the project's themes (its own and the built-in ones) provide."""
    return provided([theme.path for theme in project.themes.values()])
