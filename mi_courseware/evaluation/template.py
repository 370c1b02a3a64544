"""``evaluation template EVENT -o DIR``: an empty response file and the list of questions.

``<event>-evaluation.csv`` has one column per question, headed with the question's words
exactly as the pack's form gives them (UTF-8 with a byte-order mark, so that Excel shows
accented letters); ``<event>-questions.txt`` gives one question a line, its words, a tab and
its kind (``1–5``, ``0–10`` or ``text``), to paste into Microsoft Forms or Google Forms. A
form made from it exports columns that match the questions, whatever else it adds.
"""

from __future__ import annotations

from pathlib import Path

from mi_courseware.edition import Edition
from mi_courseware.errors import Problems, UsageError
from mi_courseware.evaluation.questions import kind_label
from mi_courseware.loading.project import Project
from mi_courseware.pipeline.targets import editions_for, find_target
from mi_courseware.rendering.pdf import write_atomic
from mi_courseware.tables import csv_text


def template_files(edition: Edition) -> dict[str, str]:
    """File name -> text of the two files for ``edition``."""
    name = edition.event.id if edition.event else edition.course_id
    header = csv_text([q.text for q in edition.questions], [])  # read back by the responses' reader
    listed = "".join(f"{q.text}\t{kind_label(q.kind)}\n" for q in edition.questions)
    return {f"{name}-evaluation.csv": "\ufeff" + header, f"{name}-questions.txt": listed}


def write_template(edition: Edition, folder: Path) -> list[Path]:
    """Write the two files into ``folder`` (each through a temporary file and a rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in template_files(edition).items():
        target = folder / name
        write_atomic(target, text.encode("utf-8"))
        written.append(target)
    return written


def run_template(project: Project, ident: str, folder: Path) -> list[Path]:
    """``evaluation template EVENT -o DIR``: resolve the event, write its two files."""
    target = find_target(project, ident)
    if target.kind != "event":
        raise UsageError(
            f"'{ident}' is a course; name one of its events (the event's client words the "
            "questions in its language)"
        )
    problems = Problems()
    editions = editions_for(project, [target], problems)
    problems.raise_if_errors()
    return write_template(editions[0], folder)
