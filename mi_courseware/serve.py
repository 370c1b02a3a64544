"""``mi-courseware serve``: a live preview in the browser, rebuilt whenever a file is saved.

The pack and the facilitator guide are shown as HTML (instant) with the theme's print CSS;
their PDFs are rendered on demand. Only what a page needs is served: stylesheets, fonts and
images from the project, its themes and the client folder, never the register, rosters,
course files or anything else (a web page the trainer visits could otherwise read them
through the browser). Requests must name the address the server listens on in their
``Host`` header, which stops DNS rebinding. It listens on the loopback interface unless told
otherwise.
"""

from __future__ import annotations

import html
import logging
import mimetypes
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from mi_courseware.errors import ContentError, MiCoursewareError
from mi_courseware.project import ProjectPaths, builtin_dir

if TYPE_CHECKING:
    from mi_courseware.pipeline import BuildRequest

log = logging.getLogger(__name__)

#: The only kinds of file a preview page asks for (never YAML, Markdown, CSV or databases).
SERVED_SUFFIXES = frozenset(
    (".css", ".ttf", ".otf", ".woff", ".woff2", ".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")
)

RELOAD = """<script>
(function () {
  var seen = %d;
  setInterval(function () {
    fetch("/__version").then(function (r) { return r.text(); }).then(function (v) {
      if (Number(v) !== seen) { location.reload(); }
    }).catch(function () {});
  }, 800);
})();
</script>"""

TOOLBAR = """<nav style="position:fixed;top:0;right:0;z-index:9;background:#1b1b1b;color:#fff;
font:13px sans-serif;padding:6px 10px;border-radius:0 0 0 6px">
<a style="color:#fff" href="/">Pack</a> · <a style="color:#fff" href="/facilitator">Guide</a> ·
<a style="color:#fff" href="/participant-pack.pdf">Pack PDF</a> ·
<a style="color:#fff" href="/facilitator-guide.pdf">Guide PDF</a></nav>"""


@dataclass
class Preview:
    """The latest build of the previewed edition: its HTML pages, or the problems found."""

    build: Callable[[], dict[str, tuple[str, Callable[[str], bytes]]]]
    roots: list[Path] = field(default_factory=list)
    #: Folders whose files are never served, even when a root holds them (records/, output/).
    hidden: list[Path] = field(default_factory=list)
    version: int = 0
    pages: dict[str, tuple[str, Callable[[str], bytes]]] = field(default_factory=dict)
    problems: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self) -> None:
        """Rebuild; keep the error text instead of pages when the project has problems.
        Pages whose inputs did not change are kept, and the browser is not reloaded."""
        try:
            pages = self.build()
            problems = ""
        except ContentError as exc:
            pages, problems = {}, "\n".join(str(p) for p in exc.problems)
        except MiCoursewareError as exc:
            pages, problems = {}, str(exc)
        with self.lock:
            if pages is self.pages and problems == self.problems:
                log.info("preview up to date")
                return
            self.pages, self.problems = pages, problems
            self.version += 1
        log.info("preview rebuilt (%s)", "with problems" if problems else "ok")

    def page(self, name: str) -> str:
        """A page's HTML for the browser, or the problems, with the reload script added."""
        with self.lock:
            version, problems, entry = self.version, self.problems, self.pages.get(name)
        if problems or entry is None:
            body = html.escape(problems or f"no page '{name}'")
            text = (
                f"<!doctype html><meta charset=utf-8><title>Problems</title>"
                f"<pre style='font:14px monospace;padding:2em;color:#8a1c1c'>{body}</pre>"
            )
        else:
            text = _browser_urls(entry[0]).replace("</body>", TOOLBAR + "</body>")
        return (
            text.replace("</body>", RELOAD % version + "</body>")
            if "</body>" in text
            else (text + RELOAD % version)
        )

    def serves(self, path: Path) -> bool:
        """Whether a page may ask for ``path``: a stylesheet, font or image inside a root."""
        resolved = path.resolve()
        return (
            resolved.suffix.lower() in SERVED_SUFFIXES
            and any(resolved.is_relative_to(r) for r in self.roots)
            and not any(resolved.is_relative_to(h) for h in self.hidden)
            and resolved.is_file()
        )

    def pdf(self, name: str) -> bytes | None:
        """Render a page to PDF now."""
        with self.lock:
            entry = self.pages.get(name)
        return entry[1](entry[0]) if entry else None


def _browser_urls(text: str) -> str:
    """``file:///abs/path`` becomes ``/__file/abs/path`` so the browser asks us for it."""
    return text.replace("file:///", "/__file/")


