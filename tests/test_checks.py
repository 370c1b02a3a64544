"""Cross-file checks, through ``mi-courseware validate`` as a course author meets them.

Each test changes one thing in the ``foundation-basic`` fixture project and asserts the exact
``path:line:column: severity: message`` lines and the count line.
"""

from __future__ import annotations

from pathlib import Path

from conftest import lines

COURSE = "content/courses/mi-basics.yaml"
EVENT = "content/events/acme-2027.yaml"
CLIENT = "content/clients/acme/client.yaml"
ADDON = "content/addons/mapping.yaml"


def validate(run_cli, root: Path, *args: str) -> tuple[int, list[str]]:
    """Run ``validate`` in the project folder: the exit code and the lines it wrote to stderr."""
    result = run_cli("validate", *args, cwd=root)
    assert "Traceback" not in result.output
    return result.exit_code, lines(result.stderr)


def test_the_fixture_project_is_valid(make_project, run_cli) -> None:
    result = run_cli("validate", cwd=make_project())
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "OK: 2 courses, 1 add-on, 1 client, 1 event; no errors\n"


def test_a_misspelt_session_in_a_variant_suggests_the_session(make_project, run_cli) -> None:
    root = make_project(
        edits={
            COURSE: [
                ("[welcome, principles, review]", "[welcome, principals, review]"),
            ]
        }
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{COURSE}:49:25: error: unknown session 'principals' (did you mean 'principles'?)",
            # true as well: the event's add-on follows the session the typo left out
            f"{EVENT}:3:10: error: add-on 'mapping' follows session 'principles', which variant "
            "'introduction' does not include",
            "2 errors",
        ],
    )


def test_a_session_listed_twice_in_a_variant(make_project, run_cli) -> None:
    root = make_project(
        edits={
            COURSE: [
                ("[welcome, principles, skills, review]", "[welcome, principles, welcome, review]"),
            ]
        }
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{COURSE}:53:37: error: session 'welcome' is listed twice in variant 'in-depth'",
            "1 error",
        ],
    )


def test_an_unknown_outcome_in_a_session_or_a_variant(make_project, run_cli) -> None:
    root = make_project(
        edits={
            COURSE: [
                ("outcomes: [skills]", "outcomes: [skils]"),
                ("outcomes: [principles, review]", "outcomes: [principles, reveiw]"),
            ]
        }
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{COURSE}:10:9: warning: outcome 'skills' is taught by no session",
            f"{COURSE}:30:16: error: unknown outcome 'skils' (did you mean 'skills'?)",
            f"{COURSE}:50:28: error: unknown outcome 'reveiw' (did you mean 'review'?)",
            f"{COURSE}:50:28: warning: variant 'introduction' claims outcome 'reveiw', "
            "but none of its sessions teach it",
            "2 errors, 2 warnings",
        ],
    )


def test_a_missing_module_or_handout_file_is_named(make_project, run_cli) -> None:
    root = make_project(
        edits={
            COURSE: [
                ("module: skills", "module: skillz"),
                ("    handouts: [oars]\n", "    handouts: [oars, tips]\n"),
            ]
        }
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{COURSE}:31:13: error: module 'skillz' not found: no file content/modules/skillz.md "
            "(did you mean 'skills'?)",
            f"{COURSE}:39:22: error: handout 'tips' not found: no file content/handouts/tips.md "
            "(expected one of 'balance', 'oars')",
            "2 errors",
        ],
    )


def test_a_handout_deleted_from_disk_is_reported_where_it_is_used(make_project, run_cli) -> None:
    root = make_project({"content/handouts/oars.md": None})
    code, problems = validate(run_cli, root)
    assert code == 1
    assert problems == [
        f"{COURSE}:32:16: error: handout 'oars' not found: no file content/handouts/oars.md "
        "(expected one of 'balance')",
        f"{COURSE}:39:16: error: handout 'oars' not found: no file content/handouts/oars.md "
        "(expected one of 'balance')",
        "2 errors",
    ]


