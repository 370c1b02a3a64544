"""A session's time, section by section: what its text plans, and what its minutes allow.

A session's text is cut into sections by its ``##`` headings. A section takes the minutes
of its exercises (``::: exercise minutes=15``) plus, when it says so, minutes of its own
(``::: timing minutes=3``: the talk, demonstration or questions besides its exercises). The
sections that state neither share what the session has left, evenly. The facilitator guide's
running order and the practice shares that ``list courses -v`` prints and ``validate``
checks are both worked out here, so that the two can never disagree.

When a text plans more minutes than its session has, the session gives its exercises their
minutes first, in order, then the stated sections theirs, each cut to what is left: the
check phase warns about such a session (:mod:`mi_courseware.checks.practice`).
"""

from __future__ import annotations

from dataclasses import dataclass

from mi_courseware.loading.blocks import SPOKEN
from mi_courseware.loading.markdown import block_info, block_name, parse


@dataclass(frozen=True)
class Exercise:
    """An exercise block: its minutes, its kind (``None``: not said) and its title."""

    minutes: int
    kind: str | None
    title: str
    #: Its line in the text (0-based).
    line: int


@dataclass(frozen=True)
class Section:
    """A ``##`` section of a session's text (or the text before the first, untitled)."""

    title: str
    #: The minutes a ``timing`` block gives it, besides its exercises (``None``: not said).
    stated: int | None
    exercises: tuple[Exercise, ...]
    #: Its line in the text (0-based).
    line: int

    @property
    def planned(self) -> int | None:
        """Its length as planned (``None``: it shares the session's spare minutes)."""
        if self.stated is None and not self.exercises:
            return None
        return (self.stated or 0) + sum(e.minutes for e in self.exercises)


def sections(body: str, title: str) -> list[Section]:
    """The sections of a session's text; text before the first ``##`` heading is a section
    of its own, titled ``title``, when it holds an exercise or a timing."""
    found: list[dict[str, object]] = []
    current: dict[str, object] | None = None
    tokens = parse(body)
    for index, token in enumerate(tokens):
        line = token.map[0] if token.map else 0
        if token.type == "heading_open" and token.tag == "h2":
            inline = tokens[index + 1] if index + 1 < len(tokens) else None
            name = inline.content if inline is not None and inline.type == "inline" else ""
            current = {"title": name, "stated": None, "exercises": [], "line": line}
            found.append(current)
            continue
        kind = block_name(token)
        if kind not in ("exercise", "timing") or not token.type.endswith("_open"):
            continue
        if current is None:
            current = {"title": title, "stated": None, "exercises": [], "line": line}
            found.append(current)
        info = block_info(token)
        minutes = int(info.options.get("minutes", 0))
        if kind == "timing":
            current["stated"] = int(current["stated"] or 0) + minutes  # type: ignore[call-overload]
        elif minutes:
            grouping = info.options.get("kind")
            exercises: list[Exercise] = current["exercises"]  # type: ignore[assignment]
            name = str(info.options.get("title") or current["title"])
            exercises.append(Exercise(minutes, str(grouping) if grouping else None, name, line))
    return [
        Section(
            str(s["title"]),
            s["stated"],  # type: ignore[arg-type]
            tuple(s["exercises"]),  # type: ignore[arg-type]
            int(s["line"]),  # type: ignore[call-overload]
        )
        for s in found
    ]


@dataclass(frozen=True)
class Allotted:
    """A section as a session of given minutes runs it."""

    section: Section
    #: Its minutes in the session.
    minutes: int
    #: The minutes its exercises get, in the order of ``section.exercises``.
    exercises: tuple[int, ...]


def allot(found: list[Section], minutes: int) -> list[Allotted]:
    """The minutes each section gets in a session of ``minutes``: exercises first, then the
    stated sections, each cut to what is left; then the sections that state nothing share
    the rest evenly (the first ones a minute more); minutes nobody claims go to the last
    section without an exercise (or the last section)."""
    left = minutes
    exercises: list[list[int]] = []
    for section in found:
        given = []
        for exercise in section.exercises:
            take = min(exercise.minutes, left)
            given.append(take)
            left -= take
        exercises.append(given)
    own: list[int | None] = []
    for section in found:
        if section.stated is None:
            own.append(None)
            continue
        take = min(section.stated, left)
        own.append(take)
        left -= take
    free = [i for i, section in enumerate(found) if section.planned is None]
    lengths = [(o or 0) + sum(e) for o, e in zip(own, exercises, strict=True)]
    if free:
        for k, i in enumerate(free):
            lengths[i] = left // len(free) + (1 if k < left % len(free) else 0)
    elif found and left:
        talk = [i for i, section in enumerate(found) if not section.exercises]
        lengths[talk[-1] if talk else len(found) - 1] += left
    return [
        Allotted(section, length, tuple(given))
        for section, length, given in zip(found, lengths, exercises, strict=True)
    ]


def planned_minutes(found: list[Section]) -> int:
    """The minutes a text plans for itself: its exercises and its stated sections."""
    return sum(s.planned or 0 for s in found)


@dataclass(frozen=True)
class Practice:
    """Minutes of a session (or several) in exercises, as the sessions give them."""

    taught: int = 0
    exercises: int = 0
    #: Spoken skills practice: exercises of kind ``rehearsal`` or ``real-play``.
    spoken: int = 0
    real_play: int = 0

    def __add__(self, other: Practice) -> Practice:
        return Practice(
            self.taught + other.taught,
            self.exercises + other.exercises,
            self.spoken + other.spoken,
            self.real_play + other.real_play,
        )

    def share(self, part: int) -> float:
        """``part`` as a percentage of the taught minutes (0 when nothing is taught)."""
        return 100 * part / self.taught if self.taught else 0.0


def practice(body: str, title: str, minutes: int) -> Practice:
    """The practice of one session: its text run in ``minutes``."""
    total = spoken = real_play = 0
    for item in allot(sections(body, title), minutes):
        for exercise, given in zip(item.section.exercises, item.exercises, strict=True):
            total += given
            if exercise.kind in SPOKEN:
                spoken += given
            if exercise.kind == "real-play":
                real_play += given
    return Practice(minutes, total, spoken, real_play)
