"""Resolution: course + variant + add-ons + client (+ event) -> one timed, branded Edition.

Every builder renders from an :class:`Edition` alone. Resolution is also where the timing
arithmetic lives: sessions and breaks are laid out on the clock per day, and an overrun is a
problem reported with its size in minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from mi_courseware.core.edition import (
    AddOnInfo,
    Brand,
    BrandColours,
    ContactDetails,
    Edition,
    EditionOutcome,
    EditionSession,
    Handout,
    Page,
    ReadingItem,
    Selection,
    SignatoryDetails,
    Slot,
    StandardUnit,
)
from mi_courseware.core.languages import FALLBACK
from mi_courseware.core.people import Participant
from mi_courseware.core.slides import SlideSpec
from mi_courseware.errors import Position, Problems, did_you_mean
from mi_courseware.loading.languages import theme_lacks
from mi_courseware.loading.markdown import image_sources
from mi_courseware.loading.project import Project
from mi_courseware.loading.records import Record
from mi_courseware.loading.themes import theme_chain, theme_options
from mi_courseware.loading.wording import project_languages
from mi_courseware.loading.wording import wording as theme_wording
from mi_courseware.model import (
    AddOn,
    Break,
    Client,
    Course,
    Event,
    Outcome,
    Schedule,
    Session,
    TimeRange,
)
from mi_courseware.model.client import DEFAULT_ACCENT, DEFAULT_PRIMARY, DEFAULT_SECONDARY
from mi_courseware.resolving.days import (
    Window,
    check_printed_names,
    event_info,
    event_participants,
    event_windows,
    place_days,
)
from mi_courseware.resolving.evaluation import with_evaluation

#: How a heading in course text marks a practice section (``## Try it: rulers``). Outputs
#: print the theme's ``try_it`` wording in its place, in the client's language.
PRACTICE = "Try it:"


@dataclass(frozen=True)
class _Planned:
    session: Session
    addon: str | None
    day: int
    owner: str  # the course session this one belongs with, for placing breaks


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _clock(start: time, minutes: int) -> time:
    return (datetime.combine(date(2000, 1, 1), start) + timedelta(minutes=minutes)).time()


def order_sessions(
    course: Course,
    variant: str | None,
    addons: list[Record[AddOn]],
    pos: Position,
    problems: Problems,
    addon_positions: Sequence[Position] = (),
) -> list[_Planned]:
    """The edition's sessions in delivery order, add-on sessions after the one they follow.

    An add-on whose session is not in the variant is reported at ``addon_positions[i]`` (where
    the add-on was chosen), else at ``pos``.
    """
    by_id = {s.id: s for s in course.sessions}
    ids = course.variants[variant].sessions if variant else [s.id for s in course.sessions]
    planned = [_Planned(by_id[i], None, by_id[i].day, i) for i in ids if i in by_id]
    for number, addon in enumerate(addons):
        after = addon.model.after
        index = next((k for k, p in enumerate(planned) if p.session.id == after), None)
        if index is None:
            if after not in by_id:
                continue  # not a session of the course at all: check_course reports that
            name = f"variant '{variant}'" if variant else "the course"
            where = addon_positions[number] if number < len(addon_positions) else pos
            problems.error(
                where,
                f"add-on '{addon.id}' follows session '{after}', which {name} does not include",
            )
            continue
        while index + 1 < len(planned) and planned[index + 1].addon is not None:
            index += 1
        day = planned[index].day
        extra = [_Planned(s, addon.id, day, after) for s in addon.model.sessions]
        planned[index + 1 : index + 1] = extra
    return planned


def break_name(brk: Break) -> str:
    """A break's own title, else its kind in English (validate's timing needs no wording)."""
    return brk.title or brk.kind.capitalize()


def lay_out_days(
    planned: list[_Planned],
    schedule: Schedule,
    window: TimeRange | None,
    label: str,
    pos: Position,
    problems: Problems,
    windows: Sequence[Window] = (),
    name_break: Callable[[Break], str] = break_name,
) -> list[tuple[int, list[Slot]]]:
    """Put sessions and breaks on the clock, day by day; report any day that overruns.

    Day ``i`` (in course order) keeps to ``windows[i]`` when given, else to ``window``
    (reported at ``pos``), and always to the schedule's length. ``name_break`` gives each
    break's timetable title (the theme's wording, by language).
    """
    breaks = {b.after: b for b in schedule.breaks}
    day_numbers = sorted({p.day for p in planned})
    days: list[tuple[int, list[Slot]]] = []
    for order, number in enumerate(day_numbers):
        own = windows[order] if order < len(windows) else Window(window, pos)
        start = own.times.start if own.times else schedule.start
        limit = _minutes(schedule.end) - _minutes(schedule.start)
        if own.times is not None:
            limit = min(limit, own.times.minutes)
        end = _clock(start, limit)
        items = [p for p in planned if p.day == number]
        slots: list[Slot] = []
        elapsed = 0
        for index, item in enumerate(items):
            s = item.session
            slots.append(
                Slot(
                    "session",
                    s.title,
                    _clock(start, elapsed),
                    _clock(start, elapsed + s.minutes),
                    s.minutes,
                    s.id,
                )
            )
            elapsed += s.minutes
            follows = items[index + 1] if index + 1 < len(items) else None
            brk = breaks.get(item.owner)
            if brk is not None and follows is not None and follows.owner != item.owner:
                slots.append(
                    Slot(
                        "break",
                        name_break(brk),
                        _clock(start, elapsed),
                        _clock(start, elapsed + brk.minutes),
                        brk.minutes,
                    )
                )
                elapsed += brk.minutes
        if elapsed > limit:
            day = f" on day {number}" if len(day_numbers) > 1 or number > 1 else ""
            problems.error(
                own.position,
                f"{label} runs {elapsed - limit} minutes over{day}: sessions and breaks take "
                f"{elapsed} minutes, but {start:%H:%M}–{end:%H:%M} allows {limit}",
            )
        days.append((number, slots))
    return days


def _initials(ident: str) -> str:
    parts = [p for p in ident.replace("_", "-").split("-") if p]
    return "".join(p[0] for p in parts).upper()[:8] or "MI"


def make_brand(record: Record[Client], project: Project) -> Brand:
    """The client's brand with its files resolved and its extra pages (read and checked)."""
    client = record.model
    folder = record.path.parent
    pages = [
        Page(d.meta.title, d.body, d.path, d.file.body_line)
        for d in project.pages.get(record.id, [])
    ]
    signature = None
    if client.signatory and client.signatory.signature:
        signature = folder / client.signatory.signature
    return Brand(
        client_id=record.id,
        name=client.name,
        logo=folder / client.logo if client.logo else None,
        logo_alt=client.logo_alt or f"{client.name} logo",
        colours=BrandColours(
            client.colours.primary, client.colours.secondary, client.colours.accent
        ),
        contact=ContactDetails(**client.contact.model_dump()),
        signatory=(SignatoryDetails(**client.signatory.model_dump()) if client.signatory else None),
        signature=signature,
        language=client.language,
        pages=tuple(pages),
        verify_url=client.verify_url,
        certificate_prefix=client.certificate_prefix or _initials(record.id),
        folder=folder,
        sender=client.sender,
    )