def test_unknown_standards_frameworks_and_codes(make_project, run_cli) -> None:
    root = make_project(
        edits={
            COURSE: [
                ("standards: [DANOS:AI1]", "standards: [DANOSS:AI1, DANOS:AI2, DANOS]"),
            ]
        }
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{COURSE}:9:17: error: unknown standards framework 'DANOSS' (did you mean 'DANOS'?)",
            f"{COURSE}:9:29: error: unknown code 'AI2' in DANOS (did you mean 'AI1'?)",
            f"{COURSE}:9:40: error: standard 'DANOS' must be written FRAMEWORK:CODE, e.g. DANOS:AI1",
            "3 errors",
        ],
    )


def test_two_catalogues_of_one_framework(make_project, run_cli) -> None:
    root = make_project(
        {
            "content/standards/danos-copy.yaml": "framework: {id: DANOS, title: Copy}\n"
            "units: [{code: AI1, title: X}, {code: AB2, title: Y}]\n",
        }
    )
    assert validate(run_cli, root) == (
        1,
        [
            "content/standards/danos.yaml:2:7: error: framework 'DANOS' is already defined in "
            "danos-copy.yaml",
            "1 error",
        ],
    )


def test_duplicate_session_and_outcome_ids(make_project, run_cli) -> None:
    root = make_project(
        edits={
            COURSE: [
                ("  - id: review\n    text", "  - id: skills\n    text"),
                ("  - id: review\n    title", "  - id: welcome\n    title"),
                ("    outcomes: [review]\n", "    outcomes: [skills]\n"),
                ("[welcome, principles, review]", "[welcome, principles]"),
                ("[welcome, principles, skills, review]", "[welcome, principles, skills]"),
                ("outcomes: [principles, review]", "outcomes: [principles]"),
            ]
        }
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{COURSE}:13:9: error: duplicate outcome id 'skills' (first used at outcomes[1])",
            f"{COURSE}:33:9: error: duplicate session id 'welcome' (first used at sessions[0])",
            "2 errors",
        ],
    )


def test_add_on_ids_must_differ_from_the_courses(make_project, run_cli) -> None:
    root = make_project(
        edits={
            ADDON: [
                ("  - id: mapping\n    title", "  - id: skills\n    title"),
            ]
        }
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{ADDON}:8:9: error: session id 'skills' is already used by course 'mi-basics'",
            "1 error",
        ],
    )


def test_unknown_add_on_client_theme_course_and_variant_in_an_event(make_project, run_cli) -> None:
    root = make_project(
        edits={
            EVENT: [
                ("variant: introduction", "variant: intro"),
                ("addons: [mapping]", "addons: [maping]"),
                ("client: acme", "client: acmee"),
                ("code: ACME-1", "theme: larg-print"),
            ]
        }
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{EVENT}:2:10: error: unknown variant 'intro' "
            "(expected one of 'in-depth', 'introduction')",
            f"{EVENT}:3:10: error: add-on 'maping' is not allowed for course 'mi-basics' "
            "(did you mean 'mapping'?)",
            f"{EVENT}:4:9: error: unknown client 'acmee' (did you mean 'acme'?)",
            f"{EVENT}:5:8: error: unknown theme 'larg-print' (did you mean 'large-print'?)",
            "4 errors",
        ],
    )


def test_an_unknown_course_in_an_event(make_project, run_cli) -> None:
    root = make_project(edits={EVENT: [("course: mi-basics", "course: mi-basic")]})
    assert validate(run_cli, root) == (
        1,
        [
            f"{EVENT}:1:9: error: unknown course 'mi-basic' (did you mean 'mi-basics'?)",
            "1 error",
        ],
    )


def test_an_allowed_add_on_without_a_file(make_project, run_cli) -> None:
    root = make_project({ADDON: None})
    assert validate(run_cli, root) == (
        1,
        [
            f"{COURSE}:54:10: error: unknown add-on 'mapping'",
            "1 error",
        ],
    )


