"""``evaluation report`` and ``evaluation template``: resolve what the files are made from,
then build them through the pipeline into the path the user names (staged beside it, moved
into place whole, always built)."""

from __future__ import annotations

from pathlib import Path

from mi_courseware.builders.base import BuildContext
from mi_courseware.errors import Problems, UsageError
from mi_courseware.evaluation.runs import runs_csv, runs_subject
from mi_courseware.loading.project import Project
from mi_courseware.pipeline.named import write_to
from mi_courseware.rendering.document import document_setup
from mi_courseware.resolving.runs import RunFilter
from mi_courseware.resolving.targets import editions_for, find_target


def run_report(
    project: Project,
    chosen: RunFilter,
    *,
    fmt: str,
    out: Path | None,
    theme: str = "default",
    strict: bool = False,
) -> str:
    """``evaluation report``: build the PDF (or CSV) into the file ``out`` (the CSV is
    printed without it); return what to print."""
    if fmt == "pdf" and out is None:
        raise UsageError("--out FILE.pdf is required for the PDF report (or use --format csv)")
    subject = runs_subject(project, chosen, fmt=fmt, theme=theme, strict=strict)
    if out is None:
        return runs_csv(list(subject.runs), chosen, document_setup(subject).t)
    write_to(subject, "evaluation-report", BuildContext(), out, single=True)
    runs, flagged = len(subject.runs), sum(1 for r in subject.runs if r.flags)
    return f"{out}: {runs} run{'s' if runs != 1 else ''}, {flagged} flagged\n"


def run_template(project: Project, ident: str, folder: Path) -> list[Path]:
    """``evaluation template EVENT -o DIR``: resolve the event, build its two files into
    ``folder`` (staged beside them, then moved into place)."""
    target = find_target(project, ident)
    if target.kind != "event":
        raise UsageError(
            f"'{ident}' is a course; name one of its events (the event's client words the "
            "questions in its language)"
        )
    problems = Problems()
    editions = editions_for(project, [target], problems)
    problems.raise_if_errors()
    return write_to(editions[0], "evaluation-template", BuildContext(), folder, single=False)
