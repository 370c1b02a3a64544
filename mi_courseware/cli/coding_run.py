"""``coding report`` and ``coding sheet``: resolve what the document is made from (a
:class:`~mi_courseware.resolving.subjects.Subject`), then build it through the pipeline.

The feedback report goes to ``output/coding/<practitioner>/feedback.pdf``, staged, recorded
in ``output/coding/manifest.json`` and built again only when a file that shapes it changed;
the sheet goes to the file the user names, staged beside it and always built.
"""

from __future__ import annotations

from pathlib import Path

from mi_courseware.coding.document import client_for, styled
from mi_courseware.coding.report import report_csv, report_json
from mi_courseware.errors import UsageError, check_known, display_path
from mi_courseware.loading.project import Project
from mi_courseware.resolving.scores import (
    PractitionerScores,
    find_practitioner,
    practitioner_scores,
)
from mi_courseware.resolving.subjects import PractitionerSubject, ScaleSubject

#: Where feedback reports go, under the output folder (one folder per practitioner in it).
FOLDER = "coding"


def run_report(
    project: Project, practitioner: str, fmt: str, theme: str, out: Path, force: bool = False
) -> str:
    """JSON or CSV text, or (``pdf``) build the feedback report and say where it is."""
    scores = practitioner_scores(project, find_practitioner(project, practitioner))
    if fmt == "json":
        return report_json(scores)
    if fmt == "csv":
        return report_csv(scores)
    from mi_courseware.builders.base import BuildContext
    from mi_courseware.coding.feedback import warn_printed_names
    from mi_courseware.pipeline import build_targets

    subject = practitioner_subject(project, scores, theme)
    warn_printed_names(project, scores, theme)
    [result] = build_targets([subject], ("coding-report",), BuildContext(), out, force=force)
    return display_path(result.files[0]) + "\n"


def practitioner_subject(
    project: Project, scores: PractitionerScores, theme: str
) -> PractitionerSubject:
    """What ``scores``' feedback report is made from: the sessions, the brand of the
    practitioner's client, and every file that shapes the report."""
    from mi_courseware.coding.feedback import coder_name

    info, latest = scores.info, scores.latest
    if latest is None:
        raise UsageError(f"'{info.id}' has no coded sessions yet")
    client = client_for(project, info.organisation)
    look = styled(project, client, theme)
    coders = {c.sidecar.model.coder for c in info.codings} | {info.id}
    sheet = info.folder / "practitioner.yaml"
    coded = [sheet] if sheet.is_file() else []
    for coding in info.codings:
        coded += [coding.sidecar.path, *([coding.csv] if coding.csv else [])]
    look["inputs"] = {
        "coding": tuple(coded),
        "scales": tuple(dict.fromkeys(project.scales[c.scale_id].path for c in info.codings)),
        # names: the coders' (and the practitioner's, when a trainer), and the clients the
        # organisation is matched against
        "trainers": tuple(project.trainers[c].path for c in sorted(coders & set(project.trainers))),
        "clients": tuple(c.path for c in project.clients.values()),
        **look["inputs"],
    }
    return PractitionerSubject(
        ident=info.id,
        sources=(latest.coding.path,),
        slug=FOLDER,
        part=info.id,
        scores=scores,
        organisation=client.model.name if client else info.organisation,
        coder=coder_name(project, latest.coding.sidecar.model.coder),
        **look,
    )


def scale_subject(
    project: Project, scale_id: str, *, client: str | None, theme: str
) -> ScaleSubject:
    """What an observer's sheet for ``scale_id`` is made from, in ``client``'s brand."""
    check_known("--scale", "scale", scale_id, project.scales)
    check_known("--client", "client", client, project.clients)
    record = project.scales[scale_id]
    look = styled(project, project.clients[client] if client else None, theme)
    look["inputs"] = {"scales": (record.path,), **look["inputs"]}
    return ScaleSubject(ident=scale_id, sources=(record.path,), scale=record.model, **look)


def write_sheet(
    project: Project, scale_id: str, output: Path, *, client: str | None, theme: str
) -> Path:
    """Build the observer's sheet for ``scale_id`` into the file ``output``."""
    from mi_courseware.builders.base import BuildContext
    from mi_courseware.pipeline.named import write_to

    subject = scale_subject(project, scale_id, client=client, theme=theme)
    [path] = write_to(subject, "coding-sheet", BuildContext(), output, single=True)
    return path
