"""Each document reads only its own list of files: no client template or stylesheet can copy
the register, a roster, another client's files, ``.git/`` or ``output/`` into an output.

Canary texts are planted in every private place; the outputs are then opened through their
own structure (``tests/leaks.py``: PDF streams and attachments, ``data:`` addresses, deck
parts) and searched. The scanner is shown to find a planted text where one is hidden, so a
clean result means something.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from leaks import holders

from mi_courseware.errors import ContentError, MiCoursewareError
from mi_courseware.loading.allowed import document_files
from mi_courseware.project import builtin_dir
from mi_courseware.rendering.pdf import render_pdf

CANARIES = {
    "records/certificates.sqlite": "CANARY-REGISTER-51c0",
    "content/rosters/private.csv": "CANARY-ROSTER-7d2e",
    "content/clients/other/private.css": "CANARY-OTHER-CLIENT-a93b",
    "content/clients/other/badge.svg": "CANARY-OTHER-SVG-0e44",
    ".git/config": "CANARY-GIT-88f1",
    "output/events/old/private.css": "CANARY-OUTPUT-2b6c",
}

#: Every way a template can name a file, ``{u}`` the address.
HTML_ROUTES = {
    "link rel=attachment": '<link rel="attachment" href="{u}">',
    "a rel=attachment": '<a rel="attachment" href="{u}">file</a>',
    "link rel=stylesheet": '<link rel="stylesheet" href="{u}">',
    "img": '<img src="{u}" alt="picture">',
    "object": '<object data="{u}" type="image/svg+xml"></object>',
    "embed": '<embed src="{u}" type="image/svg+xml">',
    "iframe": '<iframe src="{u}"></iframe>',
    "svg image": '<svg width="20" height="20"><image href="{u}" width="20" height="20"/></svg>',
    "style @import": '<style>@import url("{u}");</style>',
    "style @font-face": (
        '<style>@font-face {{ font-family: leak; src: url("{u}") }} p {{ font-family: leak }}'
        "</style>"
    ),
    "style url()": "<p style=\"background: url('{u}')\">text</p>",
}


def plant(root: Path) -> None:
    """Canary files in every private place (a roster, another client, the register...)."""
    for name, canary in CANARIES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".svg"):
            path.write_text(
                '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                f"<text>{canary}</text></svg>"
            )
        else:
            path.write_text(f"{canary}\n")


def addresses(root: Path) -> list[str]:
    """Each private file named three ways: from the project, with ``../``, as a file URI."""
    names = list(CANARIES)
    return [
        *names[:2],
        *(f"../../../{n}" for n in names[2:4]),
        *((root / n).as_uri() for n in names[4:]),
    ]


def test_the_scanner_finds_a_secret_hidden_in_an_attachment_or_a_data_address(
    tmp_path: Path,
) -> None:
    """The control: what the other tests search with does find a hidden text."""
    import base64

    from weasyprint import HTML, Attachment

    pdf = tmp_path / "out" / "hidden.pdf"
    pdf.parent.mkdir()
    HTML(string="<p>Hello</p>").write_pdf(
        pdf, attachments=[Attachment(string="CANARY-CONTROL-1", base_url=str(tmp_path))]
    )
    page = tmp_path / "out" / "page.html"
    hidden = base64.b64encode(b"<svg>CANARY-CONTROL-2</svg>").decode()
    page.write_text(f'<img src="data:image/svg+xml;base64,{hidden}">')
    assert "CANARY-CONTROL-1" not in pdf.read_text(errors="replace")  # compressed: only
    assert holders(tmp_path / "out", "CANARY-CONTROL-1") == ["hidden.pdf"]  # found decoded
    assert holders(tmp_path / "out", "CANARY-CONTROL-2") == ["page.html"]


@pytest.mark.parametrize("route", sorted(HTML_ROUTES))
def test_no_route_in_a_template_reads_a_file_off_the_document_list(
    route: str, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    client = root / "content" / "clients" / "acme"
    client.mkdir(parents=True)
    (client / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    plant(root)
    allowed = document_files(
        [builtin_dir("themes") / "default"],
        root,
        client_id="acme",
        folder=client,
        named=(client / "logo.svg",),
    )
    assert not any(root / name in allowed for name in CANARIES)
    assert (client / "logo.svg").resolve() in allowed
    body = "".join(HTML_ROUTES[route].format(u=u) for u in addresses(root))
    html = f'<!doctype html><html lang="en"><body><p>Hello</p>{body}</body></html>'
    try:
        data = render_pdf(html, base=root, allowed=allowed, asked_by=client, identifier="t")
    except MiCoursewareError as exc:
        assert re.search(r"refused|may not attach", str(exc)), exc
        assert route != "iframe", "the PDF engine does not load frames; nothing to refuse"
        return
    assert route == "iframe", f"{route}: no file was refused"
    out = tmp_path / "out"
    out.mkdir()
    (out / "doc.pdf").write_bytes(data)
    for canary in CANARIES.values():
        assert not holders(out, canary), canary


def test_an_allowed_file_is_still_read(tmp_path: Path) -> None:
    """The list is not empty by mistake: a client's own picture is drawn."""
    root = tmp_path / "project"
    client = root / "content" / "clients" / "acme"
    client.mkdir(parents=True)
    from PIL import Image

    Image.new("RGB", (4, 4), "red").save(client / "photo.png")
    allowed = document_files(
        [builtin_dir("themes") / "default"], root, client_id="acme", folder=client
    )
    src = (client / "photo.png").as_uri()
    html = f'<html lang="en"><body><img src="{src}" alt="red"></body></html>'
    data = render_pdf(html, base=root, allowed=allowed, asked_by=client, identifier="t")
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages[0].get_images()) == 1


