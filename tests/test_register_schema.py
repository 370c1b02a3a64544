"""What a register file or database is, and moving one: schema migrations from the first
release, refusing what is not a register, read-only registers, ``register migrate --to``.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import PROJECTS

from mi_courseware.cli import cli
from mi_courseware.register import (
    SCHEMA_VERSION,
    Certificate,
    Details,
    Location,
    Register,
    RegisterError,
)
from mi_courseware.register.engine import APPLICATION_ID

FIRST_RELEASE = PROJECTS / "register-v1" / "certificates.sqlite"


def mi(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        cli,
        list(args),
        catch_exceptions=False,
        env={"SOURCE_DATE_EPOCH": "1805443200", **(env or {})},
        prog_name="mi-courseware",
    )


def first_release(tmp_path: Path) -> Path:
    """A copy of a register written by the first release (schema version 1)."""
    path = tmp_path / "old.sqlite"
    shutil.copy(FIRST_RELEASE, path)
    return path


DETAILS = Details("An Introduction to MI", "Acme Health Trust", "", None)


def next_certificate(register: Register) -> Certificate:
    """One more certificate for the first release's event (inside a transaction)."""
    return register.reserve(
        event="acme-2027",
        identity="email:new@acme.example",
        name="New Person",
        prefix="A",
        year=2027,
        details=DETAILS,
        at="2027-04-01T09:00:00Z",
    )


def pragmas(path: Path) -> tuple[int, int]:
    db = sqlite3.connect(path)
    try:
        return (
            db.execute("PRAGMA application_id").fetchone()[0],
            db.execute("PRAGMA user_version").fetchone()[0],
        )
    finally:
        db.close()


def test_a_register_of_the_first_release_opens_and_migrates(tmp_path: Path) -> None:
    path = first_release(tmp_path)
    assert pragmas(path) == (0, 1)
    before = sqlite3.connect(path).execute("SELECT * FROM history ORDER BY id").fetchall()
    with Register(path) as register:
        rows = register.all()
        actions = [h.action for r in rows for h in register.history(r.number)]
        with register.transaction():
            new = next_certificate(register)
    assert len(rows) == 18
    assert sorted(actions) == ["issued"] * 18 + ["reissued", "revoked"]
    assert {r.number: r.status for r in rows}["A-2027-000002"] == "revoked"
    assert new.number == "A-2027-000019"
    assert pragmas(path) == (APPLICATION_ID, SCHEMA_VERSION)
    after = sqlite3.connect(path).execute(
        "SELECT id, number, at, action, name, sha256, detail FROM history ORDER BY id"
    )
    assert after.fetchall() == before  # every line kept, ids included
    verdict = mi("--register", str(path), "verify", "V9E3-CJTW-BMD2")
    assert verdict.exit_code == 0 and verdict.output.startswith("A-2027-000001: valid\n")


