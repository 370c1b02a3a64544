"""Signing in to the mail server: an OAuth 2.0 token, else a password; never a project file.

The password comes from ``MI_COURSEWARE_SMTP_PASSWORD``, else from the system keyring
(service ``mi-courseware``, user ``smtp:USER@HOST``: ``keyring set mi-courseware
smtp:USER@HOST``). A token from ``send login`` is kept in the keyring as
``oauth:USER@HOST`` and, when there is one, is used first (``XOAUTH2``). Where there is no
keyring (a server without a desktop session), ``-v`` says so and only the variable is read.
"""

from __future__ import annotations

import logging
import os
import smtplib

from mi_courseware.sending.oauth import Token, fresh, xoauth2
from mi_courseware.sending.server import SendError, Server, server_words

log = logging.getLogger(__name__)

SERVICE = "mi-courseware"
PASSWORD = "MI_COURSEWARE_SMTP_PASSWORD"


def keyring_get(name: str) -> str | None:
    """The secret kept as ``name`` (``None``: none, or no keyring here, said at ``-v``)."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - a dependency
        log.info("no keyring module: only %s is read", PASSWORD)
        return None
    try:
        found: str | None = keyring.get_password(SERVICE, name)
        return found
    except KeyringError as exc:
        log.info("no system keyring here (%s): only %s is read", exc, PASSWORD)
        return None


def keyring_set(name: str, secret: str) -> None:
    """Keep ``secret`` as ``name`` in the system keyring (a :class:`SendError` without one)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, name, secret)
    except KeyringError as exc:
        raise SendError(
            f"no system keyring to keep the sign-in in ({exc}); on a computer without one, "
            f"use a password (app password) in {PASSWORD}"
        ) from None


def token_name(server: Server) -> str:
    """The keyring entry of ``server``'s OAuth token."""
    return f"oauth:{server.user}@{server.host}"


def sign_in(connection: smtplib.SMTP, server: Server) -> str:
    """Sign in as ``server.user`` (a :class:`SendError` that stops the run when refused);
    returns how (``XOAUTH2``, ``password``, or ``none`` for a local relay)."""
    if server.user is None:
        return "none"
    stored = keyring_get(token_name(server))
    try:
        if stored is not None:
            token = fresh(Token.from_json(stored))
            if token.to_json() != stored:
                keyring_set(token_name(server), token.to_json())
            answer = xoauth2(server.user, token.access_token)
            connection.auth(
                "XOAUTH2", lambda challenge=None: "" if challenge is not None else answer
            )
            return "XOAUTH2"
        password = os.environ.get(PASSWORD) or keyring_get(f"smtp:{server.user}@{server.host}")
        if not password:
            raise SendError(
                f"{server}: no password: set {PASSWORD}, keep it in the system keyring "
                f"(service {SERVICE}, user smtp:{server.user}@{server.host}), or sign in "
                "with 'mi-courseware send login'"
            )
        connection.login(server.user, password)
        return "password"
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(
            f"{server}: the server refused the sign-in for {server.user} "
            f"({server_words(exc)}); nothing was sent. Microsoft 365 and Google may refuse "
            "passwords: see the README, 'Sending messages'"
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise SendError(
            f"{server}: the server offers no sign-in (AUTH) here; nothing was sent"
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        if isinstance(exc, SendError):
            raise
        raise SendError(
            f"{server}: the sign-in failed ({server_words(exc)}); nothing was sent"
        ) from None
