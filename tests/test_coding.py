"""MI fidelity coding: counts by the volley rule, summary scores, bands, JSON and CSV, errors.

The ``coding-basic`` fixture (laid over ``foundation-basic``) holds hand-coded sessions. Each
test states the counts worked out by hand from the fixture's rows (the volleys are spelt out
in comments) and computes the expected scores itself from the published formulas, so the
tool's arithmetic is checked against an independent one, to two decimals.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import lines

REPORT_KEYS = {
    "date",
    "label",
    "scale",
    "counts",
    "globals",
    "technical",
    "relational",
    "percent_complex_reflections",
    "reflection_to_question",
    "mi_adherent",
    "mi_non_adherent",
    "percent_change_talk",
    "bands",
}

# 2027-01-14-intake.csv has no volley column, so each run of practitioner rows between two
# client rows is one volley:
#   1: Q | 2: SR, CR, q -> CR (reflections once, complex), Q | 3: SR+Q | 4: GI, GI -> GI once
#   5: AF, (not coded) | 6: PERSUADE | 7: CONFRONT+persuade | 8: SEEK, EMPHASIZE
# Client rows: NEUTRAL, SUSTAIN, CHANGE, change, (not coded), SUSTAIN, NEUTRAL.
INTAKE = {
    "GI": 1,
    "PERSUADE": 2,
    "PWP": 0,
    "Q": 3,
    "SR": 1,
    "CR": 1,
    "AF": 1,
    "SEEK": 1,
    "EMPHASIZE": 1,
    "CONFRONT": 1,
    "CHANGE": 2,
    "SUSTAIN": 2,
    "NEUTRAL": 2,
}
INTAKE_GLOBALS = (2, 3, 3, 3)  # change talk, sustain talk, partnership, empathy

# 2027-02-11-review.csv has a volley column: rows with the same value are one volley.
#   1: SR, AF | 2: CR, SR (the two rows sit either side of a client row) -> CR | 3: CR, CR -> CR
#   4: EMPHASIZE. No questions at all. Client: CHANGE x3, SUSTAIN x1.
REVIEW = {
    "GI": 0,
    "PERSUADE": 0,
    "PWP": 0,
    "Q": 0,
    "SR": 1,
    "CR": 2,
    "AF": 1,
    "SEEK": 0,
    "EMPHASIZE": 1,
    "CONFRONT": 0,
    "CHANGE": 3,
    "SUSTAIN": 1,
    "NEUTRAL": 0,
}
REVIEW_GLOBALS = (4, 4, 4, 5)

# 2027-03-18-tally.yaml: counts tallied on paper, no client talk.
TALLY = {
    "GI": 4,
    "PERSUADE": 1,
    "PWP": 0,
    "Q": 10,
    "SR": 8,
    "CR": 4,
    "AF": 2,
    "SEEK": 1,
    "EMPHASIZE": 0,
    "CONFRONT": 0,
    "CHANGE": 0,
    "SUSTAIN": 0,
    "NEUTRAL": 0,
}
TALLY_GLOBALS = (3, 4, 4, 3)


def miti(counts: dict[str, int], ratings: tuple[int, int, int, int]) -> dict[str, float | None]:
    """MITI 4.2.1's summary scores, straight from the manual's formulas."""
    cct, sst, partnership, empathy = ratings
    reflections = counts["SR"] + counts["CR"]
    talk = counts["CHANGE"] + counts["SUSTAIN"]
    return {
        "technical": (cct + sst) / 2,
        "relational": (partnership + empathy) / 2,
        "percent_complex_reflections": 100 * counts["CR"] / reflections if reflections else None,
        "reflection_to_question": reflections / counts["Q"] if counts["Q"] else None,
        "mi_adherent": counts["SEEK"] + counts["AF"] + counts["EMPHASIZE"],
        "mi_non_adherent": counts["CONFRONT"] + counts["PERSUADE"],
        "percent_change_talk": 100 * counts["CHANGE"] / talk if talk else None,
    }


def two_decimals(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@pytest.fixture
def coding_project(make_project) -> Path:
    return make_project(overlay="coding-basic")


def report_json(run_cli, root: Path, practitioner: str) -> dict:
    result = run_cli("coding", "report", practitioner, "--format", "json", cwd=root)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_fixture_project_with_coded_sessions_is_valid(coding_project, run_cli) -> None:
    result = run_cli("validate", cwd=coding_project)
    assert (result.exit_code, result.stderr) == (0, "")


@pytest.mark.parametrize(
    ("index", "counts", "ratings"),
    [(0, INTAKE, INTAKE_GLOBALS), (1, REVIEW, REVIEW_GLOBALS), (2, TALLY, TALLY_GLOBALS)],
    ids=["csv-runs", "csv-volleys-no-questions", "counts-only"],
)
def test_scores_match_the_hand_worked_values(
    coding_project, run_cli, index: int, counts: dict[str, int], ratings: tuple
) -> None:
    session = report_json(run_cli, coding_project, "alex-reed")["sessions"][index]
    assert set(session) == REPORT_KEYS
    assert session["counts"] == counts
    expected = miti(counts, ratings)
    for key, value in expected.items():
        assert session[key] == two_decimals(value), key
    names = ("cultivating_change_talk", "softening_sustain_talk", "partnership", "empathy")
    assert session["globals"] == dict(zip(names, ratings, strict=True))


def test_bands_follow_the_thresholds(coding_project, run_cli) -> None:
    sessions = report_json(run_cli, coding_project, "alex-reed")["sessions"]
    intake, review, tally = ({k: v["band"] for k, v in s["bands"].items()} for s in sessions)
    # technical 2.5 < 3; relational 3 < 3.5; %CR 50 >= 50; R:Q 0.67 < 1
    assert intake["technical"] == "below fair"
    assert intake["relational"] == "below fair"
    assert intake["percent_complex_reflections"] == "good"
    assert intake["reflection_to_question"] == "below fair"
    # technical 4 >= 4; relational 4.5; %CR 66.67; R:Q undefined (no questions)
    assert (review["technical"], review["relational"]) == ("good", "good")
    assert review["reflection_to_question"] is None
    # technical 3.5 in [3, 4); relational 3.5 in [3.5, 4); %CR 33.33 < 40; R:Q 1.2 in [1, 2)
    assert tally == {
        "technical": "fair",
        "relational": "fair",
        "percent_complex_reflections": "below fair",
        "reflection_to_question": "fair",
        "mi_adherent": None,
        "mi_non_adherent": None,
        "percent_change_talk": None,
    }


def test_undefined_ratios_are_null_with_a_note(coding_project, run_cli) -> None:
    review, tally = report_json(run_cli, coding_project, "alex-reed")["sessions"][1:]
    assert review["reflection_to_question"] is None
    assert review["bands"]["reflection_to_question"]["note"] == (
        "undefined: no questions were coded"
    )
    assert tally["percent_change_talk"] is None
    assert tally["bands"]["percent_change_talk"]["note"] == (
        "undefined: no change or sustain talk was coded"
    )
    assert tally["bands"]["technical"]["note"] is None


def test_the_social_work_scale_scores_its_seven_skills(coding_project, run_cli) -> None:
    (session,) = report_json(run_cli, coding_project, "sam-okoro")["sessions"]
    ratings = session["globals"]
    assert list(ratings.values()) == [4, 3, 3, 2, 4, 5, 3]
    bands = session["bands"]
    assert bands["overall"]["score"] == round(24 / 7, 2) == 3.43
    assert bands["overall"]["band"] == "fair"  # 3 <= 3.43 < 3.5, the studies' "skilful"
    assert bands["relationship_building"]["score"] == round((4 + 3 + 3) / 3, 2)
    assert bands["good_authority"] == {
        "score": 4.0,
        "band": "good",
        "fair": 3.0,
        "good": 3.5,
        "note": None,
    }
    assert bands["evoking"]["band"] == "below fair"
    # MITI's globals are not part of this scale; no reflections or questions were counted
    assert session["technical"] is None and session["relational"] is None
    assert session["reflection_to_question"] is None
    assert bands["percent_complex_reflections"]["note"] == "undefined: no reflections were coded"
    assert session["percent_change_talk"] == 50.0


def test_csv_report_has_one_row_per_session_with_bands_and_notes(coding_project, run_cli) -> None:
    result = run_cli("coding", "report", "alex-reed", "--format", "csv", cwd=coding_project)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["label"] for r in rows] == ["intake", "review", "tally"]
    assert rows[0]["reflection_to_question"] == "0.67"
    assert rows[0]["reflection_to_question_band"] == "below fair"
    assert rows[1]["minutes"] == "18.5"
    assert rows[1]["reflection_to_question"] == ""
    assert rows[1]["notes"] == "reflection_to_question: undefined: no questions were coded"
    assert rows[2]["Q"] == "10" and rows[2]["percent_complex_reflections"] == "33.33"


def test_an_unknown_practitioner_is_a_usage_error(coding_project, run_cli) -> None:
    result = run_cli("coding", "report", "alex-red", cwd=coding_project)
    assert result.exit_code == 2
    assert result.stderr == (
        "mi-courseware: error: no coded sessions for 'alex-red': no folder "
        "content/coding/alex-red/ (did you mean 'alex-reed'?)\n"
    )


def test_cohort_summary_shows_latest_scores_and_who_is_fair_on_everything(
    coding_project, run_cli
) -> None:
    result = run_cli("coding", "summary", cwd=coding_project)
    assert result.exit_code == 0
    text = lines(result.stdout)
    assert text[0] == "MITI 4.2.1 (miti-4.2.1):"
    # named as people know them, with the id 'coding report' takes (issue 21, defect 21)
    assert text[2].split() == [
        "Alex",
        "Reed",
        "alex-reed",
        "2027-03-18",
        "3.50",
        "fair",
        "3.50",
        "fair",
        "33.33%",
        "below",
        "fair",
        "1.20:1",
        "fair",
        "no",
    ]
    assert text[3].split()[:4] == ["Gwen", "Ellis", "gwen-ellis", "2027-05-06"]
    assert text[3].endswith("yes")
    assert text[-1] == "1 of 3 practitioners at fair or better on every summary score: Gwen Ellis"


def test_cohort_summary_filters_by_trainer_and_client_and_writes_csv(
    coding_project, run_cli
) -> None:
    # Ruth mentors Alex and coded Sam's session; nobody else's
    result = run_cli("coding", "summary", "--trainer", "ruth-calloway", "--format", "csv",
                     cwd=coding_project)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["practitioner"], r["fair_on_every_score"]) for r in rows] == [
        ("alex-reed", "no"),
        ("sam-okoro", "no"),
    ]
    assert rows[0]["sessions"] == "3" and rows[0]["technical_band"] == "fair"
    result = run_cli("coding", "summary", "--client", "cymru", "--format", "csv",
                     cwd=coding_project)  # fmt: skip
    assert [r["practitioner"] for r in csv.DictReader(io.StringIO(result.stdout))] == ["gwen-ellis"]
    result = run_cli("coding", "summary", "--trainer", "ruth-caloway", cwd=coding_project)
    assert result.exit_code == 2
    assert "unknown trainer 'ruth-caloway' (did you mean 'ruth-calloway'?)" in result.stderr


BAD_CSV = """\
speaker,code,volley,txt
practitioner,SR,1,fine
clinet,CHANGE,,
practitioner,SRR,2,
client,SR,,
practitioner,CHANGE,3,
practitioner,SR+,4,
practitioner,Q,,
client,CHANGE+SUSTAIN,,
practitioner,Q,5,too,many
,Q,6,
practitioner,Q,7,"an open quote
"""
SIDECAR = (
    "scale: miti-4.2.1\ncoder: ruth-calloway\nminutes: 20\n"
    "globals: {cultivating_change_talk: 3, softening_sustain_talk: 3, partnership: 3, "
    "empathy: 3}\n"
)


def test_every_bad_row_of_a_coded_csv_is_reported_at_its_line(make_project, run_cli) -> None:
    folder = "content/coding/alex-reed"
    root = make_project(
        {f"{folder}/2027-04-01-bad.csv": BAD_CSV, f"{folder}/2027-04-01-bad.yaml": SIDECAR},
        overlay="coding-basic",
    )
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    where = f"{folder}/2027-04-01-bad.csv"
    assert lines(result.stderr) == [
        f"{where}:1:21: error: unknown column 'txt' (did you mean 'text'?)",
        f"{where}:3:1: error: unknown speaker 'clinet' (did you mean 'client'?)",
        f"{where}:4:1: error: unknown code 'SRR' in scale 'miti-4.2.1' (did you mean 'SR'?)",
        f"{where}:5:1: error: 'SR' is a practitioner's code, but the speaker is the client",
        f"{where}:6:1: error: 'CHANGE' is a client code, but the speaker is the practitioner",
        f"{where}:7:1: error: code 'SR+' has an empty part; join codes with '+', e.g. SR+Q",
        f"{where}:8:1: error: volley is blank: give every practitioner row its volley, or "
        "leave the volley column out (then each run of practitioner rows is one volley)",
        f"{where}:9:1: error: a client's utterance takes one code (got 'CHANGE+SUSTAIN')",
        f"{where}:10:1: error: row has 5 cells but the header names 4 columns",
        f"{where}:11:1: error: speaker is blank: write 'practitioner' or 'client'",
        f"{where}:12:1: error: broken CSV row: unexpected end of data",
        "11 errors",
    ]


def test_a_broken_sidecar_hides_no_error_of_its_csv(make_project, run_cli) -> None:
    """Issue 21, defect 12: every problem in one run, the YAML's and the CSV's."""
    folder = "content/coding/alex-reed"
    broken = SIDECAR.replace("scale: miti-4.2.1", "scale: [miti-4.2.1", 1)
    assert broken != SIDECAR
    root = make_project(
        {f"{folder}/2027-04-01-bad.csv": BAD_CSV, f"{folder}/2027-04-01-bad.yaml": broken},
        overlay="coding-basic",
    )
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    found = lines(result.stderr)
    assert found[0].startswith(f"{folder}/2027-04-01-bad.csv:1:21: error: unknown column 'txt'")
    assert any(line.startswith(f"{folder}/2027-04-01-bad.yaml:") for line in found)
    assert f"{folder}/2027-04-01-bad.csv:12:1: error: broken CSV row: unexpected end of data" in (
        found
    )


def test_bad_values_in_a_sessions_yaml_are_reported_where_they_are(make_project, run_cli) -> None:
    folder = "content/coding/alex-reed"
    root = make_project(
        {
            f"{folder}/2027-04-02-values.yaml": (
                "scale: miti-4.2.1\ncoder: ruth-calloway\nminutes: 0\nglobals:\n"
                "  cultivating_change_talk: 6\n  softening_sustain_talk: 3.5\n"
                "  partnership: yes\n  empathy: 4\ncounts: {gi: 2, q: -1}\n"
            ),
            f"{folder}/2027-04-03-names.yaml": (
                "scale: miti-4.2.1\ncoder: ruth-caloway\nminutes: 20\nglobals:\n"
                "  cultivating_change_talk: 3\n  softening_sustain_talk: 3\n"
                "  partnrship: 4\ncounts: {gi: 2, GI: 1, qq: 3}\n"
            ),
            f"{folder}/2027-04-04-scale.yaml": "scale: miti-4.2.l\ncoder: D\nminutes: 20\n",
            f"{folder}/2027-04-05-alone.csv": "speaker,code\npractitioner,Q\n",
            f"{folder}/2027-04-06-nothing.yaml": SIDECAR,
            f"{folder}/2027-13-01-typo.yaml": SIDECAR,
            f"{folder}/notes.yaml": SIDECAR,
            "content/coding/nobody/2027-04-06-x.yaml": SIDECAR,
        },
        overlay="coding-basic",
    )
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert lines(result.stderr) == [
        f"{folder}/2027-04-02-values.yaml:3:10: error: minutes: input should be greater than 0 (got 0)",
        f"{folder}/2027-04-02-values.yaml:5:28: error: globals.cultivating_change_talk: input "
        "should be less than or equal to 5 (got 6)",
        f"{folder}/2027-04-02-values.yaml:6:27: error: globals.softening_sustain_talk: input "
        "should be a valid integer, got a number with a fractional part (got 3.5)",
        f"{folder}/2027-04-02-values.yaml:7:16: error: globals.partnership: input should be a "
        "valid integer, unable to parse string as an integer (got 'yes')",
        f"{folder}/2027-04-02-values.yaml:9:20: error: counts.q: input should be greater than "
        "or equal to 0 (got -1)",
        f"{folder}/2027-04-03-names.yaml:2:8: error: unknown trainer 'ruth-caloway' (did you "
        "mean 'ruth-calloway'?); write a coder who is not a trainer by name",
        f"{folder}/2027-04-03-names.yaml:4:1: error: missing global ratings 'partnership', "
        "'empathy' (scale 'miti-4.2.1' rates each 1 to 5)",
        f"{folder}/2027-04-03-names.yaml:7:3: error: unknown global 'partnrship' in scale "
        "'miti-4.2.1' (did you mean 'partnership'?)",
        f"{folder}/2027-04-03-names.yaml:8:17: error: 'GI' is counted twice (codes are read in "
        "any case)",
        f"{folder}/2027-04-03-names.yaml:8:24: error: unknown code 'qq' in scale 'miti-4.2.1' "
        "(did you mean 'Q'?)",
        f"{folder}/2027-04-04-scale.yaml:1:8: error: unknown scale 'miti-4.2.l' (did you mean "
        "'miti-4.2.1'?)",
        f"{folder}/2027-04-05-alone.csv:1:1: error: no 2027-04-05-alone.yaml beside it: say "
        "the scale, the coder, the minutes and the globals",
        f"{folder}/2027-04-06-nothing.yaml:1:1: error: no 2027-04-06-nothing.csv beside it and "
        "no 'counts:': give the coded utterances or the counts tallied on paper",
        f"{folder}/2027-13-01-typo.yaml:1:1: error: '2027-13-01' in the file name is not a "
        "date (YYYY-MM-DD)",
        f"{folder}/notes.yaml:1:1: error: name a coded session <YYYY-MM-DD>-<label>, e.g. "
        "2027-04-08-home-visit",
        "content/coding/nobody:1:1: error: 'nobody' is not a trainer's id and its folder has no "
        "practitioner.yaml (name, organisation) (expected one of 'lee-hart', 'ruth-calloway', "
        "'sam-okoro')",
        "16 errors",
    ]


def test_a_report_is_refused_while_a_coded_file_has_problems(make_project, run_cli) -> None:
    folder = "content/coding/alex-reed"
    root = make_project(
        {f"{folder}/2027-04-01-bad.csv": "speaker,code\nclient,Q\n",
         f"{folder}/2027-04-01-bad.yaml": SIDECAR},
        overlay="coding-basic",
    )  # fmt: skip
    result = run_cli("coding", "report", "alex-reed", "--format", "json", cwd=root)
    assert (result.exit_code, result.stdout) == (1, "")
    assert lines(result.stderr) == [
        f"{folder}/2027-04-01-bad.csv:2:1: error: 'Q' is a practitioner's code, but the "
        "speaker is the client",
        "1 error",
    ]


OWN_SCALE = """\
title: Our brief-contact scale
codes:
  - {code: Q, name: Question}
  - {code: R, name: Reflection}
