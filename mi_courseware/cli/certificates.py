"""Commands for certificates: ``certificates``, ``verify`` and ``register export|revoke``.

Each command
parses its options, then calls one function of :mod:`mi_courseware.certificates`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mi_courseware.cli.options import (
    Options,
    command,
    group,
    jobs_option,
    pass_options,
    report,
    roster_option,
)
from mi_courseware.errors import UsageError, plural

if TYPE_CHECKING:
    from mi_courseware.project import ProjectPaths
    from mi_courseware.register import Location, Register
    from mi_courseware.register.trust import Trust


def _register_path(options: Options) -> Location:
    """``--register`` (or ``MI_COURSEWARE_REGISTER``), else ``records/certificates.sqlite``."""
    if options.register is not None:
        return options.register
    return options.register_path(options.paths())


def _key_folder(options: Options) -> Path | None:
    """The key store of the register (``keys/`` beside an SQLite file, the project's
    ``records/keys/`` for a database server)."""
    from mi_courseware.register.engine import key_folder

    paths = _paths_or_none(options)
    if options.register is None and paths is None:
        return None
    return key_folder(options.register_path(paths), paths.root if paths is not None else None)


def _open(options: Options, create: bool = False) -> Register:
    """The register, with its key store."""
    from mi_courseware.register import Register

    return Register(_register_path(options), create=create, keys=_key_folder(options))


def _trust(options: Options, keys: tuple[str, ...]) -> Trust | None:
    """Whom ``verify --offline`` believes: ``--key``, else the register's keys (when there
    is a register here), else no one."""
    from mi_courseware.register.trust import Trust

    if keys:
        return Trust.given(keys)
    if options.register is None and _paths_or_none(options) is None:
        return None
    location = _register_path(options)
    if isinstance(location, Path) and not location.is_file():
        return None
    with _open(options) as register:
        trust = Trust.of_register(register)
    return trust if trust.known else None


def _paths_or_none(options: Options) -> ProjectPaths | None:
    """The project, when there is one (the register may be used without it)."""
    try:
        return options.paths()
    except UsageError:
        return None


@command()
@click.argument("event")
@roster_option
@click.option(
    "--only",
    multiple=True,
    metavar="NAME_OR_ID",
    help="Only this participant (name, id, email, number or code); repeat for more.",
)
@click.option(
    "--reissue",
    is_flag=True,
    help="Accept corrected names: keep each certificate's number, record the change.",
)
@jobs_option
@pass_options
def certificates(
    options: Options,
    event: str,
    roster: Path | None,
    only: tuple[str, ...],
    reissue: bool,
    jobs: int,
) -> None:
    """Issue EVENT's certificates and record them in the register.

    Every attending participant not yet issued gets a new number and verification code;
    those already issued get their PDFs rewritten with the same number. Files go to
    output/events/EVENT/certificates/, with all-certificates.pdf for printing.

    Before the event's last day has passed (or SOURCE_DATE_EPOCH says so), certificates are
    prepared: numbered and printed, not valid. Run again after it: the roster's attendance
    confirms each prepared certificate (same number) or voids it.
    """
    from mi_courseware.builders.base import BuildContext
    from mi_courseware.certificates.early import EarlyBackground
    from mi_courseware.pipeline import BuildRequest
    from mi_courseware.pipeline import build as run_pipeline

    paths = options.paths()
    # always issued (a coordinator's explicit request), through the same pipeline as build
    request = BuildRequest(target=event, only=("certificates",), force=True, require=True)
    # the design is rendered by a worker that imports the PDF engine while the project is read
    with EarlyBackground(jobs) as early:
        context = BuildContext(
            jobs=jobs,
            register=_register_path(options),
            roster=roster,
            only_people=only,
            reissue=reissue,
            quiet=options.quiet,
            certificate_background=early,
        )
        results = run_pipeline(
            paths, request, context, warn=lambda problems: report(problems, options.quiet)
        )
    edition = results[0].target
    issued = results[0].reports["certificates"]
    for note in issued.notes:
        click.echo(f"mi-courseware: warning: {note}", err=True)
    if options.quiet:
        return
    counts: dict[str, list[str]] = {}
    for number, action in issued.actions.items():
        counts.setdefault(action, []).append(number)
    click.echo(f"{edition.title}, event {issued.event}: {issued.folder}")
    for action in ("prepared", "issued", "confirmed", "reissued", "regenerated"):
        if counts.get(action):
            click.echo(f"  {action:<12} {len(counts[action]):>4}  {_span(counts[action])}")
    unchanged = len([n for n in issued.rendered if n not in issued.actions])
    if unchanged:
        click.echo(f"  {'unchanged':<12} {unchanged:>4}")
    if counts.get("voided"):
        click.echo(f"  {'voided':<12} {len(counts['voided']):>4}  (attendance not confirmed)")
        for number in sorted(counts["voided"]):
            name, reason = issued.attendance.void[number]
            click.echo(f"    {number}  {name}: {reason}")
    for state, numbers in (("revoked", issued.revoked), ("void", issued.void)):
        if numbers:
            click.echo(f"  {state:<12} {len(numbers):>4}  (not reissued; {_span(numbers)})")
    if issued.printed:
        click.echo(f"  {plural(issued.printed, 'certificate')} in all-certificates.pdf")
    else:
        click.echo("  no certificate to print: no all-certificates.pdf")
    if issued.awaiting:
        last = edition.last_day
        when = f"after {last.isoformat()}, the event's last day" if last else "after the event"
        verb = "is" if issued.awaiting == 1 else "are"
        click.echo(
            f"  {plural(issued.awaiting, 'prepared certificate')} {verb} not valid until "
            f"attendance is confirmed: with the roster's attendance, run 'certificates "
            f"{issued.event}' again" + ("" if issued.attendance.ended else f" {when}")
        )


def _span(numbers: list[str]) -> str:
    numbers = sorted(numbers)
    return numbers[0] if len(numbers) == 1 else f"{numbers[0]} … {numbers[-1]}"


@command()
@click.argument("code_pdf_or_number")
@click.option(
    "--name",
    metavar="NAME",
    help="With a certificate NUMBER: the holder's name as printed (case and accents ignored).",
)
@click.option(
    "--offline",
    metavar="SITE_DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Check against a published verification site's folder instead of the register.",
)
@click.option(
    "--key",
    "keys",
    multiple=True,
    metavar="FINGERPRINT",
    help="With --offline: the issuer's key fingerprint, as the issuer publishes it (16 hex "
    "digits; spaces and colons ignored). Repeat for each key it has used. Without it, the "
    "register's keys are used; with neither, nothing is called valid.",
)
@pass_options
@click.pass_context
def verify(
    ctx: click.Context,
    options: Options,
    code_pdf_or_number: str,
    name: str | None,
    offline: Path | None,
    keys: tuple[str, ...],
) -> None:
    """Check a certificate: its verification CODE, its PDF file, or its NUMBER with --name.

    The first line gives the verdict, the lines after it the details. Exit status 0: valid;
    1: anything else (revoked, prepared and awaiting attendance, void, unknown, mistyped,
    or, for a file, not the copy the register holds).

    With --offline SITE_DIR, a published site is believed only when its records are signed
    with a key known from elsewhere: --key FINGERPRINT, or the register's keys.
    """
    from mi_courseware.certificates.verify import verify as check

    if keys and offline is None:
        raise UsageError("--key: give it with --offline SITE_DIR (a register is checked directly)")
    if offline is not None:
        verdict = check(Path(), code_pdf_or_number, offline=offline, trust=_trust(options, keys))
    else:
        verdict = check(_register_path(options), code_pdf_or_number, name=name)
    for line in verdict.lines:
        click.echo(line)
    ctx.exit(verdict.exit_code)


@group()
def register() -> None:
    """The certificate register: export, revoke, publish the verification site, migrate."""


@register.command("export")
@click.option(
    "--csv", "as_csv", is_flag=True, default=True, help="As CSV (the only format; the default)."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (UTF-8 with BOM, for Excel) instead of standard output.",
)
@click.option(
    "--with-email",
    is_flag=True,
    help="Include participants' email addresses (left out by default: personal data).",
)
@pass_options
def export(options: Options, as_csv: bool, output: Path | None, with_email: bool) -> None:
    """Every certificate in the register, one row each, as CSV.

    ``status`` is one of pending, prepared (awaiting attendance), issued, reissued, revoked
    and void; ``confirmed_at`` says when a prepared certificate was confirmed.

    Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed
    with an apostrophe. Email addresses are left out unless --with-email.
    """
    from mi_courseware.register.export import export_csv

    del as_csv  # CSV is the one format; the flag is the spelling users were promised
    text, count = export_csv(_register_path(options), _key_folder(options), with_email=with_email)
    if output is None:
        sys.stdout.write(text)
        return
    from mi_courseware.errors import MiCoursewareError
    from mi_courseware.rendering.pdf import write_atomic

    try:
        write_atomic(output, text.encode("utf-8-sig"))
    except OSError as exc:
        raise MiCoursewareError(f"{output}: cannot write ({exc.strerror})") from None
    if not options.quiet:
        click.echo(f"{plural(count, 'certificate')} written to {output}", err=True)


@register.command()
@click.argument("code")
@click.option("--reason", required=True, help="Why it is revoked (kept in the history).")
@pass_options
@click.pass_context
def revoke(ctx: click.Context, options: Options, code: str, reason: str) -> None:
    """Revoke the certificate with verification CODE (or its NUMBER, as printed beside the
    code); it stays in the register as revoked."""
    from mi_courseware.certificates.verify import find
    from mi_courseware.core.clock import build_time
    from mi_courseware.register import stamp

    if not reason.strip():
        raise UsageError("--reason: say why the certificate is revoked")
    with _open(options) as reg, reg.transaction():
        verdict, row = find(reg, code)
        if row is None or row.status in ("pending", "prepared", "void"):
            if row is not None and row.status in ("prepared", "void"):
                verdict.lines[0] += " (never issued, so there is nothing to revoke)"
            for line in verdict.lines:
                click.echo(line, err=True)
            ctx.exit(1)
        assert row is not None
        if row.status == "revoked":
            click.echo(f"{row.number} ({row.name}) is already revoked")
            return
        reg.revoke(row.number, reason.strip(), stamp(build_time()))
    click.echo(
        f"Revoked {row.number} ({row.name}); the next 'certificates {row.event}' "
        "removes its PDF from the output"
    )


@register.command()
@click.argument("person", metavar="EMAIL")
@pass_options
def forget(options: Options, person: str) -> None:
    """Erase a person's email address from the register, for an erasure request.

    Their message records keep only what counts them (kind, event, when, result); a
    certificate told apart by their address keeps its number, name and history under a
    stand-in identity. Remove them from the roster too, or the next run knows them again.
    """
    from mi_courseware.core.addresses import address_problem
    from mi_courseware.register.messages import forget as erase

    problem = address_problem(person.strip())
    if problem:
        raise UsageError(f"EMAIL: '{person}' {problem}")
    with _open(options) as reg:
        messages, certificates = erase(reg, person)
    click.echo(
        f"Forgot {person.strip()}: {plural(messages, 'message record')} and "
        f"{plural(certificates, 'certificate')} no longer hold the address; remove them "
        "from the roster too"
    )


@register.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--client",
    "-c",
    metavar="CLIENT",
    help="Only this client's certificates (its id in the project, or its name as printed).",
)
@pass_options
def publish(options: Options, directory: Path, client: str | None) -> None:
    """Write a static verification site into DIRECTORY, for any static web host.

    One signed record per certificate, named by a salted hash of its code, and a page that
    checks a code in the browser. Publishing again rewrites only what changed. Point the
    client's verify_url at the site: https://HOST/PATH/?code={code}
    """
    from mi_courseware.core.clock import build_time
    from mi_courseware.register import stamp
    from mi_courseware.register.look import site_look
    from mi_courseware.register.publish import client_name
    from mi_courseware.register.publish import publish as write_site

    paths = _paths_or_none(options)
    with _open(options) as reg:
        name = client_name(paths, reg.clients(), client) if client else None
        look = site_look(paths, client, name)
        done = write_site(reg, directory, name, stamp(build_time()), look)
    if options.quiet:
        return
    click.echo(
        f"{done.records} certificate{'s' if done.records != 1 else ''} published in {directory}: "
        f"{len(done.written)} file{'s' if len(done.written) != 1 else ''} written, "
        f"{done.unchanged} unchanged, {len(done.removed)} removed"
    )


@register.command()
@click.option(
    "--to",
    "target",
    required=True,
    metavar="FILE_OR_URL",
    help="The new register: a postgresql://user@host/database URL (or an SQLite file).",
)
@pass_options
def migrate(options: Options, target: str) -> None:
    """Copy the register (every certificate, its history, public keys and counters) to --to.

    The target must be empty; the copy is one transaction. Afterwards, point every
    coordinator at the new register with --register or MI_COURSEWARE_REGISTER. Private
    signing keys are never in a register: they stay in the key store (records/keys/), which
    a register on a database server finds in the project's records/keys/.
    """
    from mi_courseware.register.engine import describe, key_folder, parse_location
    from mi_courseware.register.migrate import copy_register

    source = _register_path(options)
    destination = parse_location(target)
    keys = _key_folder(options)
    counts = copy_register(source, destination, keys=keys)
    if options.quiet:
        return
    click.echo(
        f"Copied {counts['certificates']} certificates and {counts['history']} history "
        f"entries from {describe(source)} to {describe(destination)}"
    )
    click.echo(f"Use it with: --register '{describe(destination)}' (or MI_COURSEWARE_REGISTER)")
    paths = _paths_or_none(options)
    there = key_folder(destination, paths.root if paths is not None else None)
    if counts["signing_keys"] and there != keys:
        looks = there or "the project's records/keys/"
        click.echo(
            f"Signing keys stay in {keys}; the new register looks for them in {looks}: on "
            "each computer that uses it, bring them with 'register keys export CLIENT --out "
            "FILE' and 'register keys import FILE'"
        )
