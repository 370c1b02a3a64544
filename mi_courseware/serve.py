"""``mi-courseware serve``: a live preview in the browser, rebuilt whenever a file is saved.

The pack and the facilitator guide are shown as HTML (instant) with the theme's print CSS;
their PDFs are rendered on demand. Only what a page needs is served: stylesheets, fonts and
images from the project, its themes and the client folder, never the register, rosters,
course files or anything else (a web page the trainer visits could otherwise read them
through the browser). Requests must name the address the server listens on in their
``Host`` header, which stops DNS rebinding. It listens on the loopback interface unless told
otherwise.

PDFs render in worker processes (the time limit works only in a process's main thread, and
the server answers from many threads), each document once for each state of its inputs:
requests that arrive while it renders wait for that one result.
"""

from __future__ import annotations

import html
import logging
import mimetypes
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote, urlparse

from mi_courseware.errors import ContentError, MiCoursewareError
from mi_courseware.project import ProjectPaths

if TYPE_CHECKING:
    from mi_courseware.pipeline import BuildRequest
    from mi_courseware.rendering.pdf import PdfRenderer

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


class Page(NamedTuple):
    """A previewed page: its HTML, the digest of what shapes it, how to render it to PDF."""

    html: str
    digest: str
    pdf: Callable[[str], bytes]
    #: The exact files the page may read (its theme's and client's, its text's pictures).
    allowed: frozenset[Path] = frozenset()


@dataclass
class Preview:
    """The latest build of the previewed edition: its HTML pages, or the problems found."""

    build: Callable[[], dict[str, Page]]
    version: int = 0
    pages: dict[str, Page] = field(default_factory=dict)
    problems: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Page name -> the digest its PDF is (being) rendered for, and that PDF to come.
    pdfs: dict[str, tuple[str, Future[bytes]]] = field(default_factory=dict)

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
            text = _browser_urls(entry.html).replace("</body>", TOOLBAR + "</body>")
        return (
            text.replace("</body>", RELOAD % version + "</body>")
            if "</body>" in text
            else (text + RELOAD % version)
        )

    def serves(self, path: Path) -> bool:
        """Whether a page may ask for ``path``: one of the files its document may read
        (a stylesheet, font or picture of its theme or client, a picture its text shows),
        as the PDF engine would be allowed to read it; never the register or a roster."""
        with self.lock:
            allowed = frozenset().union(*(page.allowed for page in self.pages.values()))
        try:
            resolved = path.resolve()
            return (
                resolved.suffix.lower() in SERVED_SUFFIXES
                and resolved in allowed
                and resolved.is_file()
            )
        except (OSError, ValueError):  # a name too long for the system, or a NUL in it
            return False

    def pdf(self, name: str) -> bytes | None:
        """A page's PDF: rendered once for the state of what shapes it; requests that come
        while it renders wait for it. A failed render is tried again by the next request."""
        with self.lock:
            entry = self.pages.get(name)
            if entry is None:
                return None
            known = self.pdfs.get(name)
            first = known is None or known[0] != entry.digest
            if first:
                known = (entry.digest, Future())
                self.pdfs[name] = known
        assert known is not None
        result = known[1]
        if first:
            try:
                result.set_result(entry.pdf(entry.html))
            except BaseException as exc:  # handed to every request waiting for it
                result.set_exception(exc)
                with self.lock:
                    if self.pdfs.get(name) is known:
                        del self.pdfs[name]
        return result.result()


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
            if any(ord(c) < 32 or ord(c) == 127 for c in path):  # %00, %0a: no file has them
                self._send(400, b"bad request: control characters in the path", "text/plain")
                return
            if path == "/__version":
                self._send(200, str(preview.version).encode(), "text/plain")
            elif path in ("/", "/facilitator"):
                name = "pack" if path == "/" else "facilitator"
                self._send(200, preview.page(name).encode(), "text/html; charset=utf-8")
            elif path in ("/participant-pack.pdf", "/facilitator-guide.pdf"):
                self._pdf("pack" if path.startswith("/participant") else "facilitator")
            elif path.startswith("/__file/"):
                self._file(Path("/" + path[len("/__file/") :]))
            else:
                self._send(404, b"not found", "text/plain")

        def _pdf(self, name: str) -> None:
            try:
                data = preview.pdf(name)
            except MiCoursewareError as exc:
                log.warning("%s", exc)
                self._send(500, str(exc).encode(), "text/plain; charset=utf-8")
                return
            if data is None:
                self._send(503, b"the project has problems; see the preview page", "text/plain")
            else:
                self._send(200, data, "application/pdf")

        def _file(self, path: Path) -> None:
            if not preview.serves(path):
                self._send(404, b"not found", "text/plain")
                return
            resolved = path.resolve()
            kind = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
            try:
                data = resolved.read_bytes()
            except OSError:  # gone or unreadable since it was checked
                self._send(404, b"not found", "text/plain")
                return
            self._send(200, data, kind)

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