def _units(refs: list[str], project: Project) -> tuple[StandardUnit, ...]:
    units = []
    frameworks = list(project.standards)
    for ref in refs:
        framework, _, code = ref.partition(":")
        record = project.standards.get(framework)
        if record is None:
            continue
        for index, unit in enumerate(record.model.units):
            if unit.code == code:
                f = record.model.framework
                order = (frameworks.index(framework), index)
                units.append(
                    StandardUnit(f.id, f.title, f.publisher, code, unit.title, order, unit.note)
                )
    return tuple(units)


def resolve(project: Project, selection: Selection, problems: Problems) -> Edition | None:
    """Build the Edition for ``selection`` from a read and checked project.

    Reads no file and checks nothing the checks (or the command line) check: a selection
    naming what the project lacks gives ``None`` (its problem is reported there). What only
    resolution can find (a day that overruns, dates that do not match the course's days) is
    recorded in ``problems``; ``None`` when any error is.
    """
    before = len(problems.errors)
    event_record = project.events.get(selection.event) if selection.event else None
    course_record = project.courses.get(selection.course)
    if course_record is None:
        return None
    course = course_record.model
    variant = selection.variant
    if variant is None and course.variants:
        variant = next(iter(course.variants))
    if variant is not None and variant not in course.variants:
        return None
    addons: list[Record[AddOn]] = []
    for ref in selection.addons:
        addon = project.addons.get(ref)
        if ref not in course.addons or addon is None:
            return None
        if addon not in addons:  # the same add-on twice counts once
            addons.append(addon)
    client_record = project.clients.get(selection.client) if selection.client else None
    if selection.client and client_record is None:
        return None
    edition = _assemble(
        project, course_record, variant, addons, client_record, event_record, selection, problems
    )
    edition = with_evaluation(edition, course_record, event_record, project, problems)
    return None if len(problems.errors) > before else edition


