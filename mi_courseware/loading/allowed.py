"""The exact files one document may read: a list, never a folder.

A document (a pack, a flyer, a certificate, a report) is made from templates and stylesheets
that a theme author or a client organisation wrote, and the PDF engine follows every address
they give: ``<link rel=stylesheet>``, ``url()``, ``@import``, ``@font-face``, ``<img>``,
``<object>``, SVG ``<image>``. Allowing whole folders (the project) would let a client's
template copy the certificate register, a roster or another client's files into an output.
So each document gets the list of files it may read, made from what the check phase
validated for it:

- the stylesheets, fonts and pictures of its theme and the themes it extends;
- its own client's logo, signature, stylesheets (``templates/*.css``) and pictures;
- the pictures its text shows (already checked to be images inside the project).

Nothing else: never ``records/``, ``output/`` or ``.git/``, no roster, response or coding
file, no YAML or Markdown, no other client's folder. The list is checked by suffix and by
place after links are resolved, so a link or a crafted cache entry cannot widen it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

#: Stylesheets a document may load.
STYLESHEETS = frozenset({".css"})
#: Font files a stylesheet may load.
FONTS = frozenset({".ttf", ".otf", ".woff", ".woff2"})
#: Pictures a document may show (the formats :func:`mi_courseware.loading.images.image_problem`
#: accepts).
PICTURES = frozenset({".png", ".svg", ".jpg", ".jpeg"})
#: Folders of a project no document may ever read from, whatever they hold.
PRIVATE = ("records", "output", ".git")
#: The most files one theme folder may offer a document (a loop of links, a huge tree).
MAX_THEME_FILES = 2_000


def private_place(path: Path, project_root: Path) -> bool:
    """Whether ``path`` (resolved) lies in one of the project's private folders."""
    root = project_root.resolve()
    return any(path.is_relative_to(root / name) for name in PRIVATE)


def theme_files(chain: Iterable[Path]) -> set[Path]:
    """Stylesheets, fonts and pictures of each theme folder in ``chain``, resolved; a file
    whose links lead out of its theme's folder is left out."""
    return {resolved for folder in chain for _, resolved in _theme_entries(folder)}


def _theme_entries(folder: Path) -> Iterator[tuple[Path, Path]]:
    """The files of one theme folder a document may read: each as found, and resolved."""
    top = folder.resolve()
    count = 0
    suffixes = STYLESHEETS | FONTS | PICTURES
    for sub in ("css", "fonts", "images"):
        base = top / sub
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.suffix.lower() not in suffixes:
                continue
            resolved = path.resolve()
            if resolved.is_relative_to(top) and resolved.is_file():
                yield folder / path.relative_to(top), resolved
                count += 1
            if count >= MAX_THEME_FILES:
                break


def client_folder(folder: Path, client_id: str, project_root: Path) -> Path | None:
    """The client's own folder (``content/clients/<id>``), resolved, or ``None`` when the
    brand has none (an unbranded document) or names another place."""
    resolved = folder.resolve()
    clients = (project_root / "content" / "clients").resolve()
    if resolved.parent == clients and resolved.name == client_id:
        return resolved
    return None


def client_files(
    folder: Path, client_id: str, project_root: Path, named: Iterable[Path | None] = ()
) -> set[Path]:
    """The client's logo and signature (``named``), stylesheets and pictures, resolved:
    only files inside the client's own folder."""
    return {resolved for _, resolved in _client_entries(folder, client_id, project_root, named)}


def _client_entries(
    folder: Path, client_id: str, project_root: Path, named: Iterable[Path | None] = ()
) -> Iterator[tuple[Path, Path]]:
    """The files of a client's folder a document may read: each as found, and resolved."""
    top = client_folder(folder, client_id, project_root)
    if top is None:
        return
    candidates = [p for p in named if p is not None]
    candidates += [folder / p.relative_to(top) for p in sorted(top.rglob("*"))]
    for path in candidates:
        resolved = path.resolve()
        suffix = resolved.suffix.lower()
        in_templates = resolved.is_relative_to(top / "templates")
        wanted = suffix in PICTURES or (in_templates and suffix in STYLESHEETS | FONTS)
        if wanted and resolved.is_relative_to(top) and resolved.is_file():
            yield path, resolved


def linkable_stylesheets(
    themes: Iterable[Path], clients: Iterable[tuple[Path, str]], project_root: Path
) -> list[Path]:
    """Every stylesheet a document may link or import: those of each theme folder in
    ``themes`` and of each client (its folder and id), each file once (by the name that is
    not a link, where one is)."""
    found: dict[Path, Path] = {}
    entries = [entry for folder in themes for entry in _theme_entries(folder)]
    for folder, client_id in clients:
        entries += _client_entries(folder, client_id, project_root)
    root = project_root.resolve()
    for path, resolved in entries:
        if resolved.suffix.lower() not in STYLESHEETS or private_place(resolved, root):
            continue
        if resolved not in found or (found[resolved].is_symlink() and not path.is_symlink()):
            found[resolved] = path
    return list(found.values())


def text_pictures(images: Iterable[Path], project_root: Path) -> set[Path]:
    """The pictures a document's text shows, resolved: image files inside the project and
    outside its private folders (the check phase has already decoded each one)."""
    root = project_root.resolve()
    found: set[Path] = set()
    for path in images:
        resolved = path.resolve()
        if (
            resolved.suffix.lower() in PICTURES
            and resolved.is_relative_to(root)
            and not private_place(resolved, root)
            and resolved.is_file()
        ):
            found.add(resolved)
    return found


def document_files(
    chain: Iterable[Path],
    project_root: Path,
    *,
    client_id: str,
    folder: Path,
    named: Iterable[Path | None] = (),
    images: Iterable[Path] = (),
) -> frozenset[Path]:
    """Every file a document of this theme chain and client may read (see the module)."""
    root = project_root.resolve()
    allowed = theme_files(chain)
    allowed |= client_files(folder, client_id, root, named)
    allowed |= text_pictures(images, root)
    return frozenset(p for p in allowed if not private_place(p, root))