globals:
  - id: warmth
    name: Warmth
    anchors: {1: cold, 2: cool, 3: neutral, 4: warm, 5: very warm}
summaries:
  - id: warmth_score
    name: Warmth
    mean: [warmth]
    fair: 3
    good: 4
  - id: reflections_per_question
    name: Reflections per question
    ratio: {of: [R], to: [Q]}
    unit: ratio
    fair: 1
    good: 1.5
"""


def test_an_organisation_can_code_with_its_own_scale(make_project, run_cli) -> None:
    root = make_project(
        {
            "content/scales/brief-contact.yaml": OWN_SCALE,
            "content/coding/alex-reed/2027-05-01-brief.csv": (
                "speaker,code\npractitioner,q\nclient,CHANGE\npractitioner,R\npractitioner,r\n"
                "client,NEUTRAL\npractitioner,R+Q\n"
            ),
            "content/coding/alex-reed/2027-05-01-brief.yaml": (
                "scale: brief-contact\ncoder: Dana Price\nminutes: 5\nglobals: {warmth: 4}\n"
            ),
        },
        overlay="coding-basic",
    )
    session = report_json(run_cli, root, "alex-reed")["sessions"][-1]
    # volleys: q | R, r -> R once | R+Q
    assert session["counts"] == {"Q": 2, "R": 2, "CHANGE": 1, "SUSTAIN": 0, "NEUTRAL": 1}
    assert session["bands"]["reflections_per_question"]["score"] == 1.0
    assert session["bands"]["reflections_per_question"]["band"] == "fair"
    assert session["bands"]["warmth_score"]["band"] == "good"
    assert session["technical"] is None and session["percent_change_talk"] == 100.0


def test_a_scale_naming_what_it_does_not_have_is_reported(make_project, run_cli) -> None:
    scale = OWN_SCALE.replace("mean: [warmth]", "mean: [warmht]").replace(
        "{of: [R], to: [Q]}", "{of: [RR], to: [Q]}"
    )
    scale = scale.replace("  - {code: R, name: Reflection}", "  - {code: CHANGE, name: Change}")
    root = make_project(
        {"content/scales/brief-contact.yaml": scale, "content/scales/miti-4.2.1.yaml": scale}
    )
    result = run_cli("validate", cwd=root)
    where = "content/scales/brief-contact.yaml"
    assert lines(result.stderr) == [
        f"{where}:4:12: error: 'CHANGE' is a client code in every scale; give the behaviour "
        "another code",
        f"{where}:12:12: error: unknown global 'warmht' (did you mean 'warmth'?)",
        f"{where}:17:18: error: unknown code 'RR' (expected one of 'CHANGE', 'Q')",
        "content/scales/miti-4.2.1.yaml:1:1: error: scale 'miti-4.2.1' is already defined "
        "(built in or by another file); give your own scale another file name",
        "4 errors",
    ]
