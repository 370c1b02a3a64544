"""How a published verification site looks: a client's colours and logo, and dates written
in its language.

``register publish --client C`` reads only the client's own file (``client.yaml``, its logo)
and the months of its language from the project's themes, never the rest of the project, so
a problem in another file never stops a publish. The logo travels inside ``site.json`` as a
``data:`` address (an SVG with every outside reference removed first): the page shows it in
an ``<img>``, where no script in it can run, and the site holds no file a reader could open
as a page of its own. The colours go into ``brand.css``, with the text on them switched to
dark or light for WCAG AA, as on every other output.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.core.colour import band
from mi_courseware.core.languages import FALLBACK

if TYPE_CHECKING:
    from mi_courseware.project import ProjectPaths

log = logging.getLogger(__name__)

#: The house colour of a site published for no client (``style.css`` has it too).
HOUSE_ACCENT = "#1d3557"


@dataclass(frozen=True)
class Look:
    """What a site shows of its issuer: colours, logo and the language of its dates."""

    accent: str = HOUSE_ACCENT
    on_accent: str = "#ffffff"
    #: The logo as a ``data:`` address (``None``: no logo).
    logo: str | None = None
    logo_alt: str = ""
    language: str = FALLBACK
    #: The twelve month names of ``language``, for dates written out ("26 January 2027").
    months: tuple[str, ...] = field(default_factory=tuple)

    def css(self) -> bytes:
        """``brand.css``: the colours the page's stylesheet uses."""
        return (f":root {{ --accent: {self.accent}; --on-accent: {self.on_accent}; }}\n").encode()

    def site_fields(self) -> dict[str, Any]:
        """What ``site.json`` says of the look (read by the page)."""
        fields: dict[str, Any] = {"language": self.language, "months": list(self.months)}
        if self.logo is not None:
            fields["logo"] = {"src": self.logo, "alt": self.logo_alt}
        return fields


def house_look(paths: ProjectPaths | None) -> Look:
    """The look of a site for every client: house colours, no logo, English dates."""
    return Look(months=_months(paths, FALLBACK))


def client_look(paths: ProjectPaths, ident: str) -> Look:
    """The look of client ``ident``'s site, from its file (problems stop the publish, at
    their line)."""
    from mi_courseware.checks import client_file_problem
    from mi_courseware.errors import Problems
    from mi_courseware.loading.records import load_record
    from mi_courseware.model.client import Client

    path = paths.content_dir("clients") / ident / "client.yaml"
    problems = Problems()
    record = load_record(path, Client, ident, problems)
    problems.raise_if_errors()
    assert record is not None
    client = record.model
    logo = None
    if client.logo is not None:
        problem = client_file_problem(path.parent, client.logo, image=True)
        if problem:
            problems.error(record.position("logo"), problem)
            problems.raise_if_errors()
        logo = _embedded(path.parent / client.logo)
    accent, on_accent = band(client.colours.primary)
    return Look(
        accent=accent,
        on_accent=on_accent,
        logo=logo,
        logo_alt=client.logo_alt or f"{client.name} logo",
        language=client.language,
        months=_months(paths, client.language),
    )


def _embedded(path: Path) -> str:
    """A logo as a ``data:`` address; an SVG with every reference outside it removed."""
    from mi_courseware.loading.images import sanitised_svg

    data = path.read_bytes()
    if path.suffix.lower() == ".svg":
        text, removed = sanitised_svg(data)
        if removed:
            log.info("%s: for the site, removed %s", path.name, ", ".join(removed))
        return "data:image/svg+xml;base64," + base64.b64encode(text.encode()).decode("ascii")
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _months(paths: ProjectPaths | None, language: str) -> tuple[str, ...]:
    """The month names of ``language`` from the project's default theme (then the built-in
    one), as every other output writes dates."""
    from mi_courseware.loading.languages import language as facts
    from mi_courseware.project import builtin_dir

    chain = [builtin_dir("themes") / "default"]
    if paths is not None and (paths.themes / "default").is_dir():
        chain.insert(0, paths.themes / "default")
    return tuple(facts(chain, language).months)


def site_look(paths: ProjectPaths | None, wanted: str | None, name: str | None) -> Look:
    """The look of a site published with ``--client wanted`` (``name``: that client's name
    as its certificates give it): the client's, found by id or by name among the project's
    clients; else, and for a site of every client, the house look (``-v`` says why)."""
    if wanted is None or name is None or paths is None:
        return house_look(paths)
    folder = paths.content_dir("clients")
    if (folder / wanted / "client.yaml").is_file():
        return client_look(paths, wanted)
    for ident in sorted(p.parent.name for p in folder.glob("*/client.yaml")):
        if _named(paths, ident) == name:
            return client_look(paths, ident)
    log.info("no client of this project is called '%s': the site keeps the house style", name)
    return house_look(paths)


def _named(paths: ProjectPaths, ident: str) -> str | None:
    """The name in client ``ident``'s file (``None`` when it cannot be read)."""
    from mi_courseware.errors import Problems
    from mi_courseware.loading.records import load_record
    from mi_courseware.model.client import Client

    path = paths.content_dir("clients") / ident / "client.yaml"
    record = load_record(path, Client, ident, Problems())
    return record.model.name if record is not None else None
