"""``coding summary``: a cohort at a glance, one row per practitioner (latest session), each
named as people know them, with the id ``coding report`` takes.

Each row gives the latest session's summary scores with their bands and whether every banded
score has reached fair; ``--trainer`` keeps the practitioners a trainer mentors or coded,
``--client`` those who work for a client.
"""

from __future__ import annotations

from collections.abc import Iterator

from mi_courseware.checks.licences import belongs_to
from mi_courseware.coding.report import scores_row, write_csv
from mi_courseware.errors import check_known
from mi_courseware.loading.coded import PractitionerInfo
from mi_courseware.loading.project import Project
from mi_courseware.resolving.scores import (
    PractitionerScores,
    SessionScores,
    practitioner_scores,
    reached_fair,
    show,
)


def _selected(
    project: Project, trainer: str | None, client: str | None
) -> Iterator[PractitionerInfo]:
    check_known("--trainer", "trainer", trainer, project.trainers)
    check_known("--client", "client", client, project.clients)
    for info in project.practitioners.values():
        if client is not None and not belongs_to(info.organisation, project.clients[client]):
            continue
        if trainer is not None:
            name = project.trainers[trainer].model.name
            coders = {c.sidecar.model.coder for c in info.codings}
            if info.mentor != trainer and not coders & {trainer, name}:
                continue
        yield info


def cohort(project: Project, trainer: str | None, client: str | None) -> list[PractitionerScores]:
    """The selected practitioners with at least one coded session, scored."""
    found = [practitioner_scores(project, i) for i in _selected(project, trainer, client)]
    return [p for p in found if p.latest is not None]


def cohort_summary(
    project: Project, *, trainer: str | None = None, client: str | None = None, fmt: str = "table"
) -> str:
    """The summary as a text table or as CSV."""
    rows = cohort(project, trainer, client)
    return _csv(rows) if fmt == "csv" else _table(project, rows)


def _csv(rows: list[PractitionerScores]) -> str:
    records = []
    for scores in rows:
        latest = scores.latest
        assert latest is not None
        records.append(
            {
                "practitioner": scores.info.id,
                "name": scores.info.name,
                "organisation": scores.info.organisation,
                "sessions": len(scores.sessions),
                "date": latest.date.isoformat(),
                "label": latest.label,
                "scale": latest.scale_id,
                **scores_row(latest),
                "fair_on_every_score": "yes" if reached_fair(latest) else "no",
            }
        )
    return write_csv(records, "fair_on_every_score")


def _cell(session: SessionScores, ident: str) -> str:
    score = session.score(ident)
    if score is None:
        return "-"
    if score.value is None:
        return "undefined"
    return f"{show(score.value, score.unit, score.kind)} {score.band}"


def _table(project: Project, rows: list[PractitionerScores]) -> str:
    if not rows:
        return "No coded sessions for these practitioners.\n"
    lines: list[str] = []
    scales = list(dict.fromkeys(p.latest.scale_id for p in rows if p.latest))
    for scale_id in scales:
        group = [p for p in rows if p.latest and p.latest.scale_id == scale_id]
        scale = project.scales[scale_id].model
        banded = [s for s in scale.summaries if s.fair is not None or s.good is not None]
        # named as people know them; the id is what 'coding report' takes
        head = ["practitioner", "id", "latest", *(s.label for s in banded), "fair on all"]
        table = [head]
        for scores in group:
            latest = scores.latest
            assert latest is not None
            table.append(
                [
                    scores.info.name,
                    scores.info.id,
                    latest.date.isoformat(),
                    *(_cell(latest, s.id) for s in banded),
                    "yes" if reached_fair(latest) else "no",
                ]
            )
        widths = [max(len(row[i]) for row in table) for i in range(len(head))]
        if lines:
            lines.append("")
        lines.append(f"{scale.title} ({scale_id}):")
        for row in table:
            lines.append("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    fair = [p.info.name for p in rows if p.latest and reached_fair(p.latest)]
    lines.append("")
    lines.append(
        f"{len(fair)} of {len(rows)} practitioner{'s' if len(rows) != 1 else ''} at fair or "
        f"better on every summary score{': ' + ', '.join(fair) if fair else ''}"
    )
    return "\n".join(line.rstrip() for line in lines) + "\n"
