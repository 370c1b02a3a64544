"""What a project-level output is made from: the counterpart of the Edition for outputs that
are not one course's or event's.

A practitioner's feedback report is made from their coded sessions, an observer's sheet from
a scale, the evaluation report from the runs of many events. Each is a :class:`Subject`:
plain data, resolved by the command that asks for the output, with what every document needs
(the brand, theme and language it takes), where its output goes and the files that shape it.
The pipeline plans, builds and commits subjects as it does editions; a builder's
:attr:`~mi_courseware.builders.base.Builder.target` names the kind it is made from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from mi_courseware.core.edition import Brand
    from mi_courseware.model.scale import Scale
    from mi_courseware.resolving.runs import Run, RunFilter
    from mi_courseware.resolving.scores import PractitionerScores


@dataclass(frozen=True, kw_only=True)
class Subject:
    """What every subject has: the look of its document, its place, the files that shape it."""

    #: The kind of subject, as builders name what they are made from.
    kind: ClassVar[str] = ""
    #: Which one (a practitioner's id, a scale's id).
    ident: str
    brand: Brand
    theme: str
    #: The theme's folders, nearest first.
    theme_dirs: tuple[Path, ...]
    theme_options: Mapping[str, Any]
    project_root: Path
    #: The files it is made from; the first is named when its document fails.
    sources: tuple[Path, ...]
    #: The files that shape its outputs, by the part they play.
    inputs: Mapping[str, tuple[Path, ...]] = field(default_factory=dict)
    #: The folder its outputs go to, under the output folder (``""``: only to a path the
    #: user names).
    slug: str = ""
    #: Its own part of that folder when subjects of its kind share it (the folder's manifest
    #: records each output of it as ``<output>/<part>``).
    part: str = ""

    @property
    def language(self) -> str:
        """The language of its fixed wording (the brand's)."""
        return self.brand.language

    @property
    def label(self) -> str:
        """How messages name it (``coding/alex-reed``)."""
        return "/".join(p for p in (self.slug, self.part) if p) or self.ident


@dataclass(frozen=True, kw_only=True)
class PractitionerSubject(Subject):
    """A practitioner's coded sessions, scored: what their feedback report is made from."""

    kind: ClassVar[str] = "practitioner"
    scores: PractitionerScores
    #: Their organisation as the report names it (the client's name when it is one).
    organisation: str | None
    #: Who coded the latest session, by name.
    coder: str


@dataclass(frozen=True, kw_only=True)
class ScaleSubject(Subject):
    """A coding scale: what an observer's tally sheet is made from."""

    kind: ClassVar[str] = "scale"
    scale: Scale


@dataclass(frozen=True, kw_only=True)
class RunsSubject(Subject):
    """The runs of a course (or of every course) with evaluation responses, collated."""

    kind: ClassVar[str] = "runs"
    runs: tuple[Run, ...]
    chosen: RunFilter
    #: The course's title when the runs are one course's.
    course_title: str | None
    #: ``pdf`` or ``csv``.
    format: str = "pdf"
