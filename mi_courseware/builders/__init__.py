"""One builder per output. The registry names them, says what shapes each (so the pipeline
can tell an up-to-date output without importing its builder) and imports a builder's module
only when it runs."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mi_courseware.builders.base import BuildContext, Builder

if TYPE_CHECKING:
    from mi_courseware.edition import Edition

#: Theme folders the PDF documents read.
DOCUMENT_PARTS = ("templates", "css", "fonts", "i18n")


@dataclass(frozen=True)
class BuilderEntry:
    """A registered output: its name, what it makes, where its class lives, what shapes it."""

    name: str
    description: str
    target: str  # "module:Class"
    #: Parts of the Edition's inputs it reads: course, text, images, brand, roster, evaluations.
    uses: tuple[str, ...] = ("course", "text", "images", "brand")
    #: Parts that must be there for the output to be made (none: always made).
    requires: tuple[str, ...] = ()
    #: What to say when one of them is not, for an event (``{event}``: its id).
    absent: str = ""
    #: Folders of the theme (and its parents) it reads.
    theme_parts: tuple[str, ...] = DOCUMENT_PARTS
    #: Whether the certificate register's record of the event shapes it too.
    register: bool = False
    #: What an edition needs to have this output: ``""`` (nothing), ``"event"``, ``"dated
    #: event"`` (an event with at least one date) or ``"roster"`` (an event with a roster, or
    #: ``--roster``).
    needs: str = ""

    def applies(self, edition: Edition, context: BuildContext) -> bool:
        """Whether ``edition`` has the data this output is made from."""
        if any(not edition.inputs.get(role) for role in self.requires):
            return False  # e.g. the quality report of an event without evaluation responses
        if self.needs and edition.event is None:
            return False
        if self.needs == "dated event":
            return any(day.date for day in edition.days)
        if self.needs == "roster":
            return bool(edition.participants or context.roster)
        return True

    def load(self) -> type[Builder]:
        """The builder class."""
        module_name, _, class_name = self.target.partition(":")
        builder: type[Builder] = getattr(importlib.import_module(module_name), class_name)
        return builder


REGISTRY: dict[str, BuilderEntry] = {
    entry.name: entry
    for entry in (
        BuilderEntry("pack", "participant-pack.pdf", "mi_courseware.builders.pack:PackBuilder"),
        BuilderEntry(
            "facilitator", "facilitator-guide.pdf", "mi_courseware.builders.pack:FacilitatorBuilder"
        ),
        BuilderEntry(
            "slides",
            "slides.pptx",
            "mi_courseware.builders.slides:SlidesBuilder",
            theme_parts=("slides", "i18n", "fonts"),
        ),
        BuilderEntry(
            "certificates",
            "certificates/<number>.pdf, certificates/all-certificates.pdf",
            "mi_courseware.builders.certificates:CertificatesBuilder",
            uses=("course", "brand", "roster"),
            register=True,
            needs="roster",
        ),
        BuilderEntry(
            "flyer",
            "flyer.pdf, flyer.html",
            "mi_courseware.builders.flyer:FlyerBuilder",
            uses=("course", "brand"),
            needs="event",
        ),
        BuilderEntry(
            "calendar",
            "calendar.ics",
            "mi_courseware.builders.calendar:CalendarBuilder",
            uses=("course", "brand"),
            theme_parts=("i18n",),
            needs="dated event",
        ),
        BuilderEntry(
            "sign-in",
            "sign-in.pdf",
            "mi_courseware.builders.signin:SignInBuilder",
            uses=("course", "brand", "roster"),
            needs="event",
        ),
        BuilderEntry(
            "quality-report",
            "quality-report.pdf (events with evaluation responses)",
            "mi_courseware.builders.quality:QualityReportBuilder",
            uses=("course", "brand", "roster", "evaluations"),
            requires=("evaluations",),
            absent="event '{event}' has no evaluation responses: put them in "
            "content/evaluations/{event}.csv or .xlsx, or name the file with 'evaluations:'",
        ),
    )
}

__all__ = ["REGISTRY", "BuildContext", "Builder", "BuilderEntry"]
