"""A skills measure taken before and after a course, scored by the trainer.

Participants answer a written-response questionnaire (a client's statement, then "write what
you would say next") at the start and at the end; the trainer scores each answer 0 to 2 with
the rubric in the guide. The scores go in ``content/evaluations/<event>-skills.csv`` (or
``.xlsx``), one row per answer: ``name``, ``item`` (an id from the course's ``evaluation:
skills:``), ``when`` (``before`` or ``after``) and ``score``. The file is read like the
evaluation responses, and every bad cell is a problem at its place. The quality report shows,
per item, the mean change of those scored both times, beside their own confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from mi_courseware.core.evaluation import SkillItem, SkillScore, SkillScores
from mi_courseware.errors import Position, Problems, did_you_mean
from mi_courseware.loading.responses import ResponseTable, header_key, short
from mi_courseware.resolving.stats import PairedMeans

COLUMNS = ("name", "item", "when", "score")
WHEN = ("before", "after")
#: The rubric's lowest and highest score.
LOWEST, HIGHEST = 0, 2


def read_skills(
    table: ResponseTable, items: tuple[SkillItem, ...], course: str, problems: Problems
) -> SkillScores | None:
    """Every score in a skills file; each bad cell is a problem where it is (``None``: the
    file could not be read as scores)."""
    path = table.path
    if not items:
        problems.error(
            Position(path, 1, 0),
            f"course '{course}' has no skills measure: list its items under 'evaluation: "
            "skills:' (id, label, outcome) before giving scores for them",
        )
        return None
    columns: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        key = header_key(header)
        if key in COLUMNS and key not in columns:
            columns[key] = index
        elif key:
            problems.warning(
                table.where(1, index),
                f"{table.name(index)} is not a column of a skills file, so it is not read"
                f"{did_you_mean(key, COLUMNS)}",
            )
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        problems.error(
            Position(path, 1, 0),
            f"a skills file needs the columns {', '.join(COLUMNS)} (missing: {', '.join(missing)})",
        )
        return None
    known = {item.id for item in items}
    before = len(problems.errors)
    seen: dict[tuple[str, str, str], int] = {}
    scores: list[SkillScore] = []
    for line, cells in table.rows:
        values = {c: cells[i] if i < len(cells) else None for c, i in columns.items()}
        texts = {c: "" if v is None else " ".join(str(v).split()) for c, v in values.items()}
        if not any(texts.values()):
            continue
        bad = False

        def wrong(column: str, message: str, line: int = line) -> None:
            nonlocal bad
            bad = True
            index = columns[column]
            problems.error(table.where(line, index), f"{table.name(index)}: {message}")

        name, item, when = texts["name"], texts["item"], texts["when"].casefold()
        if not name:
            wrong("name", "blank: whose answer was scored?")
        if item not in known:
            wrong("item", f"unknown item '{short(item, 40)}'{did_you_mean(item, known)}")
        if when not in WHEN:
            wrong("when", f"'{short(texts['when'], 40)}' is neither before nor after")
        score = _score(values["score"])
        if score is None:
            wrong("score", f"'{short(texts['score'], 40)}' is not a score of 0, 1 or 2")
        answer = (name.casefold(), item, when)
        if not bad and answer in seen:
            wrong(
                "name", f"{name}'s {when} score for item {item} is given twice (row {seen[answer]})"
            )
        if bad or score is None:
            continue
        seen[answer] = line
        scores.append(SkillScore(name, item, when, score, line))
    if not scores and len(problems.errors) == before:
        problems.error(Position(path, 2, 0), "no scores below the header row")
        return None
    return SkillScores(path, items, tuple(scores))


def _score(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and LOWEST <= value <= HIGHEST:
        return value
    return None


@dataclass(frozen=True)
class ItemChange(PairedMeans):
    """One item's scores: before and after means over those scored both times, and the
    mean of each person's change."""

    item: SkillItem
    pairs: tuple[tuple[int, int], ...]


def item_changes(skills: SkillScores) -> list[ItemChange]:
    """Each item's paired scores, in the course's order."""
    given = {(s.name.casefold(), s.item, s.when): s.score for s in skills.scores}
    people = sorted({s.name.casefold() for s in skills.scores})
    found = []
    for item in skills.items:
        pairs = []
        for person in people:
            before = given.get((person, item.id, "before"))
            after = given.get((person, item.id, "after"))
            if before is not None and after is not None:
                pairs.append((before, after))
        found.append(ItemChange(item, tuple(pairs)))
    return found
