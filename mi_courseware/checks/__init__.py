"""Cross-file checks: every reference resolves, ids are unique, files exist, blocks are valid.

File-level validation (types, unknown keys) happens while loading; these checks need the
whole project. Timing is checked by :mod:`mi_courseware.core.edition`, which owns the arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from mi_courseware.checks.languages import check_languages
from mi_courseware.checks.licences import check_licensing
from mi_courseware.core.colour import adjusted_text_warning
from mi_courseware.errors import Position, Problems, did_you_mean
from mi_courseware.loading.blocks import check_markdown
from mi_courseware.loading.markdown import image_ref_problem, image_refs
from mi_courseware.loading.project import Document, Project, Record
from mi_courseware.model import AddOn, Client, Course, Event, Outcome, Schedule, Session


def _unknown(
    problems: Problems, pos: Position, what: str, value: str, known: Iterable[str]
) -> None:
    problems.error(pos, f"unknown {what} '{value}'{did_you_mean(value, known)}")


def check_unique(
    record: Record[Course] | Record[AddOn],
    key: str,
    items: Sequence[Outcome | Session],
    problems: Problems,
    taken: dict[str, str] | None = None,
) -> None:
    """Ids in ``items`` (outcomes or sessions) must be unique, also against ``taken``."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.id in seen:
            problems.error(
                record.position(key, index, "id"),
                f"duplicate {key[:-1]} id '{item.id}' (first used at {key}[{seen[item.id]}])",
            )
        elif taken and item.id in taken:
            problems.error(
                record.position(key, index, "id"),
                f"{key[:-1]} id '{item.id}' is already used by {taken[item.id]}",
            )
        seen.setdefault(item.id, index)


def check_sessions(
    record: Record[Course] | Record[AddOn],
    outcome_ids: set[str],
    project: Project,
    problems: Problems,
) -> None:
    """Each session's outcomes, module and handouts exist."""
    for index, session in enumerate(record.model.sessions):
        for k, ref in enumerate(session.outcomes):
            if ref not in outcome_ids:
                pos = record.position("sessions", index, "outcomes", k)
                _unknown(problems, pos, "outcome", ref, outcome_ids)
        if session.module and not project.exists("modules", session.module):
            pos = record.position("sessions", index, "module")
            path = project.paths.content_dir("modules") / f"{session.module}.md"
            problems.error(
                pos,
                f"module '{session.module}' not found: no file {_rel(project, path)}"
                f"{did_you_mean(session.module, project.modules)}",
            )
        for k, ref in enumerate(session.handouts):
            if not project.exists("handouts", ref):
                pos = record.position("sessions", index, "handouts", k)
                path = project.paths.content_dir("handouts") / f"{ref}.md"
                problems.error(
                    pos,
                    f"handout '{ref}' not found: no file {_rel(project, path)}"
                    f"{did_you_mean(ref, project.handouts)}",
                )
        if session.body:
            line = record.position("sessions", index, "body").line + 1
            check_text(session.body, record.path, line, project, problems)


def _rel(project: Project, path: Path) -> str:
    try:
        return str(path.relative_to(project.paths.root))
    except ValueError:
        return str(path)


def check_standard_refs(
    record: Record[Course] | Record[AddOn], project: Project, problems: Problems
) -> None:
    """Every ``FRAMEWORK:CODE`` names a catalogue and one of its units."""
    for index, outcome in enumerate(record.model.outcomes):
        for k, ref in enumerate(outcome.standards):
            pos = record.position("outcomes", index, "standards", k)
            framework, sep, code = ref.partition(":")
            if not sep or not code:
                problems.error(
                    pos, f"standard '{ref}' must be written FRAMEWORK:CODE, e.g. DANOS:AI1"
                )
                continue
            if project.exists("standards", framework) and framework not in project.standards:
                continue
            catalogue = project.standards.get(framework)
            if catalogue is None:
                _unknown(problems, pos, "standards framework", framework, project.standards)
                continue
            codes = [u.code for u in catalogue.model.units]
            if code not in codes:
                problems.error(
                    pos, f"unknown code '{code}' in {framework}{did_you_mean(code, codes)}"
                )


