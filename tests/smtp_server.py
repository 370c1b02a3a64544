"""A real SMTP server for the suite: aiosmtpd on 127.0.0.1, STARTTLS required, AUTH PLAIN,
LOGIN and XOAUTH2, with a throw-away certificate that clients trust through
``SSL_CERT_FILE`` (the tool has no switch to skip the check, and needs none).

The server runs in a thread of its own event loop; it listens as soon as :class:`Mailbox`
is made (the listening socket is made before the constructor returns, on a port the system
chose), so no test races its start. A test sets what the server does (refuse an address,
hang up after some messages) and reads what arrived, each message with its envelope.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import ipaddress
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

USER, PASSWORD, TOKEN = "coordinator@brightwell.example", "correct horse", "token-81234"


def throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (PEM files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mi-courseware test mail")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "mail-cert.pem", folder / "mail-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Arrival:
    """A message the server accepted."""

    mail_from: str
    recipients: list[str]
    data: bytes


@dataclass
class Handler:
    """What the server does with each message (set by a test), and what arrived."""

    arrived: list[Arrival] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    #: Hang up (no answer) when a message arrives after this many were accepted.
    hang_up_after: int | None = None

    def reset(self) -> None:
        self.arrived.clear()
        self.refuse = set()
        self.hang_up_after = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.hang_up_after is not None and len(self.arrived) >= self.hang_up_after:
            server.transport.close()
            return "421 4.4.2 closing"
        self.arrived.append(
            Arrival(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 2.0.0 Ok: queued"

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> Any:
        from aiosmtpd.smtp import AuthResult

        if len(args) < 2:
            return AuthResult(success=False, handled=False)
        said = base64.b64decode(args[1]).decode()
        good = said == f"user={USER}\x01auth=Bearer {TOKEN}\x01\x01"
        return AuthResult(success=good, handled=False, auth_data=USER if good else None)


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    good = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=good, handled=False)


class Mailbox:
    """The running server: ``port``, ``handler``; :meth:`close` stops it."""

    def __init__(self, certificate: Path, key: Path) -> None:
        from aiosmtpd.smtp import SMTP

        self.handler = Handler()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certificate, key)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

        def protocol() -> SMTP:
            return SMTP(
                self.handler,
                hostname="localhost",
                tls_context=context,
                require_starttls=True,
                auth_require_tls=True,
                authenticator=_authenticator,
                loop=self.loop,
            )

        made = asyncio.run_coroutine_threadsafe(
            self.loop.create_server(protocol, "127.0.0.1", 0), self.loop
        )
        self.server = made.result(timeout=30)  # listening from here on
        self.port: int = self.server.sockets[0].getsockname()[1]

    def url(self, user: str = USER) -> str:
        """``MI_COURSEWARE_SMTP`` for this server (STARTTLS)."""
        return f"smtp://{user}@127.0.0.1:{self.port}"

    def close(self) -> None:
        self.server.close()
        asyncio.run_coroutine_threadsafe(self.server.wait_closed(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.loop.close()
