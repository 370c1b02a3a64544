"""``mi-courseware list``: what a project holds, one line per item."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from mi_courseware.errors import plural
from mi_courseware.loading.project import Project
from mi_courseware.loading.themes import theme_chain
from mi_courseware.model import Course


def list_project(project: Project, kind: str | None, verbose: bool = False) -> Iterator[str]:
    """Lines describing the project's courses, add-ons, clients, events, themes, standards or
    trainers."""
    kinds = [kind] if kind else [k for k in _LISTERS if k != "trainers" or project.trainers]
    for index, name in enumerate(kinds):
        if not kind:
            yield ("\n" if index else "") + f"{name}:"
        yield from _LISTERS[name](project, verbose)


def _courses(project: Project, verbose: bool) -> Iterator[str]:
    for ident, record in project.courses.items():
        course = record.model
        variants = ", ".join(course.variants) or "-"
        yield f"  {ident:<28} {course.title}  [variants: {variants}]"
        if verbose:
            from mi_courseware.checks.practice import practice_lines

            yield from _sessions_by_variant(course)
            yield "      practice: the minutes each session gives its exercises"
            yield from practice_lines(project, record)


def _sessions_by_variant(course: Course) -> Iterator[str]:
    """Each session with its length, day and the variants that include it, then what each
    variant leaves out: the difference between variants at a glance."""
    names = list(course.variants)
    chosen = {name: set(v.sessions) for name, v in course.variants.items()}
    head = "".join(f"  {name:^{max(len(name), 3)}}" for name in names)
    yield f"      {'session':<24} {'min':>4}  day{head}  title"
    for session in course.sessions:
        marks = "".join(
            f"  {('●' if session.id in chosen[name] else '·'):^{max(len(name), 3)}}"
            for name in names
        )
        line = f"      {session.id:<24} {session.minutes:>4}  {session.day:>3}{marks}  "
        yield line + session.title
    for name, variant in course.variants.items():
        taught = sum(s.minutes for s in course.sessions if s.id in chosen[name])
        dropped = [s.id for s in course.sessions if s.id not in chosen[name]]
        left = ", ".join(dropped) if dropped else "nothing"
        yield (
            f"      {name}: {plural(len(variant.sessions), 'session')}, {taught} minutes taught; "
            f"leaves out {left}"
        )


def _addons(project: Project, verbose: bool) -> Iterator[str]:
    for ident, record in project.addons.items():
        minutes = sum(s.minutes for s in record.model.sessions)
        yield f"  {ident:<28} {record.model.title}  ({minutes} min, after {record.model.after})"


def _clients(project: Project, verbose: bool) -> Iterator[str]:
    for ident, record in project.clients.items():
        client = record.model
        yield f"  {ident:<28} {client.name}  [{client.language}, {client.colours.primary}]"


def _events(project: Project, verbose: bool) -> Iterator[str]:
    for ident, record in project.events.items():
        event = record.model
        dates = ", ".join(d.date.isoformat() for d in event.course_days())
        variant = event.variant or "default"
        yield f"  {ident:<28} {event.course} ({variant}) for {event.client}, {dates}"


def _themes(project: Project, verbose: bool) -> Iterator[str]:
    for ident, theme in project.themes.items():
        where = "built-in" if theme.builtin else "project"
        parent = f", extends {theme.config.extends}" if theme.config.extends else ""
        yield f"  {ident:<28} {theme.config.name}  ({where}{parent})"
        if verbose:
            yield "      template search path:"
            yield "        1. content/clients/<client>/templates/  (client overrides)"
            for number, folder in enumerate(theme_chain(project, ident), start=2):
                label = "" if folder.is_relative_to(project.paths.root) else " (built-in)"
                yield f"        {number}. {folder}{label}"


def _standards(project: Project, verbose: bool) -> Iterator[str]:
    for ident, record in project.standards.items():
        framework = record.model.framework
        yield f"  {ident:<28} {framework.title}  ({plural(len(record.model.units), 'unit')})"
        if verbose:
            for unit in record.model.units:
                yield f"      {unit.code:<14} {unit.title}"


#: A licence ending within this many days is shown by ``list trainers -v``.
LICENCE_NOTICE_DAYS = 90


def _today() -> date:
    """Today, or the day ``SOURCE_DATE_EPOCH`` names (for reproducible listings)."""
    from mi_courseware.core.clock import build_time

    return build_time().date()


def _days(until: date, today: date) -> str:
    left = (until - today).days
    if left < 0:
        return f"expired {-left} day{'s' if left != -1 else ''} ago"
    return f"{left} day{'s' if left != 1 else ''} left"


def _trainers(project: Project, verbose: bool) -> Iterator[str]:
    today = _today()
    for ident, record in project.trainers.items():
        trainer = record.model
        current = [
            a.course
            for a in trainer.accreditations
            if a.date <= today and (a.expires is None or a.expires >= today)
        ]
        where = f" ({trainer.organisation})" if trainer.organisation else ""
        courses = ", ".join(dict.fromkeys(current)) or "no current accreditation"
        yield f"  {ident:<28} {trainer.name}{where}  [{courses}]"
        if verbose:
            for item in trainer.accreditations:
                until = f"until {item.expires.isoformat()}" if item.expires else "no expiry"
                left = f": {_days(item.expires, today)}" if item.expires else ""
                if item.date > today:
                    left = f": starts in {plural((item.date - today).days, 'day')}"
                yield (
                    f"      {item.course:<24} from {item.date.isoformat()} {until}, "
                    f"by {item.by}{left}"
                )
    if verbose:
        ending = []
        for ident, client in project.clients.items():
            licence = client.model.licence
            if licence is not None and 0 <= (licence.ends - today).days <= LICENCE_NOTICE_DAYS:
                ending.append(
                    f"      {ident:<24} {', '.join(licence.courses)} until "
                    f"{licence.ends.isoformat()}: {_days(licence.ends, today)}"
                )
        yield f"  licences ending within {LICENCE_NOTICE_DAYS} days:"
        yield from ending or ["      none"]


_LISTERS = {
    "courses": _courses,
    "addons": _addons,
    "clients": _clients,
    "events": _events,
    "themes": _themes,
    "standards": _standards,
    "trainers": _trainers,
}
