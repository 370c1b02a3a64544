"""Moments of a coded session worth quoting back to the practitioner.

A feedback report is easier to learn from when it quotes the session: from a transcript
(a CSV with ``text`` and ``time``) this picks the strongest complex reflection (the one the
client answered with the most change talk), the first two moments when the client's change
talk met a question or nothing that picked it up, and every MI-non-adherent response, with
the scale's advice on what to say instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from mi_courseware.loading.coded import Coding, Utterance
from mi_courseware.model.scale import Scale

#: How many missed moments of change talk a report quotes.
MISSED = 2


@dataclass(frozen=True)
class Said:
    """One utterance as a report quotes it."""

    time: str
    text: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Reflection:
    """A complex reflection and the change talk the client gave straight after it."""

    said: Said
    change_talk: int
    answer: Said | None


@dataclass(frozen=True)
class Missed:
    """Change talk, and what the practitioner said next (``None``: nothing before the
    client spoke again or the session ended); ``how`` is ``question`` or ``unanswered``."""

    change: Said
    reply: Said | None
    how: str


@dataclass(frozen=True)
class NonAdherent:
    """An MI-non-adherent response, its code's name, and what to say instead."""

    said: Said
    code: str
    name: str
    instead: str


@dataclass(frozen=True)
class Moments:
    """What a report quotes from one session."""

    reflection: Reflection | None
    missed: tuple[Missed, ...]
    non_adherent: tuple[NonAdherent, ...]


def _said(utterance: Utterance) -> Said:
    return Said(utterance.time or "", utterance.text or "", utterance.codes)


def _runs(utterances: tuple[Utterance, ...]) -> list[tuple[str, list[Utterance]]]:
    """The session as turns: each run of rows by one speaker."""
    turns: list[tuple[str, list[Utterance]]] = []
    for utterance in utterances:
        if turns and turns[-1][0] == utterance.speaker:
            turns[-1][1].append(utterance)
        else:
            turns.append((utterance.speaker, [utterance]))
    return turns


def moments(coding: Coding, scale: Scale) -> Moments | None:
    """The quotable moments of ``coding`` (``None``: it has no transcript)."""
    if not coding.utterances:
        return None
    turns = _runs(coding.utterances)
    complex_code = scale.reflections.complex if scale.reflections else None
    listening = (
        {scale.reflections.simple, scale.reflections.complex} if scale.reflections else set()
    )
    listening.add("AF")  # an affirmation picks change talk up as well
    best: Reflection | None = None
    missed: list[Missed] = []
    for index, (speaker, rows) in enumerate(turns):
        following = turns[index + 1] if index + 1 < len(turns) else None
        if speaker == "practitioner" and complex_code:
            answer = following[1] if following else []
            change = sum(1 for u in answer if "CHANGE" in u.codes)
            for row in rows:
                if complex_code in row.codes and (best is None or change > best.change_talk):
                    best = Reflection(_said(row), change, _said(answer[0]) if answer else None)
        if speaker == "client" and "CHANGE" in rows[-1].codes and len(missed) < MISSED:
            reply = following[1] if following else []
            codes = {c for u in reply for c in u.codes}
            if codes & listening:
                continue
            how = "question" if "Q" in codes else "unanswered"
            missed.append(Missed(_said(rows[-1]), _said(reply[0]) if reply else None, how))
    flagged = {c.code: c for c in scale.codes if c.non_adherent}
    wrong = [
        NonAdherent(_said(u), code, flagged[code].name, flagged[code].instead)
        for u in coding.utterances
        if u.speaker == "practitioner"
        for code in u.codes
        if code in flagged
    ]
    return Moments(best, tuple(missed), tuple(wrong))
