"""The command line: thin commands over the build pipeline and the project's tools.

Each command parses its options, loads the project through one path
(:mod:`mi_courseware.cli.options`) and calls one function. The commands live in one module
per group (``project``, ``build``, ``serve``, ``certificates``, ``coding``, ``evaluation``)
and are added to the group here; none of them imports this module, so imports run one way.
Heavy libraries (pydantic, WeasyPrint, python-pptx) are imported inside commands, so that
``--help`` starts fast.
"""

from __future__ import annotations

from typing import NoReturn

import click

from mi_courseware import __version__
from mi_courseware.cli.build import build
from mi_courseware.cli.certificates import certificates, register, verify
from mi_courseware.cli.coding import coding
from mi_courseware.cli.daemon import daemon
from mi_courseware.cli.evaluation import evaluation
from mi_courseware.cli.keys import keys
from mi_courseware.cli.options import Group, Options, global_options
from mi_courseware.cli.project import init, list_, schema, standards, validate
from mi_courseware.cli.send import send
from mi_courseware.cli.serve import serve


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="mi-courseware")
@global_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Motivational Interviewing courseware: branded packs, decks, guides and certificates.

    Global options may be given before or after the command (``build X -q``).
    """
    ctx.ensure_object(Options).apply()


for _command in (
    init,
    list_,
    validate,
    build,
    standards,
    schema,
    serve,
    certificates,
    verify,
    register,
    coding,
    evaluation,
    send,
    daemon,
):
    cli.add_command(_command)
register.add_command(keys)


def main() -> NoReturn:
    """Console-script entry point."""
    cli.main(prog_name="mi-courseware")
    raise SystemExit(0)  # pragma: no cover - click exits itself


__all__ = ["cli", "main"]
