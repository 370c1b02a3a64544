"""``mi-courseware init``: a new project from what the tool ships, also from a built wheel.

The wheel test proves that the demo content and the themes travel inside the package: it
builds a wheel from a copy of this checkout, installs it into a new virtual environment, and
runs that environment's ``mi-courseware init`` and ``validate`` far from the repository.

How it stays fast and offline:

- The wheel is built once per test session with ``pip wheel --no-deps``. When the test
  environment already has setuptools 77 or later (``license = "MIT"`` needs it), the build
  runs with ``--no-build-isolation`` and needs no network at all; otherwise pip fetches the
  build backend into an isolated environment, as ``pip install .`` does.
- The new environment is made with ``python -m venv --without-pip`` (no ensurepip), and the
  wheel is installed with ``pip --python <new env> install --no-deps --no-index``.
- Its dependencies (pydantic, click, ...) are not downloaded: a ``.pth`` file lists the test
  environment's site-packages. Only *paths* in a ``.pth`` are followed, not the ``.pth``
  files inside them, so the editable install of this checkout is not activated there; the
  test checks that ``mi_courseware`` is imported from the new environment.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, subprocess_env

SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "LICENSE",
    "mi_courseware",
    "content",
    "themes",
    "scales",
    "docs",
)


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=300,
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


def _copy_sources(target: Path) -> None:
    """What a clean clone holds, without build leftovers or data copied by an earlier build."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in ("__pycache__", "build") or n.endswith(".egg-info")}
        if Path(folder) == REPO / "mi_courseware":
            skip.add("data")
        return skip

    target.mkdir()
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, target / name, ignore=ignore)
        elif path.is_file():
            shutil.copy2(path, target / name)


