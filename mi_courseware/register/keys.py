"""Signing keys: private keys in a key store of their own, public keys in the register.

Each client has one current Ed25519 key, made when its first certificate is issued (so every
certificate can carry its issuer's fingerprint), and the keys it used before (retired by
``register keys rotate``). The register keeps only the public keys, with their client and
dates, so that verification and the site's key history work from the register alone; the
private keys are files of a key store, ``records/keys/`` beside an SQLite register (the
project's ``records/keys/`` for a register on a database server): a folder only its owner
can enter, one PEM file (PKCS #8) per key, readable by its owner alone, named by the key's
fingerprint. A copy of the register therefore never signs anything.

A fingerprint is the first 64 bits of the SHA-256 of the raw public key: 16 hex digits,
printed in groups of four (``3F2A 91C0 77DE 0B41``). It is what an issuer publishes, what
``verify --offline --key`` takes, and what new certificates print.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.errors import UsageError
from mi_courseware.register.engine import RegisterError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from mi_courseware.register.store import Register

log = logging.getLogger(__name__)

#: Hex digits of a fingerprint as printed (64 bits), and the fewest ``--key`` accepts.
DIGITS = 16
EXPORT_FORMAT = "mi-courseware signing key 1"


def key_id(public_key: bytes) -> str:
    """A key's fingerprint as stored: 16 lower-case hex digits."""
    return hashlib.sha256(public_key).hexdigest()[:DIGITS]


def show(kid: str) -> str:
    """A fingerprint as printed: capitals in groups of four (``3F2A 91C0 77DE 0B41``)."""
    upper = kid.upper()
    return " ".join(upper[i : i + 4] for i in range(0, len(upper), 4))


def parse_fingerprint(typed: str) -> str:
    """A fingerprint as typed (spaces, colons, hyphens and case ignored) -> lower-case hex.

    At least 16 hex digits (64 bits); up to 64 (the whole SHA-256) may be given.
    """
    compact = re.sub(r"[\s:-]+", "", typed).lower()
    if not re.fullmatch(r"[0-9a-f]+", compact) or not DIGITS <= len(compact) <= 64:
        raise UsageError(
            f"--key: '{typed}' is not a key fingerprint: give the 16 hex digits the issuer "
            "publishes, such as 3F2A 91C0 77DE 0B41 (spaces and colons may be left in)"
        )
    return compact


def matches(public_key: bytes, fingerprint: str) -> bool:
    """Whether ``public_key`` has this fingerprint (computed from the key's own bytes)."""
    return hashlib.sha256(public_key).hexdigest().startswith(fingerprint)


def _raw(private: Ed25519PrivateKey) -> tuple[bytes, str]:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return public, key_id(public)


def _pem(private: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    return private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())


