"""``evaluation template EVENT -o DIR``: an empty response file and the list of questions.

``<event>-evaluation.csv`` has one column per question, headed with the question's words
exactly as the pack's form gives them (UTF-8 with a byte-order mark, so that Excel shows
accented letters); ``<event>-questions.txt`` gives one question a line, its words, a tab and
its kind (``1–5``, ``0–10`` or ``text``), to paste into Microsoft Forms or Google Forms. A
form made from it exports columns that match the questions, whatever else it adds.
"""

from __future__ import annotations

from mi_courseware.core.edition import Edition
from mi_courseware.resolving.questions import kind_label
from mi_courseware.tables import csv_text


def template_files(edition: Edition) -> dict[str, str]:
    """File name -> text of the two files for ``edition``."""
    name = edition.event.id if edition.event else edition.course_id
    header = csv_text([q.text for q in edition.questions], [])  # read back by the responses' reader
    listed = "".join(f"{q.text}\t{kind_label(q.kind)}\n" for q in edition.questions)
    return {f"{name}-evaluation.csv": "\ufeff" + header, f"{name}-questions.txt": listed}
