"""``register keys``: the signing keys of the verification site, kept outside the register.

Each command parses its options and calls one function of :mod:`mi_courseware.register.keys`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from mi_courseware.cli.certificates import _open, _paths_or_none
from mi_courseware.cli.options import Options, group, pass_options

if TYPE_CHECKING:
    from mi_courseware.register import Register


@group()
def keys() -> None:
    """Signing keys: private keys live in a key store beside the register (records/keys/,
    owner-only), public keys in the register. List, rotate, export and import them."""


def _client(options: Options, reg: Register, wanted: str) -> str:
    """CLIENT as typed: a client's name as on its certificates, or its id in the project."""
    from mi_courseware.register.keys import public_keys
    from mi_courseware.register.publish import client_name

    recorded = sorted(set(reg.clients()) | {k.client for k in public_keys(reg)})
    missing = "CLIENT: no certificates or keys for '{wanted}' in the register"
    name = client_name(_paths_or_none(options), recorded, wanted, missing)
    if name not in recorded:
        from mi_courseware.errors import UsageError

        raise UsageError(missing.format(wanted=wanted))
    return name


def _now() -> str:
    from mi_courseware.core.clock import build_time
    from mi_courseware.register import stamp

    return stamp(build_time())


@keys.command("list")
@pass_options
def list_keys(options: Options) -> None:
    """Every client's keys: fingerprint, when made, and when retired (the current one has
    none). Publish the current fingerprint where readers can find it (your website, your
    letters): 'verify --offline SITE --key FINGERPRINT' trusts only a key given so."""
    from mi_courseware.register.keys import public_keys, store_of

    with _open(options) as reg:
        found = public_keys(reg)
        store = store_of(reg)
        for key in found:
            state = f"retired {key.retired_at[:10]}" if key.retired_at else "current"
            here = store.folder is not None and store.path(key.key_id).is_file()
            kept = "" if key.retired_at or here else "  (private key not in this key store)"
            click.echo(
                f"{key.fingerprint}  {key.client}  made {key.created_at[:10]}, {state}{kept}"
            )
    if not found and not options.quiet:
        click.echo("No signing keys yet: a client's key is made with its first certificate.")


@keys.command()
@click.argument("client")
@pass_options
def rotate(options: Options, client: str) -> None:
    """Retire CLIENT's signing key and make a new one.

    The old public key stays in the register and in the site's key history, so what it
    signed still verifies; its private key leaves the key store. Certificates issued from
    now on carry the new fingerprint. Publish the site again afterwards.
    """
    from mi_courseware.register.keys import rotate as rotate_key

    with _open(options) as reg:
        name = _client(options, reg, client)
        with reg.transaction():
            old, new = rotate_key(reg, name, _now())
    if options.quiet:
        return
    click.echo(f"{name}: new signing key {new.fingerprint}")
    if old is not None:
        click.echo(
            f"  key {old.fingerprint} retired: its public key stays in the register and in "
            "published sites' key history; its private key is removed from the key store"
        )
    click.echo(
        "  publish the site again ('register publish DIR') and give readers the new fingerprint"
    )


@keys.command("export")
@click.argument("client")
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The new file (never overwritten; readable by you alone).",
)
@pass_options
def export_key(options: Options, client: str, out: Path) -> None:
    """Write CLIENT's current signing key, private part included, to a file, to bring it to
    another computer that shares the register (there: 'register keys import FILE')."""
    from mi_courseware.register.keys import export_key as export

    with _open(options) as reg:
        key = export(reg, _client(options, reg, client), out)
    if not options.quiet:
        click.echo(
            f"{key.client}: key {key.fingerprint} written to {out}; whoever has this file can "
            "sign as this client: move it privately and delete it once imported"
        )


@keys.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_options
def import_key(options: Options, file: Path) -> None:
    """Bring a key written by 'register keys export' into this register's key store."""
    from mi_courseware.register.keys import import_key as bring

    with _open(options) as reg, reg.transaction():
        key, done = bring(reg, file, _now())
    if options.quiet:
        return
    said = {
        "present": "already in this key store",
        "kept": f"kept in {reg.key_folder}",
        "added": f"kept in {reg.key_folder}, and recorded as the client's signing key",
    }[done]
    click.echo(f"{key.client}: key {key.fingerprint} {said}")
