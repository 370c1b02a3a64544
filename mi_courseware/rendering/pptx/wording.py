"""Fixed wording on slides, in English and Welsh.

Kept in one table so that it can move into the theme's translation catalogue
(``themes/<theme>/i18n/<lang>.yaml``) under the same ``slides.*`` keys; :class:`Wording` has
the same call shape as that catalogue's translator. The Welsh wants checking by a Welsh
speaker before it goes to a client.
"""

from __future__ import annotations

import datetime

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "slides.learning_outcomes": "Learning outcomes",
        "slides.timetable": "Timetable",
        "slides.timetable_day": "Timetable: day {n}",
        "slides.time": "Time",
        "slides.session_column": "Session",
        "slides.session": "Session {n}",
        "slides.day": "Day {n}",
        "slides.minutes": "minutes",
        "slides.minute": "minute",
        "slides.duration": "{n} minutes",
        "slides.exercise": "Exercise",
        "slides.grouping.individual": "on your own",
        "slides.grouping.pairs": "in pairs",
        "slides.grouping.triads": "in triads",
        "slides.grouping.small groups": "in small groups",
        "slides.grouping.whole group": "as a whole group",
        "slides.continued": "{title} (continued)",
        "slides.thank_you": "Thank you",
        "slides.evaluation": "Please complete the evaluation form before you leave.",
        "slides.online": "Online",
        "slides.and": "and",
        "slides.notes.timing": "Session {n} of {total}: {title}, {times} ({minutes} minutes)",
        "slides.notes.trainer": "Trainer notes",
        "slides.notes.answers": "Answers",
        "slides.notes.materials": "Materials: {items}",
        "slides.notes.handouts": "Handouts: {items}",
        "slides.notes.trainers": "Trainers: {names}",
        "slides.notes.standards": "Standards: {refs}",
        "slides.notes.cpd": "{minutes} minutes taught; {hours} CPD hours.",
        "slides.notes.contact": "Course contact: {contact}",
        "slides.cycle.precontemplation": "Precontemplation",
        "slides.cycle.contemplation": "Contemplation",
        "slides.cycle.preparation": "Preparation",
        "slides.cycle.action": "Action",
        "slides.cycle.maintenance": "Maintenance",
        "slides.cycle.relapse": "Relapse",
        "slides.cycle.title": "Cycle of change",
        "slides.balance.staying": "Staying the same",
        "slides.balance.changing": "Making a change",
        "slides.balance.good": "Good things",
        "slides.balance.not_so_good": "Not-so-good things",
        "slides.ruler.low": "Not at all",
        "slides.ruler.high": "Extremely",
        "slides.ruler.label": "Importance",
    },
    "cy": {
        "slides.learning_outcomes": "Deilliannau dysgu",
        "slides.timetable": "Amserlen",
        "slides.timetable_day": "Amserlen: diwrnod {n}",
        "slides.time": "Amser",
        "slides.session_column": "Sesiwn",
        "slides.session": "Sesiwn {n}",
        "slides.day": "Diwrnod {n}",
        "slides.minutes": "munud",
        "slides.minute": "munud",
        "slides.duration": "{n} munud",
        "slides.exercise": "Ymarfer",
        "slides.grouping.individual": "ar eich pen eich hun",
        "slides.grouping.pairs": "mewn parau",
        "slides.grouping.triads": "mewn grwpiau o dri",
        "slides.grouping.small groups": "mewn grwpiau bach",
        "slides.grouping.whole group": "fel grŵp cyfan",
        "slides.continued": "{title} (parhad)",
        "slides.thank_you": "Diolch",
        "slides.evaluation": "Llenwch y ffurflen werthuso cyn i chi adael, os gwelwch yn dda.",
        "slides.online": "Ar-lein",
        "slides.and": "a",
        "slides.notes.timing": "Sesiwn {n} o {total}: {title}, {times} ({minutes} munud)",
        "slides.notes.trainer": "Nodiadau'r hyfforddwr",
        "slides.notes.answers": "Atebion",
        "slides.notes.materials": "Deunyddiau: {items}",
        "slides.notes.handouts": "Taflenni: {items}",
        "slides.notes.trainers": "Hyfforddwyr: {names}",
        "slides.notes.standards": "Safonau: {refs}",
        "slides.notes.cpd": "{minutes} munud o addysgu; {hours} awr DPP.",
        "slides.notes.contact": "Cyswllt y cwrs: {contact}",
        "slides.cycle.precontemplation": "Cyn ystyried",
        "slides.cycle.contemplation": "Ystyried",
        "slides.cycle.preparation": "Paratoi",
        "slides.cycle.action": "Gweithredu",
        "slides.cycle.maintenance": "Cynnal",
        "slides.cycle.relapse": "Llithro'n ôl",
        "slides.cycle.title": "Cylch newid",
        "slides.balance.staying": "Aros yr un fath",
        "slides.balance.changing": "Gwneud newid",
        "slides.balance.good": "Pethau da",
        "slides.balance.not_so_good": "Pethau llai da",
        "slides.ruler.low": "Dim o gwbl",
        "slides.ruler.high": "Yn fawr iawn",
        "slides.ruler.label": "Pwysigrwydd",
    },
}

_MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "cy": ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst",
           "Medi", "Hydref", "Tachwedd", "Rhagfyr"],
}
_WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "cy": ["Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener",
           "Dydd Sadwrn", "Dydd Sul"],
}
#: BCP 47 tags for PowerPoint's proofing language.
LANG_TAGS = {"en": "en-GB", "cy": "cy-GB"}


class Wording:
    """The slides' fixed wording in one language (English where a string is missing)."""

    def __init__(self, language: str) -> None:
        self.language = language if language in STRINGS else "en"
        self.tag = LANG_TAGS[self.language]

    def __call__(self, key: str, **values: object) -> str:
        """The text for ``key`` with ``{name}`` placeholders filled."""
        text = STRINGS[self.language].get(key) or STRINGS["en"][key]
        return text.format(**values) if values else text

    def date(self, value: datetime.date, weekday: bool = False) -> str:
        """``Thursday 11 March 2027`` / ``Dydd Iau 11 Mawrth 2027``."""
        text = f"{value.day} {_MONTHS[self.language][value.month - 1]} {value.year}"
        return f"{_WEEKDAYS[self.language][value.weekday()]} {text}" if weekday else text

    def dates(self, values: tuple[datetime.date, ...]) -> str:
        """Several dates: ``11 and 12 March 2027``."""
        if len(values) <= 1:
            return self.date(values[0]) if values else ""
        words = [self.date(v) for v in values]
        if all((v.year, v.month) == (values[-1].year, values[-1].month) for v in values):
            words = [str(v.day) for v in values[:-1]] + [words[-1]]
        return ", ".join(words[:-1]) + f" {self('slides.and')} " + words[-1]