def plan(
    project: Project,
    course_record: Record[Course],
    variant: str | None,
    addons: list[Record[AddOn]],
    window: TimeRange | None,
    pos: Position,
    problems: Problems,
    addon_positions: Sequence[Position] = (),
    windows: Sequence[Window] = (),
    name_break: Callable[[Break], str] = break_name,
) -> tuple[list[_Planned], list[tuple[int, list[Slot]]]]:
    """Order and time an edition's sessions; used by :func:`resolve` and by ``validate``.

    ``windows`` holds the event's own times for each day, when its days differ.
    """
    course = course_record.model
    planned = order_sessions(course, variant, addons, pos, problems, addon_positions)
    schedule = course.schedule
    if variant and course.variants[variant].schedule is not None:
        schedule = course.variants[variant].schedule  # type: ignore[assignment]
    label = f"variant '{variant}'" if variant else f"course '{course_record.id}'"
    if addons:
        names = ", ".join(f"'{a.id}'" for a in addons)
        label += f" with add-on{'s' if len(addons) > 1 else ''} {names}"
    return planned, lay_out_days(
        planned, schedule, window, label, pos, problems, windows, name_break
    )


def _language(
    project: Project,
    client_record: Record[Client] | None,
    event_record: Record[Event] | None,
    theme: str,
    chain: list[Path],
    problems: Problems,
) -> str:
    """The client's language; an error at it when a theme chosen on the command line (or for
    a build without an event) lacks it. An event's own theme, and a language no theme has,
    are the checks' to report (:func:`~mi_courseware.checks.languages.check_languages`)."""
    if client_record is None:
        return FALLBACK
    code = client_record.model.language
    lacks = theme_lacks(theme, chain, client_record.id, code)
    if lacks is None:
        return code
    checked = event_record is not None and event_record.model.theme == theme
    if not checked and code in project_languages(project):
        problems.error(client_record.position("language"), lacks)
    return FALLBACK  # only to go on: the build stops at the error reported


