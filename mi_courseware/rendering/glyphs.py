"""Text the theme's fonts cannot show: found before it prints as empty boxes.

The pack, the guide and the certificates embed only the theme's own fonts (``fonts/*.ttf``,
and ``fonts/supplementary/*.ttf`` for other scripts); a character none of them has would be
drawn from whatever the machine happens to have, or as an empty box. ``validate`` reports each
such character in the Markdown a document is made from (modules, handouts, client pages) at
its line and column. Certificates check each participant's name the same way (see
:func:`mi_courseware.certificates.issue.check_names`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.errors import Position, Problems

if TYPE_CHECKING:
    from mi_courseware.loading.project import Project


def theme_fonts(folders: list[Path]) -> list[Path]:
    """The fonts documents may use: every theme's ``fonts/`` and ``fonts/supplementary/``.

    ``fonts/metrics/`` holds fonts used only for measuring deck text, never drawn.
    """
    found: dict[str, Path] = {}
    for folder in folders:
        for sub in (folder / "fonts", folder / "fonts" / "supplementary"):
            if sub.is_dir():
                for path in sorted(sub.glob("*.ttf")):
                    found.setdefault(path.name, path)
    return list(found.values())


def check_text_fonts(project: Project, problems: Problems) -> None:
    """Every character of the project's Markdown has a glyph in some theme font."""
    from mi_courseware.rendering.fontmetrics import describe, uncovered

    fonts = theme_fonts([theme.path for theme in project.themes.values()])
    if not fonts:
        return
    files = [d.path for d in project.modules.values()]
    files += [d.path for d in project.handouts.values()]
    for client in project.clients.values():
        files += [client.path.parent / page for page in client.model.pages]
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # reported where the file is read
        missing = uncovered(text, fonts)
        if not missing:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            here = uncovered(line, fonts)
            if here:
                column = next((i for i, c in enumerate(line, 1) if c in here), 1)
                which, result = (
                    ("this character", "it would print as an empty box")
                    if len(here) == 1
                    else ("these characters", "they would print as empty boxes")
                )
                problems.error(
                    Position(path, number, column),
                    f"{describe(here)}: no font of the theme has {which}, so {result} (use "
                    "other characters, or add a font that has them to the theme's "
                    "fonts/supplementary/ folder)",
                )
