"""What every command shares: the global options, one way to load the project, one way to
print problems, and turning expected failures into messages and exit codes.

The global options (``--project``, ``--register``, ``-v``, ``-q``, ``--time-limit``,
``--size-limit``) are accepted before the command and after it (``build X -q``): each is
declared on the group and on every command, and both write into one :class:`Options`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mi_courseware.errors import ContentError, MiCoursewareError, Problem, UsageError
from mi_courseware.project import ProjectPaths, find_project

if TYPE_CHECKING:
    from mi_courseware.errors import Problems
    from mi_courseware.loading.project import Project

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Options:
    """Global options shared by every command."""

    project: Path | None = None
    #: ``--register``: an SQLite file, or a ``postgresql://`` URL (kept as a string)
    register: Path | str | None = None
    verbose: int = 0
    quiet: bool = False
    time_limit: float | None = None
    size_limit: float | None = None
    #: Which options were given after the command (they win over the same ones before it).
    given: set[str] = field(default_factory=set)

    def paths(self) -> ProjectPaths:
        """The project folder, found or given."""
        return find_project(self.project)

    def register_path(self, paths: ProjectPaths | None = None) -> Path | str:
        """The certificate register: ``--register``, else ``records/certificates.sqlite``."""
        if self.register is not None:
            return self.register
        return (paths or self.paths()).records / "certificates.sqlite"

    def apply(self) -> None:
        """Make logging and the limits follow these options (again, when one changes)."""
        setup_logging(self.verbose, self.quiet)
        configure_limits(self.time_limit, self.size_limit)
        _say_where()


def _say_where() -> None:
    """At ``-v``, once: that this command runs in the resident server, or why one that may be
    running was not used."""
    from mi_courseware import resident

    log = logging.getLogger("mi_courseware")
    if resident.said or not log.isEnabledFor(logging.INFO):
        return
    resident.said = True
    if resident.served_by:
        how = "made ahead" if resident.made_ahead else "forked for it"
        log.info(
            "run by the resident server (process %d), in a process %s", resident.served_by, how
        )
    elif resident.note:
        log.info("run in this process: %s", resident.note)


def report(problems: list[Problem], quiet: bool = False) -> None:
    """Print problems as ``path:line:column: severity: message``, sorted, and a one-line count."""
    from mi_courseware.errors import plural

    problems = sorted(problems, key=lambda p: (p.position, p.message))
    for problem in problems:
        if quiet and problem.severity == "warning":
            continue
        click.echo(str(problem), err=True)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    parts = []
    if errors:
        parts.append(plural(errors, "error"))
    if warnings and not quiet:
        parts.append(plural(warnings, "warning"))
    if parts:
        click.echo(", ".join(parts), err=True)


class Group(click.Group):
    """Turns our expected failures into messages and exit codes instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a user's mistake is a message and an exit code."""
        try:
            return super().invoke(ctx)
        except ContentError as exc:
            report(exc.problems)
            ctx.exit(1)
        except UsageError as exc:
            click.echo(f"mi-courseware: error: {exc}", err=True)
            ctx.exit(2)
        except MiCoursewareError as exc:
            click.echo(f"mi-courseware: error: {exc}", err=True)
            ctx.exit(1)


class _Formatter(logging.Formatter):
    """Progress as it is; notes and errors named as the tool's own."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        where = getattr(record, "where", None)  # a message about a file: named as problems are
        if where is not None and record.levelno >= logging.WARNING:
            severity = "error" if record.levelno >= logging.ERROR else "warning"
            return f"{where}: {severity}: {text}"
        if record.levelno >= logging.ERROR:
            return f"mi-courseware: error: {text}"
        if record.levelno >= logging.WARNING:
            return f"mi-courseware: note: {text}"
        return text


def setup_logging(verbose: int, quiet: bool) -> None:
    """Quiet: errors only; default: notes; -v: what is built and why; -vv: debug."""
    level = logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbose)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    logging.basicConfig(level=level or logging.DEBUG, handlers=[handler], force=True)
    # third-party engines speak only when asked twice (-vv)
    third_party = (
        "weasyprint",
        "fontTools",
        "matplotlib",
        "PIL",
        "pikepdf",
        "alembic",
        "sqlalchemy",
    )
    levels = dict.fromkeys(third_party, logging.DEBUG if verbose > 1 else logging.ERROR)
    # the Markdown parser traces every rule it tries at DEBUG: thousands of lines a module
    levels["markdown_it"] = logging.WARNING
    for name, level in levels.items():
        logger = logging.getLogger(name)
        if logger.level != level:  # (each change empties every logger's cache)
            logger.setLevel(level)


def configure_limits(time_limit: float | None, size_limit: float | None) -> None:
    """``--time-limit`` and ``--size-limit`` for this run (and its worker processes)."""
    from mi_courseware import limits

    chosen = limits.Limits()
    if size_limit is not None:
        chosen = chosen.scaled(size_limit)
    if time_limit is not None:
        chosen = replace(chosen, render_seconds=time_limit)
    limits.configure(chosen)


def _store(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    """A callback that puts an option's value into the run's :class:`Options`."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        options = ctx.ensure_object(Options)
        source = ctx.get_parameter_source(param.name or name)
        given = source not in (None, click.core.ParameterSource.DEFAULT)
        if name == "verbose":
            options.verbose += value or 0
        elif given or (name == "register" and value):
            if name == "register":
                from mi_courseware.register.engine import parse_location

                value = parse_location(value)
            setattr(options, name, value)
        options.apply()

    return callback


