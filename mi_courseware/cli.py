"""The command line. Each command parses its options, loads the project, calls one function.

Heavy libraries (pydantic, WeasyPrint, python-pptx) are imported inside commands so that
``--help`` starts fast.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from mi_courseware import __version__
from mi_courseware.errors import ContentError, MiCoursewareError, Problem, UsageError, plural
from mi_courseware.project import ProjectPaths, find_project

if TYPE_CHECKING:
    from mi_courseware.errors import Problems
    from mi_courseware.loading.project import Project

log = logging.getLogger("mi_courseware")

LIST_KINDS = ("courses", "addons", "clients", "events", "themes", "standards", "trainers")


@dataclass
class Options:
    """Global options shared by every command."""

    project: Path | None
    #: ``--register``: an SQLite file, or a ``postgresql://`` URL (kept as a string)
    register: Path | str | None
    verbose: int
    quiet: bool

    def paths(self) -> ProjectPaths:
        """The project folder, found or given."""
        return find_project(self.project)

    def register_path(self, paths: ProjectPaths) -> Path | str:
        """The certificate register: ``--register``, else ``records/certificates.sqlite``."""
        return self.register or paths.records / "certificates.sqlite"


def report(problems: list[Problem], quiet: bool = False) -> None:
    """Print problems as ``path:line:column: severity: message``, sorted, and a one-line count."""
    problems = sorted(problems, key=lambda p: (p.position, p.message))
    for problem in problems:
        if quiet and problem.severity == "warning":
            continue
        click.echo(str(problem), err=True)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings and not quiet:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    if parts:
        click.echo(", ".join(parts), err=True)


class Group(click.Group):
    """Turns our expected failures into messages and exit codes instead of tracebacks."""

    def invoke(self, ctx: click.Context) -> Any:
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


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="mi-courseware")
@click.option(
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder (default: the nearest folder above here with content/).",
)
@click.option(
    "--register",
    envvar="MI_COURSEWARE_REGISTER",
    metavar="FILE_OR_URL",
    help="Certificate register: an SQLite file, or a postgresql://user@host/database URL "
    "(default: records/certificates.sqlite; also MI_COURSEWARE_REGISTER).",
)
@click.option("-v", "--verbose", count=True, help="Say more (repeat for debug output).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Longest one document may take to render (default 120; 0: no limit).",
)
@click.option(
    "--size-limit",
    type=click.FloatRange(min=1),
    default=None,
    metavar="FACTOR",
    help="Multiply the limits on file sizes, lines and table rows (default 1).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    project: Path | None,
    register: str | None,
    verbose: int,
    quiet: bool,
    time_limit: float | None,
    size_limit: float | None,
) -> None:
    """Motivational Interviewing courseware: branded packs, decks, guides and certificates."""
    setup_logging(verbose, quiet)
    configure_limits(time_limit, size_limit)
    location: Path | str | None = None
    if register:
        from mi_courseware.register.engine import parse_location

        location = parse_location(register)
    ctx.obj = Options(project, location, verbose, quiet)


class _Formatter(logging.Formatter):
    """Progress as it is; notes and errors named as the tool's own."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
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
    for name in ("weasyprint", "fontTools", "matplotlib", "PIL"):
        logging.getLogger(name).setLevel(logging.DEBUG if verbose > 1 else logging.ERROR)


def configure_limits(time_limit: float | None, size_limit: float | None) -> None:
    """``--time-limit`` and ``--size-limit`` for this run (and its worker processes)."""
    from dataclasses import replace

    from mi_courseware import limits

    chosen = limits.Limits()
    if size_limit is not None:
        chosen = chosen.scaled(size_limit)
    if time_limit is not None:
        chosen = replace(chosen, render_seconds=time_limit)
    limits.configure(chosen)


def _load(options: Options) -> tuple[Project, Problems]:
    from mi_courseware.errors import Problems
    from mi_courseware.pipeline.targets import load_checked

    problems = Problems()
    project = load_checked(options.paths(), problems)
    return project, problems


