"""A courseware project as read: every file as a validated model (:func:`mi_courseware.loading.
read.load_project` reads it), what could not be read, and what the read phase kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.core.positions import SourceMap
from mi_courseware.core.slides import SlideSpec
from mi_courseware.loading.records import Document, Record
from mi_courseware.loading.responses import ResponseTable
from mi_courseware.loading.roster import RosterTable
from mi_courseware.model import (
    AddOn,
    Client,
    Course,
    Event,
    HandoutMeta,
    ModuleMeta,
    PageMeta,
    Scale,
    StandardsCatalogue,
    ThemeConfig,
    Trainer,
)
from mi_courseware.project import ProjectPaths

if TYPE_CHECKING:
    from mi_courseware.loading.coded import PractitionerInfo
    from mi_courseware.loading.i18n import Translator


@dataclass(frozen=True)
class ThemeRecord:
    """A theme folder and its settings."""

    id: str
    path: Path
    config: ThemeConfig
    source: SourceMap
    builtin: bool


@dataclass
class Project:
    """Everything a courseware project holds, read and validated file by file."""

    paths: ProjectPaths
    courses: dict[str, Record[Course]] = field(default_factory=dict)
    addons: dict[str, Record[AddOn]] = field(default_factory=dict)
    standards: dict[str, Record[StandardsCatalogue]] = field(default_factory=dict)
    clients: dict[str, Record[Client]] = field(default_factory=dict)
    events: dict[str, Record[Event]] = field(default_factory=dict)
    modules: dict[str, Document[ModuleMeta]] = field(default_factory=dict)
    handouts: dict[str, Document[HandoutMeta]] = field(default_factory=dict)
    themes: dict[str, ThemeRecord] = field(default_factory=dict)
    trainers: dict[str, Record[Trainer]] = field(default_factory=dict)
    #: Coding scales: the built-in ones, then the project's own (``content/scales/``).
    scales: dict[str, Record[Scale]] = field(default_factory=dict)
    #: Practitioners with coded sessions (``content/coding/<id>/``).
    practitioners: dict[str, PractitionerInfo] = field(default_factory=dict)
    #: Ids that exist as files but failed to load; cross-checks stay quiet about them.
    broken: set[tuple[str, str]] = field(default_factory=set)
    #: What is valid of a broken file (its keys in error left out), by kind and id: the
    #: checks of its own keys are made on it, so that one mistake hides no other.
    partial: dict[tuple[str, str], Record[Any]] = field(default_factory=dict)
    #: Each event's roster as read (events with no roster, or one that cannot be read, have
    #: none here; the problem is reported at the event's ``roster`` line).
    rosters: dict[str, RosterTable] = field(default_factory=dict)
    #: Theme wording read so far, by theme and language (:func:`mi_courseware.loading.wording.
    #: wording`).
    wordings: dict[tuple[str, str], Translator] = field(default_factory=dict)
    #: The languages each theme's catalogues provide, once looked for
    #: (:func:`mi_courseware.loading.wording.theme_languages`).
    theme_languages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Each event's evaluation responses as read (events with none, or with a file that
    #: cannot be read, have none here; the problem is reported at the file or the event).
    responses: dict[str, ResponseTable] = field(default_factory=dict)
    #: Each client's extra pages, read, in the order its file lists them.
    pages: dict[str, list[Document[PageMeta]]] = field(default_factory=dict)
    #: Links in content/ or themes/ that lead out of the project (reported, never read).
    outside: set[Path] = field(default_factory=set)
    #: Each ``slides/layouts.yaml`` the check phase passed (by resolved path), as plain data.
    slides: dict[Path, SlideSpec] = field(default_factory=dict)

    def summary(self) -> str:
        """``4 courses, 4 add-ons, 3 clients, 2 events``."""
        from mi_courseware.errors import plural

        return ", ".join(
            plural(len(table), word)
            for table, word in (
                (self.courses, "course"),
                (self.addons, "add-on"),
                (self.clients, "client"),
                (self.events, "event"),
            )
        )

    def readable(self, path: Path) -> bool:
        """Whether ``path`` may be read: not through a link that leads out of the project."""
        return not any(path == link or path.is_relative_to(link) for link in self.outside)

    def exists(self, kind: str, ident: str) -> bool:
        """Whether a file of ``kind`` with ``ident`` exists, loaded or broken."""
        table = getattr(self, kind)
        return ident in table or (kind, ident) in self.broken