def global_options(func: F) -> F:
    """The global options, for the group and for every command (before or after it)."""
    decorators = [
        click.option(
            "--project",
            type=click.Path(file_okay=False, path_type=Path),
            expose_value=False,
            callback=_store("project"),
            help="Project folder (default: the nearest folder above here with content/).",
        ),
        click.option(
            "--register",
            envvar="MI_COURSEWARE_REGISTER",
            expose_value=False,
            callback=_store("register"),
            help="Certificate register: an SQLite file or a postgresql:// URL "
            "(default: records/certificates.sqlite; also MI_COURSEWARE_REGISTER).",
        ),
        click.option(
            "-v",
            "--verbose",
            count=True,
            expose_value=False,
            callback=_store("verbose"),
            help="Say more: what is built and why (twice: debug output).",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            expose_value=False,
            callback=_store("quiet"),
            help="Only errors.",
        ),
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0),
            expose_value=False,
            callback=_store("time_limit"),
            metavar="SECONDS",
            help="Longest one document may take to render (default 120; 0: no limit).",
        ),
        click.option(
            "--size-limit",
            type=click.FloatRange(min=0, min_open=True),
            expose_value=False,
            callback=_store("size_limit"),
            metavar="FACTOR",
            help="Multiply the limits on file sizes, lines and table rows (default 1).",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


class Command(click.Command):
    """A command that also takes the global options after its name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        global_options(self)  # type: ignore[arg-type]


def command(name: str | None = None, **kwargs: Any) -> Callable[[F], click.Command]:
    """``@command()``: a click command with the global options, and ``-h`` for help."""
    kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"]})
    return click.command(name, cls=Command, **kwargs)  # type: ignore[return-value]


class SubGroup(Group):
    """A group of commands (``register``, ``coding``, ``evaluation``) whose commands take the
    global options too."""

    command_class = Command


def group(name: str | None = None, **kwargs: Any) -> Callable[[F], click.Group]:
    """``@group()``: a group of commands, each with the global options."""
    kwargs.setdefault("context_settings", {"help_option_names": ["-h", "--help"]})
    return click.group(name, cls=SubGroup, **kwargs)  # type: ignore[return-value]


pass_options = click.make_pass_decorator(Options, ensure=True)
"""Pass the run's :class:`Options` to a command."""


def load(options: Options) -> tuple[Project, Problems]:
    """Read and check the whole project; problems are returned, not raised."""
    from mi_courseware.errors import Problems
    from mi_courseware.pipeline.targets import load_checked

    problems = Problems()
    project = load_checked(options.paths(), problems)
    return project, problems


def load_or_fail(options: Options) -> Project:
    """Read and check the whole project; stop on any error, print the warnings."""
    project, problems = load(options)
    if problems.errors:
        raise ContentError(problems.items)
    if problems.warnings:
        report(problems.warnings, options.quiet)
    return project


#: ``--roster`` and ``--jobs`` mean the same for ``build`` and ``certificates``.
roster_option = click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Roster CSV for certificates, instead of the event's own.",
)
jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="Parallel workers (default: all cores).",
)


def target_options(func: F) -> F:
    """``--client``, ``--variant``, ``--addon`` and ``--theme``: which edition to make."""
    for option in reversed(
        [
            click.option("--client", "-c", help="Client to brand for (a course build)."),
            click.option("--variant", help="Course variant (default: the course's first)."),
            click.option("--addon", "addons", multiple=True, help="Add-on to include (repeat)."),
            click.option("--theme", help="Theme (default: the event's, else 'default')."),
        ]
    ):
        func = option(func)
    return func
