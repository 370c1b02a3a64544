"""Theme lookup: the ordered search path (client overrides, theme, parents, built-in)."""

from __future__ import annotations

import filecmp
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.errors import ContentError, Position
from mi_courseware.project import builtin_dir

if TYPE_CHECKING:
    from mi_courseware.loading.project import Project


def theme_chain(project: Project, theme: str) -> list[Path]:
    """Folders of ``theme`` and the themes it extends, nearest first."""
    chain: list[Path] = []
    seen: set[str] = set()
    current = project.themes.get(theme)
    if current is None:
        raise ContentError.single(project.paths.themes, f"unknown theme '{theme}'")
    while current is not None and current.id not in seen:
        seen.add(current.id)
        chain.append(current.path)
        current = project.themes.get(current.config.extends or "")
    builtin_default = builtin_dir("themes") / "default"
    if builtin_default.is_dir() and builtin_default not in chain:
        chain.append(builtin_default)
    return chain


def shipped(path: Path, theme_folder: Path) -> bool:
    """Whether a project theme's file is one the tool ships, unchanged: the same bytes at the
    same place in the built-in theme of the same name (``init`` copies the built-in themes
    into a new project). Such a file is checked by the tool's own tests, as the built-in
    themes are, so the check phase need not read it again."""
    try:
        relative = path.relative_to(theme_folder)
    except ValueError:
        return False
    twin = builtin_dir("themes") / theme_folder.name / relative
    try:
        if path.resolve() == twin.resolve():
            return True  # the tool's own folder (a source checkout is its own demo project)
        return twin.is_file() and filecmp.cmp(path, twin, shallow=False)
    except OSError:
        return False


def search_path(dirs: Sequence[Path], client_folder: Path | None = None) -> list[Path]:
    """Where templates and assets are looked up, in order: client overrides, then ``dirs``."""
    path = []
    if client_folder is not None and (client_folder / "templates").is_dir():
        path.append(client_folder / "templates")
    return path + list(dirs)


def theme_options(project: Project, theme: str) -> dict[str, object]:
    """The theme's options merged over its parents' (nearest theme wins)."""
    merged: dict[str, object] = {}
    names = []
    current = project.themes.get(theme)
    while current is not None and current.id not in names:
        names.append(current.id)
        current = project.themes.get(current.config.extends or "")
    for name in reversed(names):
        merged.update(project.themes[name].config.options)
    return merged


def find_theme_file(
    theme: str, dirs: Sequence[Path], relative: str, client_folder: Path | None = None
) -> Path:
    """The first ``relative`` file along the search path; a clear error when none has it."""
    folders = search_path(dirs, client_folder)
    for folder in folders:
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    raise ContentError.single(
        Position(folders[0] if folders else Path("themes")).path,
        f"theme '{theme}' has no file '{relative}' (searched: "
        + ", ".join(str(f) for f in folders)
        + ")",
    )
