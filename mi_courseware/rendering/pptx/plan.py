"""An Edition to the deck's slides, in delivery order.

Title slide, learning outcomes, one timetable per day, then per session (add-on sessions
where the Edition puts them) a section header and the slides of its content, and a closing
slide. Every slide of a session carries in its speaker notes the session's timing and the
trainer notes; every slide has a title and speaker notes.
"""

from __future__ import annotations

from mi_courseware.core.edition import Edition, EditionSession
from mi_courseware.rendering.days import place
from mi_courseware.rendering.pptx.content import SessionSlides, notes_paras
from mi_courseware.rendering.pptx.ooxml import Para, Run, plain
from mi_courseware.rendering.pptx.spec import ImageSpec, SlideSpec, TableSpec
from mi_courseware.rendering.pptx.wording import Wording


def _markdown_notes(text: str | None) -> list[Para]:
    if not text:
        return []
    from markdown_it.tree import SyntaxTreeNode

    from mi_courseware.loading.markdown import parse

    return notes_paras(SyntaxTreeNode(parse(text)).children)


def _heading(text: str) -> Para:
    return Para((Run(text, bold=True),), kind="plain")


def plan_deck(edition: Edition, wording: Wording, logo: ImageSpec | None) -> list[SlideSpec]:
    """Every slide of the deck, before fitting."""
    lang = wording.tag
    slides = [title_slide(edition, wording, logo), outcomes_slide(edition, wording)]
    slides += timetable_slides(edition, wording)
    total = len(edition.sessions)
    for session in edition.sessions:
        slides += session_slides(edition, session, total, wording)
    slides.append(closing_slide(edition, wording))
    for slide in slides:
        slide.lang = lang
    return slides


def title_slide(edition: Edition, wording: Wording, logo: ImageSpec | None) -> SlideSpec:
    """Logo large, edition title, course title, dates and venue, the client's name."""
    spec = SlideSpec("title", edition.title, footer=False, image=logo)
    if edition.course_title != edition.title:
        spec.text["subtitle"] = [plain(edition.course_title, kind="plain")]
    details = []
    event = edition.event
    if event is not None:
        if event.dates:
            when = wording.dates(event.dates)
            if event.times is not None:
                when += f", {event.times.start:%H:%M}–{event.times.end:%H:%M}"
            details.append(plain(when, kind="plain"))
        places = {place(day, wording) for day in edition.days}
        venue = places.pop() if len(places) == 1 else None  # days in several places: see each
        if venue:
            details.append(plain(venue, kind="plain"))
    if details:
        spec.text["details"] = details
    if edition.brand.name:
        spec.text["organisation"] = [plain(edition.brand.name, kind="plain")]
    notes = []
    if event is not None and event.trainers:
        notes.append(
            plain(wording("slides.notes.trainers", names=", ".join(event.trainers)), kind="plain")
        )
    if event is not None and event.code:
        notes.append(plain(event.code, kind="plain"))
    notes.append(plain(edition.summary.strip() or edition.course_title, kind="plain"))
    spec.notes = notes
    return spec


def outcomes_slide(edition: Edition, wording: Wording) -> SlideSpec:
    """The edition's learning outcomes (standards in the notes)."""
    spec = SlideSpec("bullets", wording("slides.learning_outcomes"))
    spec.text["body"] = [plain(o.text) for o in edition.outcomes]
    refs = ", ".join(u.ref for u in edition.units)
    spec.notes = (
        [plain(wording("slides.notes.standards", refs=refs), kind="plain")]
        if refs
        else [plain(wording("slides.learning_outcomes"), kind="plain")]
    )
    return spec


