"""OAuth 2.0 for mail servers that no longer take passwords: the device-code flow (RFC 8628).

``send login`` asks the provider for a code, shows where to type it (on any device with a
browser), waits until the person has signed in, and keeps the token that lets it renew the
sign-in (the refresh token) in the system keyring. ``send --smtp`` then signs in with
``XOAUTH2``, renewing the short-lived access token as needed. Only ``https://`` endpoints
are spoken to, with certificates checked.

Microsoft 365 turns password sign-in to SMTP off by default (its "SMTP AUTH" is being
retired); Google requires OAuth or an app password. Each needs an application registered
with the provider (its client id; Google's also has a client secret) that may send mail.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from mi_courseware.sending.server import SendError

GRANT_DEVICE = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass(frozen=True)
class Provider:
    """Where a provider's device-code flow and tokens are."""

    name: str
    device_url: str
    token_url: str
    scope: str


def provider(name: str, tenant: str = "organizations") -> Provider:
    """``microsoft`` (Microsoft 365; ``tenant``: the organisation's tenant id or domain) or
    ``google``."""
    if name == "microsoft":
        base = f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0"
        return Provider(
            name,
            f"{base}/devicecode",
            f"{base}/token",
            "https://outlook.office.com/SMTP.Send offline_access",
        )
    if name == "google":
        return Provider(
            name,
            "https://oauth2.googleapis.com/device/code",
            "https://oauth2.googleapis.com/token",
            "https://mail.google.com/",
        )
    raise SendError(f"unknown provider '{name}': microsoft or google")


@dataclass(frozen=True)
class Token:
    """A sign-in kept in the keyring: how to renew it, and the current access token."""

    provider: str
    device_url: str
    token_url: str
    client_id: str
    refresh_token: str
    access_token: str
    #: When the access token expires (seconds since the epoch).
    expires: float
    client_secret: str | None = None

    def to_json(self) -> str:
        """As kept in the keyring."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Token:
        """As read from the keyring (a :class:`SendError` when it is not one of ours)."""
        try:
            return cls(**json.loads(text))
        except (ValueError, TypeError):
            raise SendError(
                "the sign-in kept in the keyring cannot be read: run 'mi-courseware send "
                "login' again"
            ) from None


def _post(url: str, fields: dict[str, str]) -> tuple[int, dict[str, object]]:
    """POST a form to an ``https://`` endpoint; its status and JSON answer."""
    import urllib.error
    import urllib.parse
    import urllib.request

    from mi_courseware.sending.server import tls_context

    if not url.startswith("https://"):
        raise SendError(f"{url}: sign-in endpoints must be https://")
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Accept", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=60, context=tls_context()) as answer:
            status, data = answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        status, data = exc.code, exc.read()
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SendError(f"{url}: cannot reach the sign-in service ({reason})") from None
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SendError(
            f"{url}: the sign-in service answered with something else than JSON"
        ) from None
    if not isinstance(parsed, dict):
        raise SendError(f"{url}: the sign-in service answered with something else than JSON")
    return status, parsed


def device_login(
    chosen: Provider,
    client_id: str,
    tell: Callable[[str], None],
    client_secret: str | None = None,
    *,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> Token:
    """The device-code flow: ``tell`` says where to sign in; returns the token once the person
    has (a :class:`SendError` when they refuse or the code expires)."""
    fields = {"client_id": client_id, "scope": chosen.scope}
    status, answer = _post(chosen.device_url, fields)
    if status != 200 or "device_code" not in answer:
        raise SendError(f"{chosen.name}: the sign-in service refused: {_reason(answer)}")
    message = answer.get("message") or (
        f"To sign in, open {answer.get('verification_uri') or answer.get('verification_url')} "
        f"and enter the code {answer.get('user_code')}"
    )
    tell(str(message))
    interval = float(str(answer.get("interval", 5)))
    deadline = clock() + float(str(answer.get("expires_in", 900)))
    poll = {
        "grant_type": GRANT_DEVICE,
        "device_code": str(answer["device_code"]),
        "client_id": client_id,
    }
    if client_secret:
        poll["client_secret"] = client_secret
    while clock() < deadline:
        sleep(interval)
        status, answer = _post(chosen.token_url, poll)
        if status == 200 and "access_token" in answer:
            return _token(chosen, client_id, client_secret, answer, clock(), None)
        error = answer.get("error")
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += 5
            continue
        raise SendError(f"{chosen.name}: sign-in not completed: {_reason(answer)}")
    raise SendError(f"{chosen.name}: the sign-in code expired; run 'send login' again")


def fresh(token: Token, *, clock: Callable[[], float] = time.time) -> Token:
    """``token`` with an access token valid for the next minutes (renewed when needed)."""
    if token.expires - clock() > 120:
        return token
    chosen = Provider(token.provider, token.device_url, token.token_url, "")
    fields = {
        "grant_type": "refresh_token",
        "refresh_token": token.refresh_token,
        "client_id": token.client_id,
    }
    if token.client_secret:
        fields["client_secret"] = token.client_secret
    status, answer = _post(token.token_url, fields)
    if status != 200 or "access_token" not in answer:
        raise SendError(
            f"{token.provider}: the sign-in could not be renewed ({_reason(answer)}); run "
            "'mi-courseware send login' again"
        )
    return _token(
        chosen, token.client_id, token.client_secret, answer, clock(), token.refresh_token
    )


def _token(
    chosen: Provider,
    client_id: str,
    client_secret: str | None,
    answer: dict[str, object],
    now: float,
    previous: str | None,
) -> Token:
    return Token(
        provider=chosen.name,
        device_url=chosen.device_url,
        token_url=chosen.token_url,
        client_id=client_id,
        refresh_token=str(answer.get("refresh_token") or previous or ""),
        access_token=str(answer["access_token"]),
        expires=now + float(str(answer.get("expires_in", 3600))),
        client_secret=client_secret,
    )


def _reason(answer: dict[str, object]) -> str:
    words = answer.get("error_description") or answer.get("error") or "no reason given"
    return str(words).strip().splitlines()[0]


def xoauth2(user: str, access_token: str) -> str:
    """The ``XOAUTH2`` initial response (before base64)."""
    return f"user={user}\x01auth=Bearer {access_token}\x01\x01"