def test_every_address_in_a_linked_stylesheet_is_held_to_the_fence_at_its_place(
    tmp_path: Path,
) -> None:
    """The stylesheets a document links, and those they import, are read as CSS: every
    ``url()`` (any case, escapes read), ``@import`` and ``@font-face src`` is found at its
    line and column; an address in a comment asks for nothing; stylesheets that import each
    other are each read once."""
    root = tmp_path / "project"
    templates = root / "content" / "clients" / "acme" / "templates"
    templates.mkdir(parents=True)
    (templates / "pack.css").write_text(
        "/* url(/etc/comment) is not asked for */\n"
        '@import "print.css";\n'
        '@font-face { font-family: x; src: URL("/etc/font") }\n'
        "p { background: u\\72l(/etc/escaped) }\n"
    )
    (templates / "print.css").write_text(  # and back: each is read once
        '@import "../templates/pack.css";\nh1 {\n  background: url(/etc/imported);\n}\n'
    )
    allowed = document_files(
        [builtin_dir("themes") / "default"],
        root,
        client_id="acme",
        folder=templates.parent,
    )
    link = (templates / "pack.css").as_uri()
    html = f'<html lang="en"><head><link rel="stylesheet" href="{link}"></head><body></body></html>'
    with pytest.raises(ContentError) as refused:
        render_pdf(html, base=root, allowed=allowed, asked_by=templates, identifier="t")
    found = [
        (p.position.path.name, p.position.line, p.position.column, p.message.split("'")[1])
        for p in refused.value.problems
    ]
    assert found == [
        ("pack.css", 3, 35, "/etc/font"),
        ("pack.css", 4, 17, "/etc/escaped"),
        ("print.css", 3, 15, "/etc/imported"),
    ]


# -- every output, through the command line --------------------------------------------------

