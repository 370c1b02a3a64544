"""Coded sessions as loaded, and counting them by MITI 4.2.1's volley rule.

Plain dataclasses: :mod:`mi_courseware.loading.coding` makes them from the project's files
(every bad row or value already reported with its line), the rest of the package reads them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from mi_courseware.model.scale import CLIENT_CODES, Scale

if TYPE_CHECKING:
    from mi_courseware.loading.records import Record
    from mi_courseware.model.coding import CodedSession


@dataclass(frozen=True)
class Utterance:
    """One row of a coded session's CSV."""

    line: int
    #: ``practitioner`` or ``client``.
    speaker: str
    #: Upper-case codes; none when the utterance was not coded.
    codes: tuple[str, ...]
    #: The ``volley`` cell, when the CSV has that column.
    volley: str | None = None
    #: When it was said in the recording (``MM:SS``), when the CSV gives it.
    time: str | None = None
    #: What was said, when the CSV gives it (quoted on the feedback report).
    text: str | None = None


@dataclass(frozen=True)
class Coding:
    """One coded session: its sidecar YAML and either its utterances or tallied counts."""

    practitioner: str
    date: date
    label: str
    sidecar: Record[CodedSession]
    #: The CSV of utterances; ``None`` for a session tallied on paper (``counts:``).
    csv: Path | None = None
    utterances: tuple[Utterance, ...] = ()
    #: Whether the CSV has a ``volley`` column (else runs of practitioner rows are volleys).
    volley_column: bool = False

    @property
    def scale_id(self) -> str:
        """The id of the scale it was coded with."""
        return self.sidecar.model.scale

    @property
    def path(self) -> Path:
        """The file that holds its codes: the CSV, or the YAML for tallied counts."""
        return self.csv or self.sidecar.path


@dataclass(frozen=True)
class PractitionerInfo:
    """A practitioner with a folder under ``content/coding/``."""

    id: str
    name: str
    organisation: str | None
    mentor: str | None
    folder: Path
    #: Whether the id is a trainer's (then no ``practitioner.yaml`` is needed).
    trainer: bool
    codings: tuple[Coding, ...]


def volleys(
    utterances: tuple[Utterance, ...], by_column: bool, per_utterance: bool = False
) -> list[set[str]]:
    """The practitioner's codes, volley by volley.

    With a ``volley`` column, rows with the same value form one volley wherever they are;
    without it, each run of practitioner rows between two client rows is one volley. A scale
    that counts per utterance makes each practitioner row a group of its own.
    """
    grouped: dict[object, set[str]] = {}
    run = 0
    for index, utterance in enumerate(utterances):
        if utterance.speaker == "client":
            run += 1
            continue
        key: object = ("volley", utterance.volley) if by_column else ("run", run)
        if per_utterance:
            key = ("row", index)
        grouped.setdefault(key, set()).update(utterance.codes)
    return list(grouped.values())


def count_codes(coding: Coding, scale: Scale) -> dict[str, int]:
    """Counts of every behaviour code of ``scale`` and every client code, in the scale's order.

    Within a volley each behaviour code counts once, and reflections count once: as complex
    when any of them is complex (a scale with ``count_per: utterance`` counts every coded
    row instead).
    """
    counts: Counter[str] = Counter()
    if coding.csv is None:
        given = coding.sidecar.model.counts or {}
        counts.update({code.upper(): value for code, value in given.items()})
    else:
        per_utterance = scale.count_per == "utterance"
        for codes in volleys(coding.utterances, coding.volley_column, per_utterance):
            if scale.reflections and scale.reflections.complex in codes:
                codes.discard(scale.reflections.simple)
            counts.update(codes)
        for utterance in coding.utterances:
            if utterance.speaker == "client":
                counts.update(utterance.codes)
    order = [c.code for c in scale.codes] + list(CLIENT_CODES)
    return {code: counts.get(code, 0) for code in order}
