"""``register publish DIR``: the static verification site (format in :mod:`.site`).

Each record is signed with its client's current key (:mod:`.keys`: made with the client's
first certificate, its private half in the key store, never in the register, the site or
``output/``) and sealed under a key only its code opens (:mod:`.sealing`). ``site.json``
carries every public key the site's clients have used, so a record signed before a rotation
still verifies. The site's salt is kept in the register, and so is what each record's name
and key are derived from (slow to derive, quick to look up), so publishing again gives
byte-identical files for unchanged certificates (Ed25519 signatures and the records'
nonces are deterministic), writes only changed files, and derives only new codes.
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
from mi_courseware.register.schema import record_secrets, sites

if TYPE_CHECKING:
    from mi_courseware.project import ProjectPaths
from mi_courseware.register.keys import public_keys, signer
from mi_courseware.register.look import Look, house_look
from mi_courseware.register.sealing import ITERATIONS, KDF, RecordSecret
from mi_courseware.register.site import (
    FORMAT,
    FORMATS,
    RECORD_NAME,
    RECORDS,
    SiteError,
    b64,
    dump,
)
from mi_courseware.register.store import Register

#: States that are published (``pending`` was never handed out, so it stays unknown).
PUBLISHED = ("issued", "reissued", "revoked", "prepared", "void")
PAGE_FILES = ("index.html", "verify.js", "style.css")
#: The site's colours (:mod:`.look`), beside the page's own stylesheet.
BRAND_CSS = "brand.css"
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


def _salt(register: Register, site: str, at: str) -> str:
    from sqlalchemy import select

    found = register.execute(select(sites.c.salt).where(sites.c.site == site)).first()
    if found is not None:
        return str(found[0])
    salt = secrets.token_hex(16)
    register.execute(sites.insert().values(site=site, salt=salt, created_at=at))
    return salt


def _secrets(register: Register, salt: str, codes: list[str]) -> dict[str, RecordSecret]:
    """Each code's record secret: kept ones read, new ones derived (slowly, without holding
    the register's lock) and kept."""
    from sqlalchemy import select

    s = record_secrets.c
    where = (s.salt == salt) & (s.iterations == ITERATIONS)

    def kept() -> dict[str, RecordSecret]:
        rows = register.fetch(select(s.code, s.secret).where(where))
        return {code: RecordSecret(bytes.fromhex(secret)) for code, secret in rows}

    found = kept()
    new = {code: RecordSecret.derive(salt, code, ITERATIONS) for code in codes if code not in found}
    if new:
        with register.transaction():
            there = kept()  # another publish may have kept some meanwhile
            rows = [
                {"salt": salt, "iterations": ITERATIONS, "code": code, "secret": value.secret.hex()}
                for code, value in sorted(new.items())
                if code not in there
            ]
            if rows:
                register.execute(record_secrets.insert(), rows)
    return {**found, **new}


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
        "issued": row.issue_date,
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
        if not isinstance(meta, dict) or meta.get("format") not in FORMATS:
            raise RegisterError(
                f"{folder}: not empty and not a verification site; publish into a new "
                "or empty folder (files already there are never overwritten)"
            )


def _site_json(register: Register, clients: set[str], salt: str, title: str, look: Look) -> bytes:
    """``site.json``: format, salt, key derivation, every key of the site's clients, and
    what the page shows of the issuer (its logo, the language of its dates)."""
    keys: dict[str, Any] = {}
    for key in public_keys(register):
        if key.client not in clients:
            continue
        entry = {
            "public": b64(key.public),
            "fingerprint": key.fingerprint,
            "client": key.client,
            "created": key.created_at[:10],
        }
        if key.retired_at:
            entry["retired"] = key.retired_at[:10]
        keys[key.key_id] = entry
    kdf = {"name": KDF, "iterations": ITERATIONS}
    return dump(
        {"format": FORMAT, "salt": salt, "kdf": kdf, "keys": keys, "title": title}
        | look.site_fields()
    )


def publish(
    register: Register, folder: Path, client: str | None, at: str, look: Look | None = None
) -> Published:
    """Write (or bring up to date) the verification site in ``folder``, in ``look`` (the
    house look when none is given)."""
    from mi_courseware.rendering.pdf import write_atomic

    _check_folder(folder)
    look = look or house_look(None)
    rows = [r for r in register.all() if r.status in PUBLISHED]
    if client is not None:
        rows = [r for r in rows if r.client == client]
    names = {r.client for r in rows}
    with register.transaction():
        salt = _salt(register, client or "*", at)
        # certificates issued before keys were made at issue get their client's key now
        signers = {name: signer(register, name, at) for name in sorted(names)}
    sealing = _secrets(register, salt, [r.code for r in rows])
    files: dict[str, bytes] = {}
    for row in rows:
        key, private = signers[row.client]
        secret = sealing[row.code]
        text = json.dumps(payload(row, secret.name), ensure_ascii=False, sort_keys=True)
        signed = {"key": key.key_id, "payload": text, "signature": b64(private.sign(text.encode()))}
        sealed = secret.seal(json.dumps(signed, ensure_ascii=False, sort_keys=True))
        files[f"{RECORDS}/{secret.name}.json"] = dump(sealed)
    title = client or (next(iter(names)) if len(names) == 1 else "")
    clients = names | ({client} if client else set())
    files["site.json"] = _site_json(register, clients, salt, title, look)
    files[BRAND_CSS] = look.css()
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


def offline_site(folder: Path) -> Any:
    """The site in ``folder`` for ``verify --offline`` (a clean error when it is not one)."""
    from mi_courseware.register.site import Site

    try:
        return Site.read(folder)
    except SiteError as exc:
        raise RegisterError(str(exc)) from None


def client_name(
    paths: ProjectPaths | None,
    recorded: list[str],
    wanted: str,
    missing: str = "--client: no certificates for '{wanted}' in the register",
) -> str:
    """``--client``: a client's name as recorded on certificates, or a client id of the
    project (its name is read from its file). ``missing``: what to say when it is neither."""
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
    raise UsageError(missing.format(wanted=wanted) + did_you_mean(wanted, recorded))
