"""``mi-courseware init``: a new project from the demo content and themes shipped with the tool."""

from __future__ import annotations

import shutil
from pathlib import Path

from mi_courseware.errors import UsageError
from mi_courseware.project import builtin_dir

GITIGNORE = "output/\n"


def init_project(directory: Path) -> None:
    """Copy the bundled demo project into ``directory`` (which must be new or empty)."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageError(f"{directory}: already exists and is not empty")
    content, themes = builtin_dir("content"), builtin_dir("themes")
    if not content.is_dir() or not themes.is_dir():
        raise UsageError("this installation has no bundled demo content (reinstall the package)")
    directory.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(content, directory / "content", ignore=ignore)
    shutil.copytree(themes, directory / "themes", ignore=ignore)
    (directory / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
