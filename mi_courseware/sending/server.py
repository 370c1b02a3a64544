"""The mail server ``MI_COURSEWARE_SMTP`` names, and a connection to it that is private.

- ``smtps://user@host[:465]``: TLS from the first byte (SMTPS);
- ``smtp://user@host[:587]``: STARTTLS, required: a server that does not offer it is refused
  before anything is said to it (credentials and messages never travel in clear);
- ``smtp://localhost[:port]`` (or 127.0.0.1, ::1): a relay on this computer may be plain,
  and uses STARTTLS when it offers it.

Certificates are checked against the system's trusted authorities (``SSL_CERT_FILE`` names
others); there is no switch to skip the check.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from mi_courseware.errors import MiCoursewareError

#: The environment variable naming the server.
VARIABLE = "MI_COURSEWARE_SMTP"
LOCAL = ("localhost", "127.0.0.1", "::1")
#: Seconds to wait for the server at each step.
TIMEOUT = 60.0


class SendError(MiCoursewareError):
    """A failure that stops a run at once (the server, the sign-in, TLS)."""


@dataclass(frozen=True)
class Server:
    """Where messages go, as ``MI_COURSEWARE_SMTP`` says."""

    scheme: str
    host: str
    port: int
    user: str | None

    @property
    def local(self) -> bool:
        """A relay on this computer (may be plain)."""
        return self.host in LOCAL

    def __str__(self) -> str:
        who = f"{self.user}@" if self.user else ""
        return f"{self.scheme}://{who}{self.host}:{self.port}"


def parse_server(value: str) -> Server:
    """The server ``value`` names (a :class:`SendError` saying what to write otherwise)."""
    usage = (
        f"{VARIABLE}: write smtps://USER@HOST:465, smtp://USER@HOST:587 (STARTTLS) or "
        "smtp://localhost:PORT"
    )
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise SendError(f"{usage} (not '{value}')") from None
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise SendError(f"{usage} (not '{value}')")
    if parts.password is not None:
        raise SendError(
            f"{VARIABLE}: keep the password out of the address: set "
            "MI_COURSEWARE_SMTP_PASSWORD, or keep it in the system keyring"
        )
    if parts.path not in ("", "/") or parts.query:
        raise SendError(f"{usage} (not '{value}')")
    default = 465 if parts.scheme == "smtps" else 587
    user = unquote(parts.username) if parts.username else None
    server = Server(parts.scheme, parts.hostname, port or default, user)
    if user is None and not server.local:
        raise SendError(f"{VARIABLE}: name the account that signs in: smtp://USER@HOST:587")
    return server


def tls_context() -> ssl.SSLContext:
    """TLS with the system's trusted certificates (``SSL_CERT_FILE``, if set), verified."""
    return ssl.create_default_context()


def connect(server: Server) -> smtplib.SMTP:
    """An open connection: encrypted, except to a plain relay on this computer."""
    try:
        if server.scheme == "smtps":
            return smtplib.SMTP_SSL(
                server.host, server.port, timeout=TIMEOUT, context=tls_context()
            )
        connection = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
        connection.ehlo()
        if connection.has_extn("starttls"):
            connection.starttls(context=tls_context())
            connection.ehlo()
        elif not server.local:
            connection.close()
            raise SendError(
                f"{server}: the server does not offer STARTTLS, so the password and the "
                "messages would travel in clear; nothing was sent (use smtps:// on port 465, "
                "or the server's STARTTLS port, usually 587)"
            )
        return connection
    except ssl.SSLCertVerificationError as exc:
        raise SendError(
            f"{server}: the server's certificate cannot be trusted ({exc.verify_message}); "
            "nothing was sent"
        ) from None
    except ssl.SSLError as exc:
        raise SendError(f"{server}: TLS failed ({exc.reason or exc}); nothing was sent") from None
    except (OSError, smtplib.SMTPException) as exc:
        if isinstance(exc, SendError):
            raise
        raise SendError(f"{server}: cannot reach the mail server ({_words(exc)})") from None


def _words(exc: BaseException) -> str:
    """What a failure says, for a message."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return f"{exc.smtp_code} {text}"
    return str(exc) or type(exc).__name__


def server_words(exc: BaseException) -> str:
    """The server's own words about a failure (code and text), for the register."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        if answers:
            code, text = answers[0]
            shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            return f"{code} {shown}"
    return _words(exc)
