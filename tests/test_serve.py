"""``serve``: a real server on the loopback interface, a real file change, a real rebuild."""

from __future__ import annotations

import http.client
import os
import selectors
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "projects" / "pack-basic"


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def read_line(process: subprocess.Popen[str], timeout: float) -> str:
    """The first line the process prints, waiting at most ``timeout`` seconds (never hangs)."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            process.kill()
            return f"nothing printed within {timeout} s; stderr: {process.communicate()[1]}"
    return process.stdout.readline()


def save(url: str, path: Path, text: str) -> None:
    """Write ``text`` to ``path`` and wait (at most 20 s) until the preview has rebuilt."""
    version = get(url + "__version")[1]
    path.write_text(text)
    deadline = time.monotonic() + 20
    while get(url + "__version")[1] == version and time.monotonic() < deadline:
        time.sleep(0.1)  # polling for the rebuild with a deadline, not a fixed wait
    assert get(url + "__version")[1] != version, f"no rebuild after saving {path.name}"


def fetch(url: str) -> tuple[int, bytes]:
    """``get``, a dropped connection included (as status 0 and the error)."""
    try:
        return get(url)
    except OSError as exc:
        return 0, repr(exc).encode()


class Server:
    """A real ``serve`` process on a free port; its standard error is read as it comes (a
    full pipe would stop the server), into :attr:`log`."""

    def __init__(self, project: Path, *flags: str) -> None:
        command = [sys.executable, "-m", "mi_courseware", *flags, "--project", str(project)]
        # Ctrl-C must reach the server as in a terminal even when the tests themselves run
        # where it is ignored (a shell's background job): a child inherits an ignored signal
        ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
        if ignored:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            self.process = subprocess.Popen(
                [*command, "serve", "acme-run", "--port", "0"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,  # a process group of its own, as in a terminal
            )
        finally:
            if ignored:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.log: list[str] = []
        self.said = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        line = read_line(self.process, timeout=60)
        if not line.startswith("Serving on http://127.0.0.1:"):
            self.stop()
            pytest.fail(f"serve did not start: {line}")
        self.url = line.split()[-1]

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self.said:
                self.log.append(line)
                self.said.notify_all()

    def wait_for(self, text: str, seconds: float = 60) -> str:
        """The log so far, once a line holding ``text`` is in it."""
        with self.said:
            found = self.said.wait_for(lambda: any(text in line for line in self.log), seconds)
            assert found, f"no {text!r} in the log: {''.join(self.log)[-3000:]}"
            return "".join(self.log)

    def stop(self) -> str:
        """End the server as Ctrl-C in its terminal does (the signal goes to the server and
        its workers); everything it logged."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise
        self.reader.join(timeout=10)
        assert self.process.stdout is not None and self.process.stderr is not None
        self.process.stdout.close()
        self.process.stderr.close()
        return "".join(self.log)


@pytest.fixture
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    running = Server(project, "-q")
    try:
        yield running.url, project
    finally:
        running.stop()


def test_it_previews_the_pack_and_rebuilds_when_a_file_is_saved(server) -> None:  # type: ignore[no-untyped-def]
    url, project = server
    status, page = get(url)
    assert status == 200 and b"Listening first" in page and b"/__version" in page
    assert b"TRAINER-ONLY-NOTE" not in page
    status, guide = get(url + "facilitator")
    assert b"TRAINER-ONLY-NOTE" in guide
    module = project / "content" / "modules" / "listening.md"
    save(url, module, module.read_text() + "\n## Freshly saved heading\n\n- new\n")
    assert b"Freshly saved heading" in get(url)[1]


def test_it_shows_problems_instead_of_a_stale_page(server) -> None:  # type: ignore[no-untyped-def]
    url, project = server
    course = project / "content" / "courses" / "basics.yaml"
    save(url, course, course.read_text().replace("minutes: 45", "minutes: 45\n    colour: red"))
    page = get(url)[1].decode()
    assert "basics.yaml:" in page and "unknown key &#x27;colour&#x27;" in page


def test_it_serves_only_files_inside_the_project_and_renders_pdfs(server) -> None:  # type: ignore[no-untyped-def]
    url, _ = server
    assert get(url + "__file/etc/hostname")[0] == 404
    assert get(url + "__file/etc/../etc/passwd")[0] == 404
    status, pdf = get(url + "participant-pack.pdf")
    assert status == 200 and pdf.startswith(b"%PDF")


def test_it_never_serves_the_register_rosters_or_course_files(server) -> None:  # type: ignore[no-untyped-def]
    url, project = server
    register = project / "records" / "certificates.sqlite"
    register.parent.mkdir()
    register.write_bytes(b"SQLite format 3\x00 secret register")
    roster = project / "content" / "rosters" / "people.csv"
    roster.parent.mkdir(exist_ok=True)
    roster.write_text("name\nSecret Person\n")
    for path in (register, roster, project / "content" / "courses" / "basics.yaml"):
        assert get(url + "__file" + str(path))[0] == 404, path
    css = next(project.glob("**/*.css"), None) or next(
        Path(__file__).parents[1].glob("themes/default/css/pack.css")
    )
    assert get(url + "__file" + str(css.resolve()))[0] == 200


