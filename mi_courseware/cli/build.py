"""``build``: every output of a TARGET (or of every event), through the build pipeline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from mi_courseware.cli.options import (
    Options,
    command,
    jobs_option,
    pass_options,
    report,
    roster_option,
    target_options,
)


class OnlyOption(click.Option):
    """``--only``: its help lists the outputs registered when it is shown (read from the
    builder classes, so that ``mi-courseware --help`` imports none of them)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        """The option's help line, made now."""
        from mi_courseware.builders import only_help

        self.help = only_help()
        return super().get_help_record(ctx)


@command()
@click.argument("targets", nargs=-1)
@target_options
@click.option("--only", multiple=True, cls=OnlyOption, help="Build only these outputs (repeat).")
@roster_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: output/).",
)
@jobs_option
@click.option("--keep-html", is_flag=True, help="Also write the HTML given to the PDF engine.")
@click.option("--force", is_flag=True, help="Build every output, even those up to date.")
@pass_options
def build(options: Options, **params: Any) -> None:
    """Build the outputs for each TARGET (an event or a course); with none, every event.

    Several targets are each built as if named alone, with the same options (--client,
    --variant and --addon apply to the courses among them).

    Outputs whose inputs have not changed since they were built are left as they are
    (-v says which, and why the others are built); --force builds them all.
    """
    from mi_courseware.builders.base import BuildContext
    from mi_courseware.pipeline import BuildRequest, Renderer
    from mi_courseware.pipeline import build as run_pipeline

    named = params["targets"]
    request = BuildRequest(
        target=named[0] if named else None,
        others=tuple(named[1:]),
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
    if options.quiet:  # only errors: the files made are not listed
        return
    for result in results:
        edition = result.target
        click.echo(f"{edition.title} ({edition.brand.name or 'unbranded'}):")
        for path in result.files:
            click.echo(f"  {path}")