class _Server(ThreadingHTTPServer):
    """The preview's HTTP server: a burst of requests (a browser opening both PDFs, a
    test's twenty at once) waits in the queue, and a browser that goes away mid-answer is
    one line of debug log, not a traceback."""

    request_queue_size = 64

    def handle_error(self, request: object, client_address: Any) -> None:
        """Log a dropped connection in one line; anything else is a bug, with its traceback."""
        failure = sys.exc_info()[1]
        if isinstance(failure, ConnectionError):
            log.debug("%s went away before its answer was sent (%s)", client_address, failure)
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


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
        server = _Server((host, port), make_handler(preview, set()))
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

    def __init__(self, paths: ProjectPaths, request: BuildRequest, renderer: PdfRenderer) -> None:
        self.paths = paths
        self.request = request
        self.renderer = renderer
        self.pages: dict[str, Page] = {}

    def __call__(self) -> dict[str, Page]:
        """The pages: the same object as last time when nothing that shapes them changed."""
        from mi_courseware.builders.base import BuildContext
        from mi_courseware.builders.pack import FacilitatorBuilder, PackBuilder
        from mi_courseware.pipeline import gather
        from mi_courseware.pipeline.inputs import Hasher, code_stamp
        from mi_courseware.pipeline.plan import shaping

        hasher = Hasher()
        editions, _, _ = gather(self.paths, self.request, hasher)  # nothing written to output/
        edition = editions[0]
        context = BuildContext(renderer=self.renderer)
        tool = code_stamp()
        pages, changed = dict(self.pages), False
        for kind in (PackBuilder, FacilitatorBuilder):
            # the planner's own digest of what shapes the output: the page is made again
            # exactly when a build would build the output again
            value = shaping(edition, kind, context, hasher, tool).digest
            if kind.name in pages and pages[kind.name].digest == value:
                continue
            builder = kind(context)
            # the builder's own document and render (without --keep-html it writes nothing)
            shared = builder.sees(edition)  # no joining link, no email address
            html, setup, _ = builder.document(shared, self.paths.output)

            def pdf(
                text: str, builder: PackBuilder = builder, setup: Any = setup, shared: Any = shared
            ) -> bytes:
                return builder.render(shared, text, setup)()

            pages[kind.name] = Page(html, value, pdf, setup.allowed)
            changed = True
        if changed:
            self.pages = pages
        return self.pages


def preview_target(paths: ProjectPaths, request: BuildRequest) -> BuildRequest:
    """The request with its target: the one named, or the project's only event.

    The events are told by their files' names alone: the project is read and checked once,
    by the preview's first build, which reports its problems.
    """
    from dataclasses import replace

    from mi_courseware.errors import UsageError

    if request.target is not None:
        return request
    folder = paths.content_dir("events")
    events = sorted(
        {p.stem for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()}
        if folder.is_dir()
        else set()
    )
    if len(events) == 1:
        return replace(request, target=events[0])
    known = ", ".join(events) or "none; name a course"
    raise UsageError(f"name the event or course to preview (events: {known})")


def start_preview(
    paths: ProjectPaths,
    request: BuildRequest,
    host: str,
    port: int,
    ready: Callable[[str], None],
) -> None:
    """``serve``: check the target builds (exit 1 or 2 when not), then serve it."""
    from mi_courseware.rendering.pdf import PdfRenderer

    request = preview_target(paths, request)
    # started now, in the main thread: the workers import the PDF engine during the first build
    renderer = PdfRenderer(2, lasting=True)
    try:
        pages = PreviewPages(paths, request, renderer)
        pages()  # fail fast: a project with problems is reported and the command stops
        preview = Preview(pages)
        serve(preview, [paths.content, paths.themes], host, port, ready=ready)
    finally:
        renderer.kill()  # a preview's renders in progress are not worth waiting for
