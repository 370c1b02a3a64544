"""``register export``: every certificate as a CSV row that spreadsheets read safely."""

from __future__ import annotations

from pathlib import Path

from mi_courseware.register.engine import Location
from mi_courseware.register.rows import Certificate
from mi_courseware.tables import csv_text

COLUMNS = (
    "number", "code", "status", "name", "event", "participant", "course", "client", "dates",
    "cpd_hours", "issued_at", "changed_at", "sha256", "confirmed_at", "issued_on",
)  # fmt: skip


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def _row(row: Certificate) -> tuple[object, ...]:
    return (
        row.number, row.code, row.status, row.name, row.event, row.identity, row.course,
        row.client, row.dates, _hours(row.cpd_hours), row.issued_at, row.changed_at,
        row.sha256 or "", row.confirmed_at or "", row.issue_date,
    )  # fmt: skip


def export_csv(location: Location, keys: Path | None = None) -> tuple[str, int]:
    """The register as CSV (cells that a spreadsheet would run as a formula are neutralised)
    and how many certificates it lists (``keys``: its key store, should opening migrate it)."""
    from mi_courseware.register.store import Register

    with Register(location, create=False, keys=keys) as register:
        rows = register.all()
    return csv_text(COLUMNS, (_row(r) for r in rows)), len(rows)
