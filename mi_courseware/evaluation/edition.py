"""The evaluation part of an Edition: its questions, and the responses of its event.

Resolution calls :func:`with_evaluation` last, so that ``validate`` and ``build`` report a bad
response cell like any other problem in the user's files, and every builder sees one
definition of the questions. An event's responses are in ``content/evaluations/<event>.csv``
or ``.xlsx``, or in the file its ``evaluations:`` names.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mi_courseware.edition import Edition
from mi_courseware.errors import Position, Problems
from mi_courseware.evaluation.questions import define, scale_words
from mi_courseware.evaluation.reading import SUFFIXES, read_responses
from mi_courseware.loading.project import Project, Record
from mi_courseware.model import Course, Event

#: The Edition's input role of the response file (see ``Edition.inputs``).
ROLE = "evaluations"


def responses_file(record: Record[Event], project: Project, problems: Problems) -> Path | None:
    """The event's response file, if it has one; a missing or misplaced one is reported."""
    named = record.model.evaluations
    if named:
        path = record.path.parent / named
        where = record.position("evaluations")
        if not path.resolve().is_relative_to(project.paths.root.resolve()):
            problems.error(where, f"evaluations '{named}' is outside the project")
        elif path.suffix.lower() not in SUFFIXES:
            problems.error(where, f"evaluations '{named}' is not a .csv or .xlsx file")
        elif not path.is_file():
            problems.error(where, f"evaluations file '{named}' not found")
        else:
            return path
        return None
    folder = project.paths.content_dir("evaluations")
    found = [folder / f"{record.id}{s}" for s in SUFFIXES if (folder / f"{record.id}{s}").is_file()]
    found = [p for p in found if project.readable(p)]  # a link out is reported by check_links
    if len(found) > 1:
        problems.error(
            Position(found[1]),
            f"event '{record.id}' has two response files, {found[0].name} and "
            f"{found[1].name}; keep one",
        )
        return None
    return found[0] if found else None


def with_evaluation(
    edition: Edition,
    course: Record[Course],
    event: Record[Event] | None,
    project: Project,
    problems: Problems,
) -> Edition:
    """``edition`` with its evaluation questions, and its event's responses when it has any."""
    chain = list(edition.theme_dirs)
    if not chain:  # an unknown theme, already reported
        return edition
    own = [
        (q.id, q.text, q.kind, course.position("evaluation", "questions", index, "text"))
        for index, q in enumerate(course.model.evaluation.questions)
    ]
    outcomes = [(o.id, o.text) for o in edition.outcomes]
    questions = define(outcomes, own, chain, edition.language, problems)
    path = responses_file(event, project, problems) if event is not None else None
    if path is None:
        return replace(edition, questions=questions)
    responses = read_responses(path, questions, scale_words(chain), problems)
    inputs = {**edition.inputs, ROLE: (path,)}
    return replace(edition, questions=questions, responses=responses, inputs=inputs)
