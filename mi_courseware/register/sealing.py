"""Sealing a published record: a name and an encryption key that only its code opens.

Codes carry 55 random bits. A record's name and its key both come from one deliberately
slow derivation of the code, which browsers have (Web Crypto), so that a copy of a site's
folder cannot be searched by trying codes quickly:

    secret = PBKDF2-HMAC-SHA256(code, "mi-courseware record|" + salt, iterations, 32 bytes)
    name   = hex(HMAC-SHA256(secret, "mi-courseware record name"))      the file r/<name>.json
    key    = HMAC-SHA256(secret, "mi-courseware record key")            AES-256-GCM
    nonce  = HMAC-SHA256(HMAC-SHA256(secret, "mi-courseware record nonce"), text)[:12]

``code`` is the grouped code in capitals (``7KQ2-M9XD-F3HG``), ``salt`` the site's, and the
iteration count is stated in ``site.json``. The nonce is taken from the text it seals, so
publishing an unchanged record again gives the same bytes, and a changed one (a revocation)
never uses a nonce again with other text. The record's name is the additional data, so a
sealed record copied to another name does not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

KDF = "PBKDF2-HMAC-SHA256"
#: Iterations of a site: about 50 ms a record on one core (publishing 1,000 records the first
#: time takes under a minute; the results are kept in the register after that), a fraction
#: of a second in a browser for the one record it opens. Finding any record of a copied site
#: of 1,000 by trying codes takes some 2^55 / 1,000 x 200,000, about 7 x 10^18, iterations.
ITERATIONS = 200_000
#: The most iterations a site may ask for (a page never hangs on a forged ``site.json``).
MOST = 10_000_000
NAME = b"mi-courseware record name"
KEY = b"mi-courseware record key"
NONCE = b"mi-courseware record nonce"


class Unsealed(ValueError):
    """A sealed record that does not open with its code (changed, or moved)."""


@dataclass(frozen=True)
class RecordSecret:
    """What a record's name and key are derived from: the slow part, done once."""

    secret: bytes

    @classmethod
    def derive(cls, salt: str, code: str, iterations: int) -> RecordSecret:
        """The slow derivation for ``code`` (grouped, capitals) on the site with ``salt``."""
        return cls(
            hashlib.pbkdf2_hmac(
                "sha256", code.encode(), f"mi-courseware record|{salt}".encode(), iterations
            )
        )

    def _label(self, label: bytes) -> bytes:
        return hmac.new(self.secret, label, hashlib.sha256).digest()

    @property
    def name(self) -> str:
        """The record's file name, without ``.json``: 64 hex digits."""
        return self._label(NAME).hex()

    def seal(self, text: str) -> dict[str, str]:
        """``text`` encrypted: the record file's content (before JSON)."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        data = text.encode()
        nonce = hmac.new(self._label(NONCE), data, hashlib.sha256).digest()[:12]
        sealed = AESGCM(self._label(KEY)).encrypt(nonce, data, self.name.encode())
        return {"nonce": _b64(nonce), "sealed": _b64(sealed)}

    def open(self, record: object) -> str:
        """The text of a sealed record (:class:`Unsealed` when it does not open)."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if not isinstance(record, dict):
            raise Unsealed("not a sealed record")
        try:
            nonce = base64.b64decode(record["nonce"], validate=True)
            sealed = base64.b64decode(record["sealed"], validate=True)
            data = AESGCM(self._label(KEY)).decrypt(nonce, sealed, self.name.encode())
            return data.decode()
        except (KeyError, TypeError, ValueError, InvalidTag) as exc:
            raise Unsealed(str(exc) or type(exc).__name__) from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
