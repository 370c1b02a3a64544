"""``build TARGET`` reads and checks what the target's editions use; ``validate`` checks all.

Nothing is checked less: for each kind of file a target uses (module, course, handout, client
file, logo and stylesheet, theme stylesheet, roster) every error ``validate`` reports in it,
``build`` of the target reports too. A broken file the target does not use no longer stops
its build.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import lines

#: Errors planted in the files event ``acme-2027`` uses (its theme is ``plain``).
PLANTED = {
    "content/modules/principles.md": (
        "---\ntitle: The principles of MI\n---\nMI is a way of talking about change.\n\n"
        "![A map](missing.png)\n\nA glyph no font has: \U00013000\n"
    ),
    "content/handouts/oars.md": (
        "---\ntitle: OARS practice sheet\n---\n::: box height=1000000\n:::\n\n::: nonsense\n:::\n"
    ),
    "content/clients/acme/logo.png": b"not a picture",
    "content/clients/acme/templates/pack.css": "h1 { font-size: 1e9px }\n",
    "themes/plain/theme.yaml": "name: Plain\nextends: default\n",
    "themes/plain/css/pack.css": "p { margin: 5e9mm }\n",
    "content/rosters/acme-2027.csv": "name,email,attended\nAna Ortiz,ana@acme.example,perhaps\n",
}
EDITS = {
    "content/courses/mi-basics.yaml": [
        ("    outcomes: [skills]\n", "    outcomes: [skils]\n"),
        ("standards: [DANOS:AI1]\n", "standards: [DANOS:ZZ9]\n"),
    ],
    "content/clients/acme/client.yaml": [("logo: logo.svg", "logo: logo.png")],
    "content/events/acme-2027.yaml": [("client: acme\n", "client: acme\ntheme: plain\n")],
}


def _errors(output: str) -> dict[str, set[str]]:
    """Error lines by the file they point at."""
    found: dict[str, set[str]] = {}
    for line in lines(output):
        path, _, rest = line.partition(":")
        if ": error: " in rest:
            found.setdefault(path, set()).add(line)
    return found


def test_build_reports_every_error_validate_reports_in_the_files_the_target_uses(
    make_project, run_cli
) -> None:
    root = make_project(PLANTED, edits=EDITS)
    checked = run_cli("validate", cwd=root)
    built = run_cli("build", "acme-2027", "--only", "calendar", cwd=root)
    assert checked.exit_code == built.exit_code == 1
    everything, target = _errors(checked.stderr), _errors(built.stderr)
    files = [
        *(name for name in PLANTED if not name.endswith((".png", "theme.yaml"))),
        *(name for name in EDITS if not name.startswith("content/events")),
    ]
    for name in files:
        assert everything.get(name), f"no error planted in {name}: {checked.stderr}"
        assert everything[name] <= target.get(name, set()), name
    assert len(everything["content/modules/principles.md"]) == 2


def test_a_broken_file_the_target_does_not_use_does_not_stop_its_build(
    make_project, run_cli
) -> None:
    root = make_project(
        {
            "content/modules/unused.md": "---\ntitle: Unused\n---\n::: nonsense\n",
            "content/handouts/spare.md": "---\ntitle: [\n---\nText\n",
            "content/clients/other/client.yaml": "name: Other\nlogo: none.svg\n",
            "content/clients/other/templates/pack.css": "h1 { font-size: 1e9px }\n",
            "themes/spare/theme.yaml": "name: Spare\nextends: nothing\n",
        },
        edits={"content/courses/two-day.yaml": [("module: skills", "module: skils")]},
    )
    checked = run_cli("validate", cwd=root)
    assert checked.exit_code == 1
    assert set(_errors(checked.stderr)) == {
        "content/modules/unused.md",
        "content/handouts/spare.md",
        "content/clients/other/client.yaml",
        "content/clients/other/templates/pack.css",
        "content/courses/two-day.yaml",
        "themes/spare/theme.yaml",
    }
    built = run_cli("build", "acme-2027", "--only", "calendar", cwd=root)
    assert built.exit_code == 0, built.stderr
    assert (root / "output/events/acme-2027/calendar.ics").is_file()
    # the course build names a module that exists only outside the target's files: the same
    # suggestion as under validate
    course = run_cli("build", "two-day", "--client", "acme", "--only", "calendar", cwd=root)
    assert course.exit_code == 1
    assert (
        _errors(course.stderr)["content/courses/two-day.yaml"]
        == (_errors(checked.stderr)["content/courses/two-day.yaml"])
    )


def test_a_theme_file_the_tool_ships_unchanged_is_not_read_again(tmp_path: Path) -> None:
    from mi_courseware.loading.themes import shipped
    from mi_courseware.project import builtin_dir

    builtin = builtin_dir("themes") / "default"
    for name in ("default", "mine"):  # a copy, and a theme of the project's own
        shutil.copytree(builtin / "css", tmp_path / name / "css")
    sheet = sorted((tmp_path / "default" / "css").glob("*.css"))[0]
    assert shipped(sheet, tmp_path / "default")
    assert shipped(builtin / "css" / sheet.name, builtin)
    assert not shipped(tmp_path / "mine" / "css" / sheet.name, tmp_path / "mine")
    sheet.write_text(sheet.read_text(encoding="utf-8") + "p { margin: 5e9mm }\n", "utf-8")
    assert not shipped(sheet, tmp_path / "default")


def test_a_changed_copy_of_a_shipped_theme_file_is_checked(make_project, run_cli) -> None:
    from mi_courseware.project import builtin_dir

    root = make_project()
    shutil.copytree(builtin_dir("themes") / "default", root / "themes" / "default")
    font = sorted((root / "themes/default/fonts").glob("*.ttf"))[0]
    font.write_bytes(b"not a font")
    (root / "themes/default/css/pack.css").write_text("p { margin: 5e9mm }\n", "utf-8")
    result = run_cli("build", "acme-2027", "--only", "calendar", cwd=root)
    assert result.exit_code == 1
    assert set(_errors(result.stderr)) == {
        f"themes/default/fonts/{font.name}",
        "themes/default/css/pack.css",
    }


def test_a_target_is_not_warned_about_other_courses_practice(tmp_path: Path, run_cli) -> None:
    """A course outside the target is not read: its practice shares are not computed from
    nothing (they read "0.0% of its 0 taught minutes" before)."""
    from conftest import REPO

    shutil.copytree(REPO / "content", tmp_path / "content")
    built = run_cli("-v", "build", "northfield-2027-03", "--only", "calendar", cwd=tmp_path)
    assert built.exit_code == 0, built.stderr
    courses = {line.split(":")[0] for line in lines(built.stderr) if "content/courses/" in line}
    assert courses <= {"content/courses/mi-practitioner.yaml"}, built.stderr
    assert "taught minutes" not in built.stderr
    checked = run_cli("-v", "validate", cwd=tmp_path)  # every course read: every share met
    assert checked.exit_code == 0 and "taught minutes" not in checked.stderr, checked.stderr