def timetable_slides(edition: Edition, wording: Wording) -> list[SlideSpec]:
    """One timetable per day, with clock times; breaks in muted type."""
    slides = []
    header = (
        plain(wording("slides.time"), kind="plain"),
        plain(wording("slides.session_column"), kind="plain"),
    )
    by_id = {s.id: s for s in edition.sessions}
    for day in edition.days:
        if day.date is not None:
            title = f"{wording('slides.timetable')}: {wording.date(day.date, weekday=True)}"
        elif len(edition.days) > 1:
            title = wording("slides.timetable_day", n=day.number)
        else:
            title = wording("slides.timetable")
        rows: list[tuple[Para, ...]] = []
        muted = set()
        for slot in day.slots:
            name = slot.title
            session = by_id.get(slot.session_id or "")
            if session is not None:
                name = f"{session.number}. {session.title}"
            else:
                muted.add(len(rows))
            rows.append(
                (
                    plain(f"{slot.start:%H:%M}–{slot.end:%H:%M}", kind="plain"),
                    plain(name, kind="plain"),
                )
            )
        spec = SlideSpec("table", title)
        spec.table = TableSpec(header, tuple(rows), frozenset(muted))
        spec.notes = [
            plain(
                wording(
                    "slides.notes.cpd",
                    minutes=edition.taught_minutes,
                    hours=f"{edition.cpd_hours:g}",
                ),
                kind="plain",
            )
        ]
        slides.append(spec)
    return slides


def session_slides(
    edition: Edition, session: EditionSession, total: int, wording: Wording
) -> list[SlideSpec]:
    """The section header and the content slides of one session."""
    content = SessionSlides(session.body, session.body_path, session.body_line, wording)
    intro, slides = content.slides(session.title)
    timing = [
        plain(
            wording(
                "slides.notes.timing",
                n=session.number,
                total=total,
                title=session.title,
                times=session.times,
                minutes=session.minutes,
            ),
            kind="plain",
            bold=True,
        )
    ]
    trainer = _markdown_notes(session.notes)
    trainer = [_heading(wording("slides.notes.trainer")), *trainer] if trainer else []
    section = SlideSpec("section", session.title)
    label = wording("slides.session", n=session.number)
    day = next((d for d in edition.days if any(s.session_id == session.id for s in d.slots)), None)
    where = ""
    if day is not None and len(edition.days) > 1:
        label += f" · {wording('slides.day', n=day.number)}"
        if day.date is not None:
            label += f", {wording.date(day.date)}"
        if len({place(d, wording) for d in edition.days}) > 1:
            where = place(day, wording)  # days in several places: say where this one is
    addon = next((a.title for a in edition.addons if a.id == session.addon), None)
    if addon:
        label += f" · {addon}"
    section.text["label"] = [plain(label, kind="plain")]
    section.text["times"] = [
        plain(session.times, kind="plain"),
        Para(
            (Run(wording("slides.duration", n=session.minutes), bold=False),),
            kind="plain",
            scale=0.5,
        ),
    ]
    if where:
        section.text["times"].append(Para((Run(where, bold=False),), kind="plain", scale=0.5))
    if session.outcomes:
        section.text["outcomes"] = [plain(o.short) for o in session.outcomes]
    extra = []
    if session.materials:
        extra.append(
            plain(
                wording("slides.notes.materials", items=", ".join(session.materials)), kind="plain"
            )
        )
    if session.handouts:
        extra.append(
            plain(
                wording(
                    "slides.notes.handouts", items=", ".join(h.title for h in session.handouts)
                ),
                kind="plain",
            )
        )
    section.notes = intro + extra
    for slide in [section, *slides]:
        slide.notes = [*timing, *slide.notes, *trainer]
    return [section, *slides]


def closing_slide(edition: Edition, wording: Wording) -> SlideSpec:
    """Thanks, the evaluation request and how to reach the client."""
    spec = SlideSpec("closing", wording("slides.thank_you"))
    body = [plain(wording("slides.evaluation"), kind="plain")]
    contact = edition.brand.contact
    reach = " · ".join(v for v in (contact.email, contact.phone, contact.website) if v)
    if reach:
        body.append(plain(reach, kind="plain"))
    spec.text["body"] = body
    notes = [plain(wording("slides.evaluation"), kind="plain")]
    if edition.event is not None and edition.event.admin_contact:
        details = ", ".join(edition.event.admin_contact.parts)
        notes.append(plain(wording("slides.notes.contact", contact=details), kind="plain"))
    spec.notes = notes
    return spec
