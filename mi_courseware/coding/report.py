"""``coding report PRACTITIONER``: every session's counts, scores and bands as JSON or CSV.

The PDF feedback report is made by :mod:`mi_courseware.coding.feedback` from the same
:class:`PractitionerScores`.
"""

from __future__ import annotations

import json
from typing import Any

from mi_courseware.resolving.scores import (
    FIXED_KEYS,
    PractitionerScores,
    Score,
    SessionScores,
    rounded,
)
from mi_courseware.tables import csv_text


def number(score: Score | None) -> float | int | None:
    """A score as JSON and CSV give it: two decimals, counts as whole numbers."""
    if score is None or score.value is None:
        return None
    return int(score.value) if score.kind == "sum" else rounded(score.value)


def _band_entry(score: Score) -> dict[str, Any]:
    return {
        "score": number(score),
        "band": score.band,
        "fair": score.fair,
        "good": score.good,
        "note": score.note,
    }


def session_json(session: SessionScores) -> dict[str, Any]:
    """One session as ``coding report --format json`` gives it (exactly the documented keys).

    ``bands`` holds, for every summary score of the session's scale and for the share of
    change talk, the score, its band (``below fair``, ``fair``, ``good``; ``null`` without
    thresholds or a value), its thresholds and a note when it is undefined.
    """
    fixed = {key: session.score(key) for key in FIXED_KEYS}
    scored = [*session.scores, session.percent_change_talk]
    return {
        "date": session.date.isoformat(),
        "label": session.label,
        "scale": session.scale_id,
        "source": session.coding.sidecar.model.source,
        "counts": dict(session.counts),
        "globals": dict(session.globals),
        **{key: number(score) for key, score in fixed.items()},
        "percent_change_talk": number(session.percent_change_talk),
        "bands": {s.id: _band_entry(s) for s in scored},
    }


def report_json(scores: PractitionerScores) -> str:
    """The practitioner and their sessions as JSON."""
    info = scores.info
    document = {
        "practitioner": info.id,
        "name": info.name,
        "organisation": info.organisation,
        "sessions": [session_json(s) for s in scores.sessions],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_csv(rows: list[dict[str, Any]], last: str) -> str:
    """Rows as CSV: columns in the order first met (``last`` at the end), blanks for missing."""
    columns = [c for c in dict.fromkeys(k for row in rows for k in row) if c != last] + [last]
    return csv_text(columns, ([row.get(c) for c in columns] for row in rows), "\n")


def scores_row(session: SessionScores) -> dict[str, Any]:
    """Every summary score of a session and the share of change talk, with bands."""
    row: dict[str, Any] = {}
    for score in [*session.scores, session.percent_change_talk]:
        row[score.id] = number(score)
        if score.banded:
            row[f"{score.id}_band"] = score.band
    return row


def report_csv(scores: PractitionerScores) -> str:
    """One row per session: counts, globals, every score with its band, and notes."""
    rows: list[dict[str, Any]] = []
    for session in scores.sessions:
        meta = session.coding.sidecar.model
        row: dict[str, Any] = {
            "practitioner": scores.info.id,
            "date": session.date.isoformat(),
            "label": session.label,
            "scale": session.scale_id,
            "coder": meta.coder,
            "minutes": f"{meta.minutes:g}",
            "source": meta.source or "",
        }
        row.update(session.counts)
        row.update(session.globals)
        row.update(scores_row(session))
        scored = [*session.scores, session.percent_change_talk]
        row["notes"] = "; ".join(f"{s.id}: {s.note}" for s in scored if s.note)
        rows.append(row)
    return write_csv(rows, "notes")
