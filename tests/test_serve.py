"""``serve``: a real server on the loopback interface, a real file change, a real rebuild."""

from __future__ import annotations

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
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("Serving on http://127.0.0.1:"), (line, process.stderr)
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
