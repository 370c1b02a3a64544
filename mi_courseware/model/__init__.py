"""Validated, immutable models of every file a courseware project holds."""

from mi_courseware.model.addon import AddOn
from mi_courseware.model.base import Model
from mi_courseware.model.client import Client, Colours, Contact, Licence, Signatory
from mi_courseware.model.coding import CodedSession, UtteranceRow
from mi_courseware.model.course import (
    Break,
    CertificateSettings,
    Course,
    Feedback,
    Outcome,
    Reading,
    Schedule,
    Session,
    SkillScoreRow,
    Variant,
)
from mi_courseware.model.documents import HandoutMeta, ModuleMeta, PageMeta
from mi_courseware.model.event import AdminContact, Event, EventDay, TimeRange
from mi_courseware.model.participant import RosterRow
from mi_courseware.model.scale import Scale
from mi_courseware.model.standards import Framework, StandardsCatalogue, Unit
from mi_courseware.model.theme import LanguageFacts, ThemeConfig
from mi_courseware.model.trainer import Accreditation, Practitioner, Trainer

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
    "language": LanguageFacts,
    "trainer": Trainer,
    "scale": Scale,
    "practitioner": Practitioner,
    "coded-session": CodedSession,
    "utterance": UtteranceRow,
    "skills-score": SkillScoreRow,
}

__all__ = [
    "FILE_FORMATS",
    "Accreditation",
    "AddOn",
    "AdminContact",
    "Break",
    "CertificateSettings",
    "Client",
    "CodedSession",
    "Colours",
    "Contact",
    "Course",
    "Event",
    "EventDay",
    "Feedback",
    "Framework",
    "HandoutMeta",
    "LanguageFacts",
    "Licence",
    "ModuleMeta",
    "Outcome",
    "PageMeta",
    "Practitioner",
    "Reading",
    "RosterRow",
    "Scale",
    "Schedule",
    "Session",
    "Signatory",
    "SkillScoreRow",
    "StandardsCatalogue",
    "ThemeConfig",
    "TimeRange",
    "Trainer",
    "Unit",
    "UtteranceRow",
    "Variant",
]