def test_it_refuses_a_request_for_another_host(server) -> None:  # type: ignore[no-untyped-def]
    url, _ = server
    host, port = url.split("/")[2].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", "/", headers={"Host": f"attacker.example:{port}"})
    assert connection.getresponse().status == 421
    connection.close()
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", "/", headers={"Host": f"localhost:{port}"})
    assert connection.getresponse().status == 200
    connection.close()


def test_what_a_long_running_process_keeps_follows_every_change(tmp_path: Path) -> None:
    """serve keeps parsed Markdown and compiled templates between saves: a text or a
    template saved while it runs is read again, and nothing kept can be changed by a caller."""
    from mi_courseware.loading.i18n import Translator
    from mi_courseware.loading.markdown import parse
    from mi_courseware.project import builtin_dir
    from mi_courseware.rendering.templates import environment

    folder = tmp_path / "templates"
    folder.mkdir()
    page = folder / "page.html"
    translator = Translator([builtin_dir("themes") / "default"], "en")
    page.write_text("first {{ 1 + 1 }}")
    assert environment([folder], translator).get_template("page.html").render() == "first 2"
    page.write_text("second {{ 2 + 2 }}")
    assert environment([folder], translator).get_template("page.html").render() == "second 4"

    tokens = parse("# Title\n\nText.\n")
    tokens.clear()
    assert [t.type for t in parse("# Title\n\nText.\n")][:3] == [
        "heading_open",
        "inline",
        "heading_close",
    ]
    assert parse("# Title\n\nOther text.\n")[4].content == "Other text."


def test_it_answers_a_path_with_control_characters_without_a_traceback(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    server = Server(project)
    try:
        for path in ("__file/etc%00passwd", "__file/%00", "participant-pack.pdf%0a", "%7f"):
            status, body = get(server.url + path)
            assert status == 400 and b"control characters" in body, path
        assert get(server.url + "__file/" + "x" * 5000 + ".css")[0] == 404
        assert get(server.url + "__file/%ff%fe.css")[0] == 404
    finally:
        log = server.stop()
    assert "Traceback" not in log and server.process.returncode == 0, log


def test_the_time_limit_bounds_the_pdfs_it_renders(tmp_path: Path) -> None:
    """The server answers from threads, where the time limit cannot act; its PDFs render in
    worker processes, where it does: a document far too long for ``--time-limit 3`` (several
    times that of layout) is a clear error, and the next state of the project renders again."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    module = project / "content" / "modules" / "listening.md"
    text = module.read_text()
    # 5,000 paragraphs: 11 s to render on a quiet machine, so well over the limit on any day
    # (2,000 once were, until writing a PDF stopped costing pages x elements: 4.6 s)
    long = "".join(f"\nParagraph {i}: " + "a clause that goes on, " * 8 + "\n" for i in range(5000))
    module.write_text(text + long)
    server = Server(project, "--time-limit", "3")
    try:
        status, body = get(server.url + "participant-pack.pdf")
        assert status == 500 and b"took longer than 3 seconds" in body, (status, body[:300])
        save(server.url, module, text)
        status, body = get(server.url + "participant-pack.pdf")
        assert status == 200 and body.startswith(b"%PDF"), (status, body[:300])
    finally:
        log = server.stop()
    assert "Traceback" not in log, log


def test_concurrent_pdf_requests_wait_for_one_render_and_no_worker_outlives_it(
    tmp_path: Path,
) -> None:
    """Twenty requests at once for each PDF, three rounds (a module saved before each new
    one): every answer is the whole, current PDF, rendered once per document and round in
    the server's worker processes; ``kill -9`` of the server ends them too."""
    from concurrent.futures import ThreadPoolExecutor

    from conftest import kill_and_expect_workers_gone, pdf_info, pdf_pages, pdf_text, worker_pids

    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    server = Server(project, "-vv")
    module = project / "content" / "modules" / "listening.md"
    try:
        workers = worker_pids(server.wait_for("PDF workers started"), "PDF")
        for round in range(3):
            if round:
                save(server.url, module, module.read_text() + f"\n## Saved in round {round}\n")
            urls = [server.url + "participant-pack.pdf"] * 20 + [
                server.url + "facilitator-guide.pdf"
            ] * 20
            with ThreadPoolExecutor(len(urls)) as pool:
                answers = list(pool.map(fetch, urls))
            assert [status for status, _ in answers] == [200] * 40, [
                (status, body[:200]) for status, body in answers if status != 200
            ]
            for answers_for, title, trainer in (
                (answers[:20], "Participant pack", False),
                (answers[20:], "Facilitator guide", True),
            ):
                assert len({body for _, body in answers_for}) == 1, "one render, one answer"
                answer = tmp_path / "answer.pdf"
                answer.write_bytes(answers_for[0][1])
                assert pdf_info(answer)["/Title"].endswith(title)
                text = pdf_text(answer)
                assert pdf_pages(answer) > 5 and "Why reflect" in text
                assert ("TRAINER-ONLY-NOTE" in text) == trainer
                assert (f"Saved in round {round}" in text) == (round > 0)
        log = "".join(server.log)
        for name in ("pack", "facilitator"):
            assert log.count(f"acme-run/{name}: rendering the PDF (process") == 3, log[-3000:]
        rendered_in = {
            int(line.split()[-1].rstrip(")")) for line in server.log if "rendering the PDF" in line
        }
        assert rendered_in <= set(workers), "rendered in the worker processes"
    finally:
        kill_and_expect_workers_gone(server.process, workers)
