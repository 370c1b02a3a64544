"""Each client's Word template (``clients/<c>/reference.docx``), checked once.

The Word editions use a client's template for its styles only, so it must define every
style they use (a missing one is an error naming it, never a silent fallback to the
theme's), and whatever else it holds (links to outside the file, an attached template,
macros, embedded objects) is left out, with a warning that says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mi_courseware.errors import Position, Problems

if TYPE_CHECKING:
    from mi_courseware.loading.project import Project


def check_word_templates(project: Project, problems: Problems) -> None:
    """Every client's ``reference.docx``; each one that passes is kept on the project."""
    from mi_courseware.loading.word import REFERENCE_NAME, ReferenceError, read_reference

    for client in project.clients.values():
        path = client.path.parent / REFERENCE_NAME
        if not path.is_file() or not project.readable(path):
            continue
        where = Position(path, 1, 0)
        try:
            reference = read_reference(path)
        except ReferenceError as exc:
            problems.error(where, f"this Word template {exc}")
            continue
        if reference.dropped:
            problems.warning(
                where,
                "only the styles of this Word template are used; left out: "
                + ", ".join(reference.dropped),
            )
        missing = reference.missing()
        if missing:
            problems.error(
                where,
                f"this Word template has no {', '.join(missing)}: the Word editions use "
                "them. Start from a participant-pack.docx this tool made, restyle it in "
                "Word and save it as reference.docx",
            )
            continue
        project.word_templates.add(path.resolve())
