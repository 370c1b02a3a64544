"""Reading every file of a courseware project into validated models, problems collected."""

from __future__ import annotations

import os
from pathlib import Path

from mi_courseware.errors import Position, Problems
from mi_courseware.loading.coding import load_coding
from mi_courseware.loading.project import Project, ThemeRecord
from mi_courseware.loading.records import Document, M, Record, load_document, load_partial
from mi_courseware.loading.responses import read_table, responses_file
from mi_courseware.loading.roster import read_roster_table
from mi_courseware.loading.wording import theme_languages, wording
from mi_courseware.loading.yaml_file import load_yaml
from mi_courseware.model import (
    AddOn,
    Client,
    Course,
    Event,
    HandoutMeta,
    ModuleMeta,
    PageMeta,
    StandardsCatalogue,
    ThemeConfig,
    Trainer,
)
from mi_courseware.model.base import validate
from mi_courseware.project import ProjectPaths, builtin_dir


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The files of one kind. Names only: a folder linked from outside the project is listed
    (its files then count as broken, so that references to them stay quiet) but not read."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in suffixes and p.is_file())


def check_links(project: Project, problems: Problems) -> None:
    """Every link under content/ and themes/ must lead to a place inside the project.

    A link to ``/etc/passwd`` named ``welcome.md`` would otherwise print that file in the
    pack; a linked folder would bring in everything under it. Such links are reported where
    they are and never followed.
    """
    root = project.paths.root.resolve()
    for top in (project.paths.content, project.paths.themes):
        if top.is_symlink() or not top.is_dir():
            entries = [top] if top.is_symlink() else []
        else:
            entries = []
            for folder, dirs, names in os.walk(top):  # links to folders are listed, not entered
                entries += [Path(folder, n) for n in (*dirs, *names)]
        for path in sorted(entries):
            if not path.is_symlink():
                continue
            target = path.resolve()
            if target.is_relative_to(root):
                continue
            project.outside.add(path)
            kind = "folder" if target.is_dir() else "file"
            problems.error(
                Position(path),
                f"'{path.name}' is a link to a {kind} outside the project ({target}); "
                "copy it into the project instead",
            )


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
        if not project.readable(path):  # reported by check_links
            project.broken.add((kind, ident))
            continue
        record = _load_kept(path, model, kind, ident, project, problems)
        if record is not None:
            records[ident] = record
    return records


def _load_kept(
    path: Path, model: type[M], kind: str, ident: str, project: Project, problems: Problems
) -> Record[M] | None:
    """One file's record; one with errors is broken (cross-checks stay quiet about it),
    and what of it is valid is kept for the checks of its own keys (``project.partial``)."""
    record, partial = load_partial(path, model, ident, problems)
    if record is None or partial:
        project.broken.add((kind, ident))
        if record is not None:
            project.partial[(kind, ident)] = record
        return None
    return record


def _load_documents(
    folder: Path, meta: type[M], kind: str, project: Project, problems: Problems
) -> dict[str, Document[M]]:
    documents: dict[str, Document[M]] = {}
    for path in _files(folder, (".md",)):
        if not project.readable(path):  # reported by check_links
            project.broken.add((kind, path.stem))
            continue
        document = load_document(path, meta, problems)
        if document is None:
            project.broken.add((kind, path.stem))
        else:
            documents[path.stem] = document
    return documents


def _load_clients(project: Project, problems: Problems) -> None:
    folder = project.paths.content_dir("clients")
    if not folder.is_dir() or not project.readable(folder):
        return
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and project.readable(p)):
        path = sub / "client.yaml"
        if not path.is_file():
            problems.error(Position(sub), f"client folder '{sub.name}' has no client.yaml")
            continue
        if not project.readable(path):
            project.broken.add(("clients", sub.name))
            continue
        record = _load_kept(path, Client, "clients", sub.name, project, problems)
        if record is not None:
            project.clients[sub.name] = record


def _load_themes(project: Project, problems: Problems) -> None:
    for folder, builtin in ((builtin_dir("themes"), True), (project.paths.themes, False)):
        if not folder.is_dir():
            continue
        if not project.readable(folder):
            continue
        for sub in sorted(p for p in folder.iterdir() if p.is_dir() and project.readable(p)):
            path = sub / "theme.yaml"
            if not project.readable(path):
                continue
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


def roster_path(record: Record[Event], root: Path) -> tuple[Path | None, str | None]:
    """Where an event's roster is, or what is wrong with where it says it is."""
    named = record.model.roster
    if not named:
        return None, None
    path = (record.path.parent / named).resolve()
    if not path.is_relative_to(root.resolve()):
        return None, f"roster '{named}' is outside the project"
    if not path.is_file():
        return None, f"roster file '{named}' not found"
    return path, None


def _load_rosters(project: Project, problems: Problems) -> None:
    for ident, record in project.events.items():
        path, message = roster_path(record, project.paths.root)
        if message:
            problems.error(record.position("roster"), message)
        if path is not None and project.readable(record.path.parent / str(record.model.roster)):
            table = read_roster_table(record.path.parent / str(record.model.roster), problems)
            if table is not None:
                project.rosters[ident] = table


def _load_pages(project: Project, problems: Problems) -> None:
    for ident, record in project.clients.items():
        folder = record.path.parent
        documents: list[Document[PageMeta]] = []
        for index, name in enumerate(record.model.pages):
            path = (folder / name).resolve()
            if not path.is_relative_to(folder.resolve()):
                problems.error(
                    record.position("pages", index), f"'{name}' is outside the client's folder"
                )
                continue
            if not path.is_file():
                problems.error(
                    record.position("pages", index),
                    f"file '{name}' not found in content/clients/{folder.name}",
                )
                continue
            document = load_document(folder / name, PageMeta, problems)
            if document is not None:
                documents.append(document)
        project.pages[ident] = documents


def _load_wording(project: Project, problems: Problems) -> None:
    """Read the wording each event's outputs use: its theme's, in every language the theme
    provides (its client's for the documents, all of them for matching an evaluation's column
    headers in any language; a language the theme lacks is the checks' to report)."""
    from mi_courseware.errors import ContentError

    themes = {record.model.theme for record in project.events.values()}
    for theme in sorted(themes & set(project.themes)):  # an unknown theme: the checks say so
        try:
            for code in theme_languages(project, theme):
                wording(project, theme, code)
        except ContentError:
            # a theme catalogue that cannot be read: the check phase reports its problems,
            # once, with every other catalogue's (``languages.check_languages``)
            continue


def _load_responses(project: Project, problems: Problems) -> None:
    """Read each event's evaluation responses, if it has a response file."""
    root, folder = project.paths.root, project.paths.content_dir("evaluations")
    for ident, record in project.events.items():
        path = responses_file(record, root, folder, project.readable, problems)
        table = read_table(path, problems) if path is not None else None
        if table is not None:
            project.responses[ident] = table


def load_project(paths: ProjectPaths, problems: Problems) -> Project:
    """Read every file of the project; file-level problems go to ``problems``."""
    project = Project(paths)
    check_links(project, problems)
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
    _load_pages(project, problems)
    _load_rosters(project, problems)
    _load_responses(project, problems)
    _load_themes(project, problems)
    _load_wording(project, problems)
    project.trainers = _load_records(content("trainers"), Trainer, "trainers", project, problems)
    load_coding(project, problems)
    return project
