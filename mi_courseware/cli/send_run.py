"""``send KIND EVENT``: plan, build and deliver the messages, recording each (the command's
one function, :func:`run_send`)."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mi_courseware.errors import UsageError, plural

if TYPE_CHECKING:
    from mi_courseware.cli.options import Options
    from mi_courseware.core.edition import Edition
    from mi_courseware.core.messages import MessageRun, Written
    from mi_courseware.project import ProjectPaths
    from mi_courseware.register.store import Register
    from mi_courseware.sending.plan import Plan

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SendRequest:
    """The command line of one ``send`` run."""

    kind: str
    event: str
    day: int | None = None
    only: tuple[str, ...] = ()
    dry_run: bool = False
    outbox: Path | None = None
    smtp: bool = False
    resend: tuple[str, ...] = ()
    rate: str = "30/min"


def run_send(options: Options, request: SendRequest) -> None:
    """Plan the messages; list them (a dry run), write them to the outbox, or send them."""
    from mi_courseware.cli.options import report
    from mi_courseware.pipeline import BuildRequest, read_check_resolve
    from mi_courseware.sending.deliver import parse_rate

    if request.outbox is not None and request.smtp:
        raise UsageError("--outbox or --smtp: choose one way to send")
    try:
        rate = parse_rate(request.rate)
    except ValueError:
        raise UsageError(
            f"--rate: '{request.rate}' is not a number of messages a minute (30/min)"
        ) from None
    paths = options.paths()
    editions, warnings = read_check_resolve(paths, BuildRequest(target=request.event))
    report(warnings, options.quiet)
    edition = editions[0]
    if edition.event is None:
        raise UsageError(f"'{request.event}' is a course; messages are sent for an event")
    if not any(p.email for p in edition.participants):
        click.echo(
            f"{edition.event.id}: the roster has no email addresses (no 'email' column), so "
            "nothing is sent: participants get printed documents only"
        )
        return
    day = _day(edition, request)
    dry = request.dry_run or (request.outbox is None and not request.smtp)
    location = options.register_path(paths)
    register = _register(location, paths, create=not dry)
    try:
        plan = _plan(edition, request, day, register, paths)
        if dry:
            _list(plan, request)
            return
        assert register is not None
        _send(options, edition, request, plan, register, paths, rate)
    finally:
        if register is not None:
            register.close()


def _day(edition: Edition, request: SendRequest) -> int:
    """The day a reminder is for: ``--day``, else the next dated day from today."""
    if request.kind != "reminder":
        if request.day is not None:
            raise UsageError("--day: only a reminder is for one day")
        return 0
    if request.day is not None:
        if request.day > len(edition.days):
            raise UsageError(
                f"--day {request.day}: the event has {plural(len(edition.days), 'day')}"
            )
        return request.day
    from mi_courseware.core.clock import build_time

    today = build_time().date()
    coming = [d.number for d in edition.days if d.date is not None and d.date >= today]
    if not coming:
        raise UsageError("every day of the event has passed: name one with --day N")
    return coming[0]


def _register(location: Path | str, paths: ProjectPaths, *, create: bool) -> Register | None:
    """The register (``None`` for a dry run before anything was ever recorded)."""
    from mi_courseware.register.engine import key_folder
    from mi_courseware.register.store import Register

    if not create and isinstance(location, Path) and not location.is_file():
        return None
    return Register(location, create=create, keys=key_folder(location, paths.root))


def _plan(
    edition: Edition, request: SendRequest, day: int, register: Register | None, paths: ProjectPaths
) -> Plan:
    from mi_courseware.core.clock import build_time
    from mi_courseware.sending.plan import load_records, plan_messages

    records, certificates = load_records(register, edition, request.kind)
    return plan_messages(
        edition,
        request.kind,
        day,
        records,
        certificates,
        only=request.only,
        resend=request.resend,
        when=build_time(),
        folder=_folder(edition, paths),
    )


def _folder(edition: Edition, paths: ProjectPaths) -> Path:
    return paths.output / edition.slug


def _list(plan: Plan, request: SendRequest) -> None:
    """The dry run: who would get what, and why the others would not."""
    from mi_courseware.sending.plan import NOT_ELIGIBLE, SEND, SENT

    what = plan.kind + (f" (day {plan.day})" if plan.day else "")
    click.echo(f"Dry run: {what} for event {request.event}; nothing is written or sent")
    for decision in plan.decisions:
        person = decision.person
        if decision.status == SEND:
            again = " (again, --resend)" if decision.outgoing and decision.outgoing.earlier else ""
            click.echo(f"  would send   {person.name} <{person.email}>{again}")
        elif decision.status == SENT:
            click.echo(f"  skip         {person.name}: {decision.why}")
        else:
            click.echo(f"  not eligible {person.name}: {decision.why}")
    _revoked(plan)
    counts = Counter(d.status for d in plan.decisions)
    click.echo(
        f"{counts[SEND]} to send, {counts[SENT]} already sent, {counts[NOT_ELIGIBLE]} not eligible"
    )


def _revoked(plan: Plan) -> None:
    for name, number in plan.revoked_after_sent:
        log.info("certificate %s of %s: sent, and revoked since", number, name)


def _sender(edition: Edition, request: SendRequest) -> tuple[str, str | None]:
    """``From`` and ``Reply-To``."""
    from mi_courseware.builders.messages import contact_of
    from mi_courseware.sending.server import VARIABLE, SendError, parse_server

    reply_to = contact_of(edition).email or edition.brand.contact.email
    if edition.brand.sender:
        return edition.brand.sender, reply_to
    if request.smtp:
        server = parse_server(os.environ.get(VARIABLE) or "")
        if server.user and "@" in server.user:
            return server.user, reply_to
        raise SendError(
            f"{server}: the account '{server.user}' is not an email address: give the "
            f"client's address as 'sender:' in its client.yaml"
        )
    if reply_to:
        return reply_to, reply_to
    raise UsageError(
        "no address to send from: give the event an admin_contact email, or the client a "
        "'sender:' address"
    )


def _send(
    options: Options,
    edition: Edition,
    request: SendRequest,
    plan: Plan,
    register: Register,
    paths: ProjectPaths,
    rate: int,
) -> None:
    from mi_courseware.core.messages import MessageRun
    from mi_courseware.sending.plan import NOT_ELIGIBLE, SEND, SENT
    from mi_courseware.sending.server import VARIABLE, SendError, parse_server

    server = parse_server(os.environ.get(VARIABLE) or "") if request.smtp else None
    if request.smtp and not os.environ.get(VARIABLE):
        raise SendError(
            f"--smtp: {VARIABLE} is not set (smtps://USER@HOST:465 or smtp://USER@HOST:587)"
        )
    sender, reply_to = _sender(edition, request)
    todo = [d.outgoing for d in plan.of(SEND) if d.outgoing is not None]
    if todo and request.kind == "invitation" and edition.attach_pack:
        _build_pack(options, paths, request.event)
    sequences = _sequences(edition, register) if todo and request.kind == "invitation" else {}
    run = MessageRun(
        request.kind, tuple(todo), sender, reply_to, plan.day, sequences, request.outbox is not None
    )
    _revoked(plan)
    counts = Counter({"skipped": len(plan.of(SENT)), "not eligible": len(plan.of(NOT_ELIGIBLE))})
    for decision in plan.of(NOT_ELIGIBLE):
        log.info("%s: not eligible: %s", decision.person.name, decision.why)
    if request.outbox is not None:
        written = _write(edition, run, request.outbox, options)
        _record(register, edition, plan, written, "outbox", "")
        counts["written to the outbox"] = len(written)
        _summary(counts)
        return
    assert server is not None
    staging = Path(tempfile.mkdtemp(prefix=f"mi-courseware-{os.getpid()}-send-"))
    try:
        written = _write(edition, run, staging, options)
        failed = _deliver(
            server, sender, staging, written, register, edition, plan, rate, counts, options
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if failed:
        raise SystemExit(1)


def _deliver(
    server: object,
    sender: str,
    folder: Path,
    written: list[Written],
    register: Register,
    edition: Edition,
    plan: Plan,
    rate: int,
    counts: Counter[str],
    options: Options,
) -> int:
    """Send the files; the summary however it ends; how many failed."""
    import sys

    from mi_courseware.sending.deliver import RateLimit, deliver
    from mi_courseware.sending.server import SendError

    def record(message: Written, result: str, words: str) -> None:
        _record(register, edition, plan, [message], result, words)
        counts["sent" if result == "sent" else "failed"] += 1
        if result == "failed":
            click.echo(
                f"mi-courseware: error: {message.name} <{message.recipient}>: refused: {words}",
                err=True,
            )

    files = [(folder / w.file, w) for w in written]
    show = len(files) > 1 and not options.quiet and sys.stderr.isatty()
    bar = click.progressbar(length=len(files), label="Sending", file=sys.stderr) if show else None
    try:
        if bar is not None:
            with bar:
                deliver(server, sender, files, record, RateLimit(rate), lambda: bar.update(1))  # type: ignore[arg-type]
        else:
            deliver(server, sender, files, record, RateLimit(rate))  # type: ignore[arg-type]
    except SendError:
        _summary(counts)
        raise
    _summary(counts)
    return counts["failed"]


def _summary(counts: Counter[str]) -> None:
    order = ("sent", "written to the outbox", "skipped", "failed", "not eligible")
    parts = [
        f"{counts[k]} {k}" + (" (already sent)" if k == "skipped" else "")
        for k in order
        if k in counts or k in ("sent", "failed")
    ]
    click.echo(", ".join(parts))


def _write(edition: Edition, run: MessageRun, folder: Path, options: Options) -> list[Written]:
    """The message files, built through the pipeline into ``folder``."""
    from mi_courseware.builders.base import BuildContext
    from mi_courseware.core.clock import build_time
    from mi_courseware.pipeline.named import write_with_record

    if not run.outgoing:
        return []
    context = BuildContext(messages=run, time=build_time(), quiet=options.quiet)
    _, written = write_with_record(edition, "messages", context, folder, single=False)
    return list(written)


def _record(
    register: Register,
    edition: Edition,
    plan: Plan,
    written: list[Written],
    result: str,
    words: str,
) -> None:
    from mi_courseware.core.clock import build_time
    from mi_courseware.register import stamp
    from mi_courseware.register.messages import MessageRecord, record_all

    assert edition.event is not None
    at = stamp(build_time())
    rows = [
        MessageRecord(
            edition.event.id,
            w.identity,
            plan.kind,
            plan.day,
            w.sha256,
            w.message_id,
            at,
            result,
            w.recipient,
            words,
        )
        for w in written
    ]
    record_all(register, rows)


def _sequences(edition: Edition, register: Register) -> dict[int, int]:
    from mi_courseware.builders.calendar import day_digests
    from mi_courseware.core.clock import build_time
    from mi_courseware.register import stamp
    from mi_courseware.register.calendar import settle_sequences

    assert edition.event is not None
    return settle_sequences(register, edition.event.id, day_digests(edition), stamp(build_time()))


def _build_pack(options: Options, paths: ProjectPaths, event: str) -> None:
    """The participant pack the invitations carry, built (or found up to date)."""
    from mi_courseware.builders.base import BuildContext
    from mi_courseware.cli.options import report
    from mi_courseware.pipeline import BuildRequest, build

    request = BuildRequest(target=event, only=("pack",))
    build(paths, request, BuildContext(quiet=options.quiet), warn=lambda p: report(p, True))