def test_an_add_on_following_a_session_the_course_lacks(make_project, run_cli) -> None:
    root = make_project(edits={ADDON: [("after: principles", "after: principals")]})
    assert validate(run_cli, root) == (
        1,
        [
            f"{ADDON}:3:8: error: add-on 'mapping' follows session 'principals', which course "
            "'mi-basics' does not have (did you mean 'principles'?)",
            "1 error",
        ],
    )


def test_an_add_on_following_a_session_the_events_variant_leaves_out(make_project, run_cli) -> None:
    root = make_project(edits={ADDON: [("after: principles", "after: skills")]})
    assert validate(run_cli, root) == (
        1,
        [
            f"{EVENT}:3:10: error: add-on 'mapping' follows session 'skills', which variant "
            "'introduction' does not include",
            "1 error",
        ],
    )


def test_a_break_after_an_unknown_session(make_project, run_cli) -> None:
    root = make_project(edits={COURSE: [("{after: skills,", "{after: skils,")]})
    assert validate(run_cli, root) == (
        1,
        [
            f"{COURSE}:45:15: error: unknown session 'skils' (did you mean 'skills'?)",
            "1 error",
        ],
    )


def test_client_files_must_exist_inside_the_client_folder(make_project, run_cli) -> None:
    root = make_project(
        {"content/clients/acme/logo.svg": None, "content/clients/acme/sign.jpg": b"x"},
        edits={
            CLIENT: [
                ("pages: [local.md]", "pages: [local.md, missing.md, ../../../secret.md]"),
                ("role: Training Lead}", "role: Training Lead, signature: sign.jpg}"),
            ]
        },
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{CLIENT}:2:7: error: file 'logo.svg' not found in content/clients/acme",
            f"{CLIENT}:7:62: error: 'sign.jpg': use an SVG or PNG image",
            f"{CLIENT}:9:19: error: file 'missing.md' not found in content/clients/acme",
            f"{CLIENT}:9:31: error: '../../../secret.md' is outside the client's folder",
            "4 errors",
        ],
    )


def test_a_logo_that_cannot_be_drawn_is_reported_by_validate(make_project, run_cli) -> None:
    root = make_project(
        {
            "content/clients/acme/logo.svg": "<svg this is not xml",
            "content/clients/acme/sign.png": "not a png",
        },
        edits={CLIENT: [("role: Training Lead}", "role: Training Lead, signature: sign.png}")]},
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{CLIENT}:2:7: error: 'logo.svg' is not a readable SVG image "
            "(not well-formed (invalid token): line 1, column 10)",
            f"{CLIENT}:7:62: error: 'sign.png' is not a PNG image (save it again as PNG)",
            "2 errors",
        ],
    )


def test_a_client_folder_without_client_yaml(make_project, run_cli) -> None:
    root = make_project({"content/clients/empty/logo.svg": "<svg/>"})
    assert validate(run_cli, root) == (
        1,
        [
            "content/clients/empty:1:1: error: client folder 'empty' has no client.yaml",
            "1 error",
        ],
    )


def test_a_missing_roster_is_reported_once(make_project, run_cli) -> None:
    root = make_project({"content/rosters/acme-2027.csv": None})
    assert validate(run_cli, root) == (
        1,
        [
            f"{EVENT}:11:9: error: roster file '../rosters/acme-2027.csv' not found",
            "1 error",
        ],
    )


def test_a_roster_without_a_name_column(make_project, run_cli) -> None:
    root = make_project({"content/rosters/acme-2027.csv": "email,nam\nx@example.org,X\n"})
    assert validate(run_cli, root) == (
        1,
        [
            "content/rosters/acme-2027.csv:1:1: warning: ignored column 'nam' (did you mean "
            "'name'?): a roster uses name, email, organisation, role, id, attended and day 1, "
            "day 2, ...",
            "content/rosters/acme-2027.csv:1:1: error: the roster needs a 'name' column (or 'First name' and "
            "'Last name' columns)",
            "1 error, 1 warning",
        ],
    )


