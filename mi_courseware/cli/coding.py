"""Commands for MI fidelity coding: ``coding report``, ``coding sheet``, ``coding summary``.

Each command
parses its options, loads the project, then calls one function of :mod:`mi_courseware.coding`.
"""

from __future__ import annotations

from pathlib import Path

import click

from mi_courseware.cli.options import (
    Options,
    group,
    load_or_fail,
    pass_options,
)
from mi_courseware.errors import check_known

theme_option = click.option(
    "--theme", default="default", show_default=True, help="Theme for the PDF."
)


@group()
def coding() -> None:
    """MI fidelity coding: feedback reports, observer's sheets and cohort summaries."""


@coding.command()
@click.argument("practitioner")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "json", "csv"]),
    default="pdf",
    show_default=True,
    help="pdf: output/coding/PRACTITIONER/feedback.pdf; json or csv: printed.",
)
@theme_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: output/).",
)
@click.option("--force", is_flag=True, help="Build the PDF even when it is up to date.")
@pass_options
def report(
    options: Options, practitioner: str, fmt: str, theme: str, out: Path | None, force: bool
) -> None:
    """Scores of PRACTITIONER's coded sessions: a feedback PDF, or JSON or CSV.

    The PDF is built again only when a file that shapes it has changed (-v says why);
    --force builds it anyway.
    """
    from mi_courseware.cli.coding_run import run_report

    project = load_or_fail(options)
    check_known("--theme", "theme", theme, project.themes)
    text = run_report(project, practitioner, fmt, theme, out or options.paths().output, force)
    if fmt != "pdf" or not options.quiet:  # the report's data, or where its file is
        click.echo(text, nl=False)


@coding.command()
@click.option("--scale", "scale", required=True, help="Scale id, e.g. miti-4.2.1.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="PDF file to write.",
)
@click.option("--client", "-c", help="Client whose brand and language the sheet takes.")
@theme_option
@pass_options
def sheet(options: Options, scale: str, output: Path, client: str | None, theme: str) -> None:
    """A printable observer's tally sheet for SCALE: codes, globals, formulas."""
    from mi_courseware.cli.coding_run import write_sheet

    project = load_or_fail(options)
    check_known("--theme", "theme", theme, project.themes)
    path = write_sheet(project, scale, output, client=client, theme=theme)
    if not options.quiet:
        click.echo(str(path))


@coding.command()
@click.option("--trainer", help="Only practitioners this trainer mentors or coded.")
@click.option("--client", "-c", help="Only practitioners working for this client.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@pass_options
def summary(options: Options, trainer: str | None, client: str | None, fmt: str) -> None:
    """One row per practitioner: latest scores, bands, and who is fair on every score."""
    from mi_courseware.coding.summary import cohort_summary

    project = load_or_fail(options)
    click.echo(cohort_summary(project, trainer=trainer, client=client, fmt=fmt), nl=False)
