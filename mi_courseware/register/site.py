"""The published verification site's format: what ``register publish`` writes and both the
page (``site/verify.js``) and ``verify --offline`` read.

A site is a folder::

    index.html  verify.js  style.css   the page (no framework, nothing fetched elsewhere)
    site.json                          format, salt, key derivation, public keys, title
    r/<name>.json                      one sealed, signed record per certificate
    r/index.html  robots.txt           no listing of r/, no indexing by search engines

Format 2 (``mi-courseware verification site 2``): a record's name and its AES-GCM key are
derived from its code by a slow function (:mod:`.sealing`, iterations in ``site.json``'s
``kdf``), and the file holds ``{"nonce", "sealed"}``. Sealed inside is the signed record
``{"key": KEY_ID, "payload": TEXT, "signature": BASE64}``: ``payload`` is the JSON text that
was signed (Ed25519), holding only what the certificate shows, its status, its file's SHA-256
and its own name (``id``, so a record copied to another name does not verify). ``keys`` in
``site.json`` holds every key the site's clients have signed with (the key history, so that
a record signed before a rotation still verifies): public key, fingerprint, client, dates.

Format 1 (sites published before): the record's name is the hex SHA-256 of
``salt + ":" + CODE``, the signed record is stored as it is, and ``keys`` maps key ids to
public keys. Both are read until the site is published again, which writes format 2.

Nothing here decides whom to trust: a site proves who signed its records only against a key
known from elsewhere (:mod:`mi_courseware.certificates.verify`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mi_courseware.register.sealing import KDF, MOST, RecordSecret, Unsealed

FORMAT = "mi-courseware verification site 2"
FORMAT_1 = "mi-courseware verification site 1"
FORMATS = (FORMAT_1, FORMAT)
RECORDS = "r"
RECORD_NAME = re.compile(r"^[0-9a-f]{64}\.json$")


def record_id_1(salt: str, code: str) -> str:
    """A format-1 record's name (without ``.json``) for a grouped ``code``."""
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def b64(data: bytes) -> str:
    """Standard base64 text (what the page decodes with ``atob``)."""
    return base64.b64encode(data).decode("ascii")


def dump(value: Any) -> bytes:
    """JSON as published: sorted keys, UTF-8, one trailing newline (stable bytes)."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


class SiteError(ValueError):
    """A site folder that cannot be read (not a site, broken ``site.json``)."""


@dataclass(frozen=True)
class SiteKey:
    """A public key as ``site.json`` gives it (client and dates only in format 2)."""

    public: bytes
    client: str | None = None
    retired: str | None = None


@dataclass(frozen=True)
class Found:
    """What a site holds for a code: ``found`` (a signed payload), ``unknown`` or ``tampered``;
    for ``found``, the public key that signed it and its id in ``site.json``."""

    status: str
    payload: dict[str, Any] | None = None
    signer: SiteKey | None = None


def _keys(meta: dict[str, Any]) -> dict[str, SiteKey]:
    found = {}
    for kid, value in meta["keys"].items():
        if isinstance(value, str):  # format 1
            found[kid] = SiteKey(base64.b64decode(value, validate=True))
        else:
            found[kid] = SiteKey(
                base64.b64decode(value["public"], validate=True),
                str(value["client"]),
                value.get("retired"),
            )
    return found


@dataclass(frozen=True)
class Site:
    """A published site as read back from its folder."""

    folder: Path
    format: str
    salt: str
    keys: dict[str, SiteKey]
    iterations: int = 0  # format 2

    @classmethod
    def read(cls, folder: Path) -> Site:
        """Read ``folder/site.json``."""
        path = folder / "site.json"
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            if meta.get("format") not in FORMATS:
                raise SiteError(f"{path}: not a verification site made by mi-courseware")
            iterations = 0
            if meta["format"] == FORMAT:
                kdf = meta["kdf"]
                iterations = int(kdf["iterations"])
                if kdf["name"] != KDF or not 1 <= iterations <= MOST:
                    raise SiteError(f"{path}: unknown key derivation {kdf!r}")
            return cls(folder, meta["format"], str(meta["salt"]), _keys(meta), iterations)
        except FileNotFoundError:
            raise SiteError(f"{folder}: not a published verification site (no site.json)") from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            if isinstance(exc, SiteError):
                raise
            raise SiteError(f"{path}: unreadable ({exc})") from None

    def _locate(self, code: str) -> tuple[Path, RecordSecret | None]:
        if self.format == FORMAT_1:
            return self.folder / RECORDS / f"{record_id_1(self.salt, code)}.json", None
        secret = RecordSecret.derive(self.salt, code, self.iterations)
        return self.folder / RECORDS / f"{secret.name}.json", secret

    def record_path(self, code: str) -> Path:
        """Where the record of ``code`` is (whether or not it exists)."""
        return self._locate(code)[0]

    def lookup(self, code: str) -> Found:
        """The record of ``code``, its signature checked against the key it names."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        path, secret = self._locate(code)
        if not path.is_file():
            return Found("unknown")
        try:
            text = path.read_text(encoding="utf-8")
            if secret is not None:
                text = secret.open(json.loads(text))
            record = json.loads(text)
            key = self.keys[record["key"]]
            payload_text = record["payload"]
            Ed25519PublicKey.from_public_bytes(key.public).verify(
                base64.b64decode(record["signature"], validate=True), payload_text.encode()
            )
            payload = json.loads(payload_text)
        except (ValueError, KeyError, TypeError, InvalidSignature, Unsealed):
            return Found("tampered")
        if not isinstance(payload, dict) or payload.get("id") != path.stem:
            return Found("tampered")
        return Found("found", payload, key)
