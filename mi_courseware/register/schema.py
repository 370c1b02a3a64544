"""The register's schema, declared once: its tables, columns, keys, constraints and indexes.

The migrations in ``mi_courseware/register/migrations/versions/`` create and change the
database; what they make is exactly this (a test makes a register through them on SQLite and
on PostgreSQL and compares it with this metadata, Alembic's ``compare_metadata``, expecting
no difference), and a new migration is drafted from it (``scripts/new_migration.py``). What
the metadata cannot say stays hand-written SQL in the migrations: the triggers that keep the
history append-only and certificates and keys undeleted. Queries are written against these
objects, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.sqlite import REAL

metadata = MetaData()

#: Every state a certificate can be in. ``pending``: number reserved, no file handed out yet;
#: ``prepared``: printed before the event ended, awaiting attendance (never valid);
#: ``issued``/``reissued``: valid; ``revoked``: withdrawn; ``void``: a prepared certificate
#: whose holder did not attend (never valid).
STATES = ("pending", "prepared", "issued", "reissued", "revoked", "void")

#: What a history line records.
ACTIONS = ("issued", "reissued", "regenerated", "revoked", "prepared", "confirmed", "voided")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


certificates = Table(
    "certificates",
    metadata,
    Column("number", Text, primary_key=True),
    Column("prefix", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("serial", Integer, nullable=False),
    Column("code", Text, nullable=False, unique=True),
    Column("event", Text, nullable=False),
    Column("identity", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("course", Text, nullable=False),
    Column("client", Text, nullable=False),
    Column("dates", Text, nullable=False),
    # DOUBLE PRECISION on PostgreSQL, REAL on SQLite (as the first migration wrote them)
    Column("cpd_hours", Double().with_variant(REAL(), "sqlite")),
    Column("issued_at", Text, nullable=False),
    Column("changed_at", Text, nullable=False),
    Column("sha256", Text),
    Column(
        "status",
        Text,
        CheckConstraint(_one_of("status", STATES), name="certificate_status"),
        nullable=False,
    ),
    Column("pending_name", Text),
    Column("pending_at", Text),
    Column("pending_sha256", Text),
    Column("confirmed_at", Text),
    #: The fingerprint of the key its issuer signs with, printed on it (``None`` for a
    #: certificate issued before keys were made at issue: its file stays as it was).
    Column("key_id", Text),
    #: The date printed on it as its issue date (``YYYY-MM-DD``: the event's last day), what
    #: ``verify`` and the published site give; ``None`` for a certificate not made again since
    #: this was recorded, or of an event without dates: then the day it was numbered.
    Column("issued_on", Text),
    #: The design it was laid out in (:data:`mi_courseware.certificates.common.LAYOUT`):
    #: a later design applies to certificates issued from then on, and one already issued
    #: keeps its file (``None``: issued before designs were numbered, the first one).
    Column("layout", Integer),
    UniqueConstraint("prefix", "year", "serial"),
    UniqueConstraint("event", "identity"),
    Index("certificates_by_event", "event"),
)

history = Table(
    "history",
    metadata,
    # SQLite: INTEGER PRIMARY KEY AUTOINCREMENT (ids never reused); PostgreSQL: an identity
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), Identity(), primary_key=True),
    Column("number", Text, ForeignKey("certificates.number"), nullable=False),
    Column("at", Text, nullable=False),
    Column(
        "action",
        Text,
        CheckConstraint(_one_of("action", ACTIONS), name="history_action"),
        nullable=False,
    ),
    Column("name", Text, nullable=False),
    Column("sha256", Text),
    Column("detail", Text, nullable=False, server_default=text("''")),
    Index("history_by_sha", "sha256"),
    sqlite_autoincrement=True,
)

#: The last serial handed out per prefix and year, updated in the issuing transaction (a
#: sequence would leave gaps when a transaction rolls back).
counters = Table(
    "counters",
    metadata,
    Column("prefix", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last", Integer, nullable=False),
)

#: The public half of every Ed25519 key a client has signed with: the current one
#: (``retired_at`` empty; made with the client's first certificate) and those retired by
#: ``register keys rotate``. Private halves live in the key store (:mod:`.keys`), never here.
signing_keys = Table(
    "signing_keys",
    metadata,
    Column("key_id", Text),
    Column("client", Text, nullable=False),
    Column("public_key", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("retired_at", Text),
    # revision 0003 made the table as signing_keys_new and renamed it; PostgreSQL kept the
    # key's first name
    PrimaryKeyConstraint("key_id", name="signing_keys_new_pkey"),
    #: One current key per client.
    Index(
        "signing_keys_current",
        "client",
        unique=True,
        sqlite_where=text("retired_at IS NULL"),
        postgresql_where=text("retired_at IS NULL"),
    ),
)

#: The salt of each published site (``*`` for the site of every client).
sites = Table(
    "sites",
    metadata,
    Column("site", Text, primary_key=True),
    Column("salt", Text, nullable=False),
    Column("created_at", Text, nullable=False),
)

#: What a published record's name and encryption key are derived from, per site salt,
#: iteration count and code (:mod:`.sealing`): derived once, slowly, then kept, so that
#: publishing again costs nothing for records already published. It gives nothing a copy of
#: the register would not: the codes it is derived from are here too.
record_secrets = Table(
    "record_secrets",
    metadata,
    Column("salt", Text, primary_key=True),
    Column("iterations", Integer, primary_key=True),
    Column("code", Text, primary_key=True),
    Column("secret", Text, nullable=False),
)

#: The messages ``send`` makes, and what became of one.
MESSAGE_KINDS = ("invitation", "reminder", "certificate", "evaluation")
#: ``outbox``: written to an outbox folder; ``sent``: accepted by the mail server;
#: ``failed``: refused by it (``detail`` holds its words).
MESSAGE_RESULTS = ("outbox", "sent", "failed")

#: Every message to a participant that left the tool (``send``), once it was written to an
#: outbox or the mail server answered: what makes a second run send only what the first did
#: not. ``identity`` is the participant's, as certificates have it; ``day`` is a reminder's
#: (0 for the other kinds); ``sha256`` is the attachment's that matters (the certificate, the
#: invitation). ``register forget`` erases ``recipient``, ``identity`` and ``detail`` and
#: keeps the row, so counts stay right.
messages = Table(
    "messages",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), Identity(), primary_key=True),
    Column("event", Text, nullable=False),
    Column("identity", Text, nullable=False),
    Column(
        "kind",
        Text,
        CheckConstraint(_one_of("kind", MESSAGE_KINDS), name="message_kind"),
        nullable=False,
    ),
    Column("day", Integer, nullable=False, server_default=text("0")),
    Column("sha256", Text),
    Column("message_id", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column(
        "result",
        Text,
        CheckConstraint(_one_of("result", MESSAGE_RESULTS), name="message_result"),
        nullable=False,
    ),
    Column("recipient", Text),
    Column("detail", Text, nullable=False, server_default=text("''")),
    Index("messages_by_event", "event", "kind"),
    sqlite_autoincrement=True,
)

#: Each calendar entry's ``SEQUENCE`` (RFC 5545): moved on whenever the details of its day
#: change (``digest``), so that an invitation sent again updates the entry a calendar holds.
#: Kept here because ``output/`` (and its manifest) is disposable.
calendar_days = Table(
    "calendar_days",
    metadata,
    Column("event", Text, primary_key=True),
    Column("day", Integer, primary_key=True),
    Column("digest", Text, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("changed_at", Text, nullable=False),
)

#: Tables copied by ``register migrate``, parents first.
COPIED = (
    certificates,
    history,
    counters,
    signing_keys,
    sites,
    record_secrets,
    messages,
    calendar_days,
)
