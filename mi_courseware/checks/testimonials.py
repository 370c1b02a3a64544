"""Quotes printed as participants' words must be participants' words.

UK advertising rules ask for genuine testimonials, held on record. A course's quote either
names the event whose evaluation responses hold it (``source:``: its words must be in one of
that event's free-text answers, as written, whatever the case, spacing and punctuation), or
says it is a sample (``sample: true``, left out of outputs unless asked for). A quote with
neither is still printed, with a warning, so that projects made before this rule keep
building.
"""

from __future__ import annotations

import re
import unicodedata

from mi_courseware.core.scope import in_scope
from mi_courseware.errors import ContentError, Problems, did_you_mean
from mi_courseware.loading.project import Project, Record
from mi_courseware.loading.responses import ResponseTable, header_keys
from mi_courseware.loading.wording import theme_languages, wording
from mi_courseware.model import Course, Feedback

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def words(text: str) -> str:
    """``text`` as a run of plain words between spaces: case, punctuation and spacing gone."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " " + " ".join(re.findall(r"[^\W_]+(?:'[^\W_]+)*", folded)) + " "


def check_testimonials(project: Project, problems: Problems) -> None:
    """Every course's quotes: sourced ones found in their event's answers, others said."""
    for record in in_scope(project.scope, "courses", project.courses):
        for index, item in enumerate(record.model.feedback):
            if item.sample:
                continue
            if item.source is None:
                problems.warning(
                    record.position("feedback", index),
                    "this quote names no 'source' and is not marked 'sample: true': it is "
                    "printed as a participant's words; give the event whose evaluation "
                    "responses hold it (source: EVENT), or mark it as a sample",
                )
                continue
            _check_source(project, record, index, item, problems)


def _check_source(
    project: Project, record: Record[Course], index: int, item: Feedback, problems: Problems
) -> None:
    source = item.source
    assert source is not None
    where = record.position("feedback", index, "source")
    event = project.events.get(source)
    if event is None:
        if not project.exists("events", source):  # a broken file is reported where it is
            problems.error(where, f"unknown event '{source}'{did_you_mean(source, project.events)}")
        return
    if event.model.course != record.id:
        problems.error(
            where,
            f"event '{source}' ran course '{event.model.course}', not '{record.id}': its "
            "participants' words cannot speak for this course",
        )
        return
    table = project.responses.get(source)
    if table is None:
        problems.error(
            where,
            f"event '{source}' has no evaluation responses (content/evaluations/{source}.csv "
            "or .xlsx) to hold this quote",
        )
        return
    answers = [words(text) for text in free_text(project, record, event.model.theme, table)]
    if not any(words(item.quote) in answer for answer in answers):
        problems.error(
            record.position("feedback", index, "quote"),
            f"this quote is not in the free-text answers of event '{source}' "
            f"({table.path.name}); quote a participant's words as written, or mark it "
            "'sample: true'",
        )


def free_text(
    project: Project, record: Record[Course], theme: str, table: ResponseTable
) -> list[str]:
    """The answers in the columns of a response file that ask open questions: the theme's
    (in any of its languages) and the course's own text questions."""
    keys: set[str] = set()
    for question in record.model.evaluation.questions:
        if question.kind == "text":
            keys.update(header_keys(question.text))
    if theme in project.themes:
        for code in theme_languages(project, theme):
            try:
                texts = wording(project, theme, code)("evaluation.open").split("|")
            except ContentError:  # a broken catalogue: reported by the language checks
                continue
            for text in texts:
                keys.update(header_keys(text))
    columns = [i for i, h in enumerate(table.headers) if set(header_keys(h)) & keys]
    return [
        str(cells[i])
        for _, cells in table.rows
        for i in columns
        if i < len(cells) and isinstance(cells[i], str)
    ]