def _fail_on_errors(problems: Problems, options: Options) -> None:
    if problems.errors:
        raise ContentError(problems.items)
    if problems.warnings:
        report(problems.warnings, options.quiet)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--bare",
    is_flag=True,
    help="One small course, one client and one event to start from, instead of the demo.",
)
def init(directory: Path, bare: bool) -> None:
    """Start a new project in DIRECTORY: the demo content (or --bare), the default themes,
    a README and the reference of every file format."""
    from mi_courseware.init import init_project

    init_project(directory, bare=bare)
    click.echo(f"Created a courseware project in {directory}")
    click.echo(f"Next: cd {directory} && mi-courseware validate && mi-courseware build")


@cli.command(name="list")
@click.argument("kind", required=False, type=click.Choice(LIST_KINDS))
@click.option("-v", "--verbose", count=True, help="Show details (sessions, units, search paths).")
@click.pass_obj
def list_(options: Options, kind: str | None, verbose: int) -> None:
    """List what the project holds (everything, or one KIND)."""
    from mi_courseware.listing import list_project

    project, problems = _load(options)
    for line in list_project(project, kind, verbose=options.verbose + verbose > 0):
        click.echo(line)
    if problems.items:
        click.echo("", err=True)
        report(problems.items, options.quiet)


@cli.command()
@click.argument("targets", nargs=-1)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_obj
@click.pass_context
def validate(ctx: click.Context, options: Options, targets: tuple[str, ...], strict: bool) -> None:
    """Check the project (or only TARGETs: events or courses) and report every problem."""
    from mi_courseware.pipeline.targets import check_targets, check_timings, find_target

    project, problems = _load(options)
    if targets:
        check_targets(project, [find_target(project, t) for t in targets], problems)
    else:
        check_timings(project, problems)
    report(problems.items, options.quiet and not strict)  # --strict makes warnings count
    if problems.errors or (strict and problems.warnings):
        ctx.exit(1)
    if not options.quiet:
        counts = ", ".join(
            plural(len(table), word)
            for table, word in (
                (project.courses, "course"),
                (project.addons, "add-on"),
                (project.clients, "client"),
                (project.events, "event"),
            )
        )
        click.echo(f"OK: {counts}; no errors")


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


def _target_options(func: Any) -> Any:
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


@cli.command()
@click.argument("target", required=False)
@_target_options
@click.option(
    "--only",
    multiple=True,
    help="Build only these outputs (repeat): pack, facilitator, slides, certificates, flyer, "
    "calendar, sign-in, quality-report.",
)
@roster_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: output/).",
)
@jobs_option
@click.option("--keep-html", is_flag=True, help="Also write the HTML given to the PDF engine.")
@click.option("--force", is_flag=True, help="Build every output, even those up to date.")
@click.pass_obj
def build(options: Options, **params: Any) -> None:
    """Build the outputs for TARGET (an event or a course); with none, every event.

    Outputs whose inputs have not changed since they were built are left as they are
    (-v says which, and why the others are built); --force builds them all.
    """
    from mi_courseware.builders.base import BuildContext
    from mi_courseware.pipeline import BuildRequest
    from mi_courseware.pipeline import build as run_pipeline

    request = BuildRequest(
        target=params["target"],
        client=params["client"],
        variant=params["variant"],
        addons=tuple(params["addons"]),
        theme=params["theme"],
        only=tuple(params["only"]),
        out=params["out"],
        force=params["force"],
    )
    paths = options.paths()
    context = BuildContext(
        keep_html=params["keep_html"],
        jobs=params["jobs"],
        register=options.register_path(paths),
        roster=params["roster"],
        quiet=options.quiet,
    )
    with Renderer(params["jobs"], request.only) as renderer:
        results = run_pipeline(
            paths,
            request,
            context,
            warn=lambda problems: report(problems, options.quiet),
            start_renderer=renderer.start,
        )
    for result in results:
        edition = result.edition
        click.echo(f"{edition.title} ({edition.brand.name or 'unbranded'}):")
        for path in result.files:
            click.echo(f"  {path}")


class Renderer:
    """PDF worker processes, started on demand (early on a first build, so that they import
    the PDF engine while the project is read) and stopped when the command ends."""

    def __init__(self, jobs: int, only: tuple[str, ...]) -> None:
        self.jobs = jobs
        from mi_courseware.pipeline import PDF_OUTPUTS

        self.wanted = not only or bool(PDF_OUTPUTS & set(only))
        self.renderer: Any = None

    def start(self) -> Any:
        """The renderer, started the first time it is asked for."""
        if self.renderer is None and self.wanted:
            from mi_courseware.rendering.pdf import PdfRenderer

            self.renderer = PdfRenderer(self.jobs)
        return self.renderer

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if self.renderer is not None:
            if kind is None:
                self.renderer.close()
            else:
                self.renderer.kill()


