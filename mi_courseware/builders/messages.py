"""Messages to participants: one RFC 5322 file per message, for ``send`` to deliver.

The builder is handed the run ``send`` planned (:class:`~mi_courseware.core.messages.
MessageRun`: who gets which message, with which files) and writes each message from the
theme (:mod:`mi_courseware.rendering.messages`) as ``<kind>-<name>-<hash>.eml``: into an
outbox (``send --outbox``), or into a folder of its own that the sender delivers from. It is
a private output: a message holds its recipient's own data alone (their name, their
certificate, the joining details of the days they are booked on), and one recipient.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.builders.base import Builder

if TYPE_CHECKING:
    from mi_courseware.core.edition import AdminContact, Edition
    from mi_courseware.core.messages import MessageRun, Outgoing, Written
    from mi_courseware.loading.i18n import Translator
    from mi_courseware.rendering.document import DocumentSetup


def file_name(kind: str, day: int, name: str, identity: str) -> str:
    """A message's file: its kind (and day), the person's name in plain letters, and a
    digest of who they are (two people of one name do not meet)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = "-".join(re.findall(r"[a-z0-9]+", folded))[:40] or "participant"
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:8]
    return f"{kind}{f'-day{day}' if day else ''}-{slug}-{digest}.eml"


def contact_of(edition: Edition) -> AdminContact:
    """Who participants write to: the event's admin contact, else the client's contact."""
    from mi_courseware.core.edition import AdminContact

    assert edition.event is not None
    if edition.event.admin_contact:
        return edition.event.admin_contact
    contact = edition.brand.contact
    return AdminContact(email=contact.email, phone=contact.phone)


def _days(edition: Edition, t: Translator) -> list[dict[str, Any]]:
    from mi_courseware.rendering.days import day_lines

    return [
        {
            "number": line.number,
            "date": line.date,
            "times": line.times,
            "place": line.place,
            "online": line.virtual,
            "link": day.link,
            "joining": day.joining,
        }
        for line, day in zip(day_lines(edition, t), edition.days, strict=True)
    ]


class MessagesBuilder(Builder["Edition"]):
    """One ``.eml`` file per message of the run ``send`` planned (its context's
    ``messages``)."""

    name = "messages"
    description = "one .eml file per message to a participant (send)"
    outputs = ("<kind>-<participant>.eml",)
    in_build = False
    uses = ("course", "brand", "roster")
    theme_parts = ("templates", "i18n", "fonts")
    needs = "event"
    private = True
    preload = ("mi_courseware.rendering.messages", "mi_courseware.rendering.mime")

    def build(self, target: Edition, out: Path) -> list[Path]:
        """Write every message of the run; :attr:`pending` lists what each file is."""
        from mi_courseware.rendering.document import document_setup
        from mi_courseware.rendering.messages import logo_png

        run: MessageRun | None = self.context.messages
        assert run is not None, "the messages builder is given its run by send"
        setup = document_setup(target)
        logo = logo_png(setup)
        written: list[Written] = []
        paths = []
        for outgoing in run.outgoing:
            data, record = self.message(target, setup, run, outgoing, logo)
            path = out / record.file
            path.write_bytes(data)
            paths.append(path)
            written.append(record)
        self.pending = written
        return paths

    def message(
        self,
        edition: Edition,
        setup: DocumentSetup,
        run: MessageRun,
        outgoing: Outgoing,
        logo: bytes | None,
    ) -> tuple[bytes, Written]:
        """One message's bytes and its record."""
        from mi_courseware.core.messages import Written
        from mi_courseware.rendering.messages import html_document, render_message
        from mi_courseware.rendering.mime import Envelope, assemble, message_id

        assert edition.event is not None
        person = outgoing.person
        assert person.email is not None
        files, digest = self.attachments(edition, run, outgoing)
        values = self.values(edition, setup, run, outgoing, [name for name, *_ in files])
        composed = render_message(setup, run.kind, values)
        seed = (
            "/".join((edition.event.id, person.identity, run.kind, str(run.day), digest or ""))
            + f"/{outgoing.earlier}"
        )
        envelope = Envelope(
            sender=run.sender,
            sender_name=edition.brand.name or run.sender,
            recipient=person.email,
            recipient_name=person.name,
            reply_to=run.reply_to,
            message_id=message_id(seed, run.sender.rsplit("@", 1)[-1]),
            when=self.context.time,
            language=edition.language,
            unsent=run.unsent,
        )
        cid = None
        if logo is not None:
            cid = f"logo.{hashlib.sha256(logo).hexdigest()[:16]}@mi-courseware"
        html = html_document(setup, composed, cid, edition.language)
        data = assemble(
            envelope,
            composed.subject,
            composed.text,
            html,
            (logo, "png", cid) if logo is not None and cid else None,
            files,
        )
        name = file_name(run.kind, run.day, person.name, person.identity)
        record = Written(
            name, person.identity, person.name, person.email, envelope.message_id, digest
        )
        return data, record

    def attachments(
        self, edition: Edition, run: MessageRun, outgoing: Outgoing
    ) -> tuple[list[tuple[str, str, bytes, dict[str, str]]], str | None]:
        """The files a message carries, and the SHA-256 of the one that matters."""
        from mi_courseware.builders.calendar import invitation_bytes

        files: list[tuple[str, str, bytes, dict[str, str]]] = []
        digest = None
        if run.kind == "invitation":
            ics = invitation_bytes(edition, outgoing.person, self.context.time, run.sequences)
            files.append(("invitation.ics", "text/calendar", ics, {"method": "REQUEST"}))
            digest = hashlib.sha256(ics).hexdigest()
        elif run.kind == "evaluation" and not edition.evaluation_url:
            from mi_courseware.evaluation.template import template_files

            assert edition.event is not None
            name = f"{edition.event.id}-questions.txt"
            text = template_files(edition)[name]
            files.append(("evaluation-questions.txt", "text/plain", text.encode(), {}))
        for attachment in outgoing.attachments:
            assert attachment.path is not None
            data = attachment.path.read_bytes()
            files.append((attachment.name, attachment.content_type, data, {}))
            if run.kind == "certificate":
                digest = hashlib.sha256(data).hexdigest()
        return files, digest

    def values(
        self,
        edition: Edition,
        setup: DocumentSetup,
        run: MessageRun,
        outgoing: Outgoing,
        attached: list[str],
    ) -> dict[str, Any]:
        """What the message's template is given."""
        from markupsafe import Markup

        event = edition.event
        assert event is not None
        days = _days(edition, setup.t)
        verify = None
        if outgoing.code and edition.brand.verify_url:
            verify = edition.brand.verify_url.replace("{code}", outgoing.code)
        return {
            "name": outgoing.person.name,
            "title": edition.title,
            "client": edition.brand.name,
            "code": event.code,
            "days": days,
            "day": next((d for d in days if d["number"] == run.day), None),
            "contact": contact_of(edition),
            "trainers": list(event.trainers),
            "preparation": Markup(edition.preparation) if edition.preparation else None,
            "attached": attached,
            "number": outgoing.number,
            "verification_code": outgoing.code,
            "verify": Markup(verify) if verify else None,
            "reason": outgoing.reason,
            "evaluation_url": Markup(edition.evaluation_url) if edition.evaluation_url else None,
        }