def _from_pem(data: bytes, where: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        private = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise RegisterError(f"{where}: not a signing key ({exc})") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise RegisterError(f"{where}: not an Ed25519 signing key")
    return private


def write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file (never over an existing one) that only its owner can
    read, flushed to disk; a file left half-written is removed."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def write_kept(path: Path, data: bytes) -> None:
    """Write ``data`` into the key store: a folder only its owner can enter, a file only its
    owner can read, put in place whole (a temporary file, then a rename)."""
    folder = path.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        folder.chmod(0o700)  # a key store others can enter would defeat it
        log.info("%s: made owner-only", folder)
    temporary = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    write_new(temporary, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class KeyStore:
    """The private keys of one register: a folder of PEM files named by fingerprint."""

    def __init__(self, folder: Path | None, register: str) -> None:
        self.folder = folder
        self.register = register

    def _where(self) -> Path:
        if self.folder is None:
            raise RegisterError(
                f"{self.register}: a register on a database server keeps its signing keys in "
                "the project's records/keys/ folder: run this command inside the project "
                "(or give --project)"
            )
        return self.folder

    def path(self, kid: str) -> Path:
        """The file of key ``kid`` (whether or not it exists)."""
        return self._where() / f"{kid}.pem"

    def save(self, private: Ed25519PrivateKey) -> str:
        """Keep ``private`` (owner-only); its fingerprint."""
        _, kid = _raw(private)
        path = self.path(kid)
        data = _pem(private)
        try:
            if path.is_file() and path.read_bytes() == data:
                return kid
            write_kept(path, data)
        except OSError as exc:
            raise RegisterError(
                f"{exc.filename or path}: cannot keep the signing key ({exc.strerror})"
            ) from None
        return kid

    def load(self, kid: str, client: str) -> Ed25519PrivateKey:
        """The private key ``kid`` of ``client`` (a clear error when this store lacks it)."""
        path = self.path(kid)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise RegisterError(
                f"{path}: the signing key of {client} ({show(kid)}) is not in this key store; "
                "bring it from the computer that made it ('mi-courseware register keys export' "
                "there, 'register keys import FILE' here), or make a new one with 'register "
                "keys rotate'"
            ) from None
        except OSError as exc:
            raise RegisterError(f"{path}: cannot read the signing key ({exc.strerror})") from None
        private = _from_pem(data, path)
        if _raw(private)[1] != kid:
            raise RegisterError(f"{path}: holds another key than {show(kid)}")
        return private

    def remove(self, kid: str) -> bool:
        """Forget key ``kid`` (a retired key); whether there was a file."""
        path = self.path(kid)
        existed = path.is_file()
        path.unlink(missing_ok=True)
        return existed


@dataclass(frozen=True)
class PublicKey:
    """A signing key as the register keeps it: no private part."""

    key_id: str
    client: str
    public: bytes
    created_at: str
    retired_at: str | None

    @property
    def fingerprint(self) -> str:
        """As printed: ``3F2A 91C0 77DE 0B41``."""
        return show(self.key_id)


def store_of(register: Register) -> KeyStore:
    """The key store of an open register."""
    return KeyStore(register.key_folder, register.label)


def public_keys(register: Register, client: str | None = None) -> list[PublicKey]:
    """Every key the register holds (of ``client``), oldest first per client."""
    from sqlalchemy import select

    from mi_courseware.register.schema import signing_keys

    k = signing_keys.c
    query = select(k.key_id, k.client, k.public_key, k.created_at, k.retired_at)
    if client is not None:
        query = query.where(k.client == client)
    # a key retired the moment the next was made comes before it
    order = (k.client, k.created_at, k.retired_at.is_(None), k.key_id)
    rows = register.fetch(query.order_by(*order))
    return [PublicKey(r[0], r[1], base64.b64decode(r[2]), r[3], r[4]) for r in rows]


def current(register: Register, client: str) -> PublicKey | None:
    """The key ``client`` signs with now (``None``: no certificate issued for it yet)."""
    found = [k for k in public_keys(register, client) if k.retired_at is None]
    return found[0] if found else None


def _add(register: Register, client: str, private: Ed25519PrivateKey, at: str) -> PublicKey:
    """Keep a key's private part in the store and its public part in the register."""
    from mi_courseware.register.schema import signing_keys

    public, kid = _raw(private)
    store_of(register).save(private)  # before the register names it
    register.execute(
        signing_keys.insert().values(
            key_id=kid,
            client=client,
            public_key=base64.b64encode(public).decode("ascii"),
            created_at=at,
        )
    )
    return PublicKey(kid, client, public, at, None)


def ensure_key(register: Register, client: str, at: str) -> PublicKey:
    """``client``'s current key, made now if it has none (inside a transaction)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    found = current(register, client)
    if found is not None:
        return found
    made = _add(register, client, Ed25519PrivateKey.generate(), at)
    log.info("%s: new signing key %s (kept in %s)", client, made.fingerprint, register.key_folder)
    return made


def signer(register: Register, client: str, at: str) -> tuple[PublicKey, Ed25519PrivateKey]:
    """The key ``client`` signs with and its private part (inside a transaction)."""
    key = ensure_key(register, client, at)
    return key, store_of(register).load(key.key_id, client)


def rotate(register: Register, client: str, at: str) -> tuple[PublicKey | None, PublicKey]:
    """Retire ``client``'s key and make a new one (inside a transaction). The old public key
    stays in the register, so what it signed still verifies; its private part leaves the
    store, so nothing is signed with it again."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from mi_courseware.register.schema import signing_keys

    old = current(register, client)
    if old is not None:
        k = signing_keys.c
        register.execute(signing_keys.update().where(k.key_id == old.key_id).values(retired_at=at))
    new = _add(register, client, Ed25519PrivateKey.generate(), at)
    if old is not None:
        store_of(register).remove(old.key_id)
    return old, new


def export_key(register: Register, client: str, out: Path) -> PublicKey:
    """Write ``client``'s current key, private part included, to ``out`` (a new file that
    only its owner can read)."""
    key = current(register, client)
    if key is None:
        raise RegisterError(f"{register.label}: no signing key for {client} (nothing issued yet)")
    private = store_of(register).load(key.key_id, client)
    data = {
        "format": EXPORT_FORMAT,
        "client": client,
        "fingerprint": key.fingerprint,
        "created": key.created_at,
        "private_key": _pem(private).decode("ascii"),
    }
    try:
        write_new(out, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode())
    except FileExistsError:
        raise RegisterError(
            f"{out}: already exists; give a new file (a file is never overwritten)"
        ) from None
    except OSError as exc:
        raise RegisterError(f"{exc.filename or out}: cannot write ({exc.strerror})") from None
    return key


def import_key(register: Register, path: Path, at: str) -> tuple[PublicKey, str]:
    """Bring a key exported by :func:`export_key` into this register's key store (inside a
    transaction). Returns the key and what was done: ``kept`` (its public part was in the
    register already), ``added`` (the client had no key), ``present`` (nothing to do)."""
    data = _read_export(path)
    client = str(data["client"])
    private = _from_pem(str(data["private_key"]).encode(), path)
    kid = _raw(private)[1]
    known = {k.key_id: k for k in public_keys(register)}
    store = store_of(register)
    if kid in known:
        if known[kid].client != client:
            raise RegisterError(f"{path}: the register holds {show(kid)} for {known[kid].client}")
        was = store.path(kid).is_file()
        store.save(private)
        return known[kid], "present" if was else "kept"
    other = current(register, client)
    if other is not None:
        raise RegisterError(
            f"{path}: {client} already signs with {other.fingerprint} in this register; only a "
            "key the register knows, or the first key of a client, is imported"
        )
    created = str(data.get("created") or at)
    return _add(register, client, private, created), "added"


def _read_export(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, ValueError) as exc:
        raise RegisterError(
            f"{path}: not a signing key exported by mi-courseware ({exc})"
        ) from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise RegisterError(f"{path}: not a signing key exported by mi-courseware")
    if not isinstance(data.get("client"), str) or not isinstance(data.get("private_key"), str):
        raise RegisterError(f"{path}: not a signing key exported by mi-courseware")
    return data


def move_out(rows: list[tuple[str, str, str]], folder: Path | None, register: str) -> None:
    """The schema migration's step: private keys (fingerprint, base64 raw private key, client)
    into the key store, each checked against its fingerprint, before the register drops them."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    store = KeyStore(folder, register)
    for kid, raw, client in rows:
        private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(raw))
        if _raw(private)[1] != kid:
            raise RegisterError(f"{register}: the signing key of {client} does not match {kid}")
        store.save(private)
        log.warning(
            "%s: the signing key of %s (%s) moved out of the register into %s; copies of "
            "the register made before now still hold it: if any may be in other hands, "
            "run 'mi-courseware register keys rotate \"%s\"'",
            register,
            client,
            show(kid),
            store.path(kid),
            client,
        )
