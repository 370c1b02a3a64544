"""The evaluation as an Edition carries it: plain, frozen data (cached as JSON, never pickle).

:mod:`mi_courseware.core.plain` may build every dataclass of this module when it reads the edition
cache; keep them plain (no methods that do work, no references to other objects).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: Lowest and highest answer of each numeric kind.
RANGES = {"1-5": (1, 5), "0-10": (0, 10)}


@dataclass(frozen=True)
class Question:
    """One question of the evaluation form.

    ``role`` says what it asks: ``met`` (an outcome met), ``trainer``, ``pace``,
    ``materials``, ``overall``, ``before`` and ``now`` (confidence in an outcome), ``own`` (a
    course's own question) or ``open`` (the theme's open questions).
    """

    id: str
    text: str
    kind: str
    role: str
    #: The outcome it is about (``met``, ``before``, ``now``), else ``""``.
    outcome: str = ""
    #: Header keys that name it (its wording in each language, folded by ``header_key``).
    keys: tuple[str, ...] = ()
    #: The outcome's own words, for questions about one.
    about: str = ""


@dataclass(frozen=True)
class Answer:
    """One cell read: the question it answers, its value, and where it was."""

    question: str
    value: int | str
    #: ``Sheet1!D14`` in a workbook, ``D`` in a CSV file (whose row is the response's).
    cell: str = ""


@dataclass(frozen=True)
class Response:
    """One person's answers: the row they were read from and each non-blank answer."""

    row: int
    answers: tuple[Answer, ...] = ()


@dataclass(frozen=True)
class Responses:
    """Every response read from one file."""

    path: Path
    rows: tuple[Response, ...] = ()
    #: The ids of the questions that have a column in the file.
    columns: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class SkillItem:
    """One item of a course's written-response skills measure."""

    id: str
    label: str
    #: The outcome it measures (``""``: none named).
    outcome: str = ""


@dataclass(frozen=True)
class SkillScore:
    """One score the trainer gave: who, which item, ``before`` or ``after``, 0 to 2."""

    name: str
    item: str
    when: str
    score: int
    #: The row it was read from.
    row: int = 0


@dataclass(frozen=True)
class SkillScores:
    """An event's skills measure: the course's items and every score read from the file."""

    path: Path
    items: tuple[SkillItem, ...] = ()
    scores: tuple[SkillScore, ...] = ()
