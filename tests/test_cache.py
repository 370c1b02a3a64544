"""The resolved-edition cache: repeat builds skip reading and checking, and never go stale."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from mi_courseware.cli import cli

FIXTURE = Path(__file__).parent / "projects" / "slides-basic"
TARGET = "brightwater-2027"


def build(project: Path, *args: str) -> None:
    env = {"SOURCE_DATE_EPOCH": "1800000000"}
    result = CliRunner().invoke(
        cli, ["-q", "--project", str(project), "build", TARGET, "--only", "slides", *args], env=env
    )
    assert result.exit_code == 0, result.output


def entries(project: Path) -> list[Path]:
    return sorted((project / "output" / ".cache").glob("editions-*.json"))


def test_a_repeat_build_reuses_the_checked_editions_and_gives_the_same_bytes(
    tmp_path: Path,
) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    build(project, "--out", str(tmp_path / "first"))
    stored = entries(project)
    assert len(stored) == 1
    build(project, "--out", str(tmp_path / "second"))
    assert entries(project) == stored
    deck = Path("events", TARGET, "slides.pptx")
    assert (tmp_path / "first" / deck).read_bytes() == (tmp_path / "second" / deck).read_bytes()


def test_any_change_to_an_input_is_a_miss(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    build(project)
    module = project / "content" / "modules" / "opening.md"
    module.write_text(module.read_text().replace("## Welcome", "## Welcome, everyone"))
    build(project)
    assert len(entries(project)) == 2
    from pptx import Presentation

    deck = Presentation(str(project / "output" / "events" / TARGET / "slides.pptx"))
    assert "Welcome, everyone" in [s.shapes.title.text for s in deck.slides]


def test_a_broken_file_is_still_reported_after_a_cached_build(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    build(project)
    course = next((project / "content" / "courses").glob("*.yaml"))
    course.write_text(course.read_text() + "\ncolour: red\n")
    result = CliRunner().invoke(cli, ["--project", str(project), "build", TARGET])
    assert result.exit_code == 1
    assert "unknown key 'colour'" in result.output


def test_a_damaged_cache_entry_is_ignored(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    build(project)
    entries(project)[0].write_bytes(b"not json")
    build(project)
    assert entries(project)[0].read_bytes() != b"not json"


def test_a_cached_build_does_not_import_the_model(tmp_path: Path) -> None:
    """The point of the cache: no pydantic, no YAML reading, on a repeat build."""
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    build(project)
    script = (
        "import sys\n"
        "from mi_courseware.cli import cli\n"
        "try:\n"
        f"    cli(['-q', '--project', {str(project)!r}, 'build', {TARGET!r}, '--only', 'slides'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('pydantic' in sys.modules, 'mi_courseware.model' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.split()[-2:] == ["False", "False"]


def test_the_key_follows_the_tool_the_request_and_extra_files(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mi_courseware.pipeline import cache
    from mi_courseware.project import ProjectPaths

    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    paths = ProjectPaths(project)
    roster = tmp_path / "other.csv"
    roster.write_text("name\nAnn\n")
    key = cache.inputs_key(paths, ("build", TARGET), extra=[roster])
    assert key == cache.inputs_key(paths, ("build", TARGET), extra=[roster])
    assert key != cache.inputs_key(paths, ("build", "other"), extra=[roster])
    roster.write_text("name\nAnne\n")
    assert key != cache.inputs_key(paths, ("build", TARGET), extra=[roster])
    monkeypatch.setattr(cache, "_code_stamp", lambda: b"a different tool")
    assert key != cache.inputs_key(paths, ("build", TARGET), extra=[roster])


def build_noting(project: Path) -> str:
    """A build's notes (standard error)."""
    env = {"SOURCE_DATE_EPOCH": "1800000000"}
    result = CliRunner().invoke(
        cli, ["--project", str(project), "build", TARGET, "--only", "slides"], env=env
    )
    assert result.exit_code == 0, result.output
    return result.stderr


def test_an_entry_the_project_did_not_sign_is_discarded_with_a_note(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    build(project)
    secret = project / "records" / "cache-secret"
    assert secret.stat().st_mode & 0o777 == 0o600
    (entry,) = entries(project)
    mac, _, body = entry.read_bytes().partition(b"\n")
    entry.write_bytes(mac + b"\n" + body.replace(b"Brightwater", b"Brightwat3r"))
    notes = build_noting(project)
    assert "ignored: this cache entry is not signed by this project" in notes
    assert entry.read_bytes().partition(b"\n")[2] == body  # written again, by the build


def test_a_signed_entry_is_still_held_to_the_rules_for_input(tmp_path: Path) -> None:
    """Even an entry signed with the project's own secret (a leaked secret, a bug) may not
    name a file in records/: it is checked like fresh input when read."""
    import json

    from mi_courseware.pipeline import cache

    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    build(project)
    (entry,) = entries(project)
    data = json.loads(entry.read_bytes().partition(b"\n")[2])
    text = json.dumps(data)
    logo = '{"$path": ["project", "records/certificates.sqlite"]}'
    crafted = text.replace('"logo": {"$path"', '"logo": ' + logo + ', "x": {"$path"', 1)
    assert crafted != text
    crafted_data = json.loads(crafted)
    del crafted_data["editions"][0]["fields"]["brand"]["fields"]["x"]
    secret = (project / "records" / "cache-secret").read_bytes()
    entry.write_bytes(cache.sign(secret, json.dumps(crafted_data).encode()))
    notes = build_noting(project)
    assert "ignored: a cache entry that breaks the rules for input" in notes
    assert "records/certificates.sqlite" in notes


def test_built_in_theme_hashes_taken_ahead_hold_while_the_file_is_unchanged(
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import hashlib
    import os

    from mi_courseware.pipeline import inputs

    font = tmp_path / "font.ttf"
    font.write_bytes(b"glyphs")
    true = hashlib.sha256(b"glyphs").hexdigest()
    held: dict[Path, tuple[tuple[int, int, int], str]] = {}
    monkeypatch.setattr(inputs, "_BUILTIN", held)
    assert inputs.Hasher()(font) == true  # nothing held: read
    # held with the file's size, time and inode: taken as it was hashed (a server's)
    held[font] = (inputs._stamp(font.stat()), "held")
    assert inputs.Hasher()(font) == "held"
    # the file changed since: read again, whatever was held
    font.write_bytes(b"other glyphs")
    os.utime(font, ns=(1, 1))
    assert inputs.Hasher()(font) == hashlib.sha256(b"other glyphs").hexdigest()
    assert inputs.Hasher()(tmp_path / "missing.ttf") == "-"
    # what the server takes ahead: every built-in theme file, as read
    monkeypatch.setattr(inputs, "_BUILTIN", {})
    assert inputs.hash_builtin_themes() > 10
    for path, (_, digest) in list(inputs._BUILTIN.items())[:5]:
        assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
