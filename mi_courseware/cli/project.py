"""Commands about the project as a whole: ``init``, ``list``, ``validate``, ``standards``,
``schema``."""

from __future__ import annotations

from pathlib import Path

import click

from mi_courseware.cli.options import (
    Options,
    command,
    load,
    load_or_fail,
    pass_options,
    report,
    target_options,
)

LIST_KINDS = ("courses", "addons", "clients", "events", "themes", "standards", "trainers")


@command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--bare",
    is_flag=True,
    help="One small course, one client and one event to start from, instead of the demo.",
)
@pass_options
def init(options: Options, directory: Path, bare: bool) -> None:
    """Start a new project in DIRECTORY: the demo content (or --bare), the default themes,
    a README and the reference of every file format."""
    from mi_courseware.cli.init import init_project

    init_project(directory, bare=bare)
    if options.quiet:
        return
    click.echo(f"Created a courseware project in {directory}")
    click.echo(f"Next: cd {directory} && mi-courseware validate && mi-courseware build")


@command(name="list")
@click.argument("kind", required=False, type=click.Choice(LIST_KINDS))
@pass_options
def list_(options: Options, kind: str | None) -> None:
    """List what the project holds (everything, or one KIND); -v shows details (sessions,
    units, search paths, accreditations)."""
    from mi_courseware.cli.listing import list_project

    project, problems = load(options)
    for line in list_project(project, kind, verbose=options.verbose > 0):
        click.echo(line)
    if problems.items:
        click.echo("", err=True)
        report(problems.items, options.quiet)


@command()
@click.argument("targets", nargs=-1)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@pass_options
@click.pass_context
def validate(ctx: click.Context, options: Options, targets: tuple[str, ...], strict: bool) -> None:
    """Check the project (or only TARGETs: events or courses) and report every problem."""
    from mi_courseware.pipeline.targets import validate_project

    project, problems = load(options)
    validate_project(project, targets, problems)
    report(problems.items, options.quiet and not strict)  # --strict makes warnings count
    if problems.errors or (strict and problems.warnings):
        ctx.exit(1)
    if not options.quiet:
        click.echo(f"OK: {project.summary()}; no errors")


@command()
@click.argument("target")
@target_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@pass_options
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
    from mi_courseware.cli.coverage import coverage_csv, coverage_table
    from mi_courseware.resolving.targets import one_edition

    project = load_or_fail(options)
    edition = one_edition(
        project, target, client=client, variant=variant, addons=addons, theme=theme, warn=report
    )
    render = coverage_csv if fmt == "csv" else coverage_table
    click.echo(render(edition, project), nl=False)


@command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@pass_options
def schema(options: Options, directory: Path) -> None:
    """Write a JSON Schema for every file format into DIRECTORY (for editors)."""
    from mi_courseware.reference import write_schemas

    for path in write_schemas(directory):
        if not options.quiet:
            click.echo(str(path))
