"""The certificate register: every certificate ever numbered, and an append-only history.

By default one SQLite file (``records/certificates.sqlite`` unless ``--register`` or
``MI_COURSEWARE_REGISTER`` says otherwise); a ``postgresql://`` URL puts it in a PostgreSQL
database that several coordinators share, with the same schema and guarantees:

- numbers are allocated without gaps or duplicates: a counter row per prefix and year is
  moved on in the transaction that records the certificate, and writers queue (``BEGIN
  IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL);
- the history refuses updates and deletes, certificates are never deleted, and a revoked or
  void certificate never becomes valid again: triggers in the database, not only our code;
- the schema is migrated (Alembic revisions) when a register made by an older release is
  opened.

The API that issuing uses (:class:`Register` and its methods, :class:`Details`,
:func:`stamp`) is described in :mod:`mi_courseware.register.store`, with the states and their
transitions.
"""

from typing import TYPE_CHECKING, Any

from mi_courseware.register.engine import Location, RegisterError, parse_location
from mi_courseware.register.migrate import SCHEMA_VERSION
from mi_courseware.register.rows import Certificate, Details, HistoryEntry, stamp
from mi_courseware.register.state import event_state

if TYPE_CHECKING:
    from mi_courseware.register.store import Register


def __getattr__(name: str) -> Any:
    """:class:`Register` is loaded when first asked for: it brings SQLAlchemy, which a build
    with nothing to do (that only reads :func:`event_state`) does without."""
    if name == "Register":
        from mi_courseware.register.store import Register

        return Register
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "SCHEMA_VERSION",
    "Certificate",
    "Details",
    "HistoryEntry",
    "Location",
    "Register",
    "RegisterError",
    "event_state",
    "parse_location",
    "stamp",
]