def check_course(record: Record[Course], project: Project, problems: Problems) -> None:
    """References inside one course and to the project's other files."""
    course = record.model
    check_unique(record, "outcomes", course.outcomes, problems)
    check_unique(record, "sessions", course.sessions, problems)
    outcome_ids = {o.id for o in course.outcomes}
    session_ids = [s.id for s in course.sessions]
    check_sessions(record, outcome_ids, project, problems)
    check_standard_refs(record, project, problems)
    schedules: list[tuple[tuple[str, ...], Schedule | None]] = [(("schedule",), course.schedule)]
    schedules += [
        (("variants", name, "schedule"), v.schedule)
        for name, v in course.variants.items()
        if v.schedule is not None
    ]
    for loc, schedule in schedules:
        assert schedule is not None
        for index, item in enumerate(schedule.breaks):
            if item.after not in session_ids:
                pos = record.position(*loc, "breaks", index, "after")
                _unknown(problems, pos, "session", item.after, session_ids)
    for name, variant in course.variants.items():
        seen: set[str] = set()
        for index, ref in enumerate(variant.sessions):
            pos = record.position("variants", name, "sessions", index)
            if ref not in session_ids:
                _unknown(problems, pos, "session", ref, session_ids)
            elif ref in seen:
                problems.error(pos, f"session '{ref}' is listed twice in variant '{name}'")
            seen.add(ref)
        for index, ref in enumerate(variant.outcomes or []):
            if ref not in outcome_ids:
                pos = record.position("variants", name, "outcomes", index)
                _unknown(problems, pos, "outcome", ref, outcome_ids)
        check_claims(record, name, problems)
    for index, ref in enumerate(course.addons):
        if not project.exists("addons", ref):
            _unknown(problems, record.position("addons", index), "add-on", ref, project.addons)
            continue
        addon = project.addons.get(ref)
        if addon and addon.model.after not in session_ids:
            problems.error(
                addon.position("after"),
                f"add-on '{ref}' follows session '{addon.model.after}', which course "
                f"'{record.id}' does not have{did_you_mean(addon.model.after, session_ids)}",
            )
            continue
        if addon:
            taken = {o.id: f"course '{record.id}'" for o in course.outcomes}
            check_unique(addon, "outcomes", addon.model.outcomes, problems, taken)
            taken = {s.id: f"course '{record.id}'" for s in course.sessions}
            check_unique(addon, "sessions", addon.model.sessions, problems, taken)
    taught = {ref for s in course.sessions for ref in s.outcomes}
    for index, outcome in enumerate(course.outcomes):
        if outcome.id not in taught:
            problems.warning(
                record.position("outcomes", index, "id"),
                f"outcome '{outcome.id}' is taught by no session",
            )


def check_claims(record: Record[Course], variant: str, problems: Problems) -> None:
    """Warn, once per variant, about each outcome it claims that none of its sessions
    teaches."""
    course = record.model
    listed = set(course.variants[variant].sessions)
    taught = {ref for s in course.sessions if s.id in listed for ref in s.outcomes}
    for index, ref in enumerate(course.variants[variant].outcomes or []):
        if ref not in taught:
            problems.warning(
                record.position("variants", variant, "outcomes", index),
                f"variant '{variant}' claims outcome '{ref}', but none of its sessions teach it",
            )


def check_addon(record: Record[AddOn], project: Project, problems: Problems) -> None:
    """References inside one add-on."""
    check_unique(record, "outcomes", record.model.outcomes, problems)
    check_unique(record, "sessions", record.model.sessions, problems)
    outcome_ids = {o.id for o in record.model.outcomes}
    check_sessions(record, outcome_ids, project, problems)
    check_standard_refs(record, project, problems)


def check_client(record: Record[Client], project: Project, problems: Problems) -> None:
    """Files a client names exist; brand colours are readable or will be adjusted."""
    client = record.model
    folder = record.path.parent
    files: list[tuple[tuple[str | int, ...], str | None]] = [(("logo",), client.logo)]
    if client.signatory is not None:
        files.append((("signatory", "signature"), client.signatory.signature))
    for loc, name in files:
        if name is None:
            continue
        message = client_file_problem(folder, name, image=loc[0] in ("logo", "signatory"))
        if message:
            problems.error(record.position(*loc), message)
    for role in ("primary", "secondary", "accent"):
        warning = adjusted_text_warning(getattr(client.colours, role))
        if warning:
            problems.warning(record.position("colours", role), f"colours.{role}: {warning}")
    if client.verify_url and "{code}" not in client.verify_url:
        problems.warning(
            record.position("verify_url"),
            "verify_url has no '{code}': the QR code opens the page without the certificate's "
            "code, so the reader must type it; for a site made by 'register publish' write "
            f"{client.verify_url.split('?')[0].rstrip('/')}/?code={{code}}",
        )