def _assemble(
    project: Project,
    course_record: Record[Course],
    variant: str | None,
    addons: list[Record[AddOn]],
    client_record: Record[Client] | None,
    event_record: Record[Event] | None,
    selection: Selection,
    problems: Problems,
) -> Edition:
    course = course_record.model
    event = event_record.model if event_record else None
    if event_record is not None:
        pos = event_record.position("times" if event and event.times else "addons")
    elif variant:
        pos = course_record.position("variants", variant, "sessions")
    else:
        pos = course_record.position("schedule", "end")
    window = event.times if event else None
    if event_record is not None and event is not None:
        chosen = [event_record.position("addons", event.addons.index(a.id)) for a in addons]
    else:
        chosen = [course_record.position("addons", course.addons.index(a.id)) for a in addons]
    windows = event_windows(event_record)
    theme = selection.theme or (event.theme if event else None) or "default"
    known = theme if theme in project.themes else "default"
    chain = theme_chain(project, known)
    language = _language(project, client_record, event_record, known, chain, problems)
    wording = theme_wording(project, known, language)

    def name_break(brk: Break) -> str:
        return brk.title or wording(f"{brk.kind}_title")

    planned, laid = plan(
        project, course_record, variant, addons, window, pos, problems, chosen, windows, name_break
    )

    outcome_records: dict[str, tuple[Outcome, str | None]] = {
        o.id: (o, None) for o in course.outcomes
    }
    for addon in addons:
        outcome_records.update({o.id: (o, addon.id) for o in addon.model.outcomes})
    outcomes_by_id: dict[str, EditionOutcome] = {}
    for ident, (o, source) in outcome_records.items():
        outcomes_by_id[ident] = EditionOutcome(
            ident, o.text, o.short or o.text, _units(o.standards, project), source
        )
    taught = [ref for p in planned for ref in p.session.outcomes]
    claimed = course.variants[variant].outcomes if variant else None
    if variant is not None and claimed is not None:
        keep = set(claimed) | {o.id for a in addons for o in a.model.outcomes}
    else:
        keep = set(taught)
    outcomes = tuple(o for ident, o in outcomes_by_id.items() if ident in keep)

    handouts: dict[str, Handout] = {}
    for p in planned:
        for ref in p.session.handouts:
            document = project.handouts.get(ref)
            if document is not None and ref not in handouts:
                meta = document.meta
                handouts[ref] = Handout(
                    ref,
                    meta.title,
                    meta.kind,
                    meta.summary,
                    document.body,
                    document.path,
                    document.file.body_line,
                )

    sessions: list[EditionSession] = []
    slot_of = {slot.session_id: slot for _, slots in laid for slot in slots if slot.session_id}
    for number, p in enumerate(planned, start=1):
        s = p.session
        slot = slot_of[s.id]
        body, body_path, body_line, materials = _session_text(project, s, p.addon, course_record)
        body = practice_headings(body, wording("try_it"))
        sessions.append(
            EditionSession(
                number=number,
                id=s.id,
                title=s.title,
                minutes=s.minutes,
                day=p.day,
                start=slot.start,
                end=slot.end,
                outcomes=tuple(outcomes_by_id[r] for r in s.outcomes if r in outcomes_by_id),
                body=body,
                body_path=body_path,
                body_line=body_line,
                notes=s.notes,
                handouts=tuple(handouts[r] for r in s.handouts if r in handouts),
                materials=tuple(dict.fromkeys([*s.materials, *materials])),
                addon=p.addon,
            )
        )

    days = place_days(event_record, laid, problems)
    taught_minutes = sum(p.session.minutes for p in planned)
    cpd = course.certificate.cpd_hours or round(taught_minutes / 60, 2)
    participants: tuple[Participant, ...] = ()
    if event_record is not None:
        participants = event_participants(event_record, course_record, project, len(laid), problems)
        if theme in project.themes:
            check_printed_names(event_record, participants, theme, project, problems)

    if client_record is not None:
        brand = make_brand(client_record, project)
    else:
        brand = house_brand(project)
    variant_model = course.variants.get(variant) if variant else None
    if theme not in project.themes:
        pos = event_record.position("theme") if event_record else Position(project.paths.themes)
        problems.error(pos, f"unknown theme '{theme}'{did_you_mean(theme, project.themes)}")
    if event_record is not None:
        slug = f"events/{event_record.id}"
    else:
        slug = f"{brand.client_id}/{course_record.id}" + (f"-{variant}" if variant else "")
    sources = [course_record.path, *(a.path for a in addons)]
    if client_record is not None:
        sources.append(client_record.path)
    if event_record is not None:
        sources.append(event_record.path)
    sources += sorted({s.body_path for s in sessions} | {h.path for h in handouts.values()})
    texts = [(s.body, s.body_path) for s in sessions]
    texts += [(h.body, h.path) for h in handouts.values()] + [(p.body, p.path) for p in brand.pages]
    images: list[Path] = []
    # only an edition that will be built needs them (a text over the limits is never parsed)
    for text, where in texts if not problems.errors else ():
        images += [
            (where.parent / src).resolve()
            for src in image_sources(text)
            if src and ":" not in src.split("/")[0]
        ]
    course_files = [course_record.path, *(a.path for a in addons)]
    course_files += [event_record.path] if event_record is not None else []
    roster_files = []
    if event_record is not None and event is not None and event.roster:
        roster_files.append(event_record.path.parent / event.roster)
    inputs = {
        "course": tuple(course_files),
        "text": tuple(
            dict.fromkeys(
                [
                    *(s.body_path for s in sessions),
                    *(h.path for h in handouts.values()),
                    *(p.path for p in brand.pages),
                ]
            )
        ),
        "images": tuple(dict.fromkeys(images)),
        "brand": brand_inputs(client_record, brand),
        "roster": tuple(roster_files),
    }
    return Edition(
        course_id=course_record.id,
        course_title=course.title,
        title=variant_model.title if variant_model else course.title,
        variant_id=variant,
        variant_title=variant_model.title if variant_model else None,
        summary=(
            variant_model.summary if variant_model and variant_model.summary else course.summary
        ),
        audience=tuple(course.audience),
        prior_knowledge=course.prior_knowledge,
        delivery=course.delivery,
        addons=tuple(AddOnInfo(a.id, a.model.title, a.model.summary) for a in addons),
        brand=brand,
        event=event_info(event_record, project) if event_record else None,
        theme=theme,
        language=language,
        days=days,
        sessions=tuple(sessions),
        outcomes=outcomes,
        handouts=tuple(handouts.values()),
        cpd_hours=cpd,
        taught_minutes=taught_minutes,
        feedback=tuple((f.quote, f.by) for f in course.feedback),
        participants=participants,
        slug=slug,
        project_root=project.paths.root,
        sources=tuple(dict.fromkeys(sources)),
        inputs=inputs,
        theme_dirs=tuple(theme_chain(project, theme)) if theme in project.themes else (),
        theme_options=theme_options(project, theme),
        slides=slide_spec(project, theme, brand.folder),
        certificate_requires=course.certificate.requires,
        reading=tuple(
            ReadingItem(r.title, r.by, r.year, r.details, r.note, r.group) for r in course.reading
        ),
        preparation=course.preparation,
        attach_pack=course.attach_pack,
        evaluation_url=event_record.model.evaluation_url if event_record else None,
    )


