"""The pack, the guide and each handout as Word documents, chapter by chapter as the PDF.

The chapters follow the theme's ``pack.html`` in order and in words (the same wording keys,
the same Markdown): cover, contents, welcome (with the client's contact details), outcomes,
timetable, sessions (each a new page; in the guide with its running order, materials and
trainer notes), handouts and worksheets, further reading, standards, the client's pages,
the evaluation form and what participants say.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from mi_courseware.core.edition import Edition, EditionSession, Handout
from mi_courseware.limits import time_limit
from mi_courseware.rendering.days import day_lines
from mi_courseware.rendering.docx import ooxml
from mi_courseware.rendering.docx.document import EditionDocument, edition_document
from mi_courseware.rendering.docx.numbering import number
from mi_courseware.rendering.docx.pictures import drawings_stopped_on_failure
from mi_courseware.rendering.docx.styles import NOTE_FILL, PANEL_INSET, TEXT_WIDTH_MM
from mi_courseware.rendering.pack import (
    evaluation_form,
    held,
    how_to_use,
    running_order,
    welcome_intro,
)


def _hours(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def write_pack(edition: Edition, path: Path, *, facilitator: bool, when: datetime) -> None:
    """Write the edition's participant pack (or facilitator guide) to ``path``."""
    with time_limit(f"{edition.slug}/{path.name}"), drawings_stopped_on_failure():
        doc = edition_document(edition, facilitator=facilitator, when=when)
        kind = doc.t("facilitator_guide" if facilitator else "participant_pack")
        cover(doc, kind)
        doc.table_of_contents()
        welcome(doc, facilitator)
        outcomes(doc)
        timetable(doc)
        for session in edition.sessions:
            session_pages(doc, session, facilitator)
        if edition.handouts:
            doc.chapter(doc.t("handouts_and_worksheets"))
            for handout in edition.handouts:
                handout_pages(doc, handout)
        reading(doc)
        standards(doc)
        for page in edition.brand.pages:
            doc.chapter(page.title)
            doc.w.label(doc.t("local_information"))
            doc.text(page.body, page.path, page.body_line)
        evaluation(doc)
        feedback(doc)
        doc.save(path, f"{edition.title} – {kind}")


def write_handouts(edition: Edition, folder: Path, *, when: datetime) -> list[Path]:
    """Write each handout of the edition to ``folder/<handout>.docx``; the files written."""
    written = []
    for handout in edition.handouts:
        path = folder / f"{handout.id}.docx"
        with time_limit(f"{edition.slug}/handouts/{path.name}"), drawings_stopped_on_failure():
            doc = edition_document(edition, facilitator=False, when=when)
            doc.w.doc.sections[0].header.paragraphs[0].runs[0].text = handout.title
            handout_pages(doc, handout)
            doc.save(path, f"{handout.title} – {edition.title}")
        written.append(path)
    return written


def cover(doc: EditionDocument, kind: str) -> None:
    """The first page: what the document is, for which course, when and where, for whom."""
    from docx.shared import Pt

    edition, w, t = doc.edition, doc.w, doc.t
    w.label(kind).paragraph_format.space_before = Pt(36)
    w.para(edition.title, "Title")
    if edition.variant_title and edition.course_title != edition.title:
        w.para(edition.course_title, "Subtitle")
    if edition.addons:
        titles = " · ".join(a.title for a in edition.addons)
        w.para(f"{t('addons_included')}: {titles}")
    lines = day_lines(edition, doc.setup.t)
    if edition.event is not None:
        rows: list[list[str]] = []
        if len({(line.times, line.place) for line in lines}) <= 1:
            dates = t("dates") if len(edition.dates) > 1 else t("date")
            rows += [[dates, doc.setup.t.dates(edition.dates)], [t("times"), lines[0].times]]
            if lines[0].place:
                rows.append([t("venue"), lines[0].place])
        else:
            for line in lines:
                rows.append(
                    [
                        t("dates") if not rows else "",
                        f"{line.short_date}  {line.times}  {line.place}",
                    ]
                )
        if edition.event.trainers:
            rows.append([t("trainers"), ", ".join(edition.event.trainers)])
        table = w.table(rows, [38, TEXT_WIDTH_MM - 38], header=False, style=None)
        for row in table.rows:
            row.cells[0].paragraphs[0].style = w.doc.styles["Label"]
    w.para(t("cpd_hours_n", hours=_hours(edition.cpd_hours)), "Subtitle")
    if edition.brand.name:
        w.label(t("prepared_for"))
        w.para(edition.brand.name, "Subtitle")