def client_file_problem(folder: Path, name: str, image: bool = False) -> str | None:
    """What is wrong with a file a client names (relative to its folder), or ``None``."""
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        return f"'{name}' is outside the client's folder"
    if not path.is_file():
        return f"file '{name}' not found in content/clients/{folder.name}"
    if image and path.suffix.lower() not in (".svg", ".png"):
        return f"'{name}': use an SVG or PNG image"
    if image:
        return _image_problem(path, name)
    return None


def _image_problem(path: Path, name: str) -> str | None:
    """Whether an image file is what its name says, before any output tries to draw it."""
    from mi_courseware.loading.images import image_problem

    problem = image_problem(path)
    return f"'{name}' {problem}" if problem else None


def check_event(record: Record[Event], project: Project, problems: Problems) -> None:
    """An event names an existing course, variant, add-ons, client, theme and roster."""
    event = record.model
    course = project.courses.get(event.course)
    if not project.exists("courses", event.course):
        _unknown(problems, record.position("course"), "course", event.course, project.courses)
    if course is not None:
        variants = course.model.variants
        if event.variant is not None and event.variant not in variants:
            _unknown(problems, record.position("variant"), "variant", event.variant, variants)
        for index, ref in enumerate(event.addons):
            if ref in event.addons[:index]:
                problems.error(record.position("addons", index), f"add-on '{ref}' is listed twice")
            elif ref not in course.model.addons:
                problems.error(
                    record.position("addons", index),
                    f"add-on '{ref}' is not allowed for course '{event.course}'"
                    f"{did_you_mean(ref, course.model.addons)}",
                )
    if not project.exists("clients", event.client):
        _unknown(problems, record.position("client"), "client", event.client, project.clients)
    if event.theme not in project.themes:
        _unknown(problems, record.position("theme"), "theme", event.theme, project.themes)
    check_event_days(record, problems)


def check_event_days(record: Record[Event], problems: Problems) -> None:
    """Warn about what looks wrong in an event's days (a place missing, a closing date after
    the first day, a day at a weekend); days out of order are an error."""
    event = record.model
    days = event.course_days()
    key = event.day_key()
    unplaced = [i for i, day in enumerate(days) if day.venue is None and not day.virtual]
    if unplaced and (event.days is None or len(unplaced) == len(days)):
        problems.warning(record.position(), "event has no 'venue' (or 'virtual: true')")
    else:
        for index in unplaced:
            problems.warning(
                record.position("days", index), "this day has no 'venue' (or 'virtual: true')"
            )
    if event.closing_date and event.closing_date > days[0].date:
        problems.warning(
            record.position("closing_date"), "closing_date is after the event's first day"
        )
    for index, day in enumerate(days):
        where = record.position(key, index, "date") if event.days else record.position(key, index)
        if day.date.weekday() >= 5:
            name = "Saturday" if day.date.weekday() == 5 else "Sunday"
            problems.warning(where, f"{day.date.isoformat()} is a {name}")
        if index and day.date <= days[index - 1].date:
            problems.error(  # the pack would number the days wrongly
                where,
                f"{day.date.isoformat()} is not after the day before it "
                f"({days[index - 1].date.isoformat()}); give the days in order",
            )


def check_partial(project: Project, problems: Problems) -> None:
    """What is valid of each file that has errors is checked too, so that one mistake hides
    no other (a bad colour, a missing logo). Only errors are kept: a warning may come from
    a key left out for its error (no venue, when ``venue`` was misspelt)."""
    for (kind, _), record in sorted(project.partial.items(), key=lambda item: item[0]):
        check = _OWN_CHECKS.get(kind)
        if check is not None:
            found = Problems()
            check(record, project, found)
            problems.extend(found.errors)


def check_themes(project: Project, problems: Problems) -> None:
    """Each theme's parent exists and the chain has no loop."""
    for theme in project.themes.values():
        seen = [theme.id]
        current = theme
        while current.config.extends:
            parent = current.config.extends
            if parent not in project.themes:
                pos = current.source.position(("extends",))
                _unknown(problems, pos, "theme", parent, project.themes)
                break
            if parent in seen:
                pos = current.source.position(("extends",))
                loop = " -> ".join([*seen, parent])
                problems.error(pos, f"themes extend each other in a loop: {loop}")
                break
            seen.append(parent)
            current = project.themes[parent]
        if not theme.builtin:
            check_theme_files(theme.path, problems)


