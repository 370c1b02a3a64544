"""``serve``: a live preview of a pack and guide in the browser, rebuilt on every save."""

from __future__ import annotations

import click

from mi_courseware.cli.options import Options, command, pass_options, target_options


@command()
@click.argument("target", required=False)
@target_options
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
@pass_options
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
    from mi_courseware.pipeline import BuildRequest
    from mi_courseware.serve import start_preview

    request = BuildRequest(target, client, variant, tuple(addons), theme)
    start_preview(
        options.paths(),
        request,
        host,
        port,
        ready=lambda url: click.echo(f"Serving on {url}", nl=True),
    )
