"""``mi-courseware init``: a new project from what the tool ships.

The demo project (three courses, add-ons, handouts, standards, clients and an event) or, with
``--bare``, one small course, one client and one event to start from. Either way the new
project gets the default themes to change, a README saying what each folder is for, and the
reference of every file format.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from mi_courseware.errors import UsageError
from mi_courseware.project import PACKAGE_DIR, builtin_dir

#: What git must never hold: outputs (disposable) and the register with its signing keys.
IGNORED = ("output/", "records/")
#: What a folder may hold and still count as empty: a new git repository.
GIT_FILES = {".git", ".gitignore"}
STARTER = PACKAGE_DIR / "starter"


def init_project(directory: Path, bare: bool = False) -> None:
    """Make a new project in ``directory`` (new, empty, or a new git repository)."""
    if directory.exists() and (
        not directory.is_dir() or any(p.name not in GIT_FILES for p in directory.iterdir())
    ):
        raise UsageError(f"{directory}: already exists and is not empty")
    content = STARTER / "bare" / "content" if bare else builtin_dir("content")
    themes = builtin_dir("themes")
    reference = builtin_dir("docs") / "reference.md"
    if not content.is_dir() or not themes.is_dir() or not reference.is_file():
        raise UsageError("this installation has no bundled demo content (reinstall the package)")
    directory.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(content, directory / "content", ignore=ignore)
    shutil.copytree(themes, directory / "themes", ignore=ignore)
    shutil.copyfile(STARTER / "README.md", directory / "README.md")
    shutil.copyfile(reference, directory / "reference.md")
    ignore_in_git(directory / ".gitignore")


def ignore_in_git(path: Path) -> None:
    """Make ``.gitignore`` keep :data:`IGNORED` out of git: lines it lacks are added, the
    rest of an existing file is kept as it is."""
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    have = {line.strip().lstrip("/") for line in text.splitlines()}
    missing = [line for line in IGNORED if line not in have and line.rstrip("/") not in have]
    if not missing:
        return
    joined = "\n".join(missing) + "\n"
    path.write_text(text + ("\n" if text and not text.endswith("\n") else "") + joined, "utf-8")
