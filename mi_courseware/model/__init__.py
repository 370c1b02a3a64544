"""Validated, immutable models of every file a courseware project holds."""

from mi_courseware.model.addon import AddOn
from mi_courseware.model.base import Model
from mi_courseware.model.client import Client, Colours, Contact, Signatory
from mi_courseware.model.course import (
    Break,
    CertificateSettings,
    Course,
    Feedback,
    Outcome,
    Reading,
    Schedule,
    Session,
    Variant,
)
from mi_courseware.model.documents import HandoutMeta, ModuleMeta, PageMeta
from mi_courseware.model.event import AdminContact, Event, TimeRange
from mi_courseware.model.participant import RosterRow
from mi_courseware.model.standards import Framework, StandardsCatalogue, Unit
from mi_courseware.model.theme import ThemeConfig

#: Every file format, by the name used for its JSON Schema and in the reference.
FILE_FORMATS: dict[str, type[Model]] = {
    "course": Course,
    "addon": AddOn,
    "standards": StandardsCatalogue,
    "client": Client,
    "event": Event,
    "module": ModuleMeta,
    "handout": HandoutMeta,
    "client-page": PageMeta,
    "participant": RosterRow,
    "theme": ThemeConfig,
}

__all__ = [
    "FILE_FORMATS",
    "AddOn",
    "AdminContact",
    "Break",
    "CertificateSettings",
    "Client",
    "Colours",
    "Contact",
    "Course",
    "Event",
    "Feedback",
    "Framework",
    "HandoutMeta",
    "ModuleMeta",
    "Outcome",
    "PageMeta",
    "Reading",
    "RosterRow",
    "Schedule",
    "Session",
    "Signatory",
    "StandardsCatalogue",
    "ThemeConfig",
    "TimeRange",
    "Unit",
    "Variant",
]
