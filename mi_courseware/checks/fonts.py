"""Text the theme's fonts cannot show: found before it prints as empty boxes.

The pack, the guide and the certificates embed only the theme's own fonts (``fonts/*.ttf``,
and ``fonts/supplementary/*.ttf`` for other scripts); a character none of them has would be
drawn from whatever the machine happens to have, or as an empty box. ``validate`` reports each
such character in the Markdown a document is made from (modules, handouts, client pages) at
its line and column. Certificates refuse a participant's name they cannot show (see
:func:`mi_courseware.certificates.issue.check_names`); every other document that prints names
(the sign-in sheet, the pack and quality report with their trainers, coding reports) warns
at the name's row or line (:func:`name_glyph_problems`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.core.scope import in_scope
from mi_courseware.errors import Position, Problem, Problems

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
    from mi_courseware.loading.fontmetrics import describe, uncovered

    fonts = theme_fonts([theme.path for theme in project.themes.values()])
    if not fonts:
        return
    # the documents read (a build target reads its own), but every theme's fonts: a text
    # passes or fails as under ``validate``
    files = [d.path for d in project.modules.values()]
    files += [d.path for d in project.handouts.values()]
    for client in in_scope(project.scope, "clients", project.clients):
        files += [client.path.parent / page for page in client.model.pages]
    texts = {}
    for path in files:
        try:
            texts[path] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # reported where the file is read
    # most course text is ASCII, which every theme font has: look up only the rest, once
    rare = "".join(c for c in set("".join(texts.values())) if ord(c) > 0x7E)
    lacking = set(uncovered(rare, fonts)) if rare else set()
    for path, text in texts.items():
        missing = [c for c in lacking if c in unicodedata.normalize("NFC", text)]
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


def name_glyph_problems(
    names: Iterable[tuple[Position, str]], fonts: list[Path], printed_on: str
) -> list[Problem]:
    """A warning at each name with characters none of ``fonts`` has: it would print as empty
    boxes on ``printed_on`` (certificates refuse such names; other documents print them)."""
    from mi_courseware.loading.fontmetrics import describe, uncovered

    found = []
    for where, name in names:
        missing = uncovered(name, fonts) if fonts and not name.isascii() else []
        if missing:
            found.append(
                Problem(
                    where,
                    f"'{name}' has characters no font of the theme has ({describe(missing)}): "
                    f"they would print as empty boxes on {printed_on}; write the name in a "
                    "script the theme's fonts cover, or add a font that covers it to the "
                    "theme's fonts/supplementary/ folder",
                    "warning",
                )
            )
    return found


GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "inherit"}


def _families(value: list[object]) -> list[str]:
    """Family names in a ``font-family`` value (quoted strings and runs of words)."""
    import tinycss2

    names: list[str] = []
    for part in tinycss2.serialize(value).split(","):  # type: ignore[arg-type]
        name = part.strip().strip("'\"").strip()
        if name:
            names.append(name)
    return names


def _declarations(path: Path) -> list[tuple[str, list[str], int, int]]:
    """``(at-rule or "", families, line, column)`` for each ``font-family`` in a stylesheet."""
    import tinycss2

    found = []
    rules = tinycss2.parse_stylesheet(
        path.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
    )
    for rule in rules:
        content = getattr(rule, "content", None)
        if not content:
            continue
        kind = getattr(rule, "at_keyword", "") or ""
        for item in tinycss2.parse_blocks_contents(content, True, True):
            if item.type == "declaration" and item.lower_name == "font-family":
                found.append((kind, _families(item.value), item.source_line, item.source_column))
    return found


def check_client_fonts(project: Project, problems: Problems) -> None:
    """Warn where a client's own stylesheets ask for a font no theme ships.

    Such a font is drawn only where it happens to be installed; PDFs fall back to another.
    """
    sheets = []
    for client in in_scope(project.scope, "clients", project.clients):
        folder = client.path.parent / "templates"
        sheets += sorted(folder.glob("*.css")) if folder.is_dir() else []
    if not sheets:
        return
    shipped = set(GENERIC)
    for theme in project.themes.values():
        for sheet in sorted((theme.path / "css").glob("*.css")):
            shipped |= {
                name.casefold()
                for kind, names, _, _ in _declarations(sheet)
                if kind == "font-face"
                for name in names
            }
    for sheet in sheets:
        try:
            declarations = _declarations(sheet)
        except (OSError, UnicodeDecodeError):
            continue
        for kind, names, line, column in declarations:
            if kind == "font-face":
                shipped |= {n.casefold() for n in names}
                continue
            for name in names:
                if name.casefold() not in shipped:
                    problems.warning(
                        Position(sheet, line, column),
                        f"font '{name}' is not one the theme ships: it is drawn only where "
                        "it is installed, and the PDFs use another font instead (add the "
                        "font files and an @font-face rule, or use a theme font)",
                    )