def welcome(doc: EditionDocument, facilitator: bool) -> None:
    """Welcome: the course, who it is for, how to use the pack, and whom to contact."""
    edition, w, t = doc.edition, doc.w, doc.t
    source = edition.sources[0]
    doc.chapter(t("welcome"))
    has = held(edition)
    w.para(welcome_intro(has, t, facilitator))
    doc.text(edition.summary, source)
    if edition.audience:
        w.heading(t("who_for"), 2)
        bullets(doc, list(edition.audience))
    if edition.prior_knowledge:
        w.heading(t("prior_knowledge"), 2)
        doc.text(edition.prior_knowledge, source)
    event = edition.event
    if event is not None and event.admin_contact:
        w.heading(t("course_contact"), 2)
        lines(doc, list(event.admin_contact.values()))
    w.heading(t("how_to_use"), 2)
    bullets(doc, how_to_use(has, t))
    brand = edition.brand
    contact = brand.contact
    if brand.name or contact.address or contact.email or contact.phone or contact.website:
        w.heading(t("contact_us"), 2)
        if brand.name:
            w.para().add_run(brand.name).bold = True
        if contact.address:
            w.para(", ".join(x.strip() for x in contact.address.splitlines() if x.strip()))
        reach = [x for x in (contact.phone, contact.email, contact.website) if x]
        if reach:
            w.para(" · ".join(reach))


def bullets(doc: EditionDocument, items: list[str], style: str = "List Bullet") -> None:
    """A bulleted list of plain items."""
    for item in items:
        number(doc.w.para(item, style), doc.w.lists.bullets, 0)


def lines(doc: EditionDocument, items: list[str]) -> None:
    """Lines of one paragraph (an address, a contact)."""
    paragraph = doc.w.para()
    for index, item in enumerate(items):
        if index:
            paragraph.add_run().add_break()
        paragraph.add_run(item)


def outcomes(doc: EditionDocument) -> None:
    """The learning outcomes, numbered."""
    edition, w, t = doc.edition, doc.w, doc.t
    doc.chapter(t("learning_outcomes"))
    w.para(t("outcomes_intro"))
    num = w.lists.numbered(0, 1)
    for outcome in edition.outcomes:
        number(w.para(outcome.text, "List Number"), num, 0)


def timetable(doc: EditionDocument) -> None:
    """Each day's sessions and breaks on the clock."""
    edition, w, t = doc.edition, doc.w, doc.t
    doc.chapter(t("timetable"))
    lines_of = day_lines(edition, doc.setup.t)
    uniform = len({(line.times, line.place) for line in lines_of}) <= 1
    for day, line in zip(edition.days, lines_of, strict=True):
        several = len(edition.days) > 1
        if several or day.date:
            parts = [t("day_n", n=day.number)] if several else []
            parts += [line.date] if day.date else []
            caption = w.para(" · ".join(parts), "Heading 3")
            if line.place and not uniform:
                caption.add_run().add_break()
                caption.add_run(line.place).bold = False
        rows = [[t("time"), t("session")]]
        rows += [[f"{s.start:%H:%M}–{s.end:%H:%M}", s.title] for s in day.slots]
        table = w.table(rows, [32, TEXT_WIDTH_MM - 32])
        for row, slot in zip(table.rows[1:], day.slots, strict=True):
            for run in row.cells[1].paragraphs[0].runs:
                run.bold, run.italic = slot.kind == "session", slot.kind != "session"
        w.para("").paragraph_format.space_after = 0


