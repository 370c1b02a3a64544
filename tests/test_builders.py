"""The builder contract: an output added from outside the package is one class (and its
template), registered once; ``build`` then makes it, ``--only`` names it, the planner keeps
it up to date, and an output made after another is built after it and with it."""

from __future__ import annotations

import json
from hashlib import sha256
from pathlib import Path

import pytest
from conftest import MakeProject, RunCli

from mi_courseware import builders
from mi_courseware.builders import Builder, register_builder
from mi_courseware.core.edition import Edition

EVENT = "acme-2027"
TEMPLATE = "content/clients/acme/templates/hello.html"


# the README's "Adding an output" example, as it is there
class HelloBuilder(Builder["Edition"]):
    """``hello.html``: a welcome for the edition's participants, from the theme's template."""

    name = "hello"
    description = "hello.html"
    outputs = ("hello.html",)
    uses = ("course",)  # the course's files shape it...
    theme_parts = ("templates",)  # ...and the theme's templates

    def build(self, target: Edition, out: Path) -> list[Path]:
        from mi_courseware.rendering.document import document_setup

        html = document_setup(target).template("hello.html").render(edition=target)
        path = out / "hello.html"
        path.write_text(html, encoding="utf-8")
        return [path]


class ShoutBuilder(Builder[Edition]):
    """``shout.txt``: the welcome in capitals, made from ``hello.html`` and nothing else."""

    name = "shout"
    description = "shout.txt"
    outputs = ("shout.txt",)
    uses = ()
    theme_parts = ()
    after = ("hello",)

    def build(self, target: Edition, out: Path) -> list[Path]:
        [hello] = self.upstream["hello"]
        path = out / "shout.txt"
        path.write_text(hello.read_text(encoding="utf-8").upper(), encoding="utf-8")
        return [path]


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """The two outputs registered, for this test only."""
    monkeypatch.setattr(builders, "REGISTRY", dict(builders.REGISTRY))
    register_builder(HelloBuilder)
    register_builder(ShoutBuilder)


def statuses(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(f"events/{EVENT}: ")]


def test_an_output_registered_from_outside_is_built_through_only_and_kept_up_to_date(
    make_project: MakeProject, run_cli: RunCli, registered: None
) -> None:
    root = make_project({TEMPLATE: "<p>Welcome to {{ edition.title }}.</p>\n"})
    folder = root / "output" / "events" / EVENT
    helped = " ".join(run_cli("build", "--help", cwd=root).stdout.split())
    assert "quality-report (quality-report.pdf), hello (hello.html), shout (shout.txt)." in helped

    first = run_cli("-v", "build", EVENT, "--only", "hello", cwd=root)
    assert first.exit_code == 0, first.output
    assert statuses(first.stderr) == [f"events/{EVENT}: hello built (not built before)"]
    hello = folder / "hello.html"
    assert hello.read_text(encoding="utf-8") == "<p>Welcome to An Introduction to MI.</p>\n"
    assert sorted(p.name for p in folder.iterdir()) == ["hello.html", "manifest.json"]
    stamp = hello.stat().st_mtime_ns

    again = run_cli("-v", "build", EVENT, "--only", "hello", cwd=root)
    assert statuses(again.stderr) == [f"events/{EVENT}: hello up to date"]
    assert hello.stat().st_mtime_ns == stamp


def test_an_output_made_after_another_is_built_after_it_and_again_with_it(
    make_project: MakeProject, run_cli: RunCli, registered: None
) -> None:
    root = make_project({TEMPLATE: "<p>Welcome to {{ edition.title }}.</p>\n"})
    folder = root / "output" / "events" / EVENT
    assert run_cli("build", EVENT, "--only", "hello", cwd=root).exit_code == 0

    # hello up to date: shout is made from the file in place, which is one of its inputs
    made = run_cli("-v", "build", EVENT, "--only", "shout", cwd=root)
    assert made.exit_code == 0, made.output
    assert statuses(made.stderr) == [
        f"events/{EVENT}: hello up to date",
        f"events/{EVENT}: shout built (not built before in this folder)",
    ]
    assert (folder / "shout.txt").read_text() == "<P>WELCOME TO AN INTRODUCTION TO MI.</P>\n"
    inputs = json.loads((folder / "manifest.json").read_text())["builds"]["shout"]["inputs"]
    digest = sha256((folder / "hello.html").read_bytes()).hexdigest()
    assert inputs[-1] == {"path": "<output>/hello.html", "sha256": digest}
    again = run_cli("-v", "build", EVENT, "--only", "shout", cwd=root)
    assert statuses(again.stderr) == [
        f"events/{EVENT}: hello up to date",
        f"events/{EVENT}: shout up to date",
    ]

    # the template changed: hello is built again, then shout from the new hello
    (root / TEMPLATE).write_text("<p>Croeso to {{ edition.title }}.</p>\n", encoding="utf-8")
    edited = run_cli("-v", "build", EVENT, "--only", "shout", cwd=root)
    assert statuses(edited.stderr) == [
        f"events/{EVENT}: hello built ({TEMPLATE} changed)",
        f"events/{EVENT}: shout built (hello is built again)",
    ]
    assert (folder / "shout.txt").read_text() == "<P>CROESO TO AN INTRODUCTION TO MI.</P>\n"
    settled = run_cli("-v", "build", EVENT, "--only", "shout", cwd=root)
    assert all(line.endswith("up to date") for line in statuses(settled.stderr))


def test_a_second_output_of_the_same_name_is_refused(registered: None) -> None:
    class Another(HelloBuilder):
        pass

    with pytest.raises(ValueError, match="an output called 'hello' is registered already"):
        register_builder(Another)


@pytest.mark.parametrize("name", sorted(builders.REGISTRY))
def test_what_a_builder_imports_ahead_is_installed(name: str) -> None:
    """Each module a builder names for worker processes to import while the project is read
    exists in this installation: a name left over from another library would stop the
    worker's imports there, and the build would import the rest later, on its own time."""
    import importlib.util

    for module in builders.REGISTRY[name].preload:
        assert importlib.util.find_spec(module) is not None, f"{name}: {module}"


def test_a_module_that_cannot_be_imported_ahead_is_said_and_the_rest_still_are(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import sys

    from mi_courseware import pipeline

    slides = builders.REGISTRY["slides"]
    monkeypatch.setattr(slides, "preload", ("mi_courseware_no_such_module", "wave"))
    monkeypatch.delitem(sys.modules, "wave", raising=False)
    with caplog.at_level("DEBUG", logger="mi_courseware"):
        pipeline._warm(("slides",))
    assert "slides: mi_courseware_no_such_module not imported ahead" in caplog.text
    assert "wave" in sys.modules