def _new_enough_setuptools() -> bool:
    try:
        major = int(importlib.metadata.version("setuptools").split(".")[0])
    except importlib.metadata.PackageNotFoundError:
        return False
    return major >= 77


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a new virtual environment with the wheel of this checkout."""
    work = tmp_path_factory.mktemp("wheel")
    source, dist, venv = work / "source", work / "dist", work / "venv"
    _copy_sources(source)
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", dist]
    if _new_enough_setuptools():
        build.append("--no-build-isolation")
    run(*build, source)
    (wheel,) = dist.glob("mi_courseware-*.whl")

    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "--no-index",
        "--quiet",
        wheel,
    )
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    lib = Path(purelib.stdout.strip())
    (lib / "test-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return venv / "bin"


def test_the_installed_wheel_carries_the_demo_and_the_themes(installed: Path) -> None:
    code = "import mi_courseware, pathlib; print(pathlib.Path(mi_courseware.__file__).parent)"
    where = run(installed / "python", "-c", code, cwd=installed)  # not the checkout's folder
    package = Path(where.stdout.strip())
    assert package.is_relative_to(installed.parent), "imported from the checkout, not the wheel"
    for folder in ("data/content/courses", "data/themes/default", "data/themes/large-print"):
        assert (package / folder).is_dir(), folder


def test_init_from_the_wheel_makes_a_project_that_validates(
    installed: Path, tmp_path: Path
) -> None:
    """Issue 2 acceptance: ``pip install .``, then ``init /tmp/x && cd /tmp/x && validate``."""
    done = run(installed / "mi-courseware", "init", tmp_path / "x", cwd=tmp_path)
    assert done.stdout.startswith(f"Created a courseware project in {tmp_path / 'x'}")
    project = tmp_path / "x"
    assert sorted(p.name for p in project.iterdir()) == [
        ".gitignore",
        "README.md",
        "content",
        "reference.md",
        "themes",
    ]
    done = run(installed / "mi-courseware", "validate", cwd=project)
    assert done.stdout.startswith("OK: ")
    assert done.stderr == ""


def test_init_copies_the_demo_content_and_themes(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "new"
    result = run_cli("init", str(target), cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout == (
        f"Created a courseware project in {target}\n"
        f"Next: cd {target} && mi-courseware validate && mi-courseware build\n"
    )
    assert (target / "content" / "courses").is_dir()
    assert (target / "themes" / "default" / "theme.yaml").is_file()
    assert (target / ".gitignore").read_text() == "output/\nrecords/\n"
    assert run_cli("validate", cwd=target).exit_code == 0


def test_init_in_a_new_git_repository_keeps_its_gitignore_and_adds_what_it_lacks(
    run_cli, tmp_path: Path
) -> None:
    """The register holds every certificate and the key store beside it the signing keys:
    a project never puts ``records/`` (or ``output/``) into git."""
    target = tmp_path / "repo"
    (target / ".git").mkdir(parents=True)
    (target / ".gitignore").write_text("*.swp\n/output", encoding="utf-8")
    result = run_cli("init", str(target), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (target / ".gitignore").read_text(encoding="utf-8") == "*.swp\n/output\nrecords/\n"


def test_init_into_an_empty_folder_is_allowed(run_cli, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert run_cli("init", str(tmp_path / "empty"), cwd=tmp_path).exit_code == 0


def test_init_refuses_a_folder_that_is_not_empty(run_cli, tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    result = run_cli("init", "busy", cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (
        2,
        "mi-courseware: error: busy: already exists and is not empty\n",
    )
    assert sorted(p.name for p in (tmp_path / "busy").iterdir()) == ["notes.txt"]


def test_init_gives_a_readme_and_the_reference(run_cli, tmp_path: Path) -> None:
    target = tmp_path / "new"
    assert run_cli("init", str(target), cwd=tmp_path).exit_code == 0
    readme = (target / "README.md").read_text(encoding="utf-8")
    assert "mi-courseware validate" in readme and "reference.md" in readme
    assert "content/courses/" in readme and "records/" in readme
    reference = (target / "reference.md").read_text(encoding="utf-8")
    assert reference == (REPO / "docs" / "reference.md").read_text(encoding="utf-8")


def test_init_bare_gives_one_course_one_client_one_event_that_build(run_cli, tmp_path) -> None:
    target = tmp_path / "bare"
    assert run_cli("init", "--bare", str(target), cwd=tmp_path).exit_code == 0
    for kind, names in (
        ("courses", ["first-course.yaml"]),
        ("events", ["first-run.yaml"]),
        ("clients", ["my-organisation"]),
    ):
        assert sorted(p.name for p in (target / "content" / kind).iterdir()) == names
    checked = run_cli("validate", "--strict", cwd=target)
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("OK: 1 course, 0 add-ons, 1 client, 1 event; no errors")
    built = run_cli("-q", "build", "--only", "slides", cwd=target)
    assert built.exit_code == 0, built.output
    assert (target / "output" / "events" / "first-run" / "slides.pptx").is_file()


#: Every short form the reference documents for the starter's event, and what the outputs
#: that show the event's contact must then show.
SHORT_FORMS = [
    ("admin_contact: training@my-organisation.example", ["training@my-organisation.example"]),
    ("admin_contact: Pat Jones", ["Pat Jones"]),
    ("admin_contact: {name: Pat Jones, email: pat@example.org}", ["Pat Jones", "pat@example.org"]),
    ("admin_contact: {phone: '01632 960999'}", ["01632 960999"]),
    ("", []),
]


def test_every_documented_short_form_of_the_bare_starter_renders_every_event_document(
    run_cli, tmp_path: Path
) -> None:
    """Issue 21, defect 1: the starter's ``admin_contact: training@...`` (and ``{name,
    email}`` without a phone) passed ``validate`` and failed the flyer's template. Each form
    is checked, then rendered into every document that shows the contact."""
    from datetime import datetime

    from mi_courseware.pipeline import BuildRequest, read_check_resolve
    from mi_courseware.project import ProjectPaths
    from mi_courseware.rendering.flyer import flyer_html
    from mi_courseware.rendering.pack import pack_html
    from mi_courseware.rendering.pptx.plan import closing_slide
    from mi_courseware.rendering.pptx.wording import Wording
    from mi_courseware.rendering.signin import signin_html

    target = tmp_path / "bare"
    assert run_cli("init", "--bare", str(target), cwd=tmp_path).exit_code == 0
    event = target / "content" / "events" / "first-run.yaml"
    starter = event.read_text(encoding="utf-8")
    when = datetime(2027, 1, 1)
    for form, shown in SHORT_FORMS:
        event.write_text(
            starter.replace("admin_contact: training@my-organisation.example", form), "utf-8"
        )
        checked = run_cli("validate", "--strict", cwd=target)
        assert checked.exit_code == 0, (form, checked.output)
        [edition], _ = read_check_resolve(ProjectPaths(target), BuildRequest("first-run"))
        flyer, _ = flyer_html(edition, when=when, standalone=False)
        pack, _ = pack_html(edition, facilitator=True, when=when)
        signin_html(edition, when=when)
        wording = Wording(list(edition.theme_dirs), edition.language)
        notes = str(closing_slide(edition, wording).notes)
        for text in shown:
            assert text in flyer and text in pack and text in notes, (form, text)