def slide_spec(project: Project, theme: str, client_folder: Path) -> SlideSpec | None:
    """The checked slide layouts the edition's deck uses: the client's own, else the nearest
    theme's (``None`` when none passed the checks; the deck then says so)."""
    from mi_courseware.loading.themes import search_path

    if theme not in project.themes:
        return None
    for folder in search_path(theme_chain(project, theme), client_folder):
        path = (folder / "slides" / "layouts.yaml").resolve()
        if path.is_file():
            return project.slides.get(path)
    return None


def practice_headings(body: str, wording: str) -> str:
    """``body`` with the ``Try it:`` that opens a practice heading put in ``wording``."""
    if PRACTICE not in body or wording == PRACTICE:
        return body
    from mi_courseware.loading.markdown import parse

    lines = body.splitlines(keepends=True)
    tokens = parse(body)
    for index, token in enumerate(tokens[:-1]):
        inline = tokens[index + 1]
        if token.type == "heading_open" and token.map and inline.content.startswith(PRACTICE):
            row = token.map[0]
            at = lines[row].find(PRACTICE)
            lines[row] = lines[row][:at] + wording + lines[row][at + len(PRACTICE) :]
    return "".join(lines)


def _session_text(
    project: Project, session: Session, addon: str | None, course_record: Record[Course]
) -> tuple[str, Path, int, list[str]]:
    if session.module:
        document = project.modules.get(session.module)
        if document is not None:
            materials = list(document.meta.materials)
            return document.body, document.path, document.file.body_line, materials
        return "", project.paths.content_dir("modules") / f"{session.module}.md", 1, []
    record = project.addons[addon] if addon else course_record
    return session.body or "", record.path, 1, []


def brand_inputs(record: Record[Client] | None, brand: Brand) -> tuple[Path, ...]:
    """The files of a client's brand that shape a document: its file, logo and signature."""
    files = [record.path] if record is not None else []
    return tuple(files + [p for p in (brand.logo, brand.signature) if p is not None])


def house_brand(project: Project) -> Brand:
    """A neutral brand for builds without a client."""
    return Brand(
        client_id="unbranded",
        name="",
        logo=None,
        logo_alt="",
        colours=BrandColours(DEFAULT_PRIMARY, DEFAULT_SECONDARY, DEFAULT_ACCENT),
        contact=ContactDetails(),
        signatory=None,
        signature=None,
        language=FALLBACK,
        pages=(),
        verify_url=None,
        certificate_prefix="MI",
        folder=project.paths.content,
    )
