"""The register's tables as SQLAlchemy Core sees them (the schema at the newest revision).

The tables themselves are created and changed only by the migrations in
``mi_courseware/register/migrations/versions/`` (with the triggers that make the history
append-only); these objects are what queries are written against, on SQLite and PostgreSQL
alike.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, MetaData, Table, Text

metadata = MetaData()

#: Every state a certificate can be in. ``pending``: number reserved, no file handed out yet;
#: ``prepared``: printed before the event ended, awaiting attendance (never valid);
#: ``issued``/``reissued``: valid; ``revoked``: withdrawn; ``void``: a prepared certificate
#: whose holder did not attend (never valid).
STATES = ("pending", "prepared", "issued", "reissued", "revoked", "void")

#: What a history line records.
ACTIONS = ("issued", "reissued", "regenerated", "revoked", "prepared", "confirmed", "voided")

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
    Column("cpd_hours", Float),
    Column("issued_at", Text, nullable=False),
    Column("changed_at", Text, nullable=False),
    Column("sha256", Text),
    Column("status", Text, nullable=False),
    Column("pending_name", Text),
    Column("pending_at", Text),
    Column("pending_sha256", Text),
    Column("confirmed_at", Text),
    #: The fingerprint of the key its issuer signs with, printed on it (``None`` for a
    #: certificate issued before keys were made at issue: its file stays as it was).
    Column("key_id", Text),
)

history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("sha256", Text),
    Column("detail", Text, nullable=False),
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
    Column("key_id", Text, primary_key=True),
    Column("client", Text, nullable=False),
    Column("public_key", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("retired_at", Text),
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

#: Tables copied by ``register migrate``, parents first.
COPIED = (certificates, history, counters, signing_keys, sites, record_secrets)