def session_pages(doc: EditionDocument, session: EditionSession, facilitator: bool) -> None:
    """A session: its title on a new page, when it is, what it covers, its text."""
    edition, w, t = doc.edition, doc.w, doc.t
    doc.chapter(session.title)
    lines_of = {
        slot.session_id: line
        for day, line in zip(edition.days, day_lines(edition, doc.setup.t), strict=True)
        for slot in day.slots
        if slot.session_id
    }
    line = lines_of[session.id]
    uniform = len({(x.times, x.place) for x in lines_of.values()}) <= 1
    kicker = [t("session_n", n=session.number)]
    if len(edition.days) > 1:
        kicker.append(t("day_n", n=line.number) + (f", {line.short_date}" if line.dated else ""))
    kicker.append(session.times)
    if line.place and not uniform:
        kicker.append(line.place)
    w.label(" · ".join(kicker))
    numbers = {o.id: n for n, o in enumerate(edition.outcomes, start=1)}
    if session.outcomes:
        w.heading(t("outcomes_covered"), 2)
        for outcome in session.outcomes:
            paragraph = w.para("", "List Bullet")
            paragraph.add_run(f"{numbers[outcome.id]}  ").bold = True
            paragraph.add_run(outcome.text)
            number(paragraph, w.lists.bullets, 0)
    if session.handouts:
        w.heading(t("handouts_for_session"), 2)
        bullets(doc, [h.title for h in session.handouts])
    if facilitator:
        trainer_panel(doc, session)
    doc.text(session.body, session.body_path, session.body_line)


def trainer_panel(doc: EditionDocument, session: EditionSession) -> None:
    """The guide's running order, materials and notes for a session."""
    w, t = doc.w, doc.t
    timing = t("session_timing", start=f"{session.start:%H:%M}", end=f"{session.end:%H:%M}",
               minutes=session.minutes)  # fmt: skip
    w.label(f"{t('running_order')} · {timing}", "Trainer Note")
    rows = [[s.start, s.title, t("minutes_n", n=s.minutes)] for s in running_order(session)]
    table = w.table(rows, [20, TEXT_WIDTH_MM - 52, 32], header=False)
    for row, step in zip(table.rows, running_order(session), strict=True):
        for cell in row.cells:
            ooxml.cell_shading(cell, NOTE_FILL)
            for run in cell.paragraphs[0].runs:
                run.bold = step.exercise
    if session.materials:
        w.label(t("materials"), "Trainer Note")
        for item in session.materials:
            number(w.para(item, "Trainer Note"), w.lists.bullets, 0, PANEL_INSET["Trainer Note"])
    if session.notes:
        w.label(t("trainer_notes"), "Trainer Note")
        doc.text(session.notes, doc.edition.sources[0], panel="Trainer Note")
    w.para("").paragraph_format.space_after = 0


def handout_pages(doc: EditionDocument, handout: Handout) -> None:
    """A handout or worksheet: its title on a new page, its kind, summary and text."""
    doc.chapter(handout.title)
    doc.w.label(doc.t(handout.kind))
    if handout.summary:
        doc.w.para(handout.summary, "Subtitle")
    doc.text(handout.body, handout.path, handout.body_line, worksheet=handout.kind == "worksheet")


def reading(doc: EditionDocument) -> None:
    """Further reading, by group."""
    edition, w, t = doc.edition, doc.w, doc.t
    if not edition.reading:
        return
    doc.chapter(t("further_reading"))
    w.para(t("further_reading_intro"))
    group = None
    for index, item in enumerate(edition.reading):
        if (index == 0 or item.group != group) and item.group:
            w.heading(item.group, 2)
        group = item.group
        paragraph = w.para()
        if item.by:
            paragraph.add_run(f"{item.by}{f' ({item.year})' if item.year else ''}. ")
        paragraph.add_run(item.title).italic = True
        stop = "" if item.title[-1] in "?!." else "."
        tail = f" ({item.year})" if item.year and not item.by else ""
        tail += f"{stop} {item.details}." if item.details else stop
        paragraph.add_run(tail)
        if item.note:
            w.para(item.note, "Note")