def test_a_roster_with_extra_columns_validates_with_one_note_unless_strict(
    make_project, run_cli
) -> None:
    roster = "name,email,Dietary needs,attended\nAnn,ann@x.example,Vegan,yes\n"
    root = make_project({"content/rosters/acme-2027.csv": roster})
    note = (
        "content/rosters/acme-2027.csv:1:1: warning: ignored column 'Dietary needs': a roster "
        "uses name, email, organisation, role, id, attended and day 1, day 2, ..."
    )
    assert validate(run_cli, root) == (0, [note, "1 warning"])
    assert validate(run_cli, root, "--strict") == (1, [note, "1 warning"])


def test_a_bad_colour_hides_no_other_problem_of_the_client(make_project, run_cli) -> None:
    """Issue 21, defect 12: the client file's other keys are checked in the same run."""
    root = make_project(
        edits={
            CLIENT: [
                ('primary: "#1d3557"', 'primary: "navy"'),
                ("logo: logo.svg", "logo: logo-2027.svg"),
            ]
        }
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{CLIENT}:2:7: error: file 'logo-2027.svg' not found in content/clients/acme",
            f"{CLIENT}:3:20: error: colours.primary: invalid colour 'navy': expected a hex "
            'colour like "#1d3557"',
            "2 errors",
        ],
    )


def test_event_dates_in_order_and_one_per_day(make_project, run_cli) -> None:
    root = make_project(edits={EVENT: [("dates: [2027-03-11]", "dates: [2027-03-11, 2027-03-10]")]})
    assert validate(run_cli, root) == (
        1,
        [
            f"{EVENT}:6:8: error: the event has 2 dates but the course runs on 1 day; "
            "give one date per day",
            f"{EVENT}:6:21: error: 2027-03-10 is not after the day before it (2027-03-11); "
            "give the days in order",
            "2 errors",
        ],
    )


def test_unknown_blocks_diagrams_and_options_in_a_module(make_project, run_cli) -> None:
    root = make_project(
        {
            "content/modules/skills.md": """\
---
title: OARS
---
Practice.

::: excercise minutes=15
:::

::: diagram cycle-of-chang
:::

::: exercise minutes=ten grouping=pairs
:::

::: exercise minuts=5
:::

::: lines n=3
Write here.
"""
        }
    )
    module = "content/modules/skills.md"
    assert validate(run_cli, root) == (
        1,
        [
            f"{module}:6:5: error: unknown block 'excercise' (did you mean 'exercise'?)",
            f"{module}:9:5: error: unknown diagram 'cycle-of-chang' (did you mean 'cycle-of-change'?)",
            f"{module}:12:5: error: exercise option minutes=ten: expected a whole number",
            f"{module}:15:5: error: unknown option 'minuts' for exercise (did you mean 'minutes'?)",
            f"{module}:18:1: error: block 'lines' is not closed with ':::'",
            "5 errors",
        ],
    )


def test_an_unclosed_block_in_an_inline_session_body(make_project, run_cli) -> None:
    root = make_project(edits={ADDON: [("      :::\n", "      Done.\n")]})
    assert validate(run_cli, root) == (
        1,
        [
            f"{ADDON}:13:1: error: block 'exercise' is not closed with ':::'",
            "1 error",
        ],
    )


def test_a_bad_block_in_a_client_page(make_project, run_cli) -> None:
    root = make_project({"content/clients/acme/local.md": "---\ntitle: Local\n---\n::: box\n"})
    assert validate(run_cli, root) == (
        1,
        [
            "content/clients/acme/local.md:4:1: error: block 'box' is not closed with ':::'",
            "1 error",
        ],
    )


