"""One definition of the evaluation questions per course: the theme's, then the course's own.

The theme words the questions every course asks (in each language of its catalogues): how
well each learning outcome was met, the trainer, the pace, the materials and the course
overall (1-5), confidence in each outcome before the course and now (0-10, both asked at the
end: a retrospective "then-test", which avoids the response-shift bias of a separate
pre-test), and its open questions. A course adds its own (``evaluation: questions:``) after
the scores and before the open questions. The pack's form, the response file's template, the
question list for online forms and the reading of responses all come from this one list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from mi_courseware.core.evaluation import Question
from mi_courseware.errors import Position, Problems
from mi_courseware.loading.i18n import Translator
from mi_courseware.loading.responses import header_key, header_keys

#: A theme's wording in a language, by the language's code.
Wording = Callable[[str], Translator]

#: The theme's single ratings, in the order the form asks them.
RATINGS = ("trainer", "pace", "materials", "overall")
__all__ = ["define", "header_key", "header_keys", "kind_label", "scale_labels", "scale_words"]


def kind_label(kind: str) -> str:
    """A kind as people read it: ``1–5``, ``0–10`` or ``text``."""
    return kind.replace("-", "–")


def define(
    outcomes: Iterable[tuple[str, str]],
    own: Iterable[tuple[str, str, str, Position]],
    wording: Wording,
    languages: Sequence[str],
    language: str,
    problems: Problems,
) -> tuple[Question, ...]:
    """The questions for a course with ``outcomes`` (id, text) and questions of its ``own``
    (id, text, kind, where it is written), worded in ``language`` by the theme whose wording
    in each of its ``languages`` is ``wording(code)`` (a response file may be in any of them).

    Two questions with the same words (as headers match them) could not be told apart in a
    response file: each of the course's own that repeats another is reported where it is.
    """
    outcomes = list(outcomes)
    words = wording(language)
    others = [wording(code) for code in languages if code != language]

    def each(key: str, **values: str) -> tuple[str, tuple[str, ...]]:
        text = words(key, **values)
        keys = [header_key(text), *(header_key(t(key, **values)) for t in others)]
        return text, tuple(dict.fromkeys(keys))

    questions: list[Question] = []
    for ident, text in outcomes:
        wordings, keys = each("evaluation.question.met", outcome=text)
        questions.append(Question(f"met:{ident}", wordings, "1-5", "met", ident, keys, text))
    for role in RATINGS:
        wordings, keys = each(f"evaluation.question.{role}")
        questions.append(Question(role, wordings, "1-5", role, "", keys))
    for ident, text in outcomes:
        for role in ("before", "now"):
            wordings, keys = each(f"evaluation.question.{role}", outcome=text)
            question = Question(f"{role}:{ident}", wordings, "0-10", role, ident, keys, text)
            questions.append(question)
    texts = words("evaluation.open").split("|")
    other_texts = [t("evaluation.open").split("|") for t in others]
    open_questions = []
    for number, text in enumerate(texts, start=1):
        folded = [header_key(text)]
        folded += [header_key(o[number - 1]) for o in other_texts if len(o) >= number]
        question = Question(
            f"open-{number}", text, "text", "open", "", tuple(dict.fromkeys(folded))
        )
        open_questions.append(question)
    taken = {key: q for q in [*questions, *open_questions] for key in q.keys}
    for ident, text, kind, where in own:
        key = header_key(text)
        if key in taken:
            problems.error(
                where,
                f"evaluation question '{ident}' has the same words as the question "
                f"'{taken[key].text}'; a response file could not tell them apart",
            )
            continue
        question = Question(f"own:{ident}", text, kind, "own", "", (key,))
        taken[key] = question
        questions.append(question)
    questions += open_questions
    return tuple(questions)


def scale_words(wording: Wording, languages: Sequence[str]) -> dict[str, int]:
    """Words a form may give for each rating from 1 to 5, in every language, by header key."""
    found: dict[str, int] = {}
    for code in languages:
        t = wording(code)
        for value in range(1, 6):
            for word in t(f"evaluation.scale.{value}").split("|"):
                found.setdefault(header_key(word), value)
    return found


def scale_labels(t: Translator) -> list[str]:
    """The word printed for each rating from 1 to 5."""
    return [t(f"evaluation.scale.{value}").split("|")[0] for value in range(1, 6)]