def standards(doc: EditionDocument) -> None:
    """Which outcomes support which unit of each framework."""
    edition, w, t = doc.edition, doc.w, doc.t
    units = edition.units
    if not units:
        return
    doc.chapter(t("standards_mapping"))
    w.para(t("standards_intro"))
    count = len(edition.outcomes)
    rows = [[t("code"), t("standard"), *(str(n) for n in range(1, count + 1))]]
    framework_rows = []
    previous = None
    for unit in units:
        if unit.framework != previous:
            title = unit.framework_title + (f" ({unit.publisher})" if unit.publisher else "")
            framework_rows.append(len(rows))
            rows.append([title] + [""] * (count + 1))
        previous = unit.framework
        marks = ["●" if unit in o.standards else "" for o in edition.outcomes]
        rows.append([unit.code, unit.title, *marks])
    narrow = min(8.0, 80.0 / max(count, 1))
    table = w.table(rows, [24, TEXT_WIDTH_MM - 24 - narrow * count] + [narrow] * count)
    for index in framework_rows:
        cells = table.rows[index].cells
        merged = cells[0].merge(cells[-1])
        for run in merged.paragraphs[0].runs:
            run.bold = True
    num = w.lists.numbered(0, 1)
    for outcome in edition.outcomes:
        number(w.para(outcome.text, "List Number"), num, 0)
    noted = [u for u in units if u.note]
    if noted:
        w.heading(t("standards_notes"), 2)
        for unit in noted:
            paragraph = w.para("", "List Bullet")
            paragraph.add_run(f"{unit.framework} {unit.code}").bold = True
            paragraph.add_run(f": {unit.note}")
            number(paragraph, w.lists.bullets, 0)


def evaluation(doc: EditionDocument) -> None:
    """The evaluation form: ratings to circle, confidence before and now, space to write."""
    w, t = doc.w, doc.t
    form = evaluation_form(doc.edition, doc.setup)
    doc.chapter(t("evaluation_form"))
    w.para(t("evaluation_intro"))
    scale = [str(n) for n in range(1, 6)]
    rows = [["", *scale]] + [[q.text, *scale] for q in form["ratings"]]
    w.table(rows, [TEXT_WIDTH_MM - 65] + [13.0] * 5)
    labels = form["scale"]
    w.para(f"1 = {labels[0]} · 5 = {labels[4]}", "Note")
    w.heading(t("learning_outcomes"), 2)
    w.para(t("evaluation.form_confidence"))
    rows = [
        [
            "",
            f"{t('evaluation.confidence_before')} (0–10)",
            f"{t('evaluation.confidence_now')} (0–10)",
        ]
    ]
    rows += [[f"{n}  {q.about}", "", ""] for n, q in enumerate(form["confidence"], start=1)]
    table = w.table(rows, [TEXT_WIDTH_MM - 60, 30, 30])
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Mm

    for row in table.rows[1:]:
        row.height, row.height_rule = Mm(9), WD_ROW_HEIGHT_RULE.AT_LEAST
    for question in form["scores"]:
        w.para(question.text, "Writing Label")
        w.table([[str(n) for n in range(11)]], [TEXT_WIDTH_MM / 11] * 11, header=False)
    for question in form["texts"]:
        w.para(question.text, "Writing Label")
        w.writing_rows(1, 28)


def feedback(doc: EditionDocument) -> None:
    """What earlier participants said."""
    edition, w = doc.edition, doc.w
    if not edition.feedback:
        return
    doc.chapter(doc.t("feedback_title"))
    for quote in edition.feedback:
        w.para(quote.quote, "Quote")
        # a sample (only in a build --with-samples) says so, as in the PDF pack
        w.para(f"{quote.by} · {doc.t('sample_quote')}" if quote.sample else quote.by, "Note")
