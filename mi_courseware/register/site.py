"""The published verification site's format: what ``register publish`` writes and both the
page (``site/verify.js``) and ``verify --offline`` read.

A site is a folder::

    index.html  verify.js  style.css   the page (no framework, nothing fetched elsewhere)
    site.json                          salt, public keys, title; no names
    r/<id>.json                        one signed record per certificate
    r/index.html  robots.txt           no listing of r/, no indexing by search engines

``<id>`` is the hex SHA-256 of ``salt + ":" + CODE`` (the grouped code, capitals): with 55
random bits per code and a salt per site, a file name cannot be guessed or looked up in a
table made for another site. A record file is ``{"key": KEY_ID, "payload": TEXT,
"signature": BASE64}``: ``payload`` is the JSON text that was signed (Ed25519, the client's
key in ``site.json``), holding only what the certificate shows, its status, its file's
SHA-256 and its own ``id`` (so a record copied to another name does not verify).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "mi-courseware verification site 1"
RECORDS = "r"
RECORD_NAME = re.compile(r"^[0-9a-f]{64}\.json$")


def record_id(salt: str, code: str) -> str:
    """The record file's name (without ``.json``) for a grouped ``code``."""
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def b64(data: bytes) -> str:
    """Standard base64 text (what the page decodes with ``atob``)."""
    return base64.b64encode(data).decode("ascii")


def key_id(public_key: bytes) -> str:
    """A short, stable name for a public key."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def dump(value: Any) -> bytes:
    """JSON as published: sorted keys, UTF-8, one trailing newline (stable bytes)."""
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


class SiteError(ValueError):
    """A site folder that cannot be read (not a site, broken ``site.json``)."""


@dataclass(frozen=True)
class Site:
    """A published site as read back from its folder."""

    folder: Path
    salt: str
    keys: dict[str, bytes]

    @classmethod
    def read(cls, folder: Path) -> Site:
        """Read ``folder/site.json``."""
        path = folder / "site.json"
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                raise SiteError(f"{path}: not a verification site made by mi-courseware")
            keys = {k: base64.b64decode(v, validate=True) for k, v in meta["keys"].items()}
            return cls(folder, str(meta["salt"]), keys)
        except FileNotFoundError:
            raise SiteError(f"{folder}: not a published verification site (no site.json)") from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            if isinstance(exc, SiteError):
                raise
            raise SiteError(f"{path}: unreadable ({exc})") from None

    def record_path(self, code: str) -> Path:
        """Where the record of ``code`` is (whether or not it exists)."""
        return self.folder / RECORDS / f"{record_id(self.salt, code)}.json"

    def lookup(self, code: str) -> tuple[str, dict[str, Any] | None]:
        """``("found", payload)``, ``("unknown", None)`` or ``("tampered", None)``."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        path = self.record_path(code)
        if not path.is_file():
            return "unknown", None
        try:
            record = json.loads(path.read_bytes())
            key = self.keys[record["key"]]
            payload_text = record["payload"]
            Ed25519PublicKey.from_public_bytes(key).verify(
                base64.b64decode(record["signature"], validate=True), payload_text.encode()
            )
            payload = json.loads(payload_text)
        except (ValueError, KeyError, TypeError, InvalidSignature):
            return "tampered", None
        if not isinstance(payload, dict) or payload.get("id") != path.stem:
            return "tampered", None
        return "found", payload
