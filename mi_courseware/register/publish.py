"""``register publish DIR``: the static verification site (format in :mod:`.site`).

Each client's Ed25519 signing key is made on its first publish and kept in the register
(``records/certificates.sqlite`` by default, or the shared database), never in the site or
``output/``: whoever can write the register can issue certificates anyway, so the key is as
safe as the register, and a register moved with ``register migrate`` keeps its keys, so the
published public keys stay the same. The site's salt is kept there too, so re-publishing
gives byte-identical files for unchanged certificates (Ed25519 signatures are deterministic)
and only changed files are written.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.register.engine import RegisterError
from mi_courseware.register.rows import Certificate
from mi_courseware.register.schema import signing_keys, sites

if TYPE_CHECKING:
    from mi_courseware.project import ProjectPaths
from mi_courseware.register.site import (
    FORMAT,
    RECORD_NAME,
    RECORDS,
    SiteError,
    b64,
    dump,
    key_id,
    record_id,
)
from mi_courseware.register.store import Register

#: States that are published (``pending`` was never handed out, so it stays unknown).
PUBLISHED = ("issued", "reissued", "revoked", "prepared", "void")
PAGE_FILES = ("index.html", "verify.js", "style.css")
ROBOTS = b"User-agent: *\nDisallow: /\n"
NO_LISTING = (
    b'<!doctype html><meta charset="utf-8"><title>Check a certificate</title>'
    b'<a href="../">Check a certificate</a>\n'
)


@dataclass
class Published:
    """What a publish did."""

    folder: Path
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    records: int = 0


def _key(register: Register, client: str, at: str) -> tuple[str, Any]:
    """The client's key id and private key, made now if it has none (inside a transaction)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from sqlalchemy import select

    found = register.execute(
        select(signing_keys.c.private_key).where(signing_keys.c.client == client)
    ).first()
    if found is not None:
        import base64

        private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(found[0]))
    else:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        private = Ed25519PrivateKey.generate()
        raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        register.execute(
            signing_keys.insert().values(
                client=client,
                key_id=key_id(public),
                private_key=b64(raw),
                public_key=b64(public),
                created_at=at,
            )
        )
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return key_id(public), private


def _salt(register: Register, site: str, at: str) -> str:
    from sqlalchemy import select

    found = register.execute(select(sites.c.salt).where(sites.c.site == site)).first()
    if found is not None:
        return str(found[0])
    salt = secrets.token_hex(16)
    register.execute(sites.insert().values(site=site, salt=salt, created_at=at))
    return salt


def payload(row: Certificate, ident: str) -> dict[str, Any]:
    """What a record says: only what the certificate shows, and its status."""
    day = row.changed_at[:10]
    data: dict[str, Any] = {
        "id": ident,
        "number": row.number,
        "name": row.name,
        "course": row.course,
        "client": row.client,
        "dates": row.dates,
        "cpd_hours": row.cpd_hours,
        "status": row.status,
        "issued": row.issued_at[:10],
        "sha256": row.sha256,
    }
    if row.status == "reissued":
        data["reissued"] = day
    elif row.status in ("revoked", "void"):
        data["since"] = day
    elif row.status == "issued" and row.confirmed_at:
        data["confirmed"] = row.confirmed_at[:10]
    return data


def _check_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise RegisterError(f"{folder}: not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        try:
            meta = json.loads((folder / "site.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise RegisterError(
                f"{folder}: not empty and not a verification site; publish into a new "
                "or empty folder (files already there are never overwritten)"
            )


def publish(register: Register, folder: Path, client: str | None, at: str) -> Published:
    """Write (or bring up to date) the verification site in ``folder``."""
    from mi_courseware.rendering.pdf import write_atomic

    _check_folder(folder)
    rows = [r for r in register.all() if r.status in PUBLISHED]
    if client is not None:
        rows = [r for r in rows if r.client == client]
    with register.transaction():
        salt = _salt(register, client or "*", at)
        keys = {name: _key(register, name, at) for name in sorted({r.client for r in rows})}
    if client is not None and client not in keys:
        keys[client] = _key_outside(register, client, at)
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    files: dict[str, bytes] = {}
    for row in rows:
        kid, private = keys[row.client]
        ident = record_id(salt, row.code)
        text = json.dumps(payload(row, ident), ensure_ascii=False, sort_keys=True)
        signature = private.sign(text.encode())
        files[f"{RECORDS}/{ident}.json"] = dump(
            {"key": kid, "payload": text, "signature": b64(signature)}
        )
    public = {
        kid: b64(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
        for kid, private in keys.values()
    }
    names = {r.client for r in rows}
    title = client or (names.pop() if len(names) == 1 else "")
    files["site.json"] = dump({"format": FORMAT, "salt": salt, "keys": public, "title": title})
    page = resources.files("mi_courseware.register").joinpath("page")
    for name in PAGE_FILES:
        files[name] = page.joinpath(name).read_bytes()
    files["robots.txt"] = ROBOTS
    files[f"{RECORDS}/index.html"] = NO_LISTING
    done = Published(folder, records=len(rows))
    try:
        for name, data in sorted(files.items()):
            path = folder / name
            if path.is_file() and path.read_bytes() == data:
                done.unchanged += 1
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
            done.written.append(name)
        records = folder / RECORDS
        for path in sorted(records.iterdir()):
            name = f"{RECORDS}/{path.name}"
            if RECORD_NAME.match(path.name) and name not in files:
                path.unlink()
                done.removed.append(name)
    except OSError as exc:
        raise RegisterError(
            f"{exc.filename or folder}: cannot write the site ({exc.strerror})"
        ) from None
    return done


def _key_outside(register: Register, client: str, at: str) -> tuple[str, Any]:
    """A client with nothing to publish yet still gets its key (so the site can be set up)."""
    with register.transaction():
        return _key(register, client, at)


def offline_site(folder: Path) -> Any:
    """The site in ``folder`` for ``verify --offline`` (a clean error when it is not one)."""
    from mi_courseware.register.site import Site

    try:
        return Site.read(folder)
    except SiteError as exc:
        raise RegisterError(str(exc)) from None


def client_name(paths: ProjectPaths | None, recorded: list[str], wanted: str) -> str:
    """``--client``: a client's name as recorded on certificates, or a client id of the
    project (its name is read from its file)."""
    from mi_courseware.errors import Problems, UsageError, did_you_mean

    for name in recorded:
        if name.casefold() == wanted.strip().casefold():
            return name
    path = paths.content_dir("clients") / wanted / "client.yaml" if paths else None
    if path is not None and path.is_file():
        from mi_courseware.loading.records import load_record
        from mi_courseware.model.client import Client

        problems = Problems()
        record = load_record(path, Client, wanted, problems)
        problems.raise_if_errors()
        if record is not None:
            return record.model.name
    raise UsageError(
        f"--client: no certificates for '{wanted}' in the register{did_you_mean(wanted, recorded)}"
    )
