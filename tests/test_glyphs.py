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
