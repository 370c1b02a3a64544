"""``coding report``: one practitioner's scores in the format asked for."""

from __future__ import annotations

from pathlib import Path

from mi_courseware.coding.report import (
    find_practitioner,
    practitioner_scores,
    report_csv,
    report_json,
)
from mi_courseware.errors import display_path
from mi_courseware.loading.project import Project


def run_report(project: Project, practitioner: str, fmt: str, theme: str, out: Path) -> str:
    """JSON or CSV text, or (``pdf``) write the feedback report and say where it is."""
    scores = practitioner_scores(project, find_practitioner(project, practitioner))
    if fmt == "json":
        return report_json(scores)
    if fmt == "csv":
        return report_csv(scores)
    from mi_courseware.builders.base import build_time
    from mi_courseware.coding.feedback import write_feedback

    path = write_feedback(project, scores, theme, out, build_time())
    return display_path(path) + "\n"
