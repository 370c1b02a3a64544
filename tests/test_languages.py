"""Languages come from the themes' catalogues: a third one is catalogue files, not code.

The ``language-irish`` fixture (laid over ``foundation-basic``) adds Irish in a theme of its
own, ``gaeilge``: ``i18n/ga.yaml`` with its ``_language`` block (name, tag, month and
weekday names) and a handful of wordings, and ``ga.certificate.yaml``; every other wording
falls back to English. A client with ``language: ga`` gets a pack, a deck and certificates in
it; ``validate`` names the languages the themes provide when a client asks for another.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PROJECTS, REPO, lines, pdf_language
from lxml import etree

from mi_courseware.cli import cli
from mi_courseware.errors import Problems

EPOCH = "1805443200"  # 2027-03-19 08:00 UTC
EVENT = "cnoc-2027"
CLIENT = "content/clients/cnoc/client.yaml"
EVENT_FILE = f"content/events/{EVENT}.yaml"
CATALOGUE = "themes/gaeilge/i18n/ga.yaml"


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Irish client's event built once: pack, deck and certificates."""
    root = tmp_path_factory.mktemp("irish") / "project"
    shutil.copytree(PROJECTS / "foundation-basic", root)
    shutil.copytree(PROJECTS / "language-irish", root, dirs_exist_ok=True)
    args = ["--project", str(root), "build", EVENT]
    args += ["--only", "pack", "--only", "slides", "--only", "certificates"]
    result = CliRunner().invoke(cli, args, env={"SOURCE_DATE_EPOCH": EPOCH}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "output" / "events" / EVENT


def test_the_pack_is_in_irish_with_its_dates_written_out(built: Path) -> None:
    pack = built / "participant-pack.pdf"
    assert pdf_language(pack) == "ga"
    text = pdftotext(pack)
    for words in (
        "PACÁISTE RANNPHÁIRTÍ",  # the catalogue's wording (the cover sets it in capitals)
        "Clár ábhair",
        "13 Bealtaine 2027",
        "Déardaoin 13 Bealtaine 2027",  # the catalogue's month and weekday names
        "Dé hAoine 14 Bealtaine 2027",
        "Learning outcomes",  # a wording the catalogue leaves out: English
    ):
        assert words in text, words
    assert "May 2027" not in text and "Thursday" not in text


def test_the_certificate_is_in_irish(built: Path) -> None:
    certificate = built / "certificates" / "SPC-2027-000001.pdf"
    assert pdf_language(certificate) == "ga"
    text = pdftotext(certificate)
    for words in (
        "TEASTAS FREASTAIL",
        "Síle Ó Dónaill",
        "13 agus 14 Bealtaine 2027",  # "and" from the catalogue
        "Eisithe 14 Bealtaine 2027",  # dated the event's last day
        "This is to certify that",  # left out by the catalogue: English
    ):
        assert words in text, words


def test_the_decks_proofing_language_is_the_catalogues_tag(built: Path) -> None:
    with zipfile.ZipFile(built / "slides.pptx") as deck:
        names = [n for n in deck.namelist() if n.startswith("ppt/slides/slide")]
        tags = set()
        for name in names:
            tree = etree.fromstring(deck.read(name))
            tags.update(tree.xpath("//@lang"))
    assert tags == {"ga-IE"}


def validate(run_cli, root: Path) -> tuple[int, list[str]]:
    result = run_cli("validate", cwd=root)
    assert "Traceback" not in result.output
    return result.exit_code, lines(result.stderr)


def test_the_irish_fixture_is_valid(make_project, run_cli) -> None:
    assert validate(run_cli, make_project(overlay="language-irish")) == (0, [])


@pytest.mark.parametrize(
    ("written", "hint"),
    [("xx", ""), ("gaa", " (did you mean 'ga'?)"), ("Gaeilge", " (did you mean 'ga'?)")],
)
def test_an_unknown_language_lists_the_ones_the_themes_provide(
    make_project, run_cli, written: str, hint: str
) -> None:
    root = make_project(
        overlay="language-irish", edits={CLIENT: [("language: ga", f"language: {written}")]}
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{CLIENT}:5:11: error: unknown language '{written}'{hint}; the themes provide: "
            "en (English), cy (Cymraeg), ga (Gaeilge)",
            "1 error",
        ],
    )


