"""How much of each course is practice, worked out from the timetable itself.

Each session's text says what its exercises are and how long they take
(:mod:`mi_courseware.loading.timing`); a variant's shares are the minutes its sessions give
their exercises, as a part of its taught minutes. ``list courses -v`` prints them, and the
check phase warns about a variant below its course's ``practice_target:``, about a session
whose text plans more minutes than it has, and (in a course with a target) about an exercise
that does not say what kind of practice it is: so that a claim such as "mostly practice" can
never drift from what the timetable gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mi_courseware.core.scope import in_scope
from mi_courseware.errors import Position, Problems, plural
from mi_courseware.loading.blocks import EXERCISE_KINDS
from mi_courseware.loading.project import Project, Record
from mi_courseware.loading.timing import Practice, planned_minutes, practice, sections
from mi_courseware.model import AddOn, Course, Session


@dataclass(frozen=True)
class SessionText:
    """A session's text as it is read: the Markdown, where it is, and its first line."""

    body: str
    path: Path
    first_line: int


def session_text(
    project: Project, record: Record[Course] | Record[AddOn], session: Session
) -> SessionText | None:
    """The text a session teaches from (its module's or its own); ``None`` when its module
    is missing (reported by the reference checks)."""
    if session.module:
        document = project.modules.get(session.module)
        if document is None:
            return None
        return SessionText(document.body, document.path, document.file.body_line)
    index = record.model.sessions.index(session)
    return SessionText(
        session.body or "", record.path, record.position("sessions", index, "body").line + 1
    )


def variant_sessions(course: Course, variant: str | None) -> list[Session]:
    """The sessions a variant teaches (every session when ``variant`` is ``None``)."""
    if variant is None:
        return list(course.sessions)
    chosen = set(course.variants[variant].sessions)
    return [s for s in course.sessions if s.id in chosen]


def shares(project: Project, record: Record[Course]) -> dict[str | None, Practice]:
    """Each variant's practice (``None``: the whole course, for a course without variants)."""
    found: dict[str | None, Practice] = {}
    variants: list[str | None] = [*record.model.variants] or [None]
    for variant in variants:
        total = Practice()
        for session in variant_sessions(record.model, variant):
            text = session_text(project, record, session)
            try:
                if text is not None:
                    total += practice(text.body, session.title, session.minutes)
            except ValueError:  # a block it cannot read: reported where it is written
                continue
        found[variant] = total
    return found


def describe(part: Practice) -> str:
    """``52.4% in exercises (176 of 336 minutes), 36.0% spoken practice (121), real-play``."""
    real = f", real-play {part.real_play} min" if part.real_play else ", no real-play"
    return (
        f"{part.share(part.exercises):.1f}% in exercises ({part.exercises} of {part.taught} "
        f"minutes), {part.share(part.spoken):.1f}% rehearsal and real-play ({part.spoken} "
        f"min){real}"
    )


def check_practice(project: Project, problems: Problems) -> None:
    """Every course's practice against its target, and every session's plan against its
    minutes (each module's problems said once, however many sessions use it)."""
    said: set[tuple[Path, int, str]] = set()

    def once(position: Position, message: str) -> None:
        key = (position.path, position.line, message)
        if key not in said:
            said.add(key)
            problems.warning(position, message)

    # a build target checks its own course and add-ons (the others' texts are not read)
    records: list[Record[Course] | Record[AddOn]] = [
        *in_scope(project.scope, "courses", project.courses),
        *in_scope(project.scope, "addons", project.addons),
    ]
    for record in records:
        for index, session in enumerate(record.model.sessions):
            text = session_text(project, record, session)
            if text is None:
                continue
            try:
                found = sections(text.body, session.title)
            except ValueError:  # a block it cannot read: reported where it is written
                continue
            planned = planned_minutes(found)
            if planned > session.minutes:
                problems.warning(
                    record.position("sessions", index, "minutes"),
                    f"session '{session.id}' has {session.minutes} minutes but its text plans "
                    f"{planned} (exercises and 'timing' blocks): its running order cuts the "
                    "last of them short",
                )
            target = getattr(record.model, "practice_target", None)
            if target is None:
                continue
            for section in found:
                for exercise in section.exercises:
                    if exercise.kind is None:
                        once(
                            Position(text.path, text.first_line + exercise.line),
                            f"exercise '{exercise.title}' does not say its kind: it counts as "
                            "practice but not as rehearsal; add kind= one of "
                            f"{', '.join(EXERCISE_KINDS)}",
                        )
    for record in in_scope(project.scope, "courses", project.courses):
        _check_target(project, record, problems)


def _check_target(project: Project, record: Record[Course], problems: Problems) -> None:
    target = record.model.practice_target
    if target is None:
        return
    for variant, part in shares(project, record).items():
        name = f"variant '{variant}'" if variant else "the course"
        for key, value, kind in (
            ("exercises", part.exercises, "exercises"),
            ("rehearsal", part.spoken, "rehearsal and real-play"),
        ):
            least = getattr(target, key)
            if least is not None and part.share(value) < least:
                problems.warning(
                    record.position("practice_target", key),
                    f"{name} gives {part.share(value):.1f}% of its {part.taught} taught minutes "
                    f"to {kind} ({plural(value, 'minute')}), below the target of {least:g}%",
                )
        if target.real_play and not part.real_play:
            problems.warning(
                record.position("practice_target", "real_play"),
                f"{name} has no real-play: no exercise of kind=real-play in its sessions",
            )


def practice_lines(project: Project, record: Record[Course]) -> Iterator[str]:
    """``list courses -v``'s lines: each variant's (or the course's) practice shares."""
    for variant, part in shares(project, record).items():
        yield f"      {variant or 'course'}: {describe(part)}"
