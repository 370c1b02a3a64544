"""``serve``: a real server on the loopback interface, a real file change, a real rebuild."""

from __future__ import annotations

import http.client
import selectors
import shutil
import subprocess
import sys
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


@pytest.fixture
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mi_courseware",
            "-q",
            "--project",
            str(project),
            "serve",
            "acme-run",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = read_line(process, timeout=60)
        assert line.startswith("Serving on http://127.0.0.1:"), line
        yield line.split()[-1], project
    finally:
        process.terminate()
        process.communicate(timeout=10)  # also closes the pipes


def test_it_previews_the_pack_and_rebuilds_when_a_file_is_saved(server) -> None:  # type: ignore[no-untyped-def]
    url, project = server
    status, page = get(url)
    assert status == 200 and b"Listening first" in page and b"/__version" in page
    assert b"TRAINER-ONLY-NOTE" not in page
    status, guide = get(url + "facilitator")
    assert b"TRAINER-ONLY-NOTE" in guide
    version = get(url + "__version")[1]
    module = project / "content" / "modules" / "listening.md"
    module.write_text(module.read_text() + "\n## Freshly saved heading\n\n- new\n")
    deadline = time.monotonic() + 20
    while get(url + "__version")[1] == version and time.monotonic() < deadline:
        time.sleep(0.2)
    assert get(url + "__version")[1] != version, "no rebuild after saving"
    assert b"Freshly saved heading" in get(url)[1]


def test_it_shows_problems_instead_of_a_stale_page(server) -> None:  # type: ignore[no-untyped-def]
    url, project = server
    version = get(url + "__version")[1]
    course = project / "content" / "courses" / "basics.yaml"
    course.write_text(course.read_text().replace("minutes: 45", "minutes: 45\n    colour: red"))
    deadline = time.monotonic() + 20
    while get(url + "__version")[1] == version and time.monotonic() < deadline:
        time.sleep(0.2)
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
    from mi_courseware.project import builtin_dir
    from mi_courseware.rendering.i18n import Translator
    from mi_courseware.rendering.markdown import parse
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
