"""Finding a courseware project and the places inside it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mi_courseware.errors import UsageError

PACKAGE_DIR = Path(__file__).resolve().parent


def builtin_dir(name: str) -> Path:
    """A folder shipped with the tool (``themes``, ``content`` or ``scales``).

    Inside an installed wheel they live in ``mi_courseware/data/``; in a source checkout they
    are the repository's own folders.
    """
    packaged = PACKAGE_DIR / "data" / name
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / name


@dataclass(frozen=True)
class ProjectPaths:
    """The folders of one courseware project."""

    root: Path

    @property
    def content(self) -> Path:
        """Course definitions and everything they use."""
        return self.root / "content"

    @property
    def themes(self) -> Path:
        """The project's own themes (the built-in ones are searched after these)."""
        return self.root / "themes"

    @property
    def output(self) -> Path:
        """Everything generated; disposable."""
        return self.root / "output"

    @property
    def records(self) -> Path:
        """Records kept between builds (the certificate register)."""
        return self.root / "records"

    def content_dir(self, kind: str) -> Path:
        """``content/<kind>/``, e.g. ``courses``."""
        return self.content / kind


def find_project(explicit: Path | None = None, start: Path | None = None) -> ProjectPaths:
    """The project given by ``--project``, or the nearest folder above ``start`` with content/."""
    if explicit is not None:
        shown = str(explicit) if len(str(explicit)) <= 80 else str(explicit)[:77] + "..."
        try:
            root = explicit.resolve()
            found = (root / "content").is_dir()
        except OSError as exc:
            raise UsageError(f"--project {shown}: {exc.strerror or exc}") from None
        if not found:
            raise UsageError(f"{shown}: not a courseware project (no content/ folder)")
        return ProjectPaths(root)
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "content").is_dir():
            return ProjectPaths(folder)
    raise UsageError(
        "no courseware project here: no content/ folder in this directory or above it "
        "(use --project DIR, or 'mi-courseware init DIR' to start one)"
    )
