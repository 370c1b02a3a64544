"""Who gets which message, and why the others do not: ``send``'s plan, and its dry run.

Each participant named (all, or those ``--only`` names) is to be sent the message, already
has it (the register records it sent or in an outbox: skipped unless ``--resend`` names
them), or is not eligible, with the reason: no email address (printed documents only), no
certificate issued (prepared, void, revoked), not attended, the event not over yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.core.messages import Attachment, Outgoing
from mi_courseware.errors import UsageError, did_you_mean

if TYPE_CHECKING:
    from mi_courseware.core.edition import Edition
    from mi_courseware.core.people import Participant
    from mi_courseware.register.messages import MessageRecord
    from mi_courseware.register.rows import Certificate
    from mi_courseware.register.store import Register

SEND, SENT, NOT_ELIGIBLE = "send", "sent", "not eligible"


@dataclass(frozen=True)
class Decision:
    """What becomes of one participant."""

    person: Participant
    status: str
    why: str = ""
    outgoing: Outgoing | None = None


@dataclass
class Plan:
    """The run's decisions, in roster order."""

    kind: str
    day: int
    decisions: list[Decision] = field(default_factory=list)
    #: Certificates sent and revoked since: (name, number), for ``send certificate -v``.
    revoked_after_sent: list[tuple[str, str]] = field(default_factory=list)

    def of(self, status: str) -> list[Decision]:
        """The decisions with ``status``."""
        return [d for d in self.decisions if d.status == status]


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def matches(person: Participant, wanted: str) -> bool:
    """Whether ``wanted`` (a name, id or email, whatever its case) names ``person``."""
    key = _folded(wanted)
    return key in {_folded(person.name), _folded(person.id or ""), _folded(person.email or "")}


def chosen(
    people: tuple[Participant, ...], names: tuple[str, ...], option: str
) -> list[Participant]:
    """The people ``names`` name (every one must name someone), else everyone."""
    if not names:
        return list(people)
    found: list[Participant] = []
    for wanted in names:
        hits = [p for p in people if matches(p, wanted)]
        if not hits:
            listed = [p.name for p in people]
            raise UsageError(f"{option}: no participant '{wanted}'{did_you_mean(wanted, listed)}")
        found += [p for p in hits if p not in found]
    return found


def plan_messages(
    edition: Edition,
    kind: str,
    day: int,
    records: list[MessageRecord],
    certificates: dict[str, Certificate],
    *,
    only: tuple[str, ...] = (),
    resend: tuple[str, ...] = (),
    when: datetime,
    folder: Path,
) -> Plan:
    """Decide for each participant named (``folder``: the event's output folder)."""
    from mi_courseware.register.messages import DELIVERED

    plan = Plan(kind, day)
    again = chosen(edition.participants, resend, "--resend") if resend else []
    delivered: dict[str, list[MessageRecord]] = {}
    for row in records:
        if row.result in DELIVERED and row.day == day:
            delivered.setdefault(row.identity, []).append(row)
    last = edition.last_day
    for person in chosen(edition.participants, only, "--only"):
        earlier = delivered.get(person.identity, [])
        certificate = certificates.get(person.identity)
        revoked = certificate is not None and certificate.status == "revoked"
        if revoked and certificate and any(r.sha256 == certificate.sha256 for r in earlier):
            plan.revoked_after_sent.append((person.name, certificate.number))
        if not person.email:
            plan.decisions.append(
                Decision(person, NOT_ELIGIBLE, "no email address: printed documents only")
            )
            continue
        why = _ineligible(edition, kind, person, certificate, folder, when, last)
        if why:
            plan.decisions.append(Decision(person, NOT_ELIGIBLE, why))
            continue
        outgoing = _outgoing(edition, kind, person, certificate, folder, earlier)
        if outgoing is None and person not in again:
            at = earlier[-1].at if earlier else ""
            plan.decisions.append(Decision(person, SENT, f"already sent ({at})"))
            continue
        if outgoing is None:
            outgoing = _outgoing(edition, kind, person, certificate, folder, [])
            assert outgoing is not None
            outgoing = Outgoing(
                person, outgoing.number, outgoing.code, outgoing.attachments, None, len(earlier)
            )
        plan.decisions.append(Decision(person, SEND, "", outgoing))
    return plan


def _ineligible(
    edition: Edition,
    kind: str,
    person: Participant,
    certificate: Certificate | None,
    folder: Path,
    when: datetime,
    last: object,
) -> str:
    """Why ``person`` is not to get the message (empty: they are)."""
    if kind == "certificate":
        if certificate is None or certificate.status == "pending":
            return f"no certificate issued (run 'certificates {_event(edition)}')"
        if certificate.status == "prepared":
            return f"certificate {certificate.number} prepared, awaiting attendance"
        if certificate.status in ("void", "revoked"):
            return f"certificate {certificate.number} {certificate.status}"
        path = folder / "certificates" / f"{certificate.number}.pdf"
        if not path.is_file() or _sha256(path) != certificate.sha256:
            return (
                f"certificate {certificate.number}: its file in {path.parent} is not the one "
                f"issued (run 'certificates {_event(edition)}')"
            )
    if kind == "evaluation":
        if last is None or when.date() < edition.last_day:  # type: ignore[operator]
            return "the event's last day has not come yet"
        if not person.days:
            return "attended no day"
    return ""


def _event(edition: Edition) -> str:
    assert edition.event is not None
    return edition.event.id


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _outgoing(
    edition: Edition,
    kind: str,
    person: Participant,
    certificate: Certificate | None,
    folder: Path,
    earlier: list[MessageRecord],
) -> Outgoing | None:
    """The message to send ``person`` (``None``: they have it already)."""
    attachments: tuple[Attachment, ...] = ()
    if kind == "invitation" and edition.attach_pack:
        pack = Attachment(
            "participant-pack.pdf", "application/pdf", folder / "participant-pack.pdf"
        )
        attachments = (pack,)
    if kind != "certificate":
        return None if earlier else Outgoing(person, attachments=attachments)
    assert certificate is not None and certificate.sha256 is not None
    pdf = Attachment(f"{certificate.number}.pdf", "application/pdf",
                     folder / "certificates" / f"{certificate.number}.pdf")  # fmt: skip
    if any(r.sha256 == certificate.sha256 for r in earlier):
        return None
    reason = None
    if earlier and certificate.status == "reissued":
        reason = "name corrected"
    elif earlier:
        return None  # the same certificate, made again (a layout change): sent already
    return Outgoing(person, certificate.number, certificate.code, (pdf,), reason, 0)


def load_records(
    register: Register | None, edition: Edition, kind: str
) -> tuple[list[MessageRecord], dict[str, Certificate]]:
    """What the register holds of the event's messages of ``kind`` and its certificates."""
    if register is None:
        return [], {}
    from mi_courseware.register.messages import records_for

    event = _event(edition)
    certificates = register.for_event(event) if kind == "certificate" else {}
    return records_for(register, event, kind), certificates
