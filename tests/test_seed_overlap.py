"""The seed-overlap check: content in our own words, never six words in a row from a seed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

SCRIPT = REPO / "scripts" / "check_seed_overlap.py"

#: One line that the first demo course used to carry word for word from an advert: the
#: check must catch it again if it comes back, even wrapped, emphasised and hyphenated.
PLANTED = "- **Describe** the key concepts\n  and principles of Motivational-Interviewing\n"

MADE_UP_SEED = """Our workshop helps every helper listen to people more closely than before.
Participants leave with a bag of tricks for Monday morning."""


def check(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, check=False
    )


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(REPO / "content", target)
    return target


def test_the_demo_content_repeats_no_run_of_six_seed_words() -> None:
    result = check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: no run of 6 or more seed words")


def test_a_planted_copied_sentence_fails_the_check_at_its_line(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    module = content / "modules" / "oars.md"
    before = module.read_text(encoding="utf-8")
    module.write_text(before + "\n" + PLANTED, encoding="utf-8")
    line = before.count("\n") + 2
    result = check(content)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{module}:{line}-{line + 1}: error: 9 words copied from a seed: "
        "'describe the key concepts and principles of motivational interviewing'"
    ]
    assert "1 copied run of 6+ seed words" in result.stderr


def test_five_words_pass_and_six_fail_against_fingerprints_made_from_a_seed(
    tmp_path: Path,
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "advert.txt").write_text(MADE_UP_SEED, encoding="utf-8")
    prints = tmp_path / "prints.txt"
    assert check("--refresh", seeds, "--fingerprints", prints).returncode == 0
    content = copy_content(tmp_path)
    page = content / "handouts" / "planted.md"
    page.write_text("We hope each helper listen to people in a new way.\n", encoding="utf-8")
    assert check(content, "--fingerprints", prints).returncode == 0  # five words only
    page.write_text("They leave with a bag of\ntricks for Monday.\n", encoding="utf-8")
    result = check(content, "--fingerprints", prints)
    assert result.returncode == 1
    assert f"{page}:1-2: error: 8 words copied" in result.stdout
    assert check(content, "--seeds", seeds).returncode == 1  # the seed folder itself agrees


def test_a_missing_fingerprint_file_is_a_usage_error(tmp_path: Path) -> None:
    result = check("--fingerprints", tmp_path / "none.txt")
    assert result.returncode == 2
    assert "none.txt not found" in result.stderr