def test_an_events_state_is_read_without_the_register_only_when_the_schema_is_current(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A build asks the register's state of every event it issues for: a current SQLite
    register is read with sqlite3 alone, an older one through the register (which migrates
    it, and ``-v`` says so); both ways give the same state, and it follows every change."""
    from mi_courseware.register.state import event_state

    path = first_release(tmp_path)
    with caplog.at_level(logging.INFO, logger="mi_courseware"):
        old = event_state(path, "acme-2027")
    assert "reading the event's certificates through the register" in caplog.text
    assert pragmas(path) == (APPLICATION_ID, SCHEMA_VERSION)  # opening it migrated it
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mi_courseware"):
        assert event_state(path, "acme-2027") == old == event_state(path, "acme-2027", fast=False)
    assert caplog.text == ""
    assert event_state(path, "acme-second") not in (old, event_state(path, "no-such-event"))
    with Register(path) as register, register.transaction():
        register.revoke("A-2027-000001", "issued in error", "2027-06-01T00:00:00Z")
    assert event_state(path, "acme-2027") != old
    assert event_state(path, "acme-2027") == event_state(path, "acme-2027", fast=False)
    assert event_state(tmp_path / "none.sqlite", "acme-2027") == "no register"


def test_two_coordinators_opening_an_old_register_at_once_migrate_it_once(tmp_path: Path) -> None:
    from conftest import SCRIPT, subprocess_env

    path = first_release(tmp_path)
    runs = [
        subprocess.Popen(
            [str(SCRIPT), "--register", str(path), "register", "export"],
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert [len(out.splitlines()) for out, _ in outputs] == [19, 19]
    upgraded = [err for _, err in outputs if "register upgraded from schema revision 0001" in err]
    assert len(upgraded) == 1, outputs
    assert pragmas(path) == (APPLICATION_ID, SCHEMA_VERSION)


def test_another_applications_sqlite_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    db.execute("INSERT INTO notes (text) VALUES ('keep me')")
    db.commit()
    db.close()
    before = path.read_bytes()
    message = (
        f"{path}: not a certificate register: it is another application's SQLite database "
        "(tables notes); give --register a new file or the register's own"
    )
    with pytest.raises(RegisterError) as refused:
        Register(path)
    assert str(refused.value) == message
    result = mi("--register", str(path), "register", "export")
    assert (result.exit_code, result.output) == (1, f"mi-courseware: error: {message}\n")
    assert path.read_bytes() == before
    sqlite3.connect(path).execute("PRAGMA application_id = 1234").connection.commit()
    with pytest.raises(
        RegisterError, match=r"another application's SQLite database \(application id 0x000004d2\)"
    ):
        Register(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    path.write_bytes(b"not a database at all, just text" * 100)
    with pytest.raises(RegisterError, match="not a certificate register"):
        Register(path)


def test_an_empty_file_becomes_a_register(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    path.touch()
    Register(path).close()
    assert pragmas(path) == (APPLICATION_ID, SCHEMA_VERSION)


def test_a_new_register_and_its_key_store_are_for_their_owner_alone(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    from mi_courseware.register.keys import KeyStore, ensure_key

    path = tmp_path / "records" / "certificates.sqlite"
    with Register(path) as register, register.transaction():
        key = ensure_key(register, "Acme Health Trust", "2027-03-19T08:00:00Z")
    private = KeyStore(path.parent / "keys", "").load(key.key_id, key.client)
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    modes = {
        p.relative_to(tmp_path).as_posix(): p.stat().st_mode & 0o777
        for p in (
            path.parent,
            path,
            path.parent / "keys",
            path.parent / "keys" / f"{key.key_id}.pem",
        )
    }
    assert modes == {
        "records": 0o700,
        "records/certificates.sqlite": 0o600,
        "records/keys": 0o700,
        f"records/keys/{key.key_id}.pem": 0o600,
    }
    assert raw not in path.read_bytes()  # a copy of the register alone never signs


def test_a_register_from_a_newer_version_is_refused(register_at: Location) -> None:
    from sqlalchemy import text

    with Register(register_at) as register:
        if isinstance(register_at, Path):
            register._db.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
            register._db.commit()
            newer = f"schema {SCHEMA_VERSION + 1}"
        else:
            with register.transaction():
                register.execute(text("UPDATE alembic_version SET version_num = '0099'"))
            newer = "0099"
    with pytest.raises(RegisterError) as refused:
        Register(register_at)
    assert str(refused.value).endswith(
        f": written by a newer mi-courseware ({newer}); upgrade mi-courseware to use it"
    )


def release_two(location: Location, client: str) -> tuple[bytes, str]:
    """A register as release 2 made it (schema revision 0002) whose client has a signing key
    kept in the register itself, as ``register publish`` made it then. Returns the private
    key's raw bytes and its base64 text as stored."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )
    from sqlalchemy import text

    from mi_courseware.register.engine import make_engine
    from mi_courseware.register.keys import key_id
    from mi_courseware.register.migrate import run_alembic

    if isinstance(location, Path):
        shutil.copy(FIRST_RELEASE, location)
    engine = make_engine(location, 30)
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    stored = base64.b64encode(raw).decode()
    with engine.connect() as connection:
        if isinstance(location, Path):  # as the register's own migration does around 0002
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")
        connection.info["writing"] = True
        with connection.begin():
            run_alembic(connection, "0001" if isinstance(location, Path) else None, "0002")
            connection.execute(
                text("INSERT INTO signing_keys VALUES (:client, :kid, :private, :public, :at)"),
                {
                    "client": client,
                    "kid": key_id(public),
                    "private": stored,
                    "public": base64.b64encode(public).decode(),
                    "at": "2027-03-20T09:00:00Z",
                },
            )
            if isinstance(location, Path):
                connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
                connection.exec_driver_sql("PRAGMA user_version = 2")
                # where SQLite is built without secure delete (Debian's has it), pages that
                # rows moved out of keep their bytes: leave copies of the key in free pages
                connection.exec_driver_sql("PRAGMA secure_delete = OFF")
                connection.exec_driver_sql(
                    "CREATE TABLE moved AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT "
                    "i + 1 FROM n WHERE i < 40) SELECT private_key || hex(randomblob(1500)) "
                    "AS copy FROM signing_keys, n"
                )
                connection.exec_driver_sql("DROP TABLE moved")
    engine.dispose()
    return raw, stored


def test_private_keys_move_out_of_an_older_register_and_leave_no_trace_in_it(
    register_at: Location, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Release 2 kept each client's private key in the register, so a copy of it could sign.
    Opening it moves each key to the key store (owner-only), drops it from the register, and
    compacts an SQLite file, so that its bytes no longer hold the key anywhere."""
    from mi_courseware.register.keys import KeyStore, public_keys

    raw, stored = release_two(register_at, "Acme Health Trust")
    sqlite = isinstance(register_at, Path)
    if sqlite:
        assert stored.encode() in register_at.read_bytes()  # as release 2 left it
    keys = tmp_path / "keys"
    with (
        caplog.at_level(logging.WARNING, logger="mi_courseware"),
        Register(register_at, keys=keys) as register,
    ):
        (key,) = public_keys(register)
    assert key.client == "Acme Health Trust" and key.retired_at is None
    moved = KeyStore(keys, "").load(key.key_id, key.client)
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    assert moved.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()) == raw
    assert keys.stat().st_mode & 0o777 == 0o700
    assert (keys / f"{key.key_id}.pem").stat().st_mode & 0o777 == 0o600
    assert f"the signing key of Acme Health Trust ({key.fingerprint}) moved out" in caplog.text
    assert "register keys rotate" in caplog.text
    if not sqlite:
        return
    data = register_at.read_bytes()
    assert stored.encode() not in data and raw not in data
    assert pragmas(register_at) == (APPLICATION_ID, SCHEMA_VERSION)
    site = tmp_path / "site"  # the moved key signs: the site publishes with it
    assert mi("--register", str(register_at), "register", "publish", str(site)).exit_code == 0
    meta = json.loads((site / "site.json").read_text(encoding="utf-8"))
    assert list(meta["keys"]) == [key.key_id]


def test_the_migrations_make_exactly_the_schema_the_metadata_declares(
    register_at: Location, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A new register, and one migrated from release 2 (on SQLite from the first release
    through release 2), are what ``register/schema.py`` declares: Alembic's autogenerate
    comparison finds no difference, nor do the comparisons it leaves out (unique and CHECK
    constraints, partial indexes, AUTOINCREMENT)."""
    from mi_courseware.register.compare import differences, unseen_differences
    from mi_courseware.register.engine import make_engine

    if isinstance(register_at, Path):
        older: Location = tmp_path / "older.sqlite"
    else:
        older = request.getfixturevalue("postgres").new_database()
    release_two(older, "Acme Health Trust")
    for location in (register_at, older):
        Register(location, keys=tmp_path / "keys").close()  # made, or migrated, to the head
        engine = make_engine(location, 30)
        try:
            with engine.connect() as connection:
                assert differences(connection) == []
                assert unseen_differences(connection) == []
        finally:
            engine.dispose()


def test_a_migration_drafted_from_the_metadata_brings_a_register_to_it(tmp_path: Path) -> None:
    """``scripts/new_migration.py``'s draft: the batch-mode operations from the difference
    between the register the migrations make and the metadata (here: one more column)."""
    import sqlalchemy
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from mi_courseware.register.compare import differences, draft
    from mi_courseware.register.engine import make_engine
    from mi_courseware.register.schema import metadata

    wanted = sqlalchemy.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(wanted)
    wanted.tables["sites"].append_column(sqlalchemy.Column("title", sqlalchemy.Text))
    path = tmp_path / "register.sqlite"
    Register(path).close()
    engine = make_engine(path, 30)
    try:
        with engine.connect() as connection:
            assert draft(connection) == ""  # the migrations make the metadata as it is
            code = draft(connection, wanted)
            assert "with op.batch_alter_table('sites', schema=None) as batch_op:" in code
            assert "batch_op.add_column(sa.Column('title', sa.Text(), nullable=True))" in code
            connection.rollback()
            connection.info["writing"] = True
            with connection.begin():
                found = {"op": Operations(MigrationContext.configure(connection)), "sa": sqlalchemy}
                exec(f"def upgrade():\n    {code.strip()}\n", found)
                found["upgrade"]()  # type: ignore[operator]
            assert differences(connection, wanted) == []
    finally:
        engine.dispose()


@pytest.fixture
def immutable(tmp_path: Path):
    """Make a file read-only even for root (``chattr +i``); undone after the test."""
    made: list[Path] = []

    def make(path: Path) -> Path:
        subprocess.run(["chattr", "+i", str(path)], check=True)
        made.append(path)
        return path

    yield make
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_register_gives_a_clean_error_and_can_still_be_read(
    tmp_path: Path, immutable
) -> None:
    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "foundation-basic", root)
    shutil.copytree(PROJECTS / "certs-basic", root, dirs_exist_ok=True)
    register = root / "records" / "certificates.sqlite"
    assert (
        mi(
            "--project", str(root), "certificates", "acme-2027", "--only", "Siân Llewelyn-Parry"
        ).exit_code
        == 0
    )
    immutable(register)
    message = (
        f"mi-courseware: error: {register}: the register is read-only here (attempt to write "
        "a readonly database); ask for write access to it, or give another with --register\n"
    )
    run = mi("--project", str(root), "certificates", "acme-2027")
    assert (run.exit_code, run.output) == (1, message)
    build = mi("--project", str(root), "-q", "build", "acme-2027", "--only", "certificates")
    assert (build.exit_code, build.output) == (1, message)
    assert sorted(
        p.name for p in (root / "output/events/acme-2027/certificates").glob("*.pdf")
    ) == [
        "A-2027-000001.pdf",
        "all-certificates.pdf",
    ]
    exported = mi("--project", str(root), "register", "export")
    assert exported.exit_code == 0 and len(exported.output.splitlines()) == 2
    old = immutable(first_release(tmp_path))
    refused = mi("--register", str(old), "register", "export")
    assert refused.exit_code == 1
    assert refused.output == (
        f"mi-courseware: error: {old}: the register is read-only here (attempt to write a "
        "readonly database); ask for write access to it, or give another with --register; "
        "this register was made by an earlier mi-courseware (schema revision 0001) and is "
        "upgraded once, on its first use by this version, which needs write access\n"
    )


def test_register_migrate_copies_an_sqlite_register_into_postgresql(
    tmp_path: Path, postgres
) -> None:
    source = first_release(tmp_path)
    target = postgres.new_database()
    site_before = tmp_path / "site-sqlite"
    assert mi("--register", str(source), "register", "publish", str(site_before)).exit_code == 0
    copied = mi("--register", str(source), "register", "migrate", "--to", target)
    assert copied.exit_code == 0, copied.output
    assert copied.output.splitlines()[0] == (
        f"Copied 18 certificates and 20 history entries from {source} to {target}"
    )
    with Register(source, create=False) as old, Register(target, create=False) as new:
        assert old.all() == new.all()
        assert [old.history(r.number) for r in old.all()] == [
            new.history(r.number) for r in new.all()
        ]
        with new.transaction():
            row = next_certificate(new)
            new.promote(row.number, "f" * 64, DETAILS, "2027-04-01T09:00:00Z")
    assert row.number == "A-2027-000019"
    # the public keys and salts moved; the private key is brought to the project's key store,
    # where a register on a database server keeps them: the site published from PostgreSQL
    # has the same public key and salt
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    exported = shared / "acme.key"
    out = mi(
        "--register", str(source), "register", "keys", "export", "acme", "--out", str(exported)
    )
    assert out.exit_code == 2 and "no certificates or keys for 'acme'" in out.output
    out = mi(
        "--register", str(source), "register", "keys", "export", "Acme Health Trust",
        "-o", str(exported),
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert exported.stat().st_mode & 0o777 == 0o600
    assert shared.stat().st_mode & 0o777 == 0o755  # the folder it went to is left alone
    again = mi("--register", str(source), "register", "keys", "export", "Acme Health Trust",
               "-o", str(exported))  # fmt: skip
    assert again.exit_code == 1 and "already exists" in again.output
    env = {"MI_COURSEWARE_REGISTER": target}
    site_after = tmp_path / "site-postgresql"
    refused = mi("--project", str(project), "register", "publish", str(site_after), env=env)
    assert refused.exit_code == 1
    assert "the signing key of Acme Health Trust" in refused.output
    assert "is not in this key store" in refused.output
    kept = mi("--project", str(project), "register", "keys", "import", str(exported), env=env)
    assert kept.exit_code == 0, kept.output
    assert kept.output.endswith(f"kept in {project / 'records' / 'keys'}\n")
    published = mi("--project", str(project), "register", "publish", str(site_after), env=env)
    assert published.exit_code == 0, published.output
    assert (site_after / "site.json").read_bytes() == (site_before / "site.json").read_bytes()
    again = mi("--register", str(source), "register", "migrate", "--to", target)
    assert again.exit_code == 1
    assert again.output.endswith(
        "already holds a register (19 certificates); copy only into an empty database\n"
    )
    exported = mi("--register", target, "register", "export")
    table = list(csv.DictReader(io.StringIO(exported.output)))
    assert [r["number"] for r in table][-1] == "A-2027-000019"


def test_a_register_address_that_is_not_sqlite_or_postgresql_is_refused() -> None:
    result = mi("--register", "mysql://someone@db.example/register", "register", "export")
    assert (result.exit_code, result.output) == (
        1,
        "mi-courseware: error: mysql://someone@db.example/register: not a register address: "
        "give an SQLite file path or a postgresql://user@host/database URL\n",
    )


def test_export_to_a_place_that_cannot_be_written_is_a_clean_error(tmp_path: Path) -> None:
    path = first_release(tmp_path)
    result = mi(
        "--register", str(path), "-q", "register", "export", "-o", "/proc/none/register.csv"
    )
    assert (result.exit_code, result.output) == (
        1,
        "mi-courseware: error: /proc/none/register.csv: cannot write (No such file or directory)\n",
    )