def test_an_events_theme_must_provide_its_clients_language(make_project, run_cli) -> None:
    root = make_project(overlay="language-irish", edits={EVENT_FILE: [("theme: gaeilge\n", "")]})
    message = (
        "theme 'default' has no catalogue for language 'ga', the language of client 'cnoc' "
        "(it has: en, cy)"
    )
    assert validate(run_cli, root) == (1, [f"{EVENT_FILE}:2:9: error: {message}", "1 error"])


def test_a_theme_chosen_to_build_with_must_provide_the_clients_language(
    make_project, run_cli
) -> None:
    root = make_project(overlay="language-irish")
    result = run_cli("build", EVENT, "--theme", "large-print", "--only", "pack", cwd=root)
    assert (result.exit_code, lines(result.stderr)) == (
        1,
        [
            f"{CLIENT}:5:11: error: theme 'large-print' has no catalogue for language 'ga', the "
            "language of client 'cnoc' (it has: en, cy)",
            "1 error",
        ],
    )
    assert not (root / "output").exists()


def test_a_language_must_be_declared_whole(make_project, run_cli) -> None:
    root = make_project(
        overlay="language-irish",
        edits={CATALOGUE: [("Samhain, Nollaig]", "Samhain]"), ("tag: ga-IE", "tag: Irish!")]},
    )
    assert validate(run_cli, root) == (
        1,
        [
            f"{CATALOGUE}:5:8: error: tag: string should match pattern "
            "'^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}$' (got 'Irish!')",
            f"{CATALOGUE}:6:11: error: months: list should have at least 12 items after "
            "validation, not 11",
            "2 errors",
        ],
    )


def test_a_language_without_its_block_is_not_declared(make_project, run_cli) -> None:
    catalogue = (PROJECTS / "language-irish" / CATALOGUE).read_text(encoding="utf-8")
    without = "\n".join(line for line in catalogue.splitlines()[8:]) + "\n"
    assert without.startswith("and: agus")
    root = make_project({CATALOGUE: without}, overlay="language-irish")
    assert validate(run_cli, root) == (
        1,
        [
            f"{CATALOGUE}:1:1: error: language 'ga' is not declared: give its catalogue a "
            "'_language:' block (name, tag, months, weekdays), here or in a theme this one "
            "extends",
            "1 error",
        ],
    )


def test_a_catalogue_part_without_its_language_is_never_used(make_project, run_cli) -> None:
    part = "themes/gaeilge/i18n/gd.slides.yaml"
    root = make_project({part: "slides.thank_you: Tapadh leibh\n"}, overlay="language-irish")
    assert validate(run_cli, root) == (
        0,
        [
            f"{part}:1:1: warning: there is no main catalogue 'gd.yaml' in this theme or those "
            "it extends, so this part is never used (the themes' languages: en, cy, ga)",
            "1 warning",
        ],
    )


def test_a_block_read_without_the_models_reads_as_the_model_would() -> None:
    """Builds read ``_language`` blocks without importing pydantic (a cached build must not);
    every block shipped reads the same both ways."""
    from mi_courseware.loading import load_yaml
    from mi_courseware.loading.languages import _plainly_valid, read_catalogue
    from mi_courseware.model.theme import LanguageFacts

    mains = [REPO / "themes/default/i18n/en.yaml", REPO / "themes/default/i18n/cy.yaml"]
    for path in [*mains, PROJECTS / "language-irish" / CATALOGUE]:
        loaded = load_yaml(path, Problems())
        assert loaded is not None
        block = loaded[0]["_language"]
        assert _plainly_valid(block)
        model = LanguageFacts.model_validate(block)
        facts = read_catalogue(path).facts
        assert facts is not None
        assert (facts.name, facts.tag, list(facts.months), list(facts.weekdays)) == (
            model.name,
            model.tag,
            model.months,
            model.weekdays,
        )
    assert not _plainly_valid({**block, "months": block["months"][:11]})
    assert not _plainly_valid({**block, "tag": "Irish!"})
