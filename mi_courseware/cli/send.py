"""``send``: messages to an event's participants, each sent once (invitation, reminder,
certificate, evaluation), and ``send login`` for mail servers that take OAuth 2.0."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from mi_courseware.cli.options import Options, group, pass_options

F = TypeVar("F", bound=Callable[..., Any])


@group()
def send() -> None:
    """Messages to an event's participants, from the roster's email column, each sent once.

    Without --outbox or --smtp, a dry run lists who would get what, and why the others
    would not, and writes nothing. --outbox DIR writes one .eml file per message (opened by
    Outlook ready to send); --smtp sends through the server MI_COURSEWARE_SMTP names.
    Every message is recorded in the register: a second run sends only what is new.
    """


def _options(func: F) -> F:
    for decorator in reversed(
        (
            click.argument("event"),
            click.option(
                "--only",
                multiple=True,
                metavar="NAME_OR_ID",
                help="Only this participant (name, id or email); repeat for more.",
            ),
            click.option("--dry-run", is_flag=True, help="List who would get what; write nothing."),
            click.option(
                "--outbox",
                type=click.Path(file_okay=False, path_type=Path),
                help="Write one .eml file per message into this folder (for a mail program).",
            ),
            click.option(
                "--smtp",
                is_flag=True,
                help="Send through the mail server MI_COURSEWARE_SMTP names.",
            ),
            click.option(
                "--resend",
                multiple=True,
                metavar="NAME_OR_ID",
                help="Send this participant's message again, on purpose; repeat for more.",
            ),
            click.option(
                "--rate",
                default="30/min",
                show_default=True,
                metavar="N/min",
                help="At most N messages a minute (Microsoft 365 allows 30).",
            ),
        )
    ):
        func = decorator(func)
    return func


def _run(options: Options, kind: str, day: int | None, **given: Any) -> None:
    from mi_courseware.cli.send_run import SendRequest, run_send

    run_send(options, SendRequest(kind=kind, day=day, **given))


@send.command()
@_options
@pass_options
def invitation(options: Options, **given: Any) -> None:
    """Each participant's joining instructions, with their calendar invitation (and the
    participant pack when the course attaches it)."""
    _run(options, "invitation", None, **given)


@send.command()
@_options
@click.option("--day", type=click.IntRange(1), help="The course day it is for (default: the next).")
@pass_options
def reminder(options: Options, day: int | None, **given: Any) -> None:
    """A short reminder of one day: its date, times and place or joining details."""
    _run(options, "reminder", day, **given)


@send.command()
@_options
@pass_options
def certificate(options: Options, **given: Any) -> None:
    """Each issued certificate, attached, with its number and where to verify it (a
    reissued one again, saying why). -v lists certificates sent and revoked since."""
    _run(options, "certificate", None, **given)


@send.command()
@_options
@pass_options
def evaluation(options: Options, **given: Any) -> None:
    """The request for feedback: the event's evaluation_url, or the questions attached."""
    _run(options, "evaluation", None, **given)


@send.command()
@click.option(
    "--provider",
    type=click.Choice(["microsoft", "google"]),
    required=True,
    help="Who runs the mail server: Microsoft 365 or Google Workspace / Gmail.",
)
@click.option(
    "--client-id",
    required=True,
    envvar="MI_COURSEWARE_OAUTH_CLIENT_ID",
    help="The client id of the application registered with the provider (or "
    "MI_COURSEWARE_OAUTH_CLIENT_ID).",
)
@click.option(
    "--client-secret",
    envvar="MI_COURSEWARE_OAUTH_CLIENT_SECRET",
    help="Google's client secret for the application (or MI_COURSEWARE_OAUTH_CLIENT_SECRET).",
)
@click.option(
    "--tenant",
    default="organizations",
    show_default=True,
    help="Microsoft 365: the organisation's tenant id or domain.",
)
@pass_options
def login(
    options: Options, provider: str, client_id: str, client_secret: str | None, tenant: str
) -> None:
    """Sign in to the mail server MI_COURSEWARE_SMTP names with OAuth 2.0, once: open the
    address shown on any device, enter the code, and the sign-in is kept in the system
    keyring for --smtp (XOAUTH2)."""
    import os

    from mi_courseware.sending.credentials import keyring_set, token_name
    from mi_courseware.sending.oauth import device_login
    from mi_courseware.sending.oauth import provider as chosen
    from mi_courseware.sending.server import VARIABLE, SendError, parse_server

    value = os.environ.get(VARIABLE)
    if not value:
        raise SendError(f"{VARIABLE} is not set: name the server first (smtp://USER@HOST:587)")
    server = parse_server(value)
    token = device_login(chosen(provider, tenant), client_id, click.echo, client_secret)
    keyring_set(token_name(server), token.to_json())
    click.echo(f"Signed in: {server} sends with XOAUTH2 from now on")
