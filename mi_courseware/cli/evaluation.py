"""Commands for course evaluations: ``evaluation template`` and ``evaluation report``.

Each command
parses its options, loads the project, then calls one function of
:mod:`mi_courseware.evaluation`. The quality report of one event is an output of ``build``
(``--only quality-report``).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from mi_courseware.cli.options import (
    Options,
    group,
    load_or_fail,
    pass_options,
)


@group()
def evaluation() -> None:
    """Course evaluations: response templates, and quality reports across runs."""


@evaluation.command()
@click.argument("event")
@click.option(
    "-o",
    "--output",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write <event>-evaluation.csv and <event>-questions.txt into.",
)
@pass_options
def template(options: Options, event: str, folder: Path) -> None:
    """An empty response file for EVENT, and its questions for an online form."""
    from mi_courseware.cli.evaluation_run import run_template

    project = load_or_fail(options)
    for path in run_template(project, event, folder):
        if not options.quiet:
            click.echo(str(path))


class _Date(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: object, param: click.Parameter | None, ctx: object) -> date:
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(str(value), "%Y-%m-%d").date()
        except ValueError:
            self.fail(f"'{value}' is not a date written YYYY-MM-DD", param, None)  # type: ignore[arg-type]


@evaluation.command()
@click.option("--course", help="Only runs of this course.")
@click.option("--client", "-c", help="Only runs for this client (the report takes its brand).")
@click.option("--from", "start", type=_Date(), help="Only runs ending on or after this date.")
@click.option("--to", "end", type=_Date(), help="Only runs ending on or before this date.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (required for pdf; csv without it is printed).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "csv"]),
    default="pdf",
    show_default=True,
    help="pdf: the collated report; csv: its table of runs, for a spreadsheet.",
)
@click.option(
    "--min-mean",
    type=click.FloatRange(1, 5),
    default=3.5,
    show_default=True,
    help="Flag a run when any outcome's mean rating is under this.",
)
@click.option(
    "--min-rate",
    type=click.FloatRange(0, 100),
    default=50,
    show_default=True,
    help="Flag a run when its response rate (percent of those who attended) is under this.",
)
@click.option("--theme", default="default", show_default=True, help="Theme for the PDF.")
@click.option("--strict", is_flag=True, help="Treat warnings (unknown columns) as errors.")
@pass_options
def report(
    options: Options,
    course: str | None,
    client: str | None,
    start: date | None,
    end: date | None,
    out: Path | None,
    fmt: str,
    min_mean: float,
    min_rate: float,
    theme: str,
    strict: bool,
) -> None:
    """Collate every run with evaluation responses: one row per run, pooled charts, and the
    runs below the thresholds flagged with the reason."""
    from mi_courseware.cli.evaluation_run import run_report
    from mi_courseware.resolving.runs import RunFilter

    project = load_or_fail(options)
    chosen = RunFilter(course, client, start, end, min_mean, min_rate)
    text = run_report(project, chosen, fmt=fmt, out=out, theme=theme, strict=strict)
    if out is None or not options.quiet:  # the table itself, or where its file is
        click.echo(text, nl=False)