@cli.command()
@click.argument("target")
@_target_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.pass_obj
def standards(
    options: Options,
    target: str,
    client: str | None,
    variant: str | None,
    addons: tuple[str, ...],
    theme: str | None,
    fmt: str,
) -> None:
    """Show which standards an edition's outcomes cover, and units no outcome claims."""
    from mi_courseware.coverage import coverage_csv, coverage_table
    from mi_courseware.pipeline.targets import editions_for, find_target

    project, problems = _load(options)
    _fail_on_errors(problems, options)
    found = find_target(project, target)
    if found.kind == "course" and client is None and len(project.clients) > 1:
        client = sorted(project.clients)[0]
    editions = editions_for(
        project, [found], problems, client=client, variant=variant, addons=addons, theme=theme
    )
    _fail_on_errors(problems, options)
    render = coverage_csv if fmt == "csv" else coverage_table
    click.echo(render(editions[0], project), nl=False)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def schema(directory: Path) -> None:
    """Write a JSON Schema for every file format into DIRECTORY (for editors)."""
    from mi_courseware.reference import write_schemas

    for path in write_schemas(directory):
        click.echo(str(path))


@cli.command()
@click.argument("target", required=False)
@_target_options
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (the default is reachable from this machine only).",
)
@click.pass_obj
def serve(
    options: Options,
    target: str | None,
    client: str | None,
    variant: str | None,
    addons: tuple[str, ...],
    theme: str | None,
    port: int,
    host: str,
) -> None:
    """Live preview of TARGET's pack and guide in a browser, rebuilt on every save."""
    from mi_courseware.serve import Preview
    from mi_courseware.serve import serve as run_server

    paths = options.paths()
    project, problems = _load(options)
    _fail_on_errors(problems, options)
    chosen = target
    if chosen is None and len(project.events) == 1:
        chosen = next(iter(project.events))
    if chosen is None:
        known = ", ".join(sorted(project.events)) or "none; name a course"
        raise UsageError(f"name the event or course to preview (events: {known})")
    _preview_pages(options, chosen, client, variant, addons, theme)  # fail fast, exit 1 or 2
    preview = Preview(lambda: _preview_pages(options, chosen, client, variant, addons, theme))
    preview.roots = [paths.root.resolve(), *(t.path.resolve() for t in project.themes.values())]
    preview.hidden = [paths.records.resolve(), paths.output.resolve()]
    watch = [paths.content, paths.themes]
    run_server(preview, watch, host, port, ready=lambda url: click.echo(f"Serving on {url}"))


def _preview_pages(
    options: Options,
    target: str,
    client: str | None,
    variant: str | None,
    addons: tuple[str, ...],
    theme: str | None,
) -> dict[str, Any]:
    """Build the preview's pages: pack and guide HTML, each with its PDF renderer."""
    from mi_courseware.builders.base import build_time
    from mi_courseware.pipeline.targets import editions_for, find_target
    from mi_courseware.rendering.pack import pack_html
    from mi_courseware.rendering.pdf import render_pdf

    project, problems = _load(options)
    if problems.errors:
        raise ContentError(problems.items)
    editions = editions_for(
        project,
        [find_target(project, target)],
        problems,
        client=client,
        variant=variant,
        addons=addons,
        theme=theme,
    )
    if problems.errors:
        raise ContentError(problems.items)
    edition = editions[0]
    pages: dict[str, Any] = {}
    for name, facilitator in (("pack", False), ("facilitator", True)):
        html, setup = pack_html(edition, facilitator=facilitator, when=build_time())

        def pdf(text: str, roots: list[Path] = setup.roots) -> bytes:
            return render_pdf(
                text,
                base=edition.project_root,
                roots=roots,
                asked_by=edition.sources[0],
                identifier=edition.slug,
            )

        pages[name] = (html, pdf)
    return pages


def main() -> NoReturn:
    """Console-script entry point."""
    cli.main(prog_name="mi-courseware")
    raise SystemExit(0)  # pragma: no cover - click exits itself


# each registers its commands on the group above
from mi_courseware import cli_certificates, cli_coding, cli_evaluation  # noqa: E402,F401
