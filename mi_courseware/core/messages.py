"""Messages to participants as plain data: what ``send`` asks the messages builder to write.

The sending side (:mod:`mi_courseware.sending`) decides who gets which message (the roster,
the register's record of what was sent, the certificates issued); the builder
(:mod:`mi_courseware.builders.messages`) writes each as an RFC 5322 file from the theme's
templates; the sender delivers the files and records each one the server accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mi_courseware.core.people import Participant

#: The four messages, in the order a course run sends them.
KINDS = ("invitation", "reminder", "certificate", "evaluation")


@dataclass(frozen=True)
class Attachment:
    """A file a message carries: its name in the message, its type, and where it is (or,
    for one made for the message, ``None`` and its bytes made by the builder)."""

    name: str
    content_type: str
    path: Path | None = None


@dataclass(frozen=True)
class Outgoing:
    """One message to one participant."""

    person: Participant
    #: The certificate's number and verification code, for a certificate message.
    number: str | None = None
    code: str | None = None
    #: Files it carries besides those the builder makes (the certificate, the pack).
    attachments: tuple[Attachment, ...] = ()
    #: Why it is sent again (a reissued certificate: "name corrected"), said in the message.
    reason: str | None = None
    #: How many times this message was accepted before (``--resend``): a new Message-ID.
    earlier: int = 0


@dataclass(frozen=True)
class MessageRun:
    """Messages of one kind for one event, and how they are addressed."""

    kind: str
    outgoing: tuple[Outgoing, ...]
    #: ``From``: the account that signs in, or the client's ``sender``.
    sender: str
    #: ``Reply-To``: the event's admin contact, else the client's contact (``None``: none).
    reply_to: str | None
    #: For a reminder: the day it is for.
    day: int = 0
    #: Each dated day's calendar ``SEQUENCE`` (for invitations), as ``calendar.ics`` has it.
    sequences: dict[int, int] = field(default_factory=dict)
    #: Files for an outbox: marked unsent, so a mail program opens them ready to send.
    unsent: bool = False


@dataclass(frozen=True)
class Written:
    """A message file the builder wrote, and what the register records of it."""

    file: str
    identity: str
    name: str
    recipient: str
    message_id: str
    #: SHA-256 of the attachment that matters (the certificate, the invitation), if any.
    sha256: str | None
