"""One builder per output, and the registry made from their classes.

Each output is a :class:`~mi_courseware.builders.base.Builder` subclass that owns its whole
contract (its name, what shapes it, what it writes: see :mod:`mi_courseware.builders.base`).
The registry maps each name to its class; ``build --only``'s choices and help, the planner
and the commands that make project-level outputs read it. :func:`register_builder` adds an
output, from this package or from outside it (a plugin, a test)::

    @register_builder
    class HelloBuilder(Builder[Edition]):
        name = "hello"
        ...

Builder modules are cheap to import (they import what they render with inside their
methods), so the registry costs a rebuild with nothing to do almost nothing.
"""

from __future__ import annotations

from typing import Any, TypeVar

from mi_courseware.builders.base import DOCUMENT_PARTS, BuildContext, Builder, PdfBuilder
from mi_courseware.builders.calendar import CalendarBuilder
from mi_courseware.builders.certificates import CertificatesBuilder
from mi_courseware.builders.coding import CodingReportBuilder, CodingSheetBuilder
from mi_courseware.builders.evaluation import RunsReportBuilder, TemplateBuilder
from mi_courseware.builders.flyer import FlyerBuilder
from mi_courseware.builders.messages import MessagesBuilder
from mi_courseware.builders.pack import FacilitatorBuilder, PackBuilder
from mi_courseware.builders.quality import QualityReportBuilder
from mi_courseware.builders.signin import SignInBuilder
from mi_courseware.builders.slides import SlidesBuilder

B = TypeVar("B", bound=type[Builder[Any]])

#: Every output by name, in the order ``build`` makes them.
REGISTRY: dict[str, type[Builder[Any]]] = {}


def register_builder(cls: B) -> B:
    """Add the output ``cls`` makes to the registry (usable as a class decorator): ``build``
    makes it from then on when it is an edition's, and ``--only`` names it. Its name must
    be new, and every output it is made ``after`` registered first."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    if REGISTRY.get(cls.name, cls) is not cls:
        raise ValueError(f"an output called '{cls.name}' is registered already")
    for earlier in cls.after:
        found = REGISTRY.get(earlier)
        if found is None or found.target != cls.target:
            raise ValueError(f"{cls.name} is made after '{earlier}', which is not registered")
    REGISTRY[cls.name] = cls
    return cls


def edition_outputs() -> list[str]:
    """The outputs ``build`` makes, in order: the choices of ``--only``."""
    return [name for name, cls in REGISTRY.items() if cls.target == "edition" and cls.in_build]


def only_help() -> str:
    """``--only``'s help: every output ``build`` makes, with what it writes."""
    listed = ", ".join(
        f"{name} ({REGISTRY[name].description})" if REGISTRY[name].description else name
        for name in edition_outputs()
    )
    return f"Build only these outputs (repeat): {listed}."


for _builder in (
    PackBuilder,
    FacilitatorBuilder,
    SlidesBuilder,
    CertificatesBuilder,
    FlyerBuilder,
    CalendarBuilder,
    SignInBuilder,
    QualityReportBuilder,
    TemplateBuilder,
    CodingReportBuilder,
    CodingSheetBuilder,
    RunsReportBuilder,
    MessagesBuilder,
):
    register_builder(_builder)

__all__ = [
    "DOCUMENT_PARTS",
    "REGISTRY",
    "BuildContext",
    "Builder",
    "PdfBuilder",
    "edition_outputs",
    "only_help",
    "register_builder",
]
