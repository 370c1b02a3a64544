"""Reading every file of a courseware project into validated models, problems collected."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from mi_courseware.errors import Position, Problems
from mi_courseware.loading.markdown_file import MarkdownFile, load_markdown
from mi_courseware.loading.yaml_file import SourceMap, load_yaml
from mi_courseware.model import (
    AddOn,
    Client,
    Course,
    Event,
    HandoutMeta,
    ModuleMeta,
    Scale,
    StandardsCatalogue,
    ThemeConfig,
    Trainer,
)
from mi_courseware.model.base import Model, validate
from mi_courseware.project import ProjectPaths, builtin_dir

if TYPE_CHECKING:
    from mi_courseware.coding.records import PractitionerInfo

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Record(Generic[M]):
    """One loaded file: its id, where it is, its validated model and its source positions."""

    id: str
    path: Path
    model: M
    source: SourceMap

    def position(self, *loc: str | int, key: bool = False) -> Position:
        """Where the value at ``loc`` is written in this file."""
        return self.source.position(loc, key=key)


@dataclass(frozen=True)
class Document(Generic[M]):
    """A Markdown file with validated front matter."""

    id: str
    path: Path
    meta: M
    file: MarkdownFile

    @property
    def body(self) -> str:
        """The Markdown below the front matter."""
        return self.file.body


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

    def exists(self, kind: str, ident: str) -> bool:
        """Whether a file of ``kind`` with ``ident`` exists, loaded or broken."""
        table = getattr(self, kind)
        return ident in table or (kind, ident) in self.broken


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in suffixes)


def _load_records(
    folder: Path, model: type[M], kind: str, project: Project, problems: Problems
) -> dict[str, Record[M]]:
    records: dict[str, Record[M]] = {}
    seen: dict[str, Path] = {}
    for path in _files(folder, (".yaml", ".yml")):
        ident = path.stem
        if ident in seen:  # name.yaml and name.yml: one id, two files
            problems.error(
                Position(path),
                f"'{ident}' is already defined by {seen[ident].name}; keep one of the two files",
            )
            continue
        seen[ident] = path
        record = load_record(path, model, ident, problems)
        if record is None:
            project.broken.add((kind, ident))
        else:
            records[ident] = record
    return records


def load_record(path: Path, model: type[M], ident: str, problems: Problems) -> Record[M] | None:
    """Load and validate one YAML file."""
    loaded = load_yaml(path, problems)
    if loaded is None:
        return None
    data, source = loaded
    value = validate(model, data, source, problems)
    return None if value is None else Record(ident, path, value, source)


def _load_documents(
    folder: Path, meta: type[M], kind: str, project: Project, problems: Problems
) -> dict[str, Document[M]]:
    documents: dict[str, Document[M]] = {}
    for path in _files(folder, (".md",)):
        document = load_document(path, meta, problems)
        if document is None:
            project.broken.add((kind, path.stem))
        else:
            documents[path.stem] = document
    return documents


def load_document(path: Path, meta: type[M], problems: Problems) -> Document[M] | None:
    """Load one Markdown file and validate its front matter."""
    file = load_markdown(path, problems)
    if file is None:
        return None
    value = validate(meta, file.meta, file.source, problems)
    if value is None:
        return None
    return Document(path.stem, path, value, file)


def _load_clients(project: Project, problems: Problems) -> None:
    folder = project.paths.content_dir("clients")
    if not folder.is_dir():
        return
    for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
        path = sub / "client.yaml"
        if not path.is_file():
            problems.error(Position(sub), f"client folder '{sub.name}' has no client.yaml")
            continue
        record = load_record(path, Client, sub.name, problems)
        if record is None:
            project.broken.add(("clients", sub.name))
        else:
            project.clients[sub.name] = record


def _load_themes(project: Project, problems: Problems) -> None:
    for folder, builtin in ((builtin_dir("themes"), True), (project.paths.themes, False)):
        if not folder.is_dir():
            continue
        for sub in sorted(p for p in folder.iterdir() if p.is_dir()):
            path = sub / "theme.yaml"
            if not path.is_file():
                if not builtin:
                    problems.error(Position(sub), f"theme folder '{sub.name}' has no theme.yaml")
                continue
            loaded = load_yaml(path, problems)
            if loaded is None:
                continue
            config = validate(ThemeConfig, loaded[0], loaded[1], problems)
            if config is not None:
                project.themes[sub.name] = ThemeRecord(sub.name, sub, config, loaded[1], builtin)


def load_project(paths: ProjectPaths, problems: Problems) -> Project:
    """Read every file of the project; file-level problems go to ``problems``."""
    project = Project(paths)
    content = paths.content_dir
    project.courses = _load_records(content("courses"), Course, "courses", project, problems)
    project.addons = _load_records(content("addons"), AddOn, "addons", project, problems)
    catalogues = _load_records(
        content("standards"), StandardsCatalogue, "standards", project, problems
    )
    for record in catalogues.values():
        framework = record.model.framework.id
        if framework in project.standards:
            other = project.standards[framework].path.name
            problems.error(
                record.position("framework", "id"),
                f"framework '{framework}' is already defined in {other}",
            )
        else:
            project.standards[framework] = record
    project.events = _load_records(content("events"), Event, "events", project, problems)
    project.modules = _load_documents(content("modules"), ModuleMeta, "modules", project, problems)
    project.handouts = _load_documents(
        content("handouts"), HandoutMeta, "handouts", project, problems
    )
    _load_clients(project, problems)
    _load_themes(project, problems)
    project.trainers = _load_records(content("trainers"), Trainer, "trainers", project, problems)
    from mi_courseware.loading.coding import load_coding  # it builds on Record and load_record

    load_coding(project, problems)
    return project
