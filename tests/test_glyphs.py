"""Text no theme font can show is found by validate, at its line and column (issue 16, item 6).

Certificates check each name the same way (tests/test_certificates.py); here, the Markdown
the pack and guide are made from.
"""

from __future__ import annotations


def test_characters_no_theme_font_has_are_located_errors(make_project, run_cli) -> None:
    root = make_project(
        edits={
            "content/modules/welcome.md": [
                (
                    "Welcome to the course.\n",
                    "Welcome to the course.\nNamaste नमस्ते, and ሰላም from Asmara.\n\nA smile 😀 here.\n\nPrivate \ue000 use.\n",
                )
            ]
        }
    )
    text = (root / "content/modules/welcome.md").read_text(encoding="utf-8").splitlines()
    smile = next(n for n, line in enumerate(text, 1) if "😀" in line)
    private = next(n for n, line in enumerate(text, 1) if "\ue000" in line)
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 1
    assert result.output.splitlines()[-3:] == [
        f"content/modules/welcome.md:{smile}:9: error: '😀' (U+1F600 grinning face): no font of "
        "the theme has this character, so it would print as an empty box (use other characters, "
        "or add a font that has them to the theme's fonts/supplementary/ folder)",
        f"content/modules/welcome.md:{private}:9: error: (U+E000 unnamed character): no font of "
        "the theme has this character, so it would print as an empty box (use other characters, "
        "or add a font that has them to the theme's fonts/supplementary/ folder)",
        "2 errors",
    ]  # Devanagari and Ethiopic are covered by the theme's supplementary Noto fonts


def test_a_client_stylesheet_asking_for_a_font_no_theme_ships_is_a_warning(
    make_project, run_cli
) -> None:
    root = make_project(
        {
            "content/clients/acme/templates/pack.css": (
                "/* the client's own touches */\n"
                'h1, h2 { font-family: "Comic Sans MS", "Open Sans", sans-serif; }\n'
                "p { font-family: 'Noto Sans Bengali', serif; }\n"
            )
        }
    )
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 0
    assert (
        "content/clients/acme/templates/pack.css:2:10: warning: font 'Comic Sans MS' is not "
        "one the theme ships: it is drawn only where it is installed, and the PDFs use another "
        "font instead (add the font files and an @font-face rule, or use a theme font)"
    ) in result.output
    assert result.output.count("warning:") == 1
