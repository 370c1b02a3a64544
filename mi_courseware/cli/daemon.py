"""``daemon``: the resident build server (start, stop, status); see :mod:`.resident`."""

from __future__ import annotations

import datetime as dt

import click

from mi_courseware.cli.options import group

#: Three hours, as Gradle's daemon: a working session's commands, not a machine's week.
IDLE_MINUTES = 180.0


@group()
def daemon() -> None:
    """A resident build server: it imports the tool's libraries once, then runs each command
    in a fresh copy of itself, so commands skip the half of their time spent starting.
    Commands use it while it runs (MI_COURSEWARE_DAEMON=0: never; =auto: a command that
    finds none starts one for the commands after it); nothing is kept from one command to
    the next."""


@daemon.command()
@click.option(
    "--idle",
    type=click.FloatRange(min=0, min_open=True),
    default=IDLE_MINUTES,
    show_default=True,
    metavar="MINUTES",
    help="Stop after this long with no command.",
)
@click.option(
    "--foreground",
    is_flag=True,
    help="Serve in this process until stopped (for a service manager), not in the background.",
)
def start(idle: float, foreground: bool) -> None:
    """Start the server (or say that it runs), and return once it answers."""
    from mi_courseware.errors import MiCoursewareError
    from mi_courseware.resident.server import start as start_server

    root = click.get_current_context().find_root().command
    try:
        start_server(lambda argv: _run(root, argv), idle * 60, foreground, _ready)
    except OSError as exc:
        raise MiCoursewareError(f"the resident server did not start: {exc}") from exc


def _ready(line: str) -> None:
    click.echo(f"mi-courseware: resident server {line.removeprefix('ready: ')}")


def _run(root: click.Command, argv: list[str]) -> int:
    """One command, as the console script would run it (``root``: the program's group);
    its exit code."""
    try:
        root.main(args=argv, prog_name="mi-courseware")
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        click.echo(exc.code, err=True)
        return 1
    return 0


@daemon.command()
def stop() -> None:
    """Stop the server once the commands it runs have ended."""
    from mi_courseware import resident

    answer = resident.request("stop")
    click.echo("mi-courseware: resident server " + ("stopping" if answer else "not running"))


#: What ``status`` says of the next command's process, made ahead by the server.
AHEAD = {
    "ready": "; the next command's process is ready",
    "making": "; making the next command's process",
}


@daemon.command()
def status() -> None:
    """Whether the server runs, since when, and how many commands it has run (exit 1: not
    running, or running older code)."""
    from mi_courseware import resident

    answer = resident.request("status")
    if answer is None:
        click.echo(f"mi-courseware: resident server not running ({resident.address()})")
        raise SystemExit(1)
    since = dt.datetime.fromtimestamp(float(answer["started"])).strftime("%Y-%m-%d %H:%M")  # type: ignore[arg-type]
    code = "" if answer["current"] else "; it runs older code and stops at the next command"
    ahead = AHEAD.get(str(answer.get("ahead")), "")
    click.echo(
        f"mi-courseware: resident server running (process {answer['pid']}, since {since}, "
        f"{answer['served']} command(s) run, {answer['running']} running{ahead}{code})"
    )
    if not answer["current"]:
        raise SystemExit(1)
