"""``mi-courseware serve``: a live preview in the browser, rebuilt whenever a file is saved.

The pack and the facilitator guide are shown as HTML (instant) with the theme's print CSS;
their PDFs are rendered on demand. Files are served only from the project, its themes and
the client folder (the same fence as the PDF renderer), and only on the loopback interface
unless told otherwise.
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
from urllib.parse import unquote, urlparse

from mi_courseware.errors import ContentError, MiCoursewareError

log = logging.getLogger(__name__)

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
    version: int = 0
    pages: dict[str, tuple[str, Callable[[str], bytes]]] = field(default_factory=dict)
    problems: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self) -> None:
        """Rebuild; keep the error text instead of pages when the project has problems."""
        try:
            pages = self.build()
            problems = ""
        except ContentError as exc:
            pages, problems = {}, "\n".join(str(p) for p in exc.problems)
        except MiCoursewareError as exc:
            pages, problems = {}, str(exc)
        with self.lock:
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

    def pdf(self, name: str) -> bytes | None:
        """Render a page to PDF now."""
        with self.lock:
            entry = self.pages.get(name)
        return entry[1](entry[0]) if entry else None


def _browser_urls(text: str) -> str:
    """``file:///abs/path`` becomes ``/__file/abs/path`` so the browser asks us for it."""
    return text.replace("file:///", "/__file/")


def make_handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    """The request handler for ``preview``."""

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
            resolved = path.resolve()
            if not any(resolved.is_relative_to(r) for r in preview.roots) or not resolved.is_file():
                self._send(404, b"not found", "text/plain")
                return
            kind = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
            self._send(200, resolved.read_bytes(), kind)

    return Handler


def serve(
    preview: Preview, watch: list[Path], host: str, port: int, ready: Callable[[str], None]
) -> None:
    """Serve until interrupted, rebuilding the preview when a watched file changes."""
    import watchfiles

    preview.refresh()
    server = ThreadingHTTPServer((host, port), make_handler(preview))
    address = f"http://{host}:{server.server_address[1]}/"
    stop = threading.Event()

    def watcher() -> None:
        folders = [str(f) for f in watch if f.exists()]
        for _changes in watchfiles.watch(*folders, stop_event=stop, debounce=300):
            preview.refresh()

    thread = threading.Thread(target=watcher, daemon=True)
    thread.start()
    ready(address)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
