"""The numbers of an evaluation: counts, means, medians, response rates, paired changes.

Worked out exactly (``Fraction``) and rounded only when shown, half away from zero: means and
changes to two decimals, response rates to whole percents. A question nobody answered has no
mean (shown as a dash), never a division by zero. Confidence "before the course" and "now"
are paired: the change is worked out for each person who gave both scores, then averaged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from mi_courseware.core.edition import Edition
from mi_courseware.core.evaluation import RANGES, Question, Responses
from mi_courseware.core.people import Participant
from mi_courseware.errors import ContentError

MINUS = "−"


def attended(person: Participant) -> bool:
    """Whether ``person`` counts as having attended (the response rate's denominator): on a
    roster that records days, whoever attended at least one; otherwise its ``attended``."""
    if person.marks:
        return person.attended and any(present for _, present in person.marks)
    return person.attended


def mean(values: Sequence[int]) -> Fraction | None:
    """The exact mean, or ``None`` for no values."""
    return Fraction(sum(values), len(values)) if values else None


def median(values: Sequence[int]) -> Fraction | None:
    """The exact median (the mean of the middle two for an even count), or ``None``."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def _round(value: Fraction, places: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def show_mean(value: Fraction | None) -> str:
    """``4.25``; a dash for none."""
    return "–" if value is None else f"{_round(value, 2)}"


def show_median(value: Fraction | None) -> str:
    """``4`` or ``4.5``; a dash for none."""
    if value is None:
        return "–"
    return str(value.numerator) if value.denominator == 1 else f"{_round(value, 1)}"


def show_change(value: Fraction | None, minus: str = MINUS) -> str:
    """``+3.15`` or ``−0.50`` (``minus`` ``-`` for spreadsheets); a dash for none."""
    if value is None:
        return "–"
    text = f"{_round(abs(value), 2)}"
    return f"+{text}" if value >= 0 else f"{minus}{text}"


def show_rate(value: Fraction | None) -> str:
    """``85%``; a dash when it is not known."""
    return "–" if value is None else f"{_round(value * 100, 0)}%"


@dataclass(frozen=True)
class QuestionStats:
    """One rated or scored question: how many gave each answer, n, mean, median."""

    question: Question
    values: tuple[int, ...]

    @property
    def n(self) -> int:
        """How many answered."""
        return len(self.values)

    @property
    def counts(self) -> list[tuple[int, int]]:
        """(answer, how many gave it) for every possible answer, lowest first."""
        low, high = RANGES[self.question.kind]
        return [(v, self.values.count(v)) for v in range(low, high + 1)]

    @property
    def mean(self) -> Fraction | None:
        """The mean answer."""
        return mean(self.values)

    @property
    def median(self) -> Fraction | None:
        """The median answer."""
        return median(self.values)


class PairedMeans:
    """Means over paired scores (each person's before and after, given both): how many, the
    mean before, the mean after and the mean of each person's change. A mixin for frozen
    dataclasses with a ``pairs`` field."""

    pairs: tuple[tuple[int, int], ...]

    @property
    def n(self) -> int:
        """How many gave both scores."""
        return len(self.pairs)

    @property
    def before(self) -> Fraction | None:
        """The mean before the course."""
        return mean([b for b, _ in self.pairs])

    @property
    def after(self) -> Fraction | None:
        """The mean after (or now)."""
        return mean([a for _, a in self.pairs])

    @property
    def change(self) -> Fraction | None:
        """The mean of each person's change (after minus before)."""
        return mean([a - b for b, a in self.pairs])


@dataclass(frozen=True)
class Confidence(PairedMeans):
    """Confidence in one outcome before the course and now, over those who gave both."""

    outcome: str
    text: str
    pairs: tuple[tuple[int, int], ...]

    @property
    def now(self) -> Fraction | None:
        """Mean confidence now."""
        return self.after


@dataclass(frozen=True)
class Comments:
    """Every answer to one open question, in the order of the responses."""

    question: Question
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    """What one run's (or several runs' pooled) responses say."""

    responses: int
    #: How many attended (``None``: no roster, so not known).
    attended: int | None
    ratings: tuple[QuestionStats, ...]
    confidence: tuple[Confidence, ...]
    comments: tuple[Comments, ...]

    @property
    def rate(self) -> Fraction | None:
        """Responses over those who attended (``None`` when not known: no roster, or more
        responses than attended, which a response rate cannot be)."""
        if not self.attended or self.responses > self.attended:
            return None
        return Fraction(self.responses, self.attended)

    def rating(self, role: str) -> QuestionStats | None:
        """The first rating with ``role`` (``overall``: satisfaction)."""
        return next((r for r in self.ratings if r.question.role == role), None)

    @property
    def satisfaction(self) -> Fraction | None:
        """The mean of the "overall" rating."""
        overall = self.rating("overall")
        return overall.mean if overall else None

    @property
    def outcomes(self) -> list[QuestionStats]:
        """How well each outcome was met, in the course's order (those answered)."""
        return [r for r in self.ratings if r.question.role == "met" and r.n]

    @property
    def best(self) -> QuestionStats | None:
        """The outcome best met (the first of equals)."""
        rated = self.outcomes
        return max(rated, key=lambda r: r.mean or 0) if rated else None

    @property
    def least(self) -> QuestionStats | None:
        """The outcome least met (the first of equals)."""
        rated = self.outcomes
        return min(rated, key=lambda r: r.mean or 0) if rated else None

    @property
    def change(self) -> Fraction | None:
        """The mean of every paired change in confidence, all outcomes together."""
        return mean([n - b for c in self.confidence for b, n in c.pairs])


def summarise(
    runs: Iterable[tuple[tuple[Question, ...], Responses]], attended_count: int | None
) -> Summary:
    """The numbers of the responses of one run, or of several pooled.

    Questions are pooled when they have the same id and the same words (so one outcome of
    one course, or the theme's ratings in one language).
    """
    values: dict[tuple[str, str], list[int]] = {}
    texts: dict[tuple[str, str], list[str]] = {}
    pairs: dict[tuple[str, str], list[tuple[int, int]]] = {}
    asked: dict[tuple[str, str], Question] = {}
    responses = 0
    for questions, answers in runs:
        by_id = {q.id: q for q in questions}
        for question in questions:
            asked.setdefault((question.id, question.text), question)
        responses += len(answers.rows)
        for row in answers.rows:
            given = {a.question: a.value for a in row.answers}
            for ident, value in given.items():
                question = by_id[ident]
                key = (question.id, question.text)
                if question.kind == "text":
                    texts.setdefault(key, []).append(str(value))
                elif question.role not in ("before", "now"):
                    values.setdefault(key, []).append(int(value))
            for question in questions:
                if question.role != "before":
                    continue
                before = given.get(question.id)
                now = given.get(f"now:{question.outcome}")
                if isinstance(before, int) and isinstance(now, int):
                    key = (question.outcome, question.text)
                    pairs.setdefault(key, []).append((before, now))
    ratings = tuple(
        QuestionStats(q, tuple(values.get(key, ())))
        for key, q in asked.items()
        if q.kind != "text" and q.role not in ("before", "now")
    )
    confidence = tuple(
        Confidence(q.outcome, q.about, tuple(pairs.get((q.outcome, q.text), ())))
        for q in asked.values()
        if q.role == "before"
    )
    comments = tuple(
        Comments(q, tuple(texts.get(key, ()))) for key, q in asked.items() if q.kind == "text"
    )
    return Summary(responses, attended_count, ratings, confidence, comments)


def event_summary(edition: Edition) -> Summary:
    """The numbers of ``edition``'s responses (its roster gives who attended)."""
    if edition.responses is None:
        where = edition.sources[-1] if edition.sources else edition.project_root
        raise ContentError.single(where, "this event has no evaluation responses")
    roster = edition.participants
    count = (
        sum(1 for p in roster if attended(p)) if edition.event and edition.event.roster else None
    )
    return summarise([(edition.questions, edition.responses)], count)