def make_handler(preview: Preview, hosts: set[str]) -> type[BaseHTTPRequestHandler]:
    """The request handler for ``preview``, answering requests addressed to ``hosts`` only."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            log.debug(format, *args)

        def _send(self, status: int, data: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # the http.server API names it so
            if (self.headers.get("Host") or "").lower() not in hosts:
                self._send(421, b"this server answers only to its own address", "text/plain")
                return
            path = unquote(urlparse(self.path).path)
            if path == "/__version":
                self._send(200, str(preview.version).encode(), "text/plain")
            elif path in ("/", "/facilitator"):
                name = "pack" if path == "/" else "facilitator"
                self._send(200, preview.page(name).encode(), "text/html; charset=utf-8")
            elif path in ("/participant-pack.pdf", "/facilitator-guide.pdf"):
                name = "pack" if path.startswith("/participant") else "facilitator"
                data = preview.pdf(name)
                if data is None:
                    self._send(503, b"the project has problems; see the preview page", "text/plain")
                else:
                    self._send(200, data, "application/pdf")
            elif path.startswith("/__file/"):
                self._file(Path("/" + path[len("/__file/") :]))
            else:
                self._send(404, b"not found", "text/plain")

        def _file(self, path: Path) -> None:
            if not preview.serves(path):
                self._send(404, b"not found", "text/plain")
                return
            resolved = path.resolve()
            kind = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
            self._send(200, resolved.read_bytes(), kind)

    return Handler


def own_hosts(host: str, port: int) -> set[str]:
    """The ``Host`` header values that name this server (DNS rebinding sends others)."""
    names = {host}
    if host in ("127.0.0.1", "::1", "localhost"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    if host in ("0.0.0.0", "::"):
        import socket

        names |= {"127.0.0.1", "localhost", "[::1]", socket.gethostname()}
    return {f"{name}:{port}".lower() for name in names}


def serve(
    preview: Preview, watch: list[Path], host: str, port: int, ready: Callable[[str], None]
) -> None:
    """Serve until interrupted, rebuilding the preview when a watched file changes.

    Rebuilds run in this (the main) thread, so the render time limit applies to them; the
    server answers from a thread of its own. ``ready`` is called once the server listens
    *and* the file watcher runs, so a file saved after it is always seen.
    """
    import watchfiles

    preview.refresh()
    try:
        server = ThreadingHTTPServer((host, port), make_handler(preview, set()))
    except OSError as exc:
        raise MiCoursewareError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} "
            "(is another preview running? choose another --port, or --port 0 for any free one)"
        ) from None
    bound = server.server_address[1]
    server.RequestHandlerClass = make_handler(preview, own_hosts(host, bound))
    address = f"http://{host}:{bound}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    folders = [str(f) for f in watch if f.exists()]
    announced = False
    try:
        # yield_on_timeout: the first (empty) yield proves the watcher is running
        for changes in watchfiles.watch(
            *folders, debounce=300, rust_timeout=200, yield_on_timeout=True
        ):
            if not announced:
                ready(address)
                announced = True
            if changes:
                preview.refresh()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()


class PreviewPages:
    """Builds the preview's pages through the build pipeline's phases: read, check and
    resolve (with the edition cache), then the pack's and guide's HTML, each made again
    only when what shapes it has changed (the pipeline's own input digest)."""

    def __init__(self, paths: ProjectPaths, request: BuildRequest) -> None:
        self.paths = paths
        self.request = request
        self.digests: dict[str, str] = {}
        self.pages: dict[str, tuple[str, Callable[[str], bytes]]] = {}

    def __call__(self) -> dict[str, tuple[str, Callable[[str], bytes]]]:
        """The pages: the same object as last time when nothing that shapes them changed."""
        from mi_courseware.builders import REGISTRY
        from mi_courseware.builders.base import build_time
        from mi_courseware.pipeline import gather
        from mi_courseware.pipeline.inputs import Hasher, code_stamp, digest, display
        from mi_courseware.pipeline.inputs import output_inputs as files_shaping
        from mi_courseware.rendering.pack import pack_html
        from mi_courseware.rendering.pdf import render_pdf

        hasher = Hasher()
        editions, _, _ = gather(self.paths, self.request, hasher)  # nothing written to output/
        edition = editions[0]
        root = edition.project_root.resolve()
        tool = code_stamp()
        digests, pages, changed = {}, dict(self.pages), False
        for name, facilitator in (("pack", False), ("facilitator", True)):
            entry = REGISTRY[name]
            files = files_shaping(edition, entry.uses, entry.theme_parts)
            inputs = [{"path": display(p, root), "sha256": hasher(p)} for p in files]
            digests[name] = digest(name, inputs, {}, edition.slug, tool)
            if digests[name] == self.digests.get(name) and name in pages:
                continue
            html, setup = pack_html(edition, facilitator=facilitator, when=build_time())

            def pdf(text: str, allowed: frozenset[Path] = setup.allowed) -> bytes:
                return render_pdf(
                    text,
                    base=edition.project_root,
                    allowed=allowed,
                    asked_by=edition.sources[0],
                    identifier=edition.slug,
                )

            pages[name] = (html, pdf)
            changed = True
        self.digests = digests
        if changed:
            self.pages = pages
        return self.pages


def preview_target(paths: ProjectPaths, request: BuildRequest) -> BuildRequest:
    """The request with its target: the one named, or the project's only event."""
    from dataclasses import replace

    from mi_courseware.errors import Problems, UsageError
    from mi_courseware.pipeline.targets import load_checked

    if request.target is not None:
        return request
    problems = Problems()
    project = load_checked(paths, problems)
    problems.raise_if_errors()
    if len(project.events) == 1:
        return replace(request, target=next(iter(project.events)))
    known = ", ".join(sorted(project.events)) or "none; name a course"
    raise UsageError(f"name the event or course to preview (events: {known})")


def start_preview(
    paths: ProjectPaths,
    request: BuildRequest,
    host: str,
    port: int,
    ready: Callable[[str], None],
) -> None:
    """``serve``: check the target builds (exit 1 or 2 when not), then serve it."""
    request = preview_target(paths, request)
    pages = PreviewPages(paths, request)
    pages()  # fail fast: a project with problems is reported and the command stops
    preview = Preview(pages)
    preview.roots = [paths.root.resolve(), builtin_dir("themes").resolve()]
    preview.hidden = [paths.records.resolve(), paths.output.resolve()]
    serve(preview, [paths.content, paths.themes], host, port, ready=ready)
