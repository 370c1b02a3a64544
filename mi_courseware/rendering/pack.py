"""The pack's HTML: the Edition, its Markdown rendered for one audience, through the theme."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from mi_courseware.core.edition import Edition, EditionSession
from mi_courseware.errors import ContentError
from mi_courseware.loading.blocks import BlockInfo, block_names
from mi_courseware.loading.i18n import Translator
from mi_courseware.loading.markdown import block_info, block_name, parse
from mi_courseware.rendering.days import day_lines
from mi_courseware.rendering.document import DocumentSetup, document_setup
from mi_courseware.rendering.fetcher import data_uri
from mi_courseware.rendering.html import HtmlOptions, markdown_html
from mi_courseware.rendering.pdf import metadata_head


@dataclass(frozen=True)
class Step:
    """One line of a session's running order (facilitator guide)."""

    start: str
    minutes: int
    title: str
    exercise: bool


def _clock(start: time, minutes: int) -> str:
    total = start.hour * 60 + start.minute + minutes
    return f"{total // 60:02d}:{total % 60:02d}"


def running_order(session: EditionSession) -> list[Step]:
    """The session's ``##`` sections on the clock: exercises take their stated minutes, the
    rest of the session's time is shared evenly by the other sections."""
    sections: list[list[object]] = []  # [title, exercise minutes or None]
    for token in parse(session.body):
        if token.type == "heading_open" and token.tag == "h2":
            sections.append(["", None])
        elif token.type == "inline" and sections and sections[-1][0] == "":
            sections[-1][0] = token.content
        elif block_name(token) == "exercise" and token.type.endswith("_open"):
            info: BlockInfo = block_info(token)
            if not sections:
                sections.append([session.title, None])
            sections[-1][1] = int(info.options.get("minutes", 0)) or None
    if not sections:
        return [Step(_clock(session.start, 0), session.minutes, session.title, False)]
    fixed = sum(int(m) for _, m in sections if m)  # type: ignore[call-overload]
    free = [i for i, (_, m) in enumerate(sections) if not m]
    spare = max(session.minutes - fixed, 0)
    share = (
        {i: spare // len(free) + (1 if k < spare % len(free) else 0) for k, i in enumerate(free)}
        if free
        else {}
    )
    steps, elapsed = [], 0
    for index, (title, minutes) in enumerate(sections):
        length = int(minutes) if minutes else share.get(index, 0)  # type: ignore[call-overload]
        steps.append(Step(_clock(session.start, elapsed), length, str(title), bool(minutes)))
        elapsed += length
    return steps


def pages_of(items: list[object], per_page: int, least: int = 5) -> list[list[object]]:
    """``items`` cut into pages of at most ``per_page``, the last holding at least ``least``
    (the contents list breaks cleanly instead of spilling a line or two onto a new page)."""
    per_page = max(per_page, least + 1)
    pages, start = [], 0
    while len(items) - start > per_page:
        size = min(per_page, len(items) - start - least)
        pages.append(items[start : start + size])
        start += size
    pages.append(items[start:])
    return pages


def evaluation_form(edition: Edition, setup: DocumentSetup) -> dict[str, Any]:
    """The evaluation form's questions as the pack lays them out: the ratings (1-5) in one
    table, confidence before and now per outcome in another, other scores (0-10), then
    the questions to write in."""
    from mi_courseware.resolving.questions import scale_labels

    questions = edition.questions
    return {
        "ratings": [q for q in questions if q.kind == "1-5"],
        "confidence": [q for q in questions if q.role == "before"],
        "scores": [q for q in questions if q.kind == "0-10" and q.role not in ("before", "now")],
        "texts": [q for q in questions if q.kind == "text"],
        "scale": scale_labels(setup.t),
    }


#: Handouts the pack's "how to use" names when the edition has them, by id (the demo's).
CPD_HANDOUTS = ("reflective-log", "action-plan")


def held(edition: Edition) -> set[str]:
    """What the edition holds that fixed wording may name: ``days`` (more than one),
    ``worksheets``, each block its text opens (``exercise``, ``answers``...), and the
    handouts of :data:`CPD_HANDOUTS`."""
    found: set[str] = set()
    for text in [s.body for s in edition.sessions] + [h.body for h in edition.handouts]:
        found |= block_names(text)
    if len(edition.days) > 1:
        found.add("days")
    if any(h.kind == "worksheet" for h in edition.handouts):
        found.add("worksheets")
    found |= {h.id for h in edition.handouts if h.id in CPD_HANDOUTS}
    return found


def how_to_use(has: set[str], t: Translator) -> list[str]:
    """The pack's "how to use this pack": only what the edition holds (``has``:
    :func:`held`) is named."""
    points = [t("how_to_use.sessions")]
    if "exercise" in has:
        points.append(t("how_to_use.exercises"))
    if "worksheets" in has:
        points.append(t("how_to_use.worksheets"))
    cpd = [h for h in CPD_HANDOUTS if h in has]
    if cpd:
        points.append(t("how_to_use." + "-and-".join(cpd)))
    return points


def welcome_intro(has: set[str], t: Translator, facilitator: bool) -> str:
    """The welcome's first words: the guide's (with model answers when it has them), or
    the pack's for a course of one day or several."""
    if facilitator:
        return t("facilitator_intro" if "answers" in has else "facilitator_intro_no_answers")
    return t("welcome_intro_days" if "days" in has else "welcome_intro")


def pack_html(edition: Edition, *, facilitator: bool, when: datetime) -> tuple[str, DocumentSetup]:
    """The complete HTML of the pack (or guide) and the setup it was rendered with."""
    setup = document_setup(edition)
    setup.env.filters["pages_of"] = pages_of
    options = HtmlOptions(facilitator, setup.palette, setup.t, setup.allowed)

    def md(text: str | None, source: object, line: int = 1) -> str:
        if not text:
            return ""
        return markdown_html(text, source, line, options)  # type: ignore[arg-type]

    course_file = edition.sources[0]
    sessions = [
        {
            "s": s,
            "anchor": f"session-{s.number}",
            "html": md(s.body, s.body_path, s.body_line),
            "notes": md(s.notes, course_file) if facilitator else "",
            "steps": running_order(s) if facilitator else [],
        }
        for s in edition.sessions
    ]
    handouts = [
        {"h": h, "anchor": f"handout-{h.id}", "html": md(h.body, h.path, h.body_line)}
        for h in edition.handouts
    ]
    pages = [
        {"p": p, "anchor": f"page-{i}", "html": md(p.body, p.path, p.body_line)}
        for i, p in enumerate(edition.brand.pages, start=1)
    ]
    if options.problems:
        raise ContentError(options.problems)
    lines = day_lines(edition, setup.t)
    day_of = {
        slot.session_id: line
        for day, line in zip(edition.days, lines, strict=True)
        for slot in day.slots
        if slot.session_id
    }
    numbers = {o.id: n for n, o in enumerate(edition.outcomes, start=1)}
    units = [
        {"unit": u, "outcomes": [numbers[o.id] for o in edition.outcomes if u in o.standards]}
        for u in edition.units
    ]
    kind = setup.t("facilitator_guide" if facilitator else "participant_pack")
    has = held(edition)
    brand = edition.brand
    meta = metadata_head(
        title=f"{edition.title} – {kind}",
        author=brand.name or "mi-courseware",
        when=when,
        language=edition.language,
        keywords=", ".join(u.ref for u in edition.units),
    )
    html = setup.template("pack.html").render(
        edition=edition,
        brand=brand,
        facilitator=facilitator,
        kind=kind,
        meta=meta,
        lang=edition.language,
        colours=setup.colours(),
        stylesheets=[*setup.stylesheets("fonts.css"), *setup.stylesheets("pack.css")],
        options=setup.options,
        logo=data_uri(brand.logo, setup.allowed),
        summary=md(edition.summary, course_file),
        prior=md(edition.prior_knowledge, course_file),
        sessions=sessions,
        handouts=handouts,
        pages=pages,
        outcome_numbers=numbers,
        units=units,
        evaluation=evaluation_form(edition, setup),
        how_to_use=how_to_use(has, setup.t),
        intro=welcome_intro(has, setup.t, facilitator),
        day_lines=lines,
        day_of=day_of,
        uniform_days=len({(line.times, line.place) for line in lines}) <= 1,
    )
    return html, setup
