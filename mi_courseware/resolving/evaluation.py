"""The evaluation part of an Edition: its questions, and the responses of its event.

Resolution calls :func:`with_evaluation` last, so that ``validate`` and ``build`` report a bad
response cell like any other problem in the user's files, and every builder sees one
definition of the questions. An event's responses are in ``content/evaluations/<event>.csv``
or ``.xlsx``, or in the file its ``evaluations:`` names; the read phase reads them
(:mod:`mi_courseware.loading.responses`), and this module says what their cells mean.
"""

from __future__ import annotations

from dataclasses import replace

from mi_courseware.core.edition import Edition
from mi_courseware.core.evaluation import Responses, SkillItem
from mi_courseware.errors import Position, Problems
from mi_courseware.loading.i18n import Translator
from mi_courseware.loading.project import Project, Record
from mi_courseware.loading.wording import theme_languages
from mi_courseware.loading.wording import wording as theme_wording
from mi_courseware.model import Course, Event
from mi_courseware.resolving.questions import define, scale_words
from mi_courseware.resolving.responses import read_responses
from mi_courseware.resolving.skills import read_skills
from mi_courseware.resolving.stats import attended

#: The Edition's input role of the response file (see ``Edition.inputs``).
ROLE = "evaluations"
#: ... and of the skills measure's scores.
SKILLS = "skills"


def with_evaluation(
    edition: Edition,
    course: Record[Course],
    event: Record[Event] | None,
    project: Project,
    problems: Problems,
) -> Edition:
    """``edition`` with its evaluation questions, and its event's responses when it has any."""
    if not edition.theme_dirs:  # an unknown theme, already reported
        return edition
    own = [
        (q.id, q.text, q.kind, course.position("evaluation", "questions", index, "text"))
        for index, q in enumerate(course.model.evaluation.questions)
    ]
    outcomes = [(o.id, o.text) for o in edition.outcomes]
    languages = theme_languages(project, edition.theme)

    def wording(code: str) -> Translator:
        return theme_wording(project, edition.theme, code)

    questions = define(outcomes, own, wording, languages, edition.language, problems)
    edition = replace(edition, questions=questions)
    skills = project.skills.get(event.id) if event is not None else None
    if skills is not None:
        items = tuple(
            SkillItem(i.id, i.label, i.outcome or "") for i in course.model.evaluation.skills
        )
        scores = read_skills(skills, items, course.id, problems)
        inputs = {**edition.inputs, SKILLS: (skills.path,)}
        edition = replace(edition, skills=scores, inputs=inputs)
    table = project.responses.get(event.id) if event is not None else None
    if table is None:
        return edition
    responses = read_responses(table, questions, scale_words(wording, languages), problems)
    if responses is not None and event is not None and event.model.roster is not None:
        _more_than_attended(responses, edition, problems)
    inputs = {**edition.inputs, ROLE: (table.path,)}
    return replace(edition, responses=responses, inputs=inputs)


def _more_than_attended(responses: Responses, edition: Edition, problems: Problems) -> None:
    """More responses than people who attended is a warning at the response file: some came
    from people the roster does not count (or the roster's attendance is wrong), and the
    quality report gives no response rate."""
    count = sum(1 for person in edition.participants if attended(person))
    given = len(responses.rows)
    if given > count:
        problems.warning(
            Position(responses.path, 1, 0),
            f"{given} responses, but the roster counts only {count} who attended: check the "
            "roster's attendance, or remove the responses of people who did not attend (the "
            "quality report gives no response rate until then)",
        )
