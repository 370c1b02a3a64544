"""Whom ``verify --offline`` believes: a site folder proves nothing about itself.

Anyone can make a folder with a key of their own in ``site.json`` and records signed with
it. A record is believed only when it is signed by a key known from outside the folder:
the fingerprint the issuer publishes (``--key``, compared with the fingerprint of the key's
own bytes, never with the name the site gives it), or a public key the register holds for
the record's client. A fingerprint printed on the certificate being checked is never used:
whoever forged the site could print their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mi_courseware.register.keys import key_id, matches, parse_fingerprint, show

if TYPE_CHECKING:
    from mi_courseware.register.site import SiteKey
    from mi_courseware.register.store import Register


@dataclass(frozen=True)
class Trust:
    """The keys a reader trusts: fingerprints given with ``--key``, or a register's keys."""

    #: Lower-case hex fingerprints (16 to 64 digits) as given.
    fingerprints: tuple[str, ...] = ()
    #: A register's public keys: key bytes -> (client, date retired or ``None``).
    known: dict[bytes, tuple[str, str | None]] = field(default_factory=dict)
    #: Where the trust comes from, as messages say it.
    source: str = ""

    @classmethod
    def given(cls, typed: tuple[str, ...]) -> Trust:
        """Trust in the fingerprints typed after ``--key``."""
        fingerprints = tuple(parse_fingerprint(t) for t in typed)
        shown = ", ".join(show(f[:16]) for f in fingerprints)
        return cls(fingerprints=fingerprints, source=f"the key given with --key ({shown})")

    @classmethod
    def of_register(cls, register: Register) -> Trust:
        """Trust in every key ``register`` holds, each for its own client."""
        from mi_courseware.register.keys import public_keys

        known = {k.public: (k.client, k.retired_at) for k in public_keys(register)}
        return cls(known=known, source=f"the keys in the register {register.label}")

    def doubt(self, key: SiteKey, client: str) -> str | None:
        """Why a record of ``client`` signed with ``key`` is not believed (``None``: it is)."""
        signed = f"signed with key {show(key_id(key.public))}"
        if self.fingerprints:
            if any(matches(key.public, f) for f in self.fingerprints):
                return None
            return f"{signed}, not with {self.source}"
        holder = self.known.get(key.public)
        if holder is not None and holder[0] == client:
            return None
        return f"{signed}, which {self.source} do not hold for {client}"

    def describe(self, key: SiteKey) -> str:
        """How a believed record's key was known, for the verdict's details."""
        fingerprint = show(key_id(key.public))
        if self.fingerprints:
            return f"signed with key {fingerprint}, given with --key"
        client, retired = self.known.get(key.public, ("", None))
        when = f", retired {retired[:10]}" if retired else ""
        return f"signed with {client}'s key {fingerprint}{when}, as the register holds it"