#: What each hostile stylesheet asks for, ``{u}`` the address.
CSS_ROUTES = (
    "p {{ background: url('{u}') }}",
    '@import "{u}";',
    '@font-face {{ font-family: leak; src: url("{u}") }}',
)
TEMPLATES = ("pack.html", "flyer.html", "sign-in.html", "certificate.html", "quality-report.html")
STYLESHEETS = ("pack.css", "flyer.css", "sign-in.css", "certificate.css", "quality.css")
EPOCH = "1800000000"  # 2027-01-15: the evaluated events of 2025 are over


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    from conftest import SCRIPT

    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    env.pop("MI_COURSEWARE_REGISTER", None)
    return subprocess.run(
        [str(SCRIPT), *args], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def client_templates(root: Path, routes: str, css: str) -> None:
    """The theme's templates and stylesheets as the client's own, with ``routes`` added
    after ``<body ...>`` (or at the start of the content block) and ``css`` at the top."""
    theme = builtin_dir("themes") / "default"
    folder = root / "content" / "clients" / "acme" / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATES:
        text = (theme / "templates" / name).read_text()
        opening = r"(<body[^>]*>)" if "<body" in text else r"(\{% block content %\})"
        text, count = re.subn(opening, lambda m: m.group(1) + routes, text, count=1)
        assert count == 1, name
        (folder / name).write_text(text)
    for name in STYLESHEETS:
        (folder / name).write_text(css + (theme / "css" / name).read_text())


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_client_templates_cannot_copy_private_files_into_any_output(make_project) -> None:  # type: ignore[no-untyped-def]
    root = make_project(overlay="evaluation-basic")
    roster = root / "content" / "rosters" / "eval-spring.csv"
    rows = list(csv.reader(io.StringIO(roster.read_text())))
    rows = [[*rows[0], "private notes"], *([*r, "CANARY-ROSTER-COLUMN-40d7"] for r in rows[1:])]
    with roster.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    plant(root)
    (root / "records" / "certificates.sqlite").unlink()  # the real register comes next
    other = root / "content" / "clients" / "other" / "client.yaml"
    other.write_text(
        "name: Another Organisation\ncolours: {primary: '#224466', secondary: "
        "'#446688', accent: '#aa3322'}\n"
    )
    first = cli(root, "-q", "build", "eval-spring")
    assert first.returncode == 0, first.stderr
    export = cli(root, "register", "export", "--csv")
    code = next(csv.DictReader(io.StringIO(export.stdout)))["code"]
    revoked = cli(root, "register", "revoke", code, "--reason", "CANARY-REGISTER-REASON-c81f")
    assert revoked.returncode == 0, revoked.stderr
    # the register's canary is a revocation's reason, in the real register
    secrets = [v for k, v in CANARIES.items() if not k.startswith("records/")]
    secrets += ["CANARY-ROSTER-COLUMN-40d7", "CANARY-REGISTER-REASON-c81f"]
    out = root / "output"
    private = out / "events" / "old"  # the planted file in output/: not an output

    def leaked() -> dict[str, list[str]]:
        found = {
            s: [f for f in holders(out, s) if not f.startswith("events/old/")] for s in secrets
        }
        return {s: files for s, files in found.items() if files}

    assert not leaked()

    # every route at once, in every document's template and stylesheet: refused, and the
    # outputs stay as they were
    targets = addresses(root)
    routes = "".join(HTML_ROUTES[r].format(u=u) for r in sorted(HTML_ROUTES) for u in targets)
    css = "".join(rule.format(u=u) + "\n" for rule in CSS_ROUTES for u in targets)
    before = snapshot(out)
    for kind in ("templates", "stylesheets"):
        client_templates(
            root, routes if kind == "templates" else "", css if kind == "stylesheets" else ""
        )
        refused = cli(root, "build", "eval-spring", "--force")
        assert refused.returncode == 1, refused.stderr
        assert "refused" in refused.stderr or "may not attach" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
        assert snapshot(out) == before

    # what the PDF engine passes over (a frame) builds, and carries nothing out
    client_templates(root, "".join(HTML_ROUTES["iframe"].format(u=u) for u in targets), "")
    built = cli(root, "-q", "build", "eval-spring", "--force")
    assert built.returncode == 0, built.stderr
    assert private.is_dir() and snapshot(out) != before
    assert not leaked()
