"""One builder per output. The registry names them; modules are imported only when used."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from mi_courseware.builders.base import BuildContext, Builder


@dataclass(frozen=True)
class BuilderEntry:
    """A registered output: its name, what it makes, and where its class lives."""

    name: str
    description: str
    target: str  # "module:Class"

    def load(self) -> type[Builder] | None:
        """The builder class, or ``None`` while it is not available in this version."""
        module_name, _, class_name = self.target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        builder: type[Builder] = getattr(module, class_name)
        return builder


REGISTRY: dict[str, BuilderEntry] = {
    entry.name: entry
    for entry in (
        BuilderEntry("pack", "participant-pack.pdf", "mi_courseware.builders.pack:PackBuilder"),
        BuilderEntry(
            "facilitator", "facilitator-guide.pdf", "mi_courseware.builders.pack:FacilitatorBuilder"
        ),
        BuilderEntry("slides", "slides.pptx", "mi_courseware.builders.slides:SlidesBuilder"),
        BuilderEntry(
            "certificates",
            "certificates/<number>.pdf, certificates/all-certificates.pdf",
            "mi_courseware.builders.certificates:CertificatesBuilder",
        ),
        BuilderEntry("flyer", "flyer.pdf, flyer.html", "mi_courseware.builders.flyer:FlyerBuilder"),
        BuilderEntry("calendar", "calendar.ics", "mi_courseware.builders.calendar:CalendarBuilder"),
        BuilderEntry("sign-in", "sign-in.pdf", "mi_courseware.builders.signin:SignInBuilder"),
    )
}

__all__ = ["REGISTRY", "BuildContext", "Builder", "BuilderEntry"]