#: Files a theme's ``fonts/`` folder may hold that the outputs load as fonts.
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")


def check_theme_files(folder: Path, problems: Problems) -> None:
    """Every font a project theme ships can be read as a font (a broken one would otherwise
    be passed over by the PDF engine, silently, for another face)."""
    from fontTools.ttLib import TTFont, TTLibError

    for path in sorted((folder / "fonts").rglob("*")) if (folder / "fonts").is_dir() else ():
        if path.suffix.lower() not in FONT_SUFFIXES or not path.is_file():
            continue
        try:
            with TTFont(path, lazy=True) as font:
                font["cmap"]
        except (TTLibError, OSError, KeyError, ValueError, AssertionError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            problems.error(
                Position(path), f"'{path.name}' is not a font file that can be used ({reason})"
            )


def check_stylesheets(project: Project, problems: Problems) -> None:
    """Every stylesheet a document may link or import (a project theme's, a client's in its
    ``templates/``) keeps to sizes a page can hold: checked here, once per file, so that the
    renderers need not (the built-in themes' are the tool's own, checked by its tests)."""
    from mi_courseware.loading.allowed import linkable_stylesheets
    from mi_courseware.loading.stylesheets import extreme_lengths

    themes = [theme.path for theme in project.themes.values() if not theme.builtin]
    clients = [(client.path.parent, ident) for ident, client in project.clients.items()]
    for path in linkable_stylesheets(themes, clients, project.paths.root):
        if project.readable(path):  # a link out of the project is reported where it is
            text = path.read_text(encoding="utf-8", errors="replace")
            problems.extend(extreme_lengths(path, text))


def check_text(
    text: str,
    path: Path,
    first_line: int,
    project: Project,
    problems: Problems,
    within: Path | None = None,
) -> None:
    """A Markdown text's blocks, its size, and every picture it shows (inside ``within``
    when given: a client's page shows only its own folder's pictures). Each picture is
    decoded here, once, so that documents may show it without looking again."""
    from mi_courseware.loading.images import image_problem

    before = len(problems.errors)
    check_markdown(text, path, first_line, problems)
    if len(problems.errors) > before:
        return  # a text over the limits is not parsed further
    for ref in image_refs(text):
        message = image_ref_problem(ref.src, ref.alt, path, project.paths.root, within)
        if message is None:
            problem = image_problem((path.parent / ref.src).resolve())
            message = f"image '{ref.src}' {problem}" if problem else None
        if message:
            problems.error(Position(path, first_line + ref.line), message)


def check_documents(project: Project, problems: Problems) -> None:
    """Blocks in modules, handouts and client pages are known and closed."""
    documents: list[Document[Any]] = [*project.modules.values(), *project.handouts.values()]
    for document in documents:
        check_text(document.body, document.path, document.file.body_line, project, problems)
    for ident, pages in project.pages.items():
        client = project.clients.get(ident)
        within = client.path.parent if client is not None else None
        for page in pages:
            check_text(page.body, page.path, page.file.body_line, project, problems, within)


#: The checks of one file's own keys, by kind: made on what is valid of a broken file too.
_OWN_CHECKS: dict[str, Any] = {
    "courses": check_course,
    "addons": check_addon,
    "clients": check_client,
    "events": check_event,
}


def check_project(project: Project, problems: Problems) -> None:
    """Every cross-file check."""
    for course in project.courses.values():
        check_course(course, project, problems)
    for addon in project.addons.values():
        check_addon(addon, project, problems)
    for client in project.clients.values():
        check_client(client, project, problems)
    for event in project.events.values():
        check_event(event, project, problems)
    check_partial(project, problems)
    check_themes(project, problems)
    check_stylesheets(project, problems)
    check_languages(project, problems)
    check_documents(project, problems)
    check_licensing(project, problems)  # trainers' accreditations and clients' licences

    from mi_courseware.checks.fonts import check_client_fonts, check_text_fonts
    from mi_courseware.checks.slides import check_slide_layouts

    check_slide_layouts(project, problems)
    check_text_fonts(project, problems)
    check_client_fonts(project, problems)
