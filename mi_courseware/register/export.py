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


def shown_identity(identity: str, with_email: bool) -> str:
    """A participant's identity as the export shows it: one told apart by their email
    address shows ``email:(withheld)`` unless ``--with-email``."""
    if identity.startswith("email:") and not with_email:
        return "email:(withheld)"
    return identity


def _row(row: Certificate, with_email: bool) -> tuple[object, ...]:
    return (
        row.number, row.code, row.status, row.name, row.event,
        shown_identity(row.identity, with_email), row.course,
        row.client, row.dates, _hours(row.cpd_hours), row.issued_at, row.changed_at,
        row.sha256 or "", row.confirmed_at or "", row.issue_date,
    )  # fmt: skip


def export_csv(
    location: Location, keys: Path | None = None, *, with_email: bool = False
) -> tuple[str, int]:
    """The register as CSV (cells that a spreadsheet would run as a formula are neutralised)
    and how many certificates it lists (``keys``: its key store, should opening migrate it).
    Email addresses are left out unless ``with_email``: then an ``email`` column gives the
    address each holder's messages last went to."""
    from mi_courseware.register.messages import latest_addresses
    from mi_courseware.register.store import Register

    with Register(location, create=False, keys=keys) as register:
        rows = register.all()
        addresses = latest_addresses(register) if with_email else {}
    if not with_email:
        return csv_text(COLUMNS, (_row(r, False) for r in rows)), len(rows)
    lines = (
        (*_row(r, True), addresses.get((r.event, r.identity), _address(r.identity))) for r in rows
    )
    return csv_text((*COLUMNS, "email"), lines), len(rows)


def _address(identity: str) -> str:
    return identity.removeprefix("email:") if identity.startswith("email:") else ""
