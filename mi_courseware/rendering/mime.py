"""A message as RFC 5322 bytes (the standard library's ``email`` package), byte for byte the
same for the same inputs: its boundaries come from its Message-ID, its date from the run.

Its parts, for every mail program::

    multipart/mixed
      multipart/alternative
        text/plain            always
        multipart/related
          text/html           the brand's, its logo by Content-ID
          image/png           the logo
      the attachments         the invitation (text/calendar; method=REQUEST), a PDF...

One recipient, in ``To`` alone: never a list, never ``Cc`` or ``Bcc``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

#: Files marked unsent open in Outlook as a new message, ready to send.
UNSENT = "X-Unsent"


@dataclass(frozen=True)
class Envelope:
    """Who a message is from and to, and its identity."""

    sender: str
    sender_name: str
    recipient: str
    recipient_name: str
    reply_to: str | None
    message_id: str
    when: datetime
    language: str
    unsent: bool = False


def message_id(seed: str, domain: str) -> str:
    """A Message-ID made from ``seed`` (the same message, the same id: a receiving server
    that saw it already may drop the copy)."""
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}.mi-courseware@{domain}>"


def assemble(
    envelope: Envelope,
    subject: str,
    text: str,
    html: str,
    logo: tuple[bytes, str, str] | None,
    attachments: list[tuple[str, str, bytes, dict[str, str]]],
) -> bytes:
    """The message's bytes. ``logo``: (bytes, subtype, Content-ID without brackets);
    ``attachments``: (file name, content type, bytes, parameters) each."""
    from email import policy
    from email.headerregistry import Address
    from email.message import EmailMessage
    from email.utils import format_datetime

    message = EmailMessage(policy=policy.SMTP)
    message["From"] = Address(envelope.sender_name, addr_spec=envelope.sender)
    message["To"] = Address(envelope.recipient_name, addr_spec=envelope.recipient)
    if envelope.reply_to and envelope.reply_to != envelope.sender:
        message["Reply-To"] = Address(addr_spec=envelope.reply_to)
    message["Subject"] = subject
    message["Date"] = format_datetime(envelope.when)
    message["Message-ID"] = envelope.message_id
    if envelope.unsent:
        message[UNSENT] = "1"
    # quoted-printable: readable, and within every server's line limits
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    if logo is not None:
        data, subtype, cid = logo
        html_part: EmailMessage = message.get_payload()[1]  # type: ignore[index,assignment]
        html_part.add_related(data, "image", subtype, cid=f"<{cid}>", filename=f"logo.{subtype}")
    for name, content_type, data, params in attachments:
        main, sub = content_type.split("/")
        message.add_attachment(data, main, sub, filename=name, params=params)
    # after the parts are made: making them moves every Content-* header into the first part
    message["Content-Language"] = envelope.language
    seed = envelope.message_id
    for index, part in enumerate(message.walk()):
        if part.is_multipart():
            digest = hashlib.sha256(f"{seed}/{index}".encode()).hexdigest()[:24]
            part.set_boundary(f"=_mi_{digest}")
    return message.as_bytes(policy=policy.SMTP)