def test_a_project_theme_extending_an_unknown_theme(make_project, run_cli) -> None:
    root = make_project({"themes/mine/theme.yaml": "name: Mine\nextends: defualt\n"})
    assert validate(run_cli, root) == (
        1,
        [
            "themes/mine/theme.yaml:2:10: error: unknown theme 'defualt' (did you mean 'default'?)",
            "1 error",
        ],
    )


def test_every_problem_of_one_run_is_listed_sorted_then_counted(make_project, run_cli) -> None:
    """Issue 2 acceptance: six kinds of mistake in five files, all in one run."""
    root = make_project(overlay="foundation-errors")
    assert validate(run_cli, root) == (
        1,
        [
            "content/addons/evil.yaml:2:8: error: YAML tag '!!python/object/apply:os.system' "
            "is not allowed; write plain values, lists and maps",
            f"{CLIENT}:3:61: error: colours.accent: invalid colour '#12345g': "
            'expected a hex colour like "#1d3557"',
            f"{COURSE}:39:22: error: handout 'tips' not found: no file content/handouts/tips.md "
            "(expected one of 'balance', 'oars')",
            f"{COURSE}:49:25: error: unknown session 'principals' (did you mean 'principles'?)",
            f"{EVENT}:8:1: error: unknown key 'venu' (did you mean 'venue'?)",
            "content/standards/pcf.yaml:5:1: error: a tab character is used for indentation; "
            "YAML needs spaces",
            "6 errors",
        ],
    )
    assert not (root / "pwned").exists()


def test_a_problem_found_twice_is_listed_twice_so_a_double_check_shows() -> None:
    """Problems keeps what it is given: a rule checked twice says its problem twice, and
    the exact listings in these tests catch it (nothing hides the double)."""
    from mi_courseware.errors import Position, Problems

    problems = Problems()
    problems.error(Position(Path("content/courses/x.yaml"), 3, 1), "unknown session 'a'")
    problems.error(Position(Path("content/courses/x.yaml"), 3, 1), "unknown session 'a'")
    assert len(problems.errors) == 2


def test_every_stylesheet_a_document_may_link_is_checked_once_by_validate(
    make_project, run_cli
) -> None:
    """A client's stylesheets, a project theme's in a sub-folder and one a theme keeps among
    its pictures are all stylesheets a document may link or import: the check phase reads
    each once (a link to another of them is the same file), so the renderers need not."""
    huge = "h2 {\n  font-size: 1e9px;\n}\n"
    root = make_project(
        {
            "content/clients/acme/templates/pack.css": huge,
            "content/clients/acme/templates/print/extra.css": "p { margin: 3000in }\n",
            "themes/wide/theme.yaml": "name: Wide\nextends: default\n",
            "themes/wide/css/print/wide.css": "@page { margin: 1000in }\n",
            "themes/wide/images/pattern.css": "p { width: 40000px }\n",
        }
    )
    (root / "themes/wide/css/again.css").symlink_to("print/wide.css")
    too_large = (
        "is far larger than any page (lengths here may be at most 20,000px or the same in "
        "other units)"
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"content/clients/acme/templates/pack.css:2:14: error: '1e9px' {too_large}",
            f"content/clients/acme/templates/print/extra.css:1:13: error: '3000in' {too_large}",
            f"themes/wide/css/print/wide.css:1:17: error: '1000in' {too_large}",
            f"themes/wide/images/pattern.css:1:12: error: '40000px' {too_large}",
            "4 errors",
        ],
    )


def test_the_built_in_themes_stylesheets_keep_to_sizes_a_page_can_hold() -> None:
    """The check phase reads a project's stylesheets; the tool's own are checked here."""
    from mi_courseware.loading.stylesheets import extreme_lengths
    from mi_courseware.project import builtin_dir

    sheets = sorted(builtin_dir("themes").rglob("*.css"))
    assert len(sheets) >= 7
    assert [str(p) for path in sheets for p in extreme_lengths(path, path.read_text())] == []
