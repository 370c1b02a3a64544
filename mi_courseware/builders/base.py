"""The contract of every output, and its shared flow: one class per output.

A builder class says everything the pipeline needs to know about its output, as class
attributes: its :attr:`~Builder.name` (the word for ``build --only`` and the key of its record
in ``manifest.json``), a :attr:`~Builder.description` for ``--only``'s help, the
:attr:`~Builder.outputs` it writes, the kind of :attr:`~Builder.target` it is made from,
which parts of that target shape it (:attr:`~Builder.uses`, :attr:`~Builder.theme_parts`,
:attr:`~Builder.register`), what the target must have for it to be made
(:attr:`~Builder.requires`, :attr:`~Builder.needs`), whether it renders a PDF in the PDF
workers, and which other outputs it is made from (:attr:`~Builder.after`). Its methods say
which of the run's options shape it (:meth:`~Builder.options`, recorded in the manifest) and
make it (:meth:`~Builder.build`). The registry (:mod:`mi_courseware.builders`), ``--only``'s
choices and help, the planner's digests and the PDF workers all read these.

A builder module is imported on every build, also a rebuild with nothing to do and
``build --help``: it imports what it renders with inside its methods, never at the top (and
lists those modules in :attr:`~Builder.preload`, for worker processes to import ahead).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from mi_courseware.core.clock import build_time

if TYPE_CHECKING:
    from typing import Protocol

    from mi_courseware.certificates.early import EarlyBackground
    from mi_courseware.core.edition import Brand, Edition
    from mi_courseware.core.messages import MessageRun
    from mi_courseware.core.people import Participant
    from mi_courseware.rendering.document import DocumentSetup
    from mi_courseware.rendering.pdf import PdfRenderer
    from mi_courseware.resolving.subjects import Subject

    # only for the type checker: a class made at import would cost every build its time
    class Target(Protocol):
        """What an output is made from, as the planner sees it: an
        :class:`~mi_courseware.core.edition.Edition`, or a subject of a project-level output
        (:mod:`mi_courseware.resolving.subjects`)."""

        @property
        def slug(self) -> str:
            """The folder its outputs go to, under the output folder (``events/<event>``)."""

        @property
        def project_root(self) -> Path:
            """The project's folder."""

        @property
        def inputs(self) -> Mapping[str, tuple[Path, ...]]:
            """The files that shape it, by the part they play (``course``, ``brand``, ...)."""

        @property
        def theme_dirs(self) -> tuple[Path, ...]:
            """Its theme's folders, nearest first (their files shape the outputs reading them)."""

        @property
        def brand(self) -> Brand:
            """The client's brand its documents take."""

        @property
        def sources(self) -> tuple[Path, ...]:
            """The files it was made from, the first one named when a document fails."""


log = logging.getLogger(__name__)

#: Theme folders the PDF documents read.
DOCUMENT_PARTS = ("templates", "css", "fonts", "i18n")


@dataclass
class BuildContext:
    """What every builder may use besides its target: the run's options."""

    keep_html: bool = False
    jobs: int = 0
    register: Path | str | None = None  # an SQLite file or a postgresql:// URL
    roster: Path | None = None
    #: The ``--roster`` file as the check phase read it, for each edition it applies to (by
    #: slug), its attendance assessed: what the certificates are made from.
    roster_people: Mapping[str, tuple[Participant, ...]] = field(default_factory=dict)
    only_people: tuple[str, ...] = ()
    reissue: bool = False
    quiet: bool = False
    time: datetime = field(default_factory=build_time)
    #: Where the edition folders go (each output is built in a staging folder beside them).
    out_root: Path | None = None
    #: Worker processes for PDF rendering (optional; absent in event workers).
    renderer: PdfRenderer | None = None
    #: The messages ``send`` planned, for the messages builder.
    messages: MessageRun | None = None
    #: A worker started before the project is read, importing the PDF engine meanwhile, to
    #: render the certificates' shared design in (``certificates``; absent: rendered by the
    #: certificates builder itself).
    certificate_background: EarlyBackground | None = None


T = TypeVar("T")


class Builder(Generic[T]):
    """Base of every output builder; ``T`` is what it is made from (its :attr:`target`).

    Subclasses set the class attributes below and implement :meth:`build`, which writes into
    ``out`` (a staging folder: the build is moved into place only when every builder has
    succeeded) and returns the files it wrote. A builder whose output is recorded somewhere
    besides the folder (the certificate register) keeps what it needs in :attr:`pending`,
    and :meth:`record` is called with it once the folder is in place.
    """

    #: Its name: the word for ``build --only`` and the key of its record in the manifest.
    name: ClassVar[str] = ""
    #: What it makes, for ``--only``'s help (its files).
    description: ClassVar[str] = ""
    #: Files it writes, relative to the output folder.
    outputs: ClassVar[tuple[str, ...]] = ()
    #: What it is made from: ``"edition"`` (one course or event, built by ``build``), or a
    #: project-level subject (``"practitioner"``, ``"scale"``, ``"runs"``) that a command of
    #: its own builds (:mod:`mi_courseware.resolving.subjects`).
    target: ClassVar[str] = "edition"
    #: For an edition's output: whether ``build`` makes it (and ``--only`` names it); when
    #: false, only its own command does (``evaluation template``).
    in_build: ClassVar[bool] = True
    #: Parts of the target's inputs it reads (an edition's: course, text, images, brand,
    #: roster, evaluations): a change to one of their files rebuilds it.
    uses: ClassVar[tuple[str, ...]] = ("course", "text", "images", "brand")
    #: Parts that must be there for the output to be made (none: always made).
    requires: ClassVar[tuple[str, ...]] = ()
    #: What to say when one of them is not, for an event (``{event}``: its id).
    absent: ClassVar[str] = ""
    #: Folders of the theme (and its parents) it reads.
    theme_parts: ClassVar[tuple[str, ...]] = DOCUMENT_PARTS
    #: Whether the certificate register's record of the event shapes it too.
    register: ClassVar[bool] = False
    #: What an edition needs to have this output: ``""`` (nothing), ``"event"``, ``"dated
    #: event"`` (an event with at least one date) or ``"roster"`` (an event with a roster, or
    #: ``--roster``).
    needs: ClassVar[str] = ""
    #: Whether it renders HTML to PDF in the PDF worker processes (when the build has them).
    renders_pdf: ClassVar[bool] = False
    #: Outputs of the same target it is made from: they are planned and built before it,
    #: their files shape it (one rebuilt rebuilds it), and :attr:`upstream` gives their files.
    after: ClassVar[tuple[str, ...]] = ()
    #: Whether earlier versions of the tool wrote its files with no manifest beside them: in
    #: a folder with none, they are replaced, not refused as a file the user put there.
    unlisted_before: ClassVar[bool] = False
    #: The edition of the pack it is (``pdf`` or ``docx``): ``build`` makes it unasked only
    #: when the course's or event's ``formats`` lists it (``--only`` makes it whatever they
    #: list); ``""``: an output every build makes.
    edition_format: ClassVar[str] = ""
    #: Whether, once its event's last day has passed, the output is kept as it is (a record
    #: of what was taught: editing a shared module does not rewrite the pack of a course
    #: given last year); ``build EVENT --force`` makes it again. Outputs that follow what
    #: happens after the event (certificates, the quality report) are not kept.
    kept_after_event: ClassVar[bool] = False
    #: Whether it is made for one participant from what is theirs alone (their certificate,
    #: their messages): it sees the edition whole. Every other output is shared (a flyer, a
    #: sign-in sheet, a report) and is made from :meth:`Edition.shared
    #: <mi_courseware.core.edition.Edition.shared>`: no joining link, no email address.
    private: ClassVar[bool] = False
    #: Modules its build imports, for worker processes to import while the project is read
    #: (the builder's own module stays cheap to import: a rebuild with nothing to do loads it).
    preload: ClassVar[tuple[str, ...]] = ()
    #: Whether, built alone for one edition, it is made in one worker started before the
    #: project is read (which imports :attr:`preload` meanwhile): an output made in one
    #: process with no workers of its own (not a PDF, nor the certificates, which spread
    #: over every core) and no register to write.
    aside: ClassVar[bool] = False

    def __init__(self, context: BuildContext) -> None:
        self.context = context
        #: Plain data for :meth:`record` (it may travel back from a worker process).
        self.pending: Any = None
        #: The files of each output named in :attr:`after`, where they are now.
        self.upstream: dict[str, list[Path]] = {}
        #: The SHA-256 of files it wrote, where it has them already (the commit phase then
        #: does not read those files again for the manifest).
        self.digests: dict[Path, str] = {}

    @classmethod
    def options(cls, context: BuildContext, target: T) -> dict[str, Any]:
        """The run's options that shape this output (recorded in the manifest: a change
        rebuilds it). ``SOURCE_DATE_EPOCH``, which shapes every output, is added by the
        planner."""
        return {}

    @classmethod
    def unasked(cls, target: T) -> bool:
        """Whether ``build`` makes it when ``--only`` does not name it (its edition's format
        is among those the course or event lists)."""
        formats = getattr(target, "formats", ("pdf",))
        return not cls.edition_format or cls.edition_format in formats

    @classmethod
    def applies(cls, target: T, context: BuildContext) -> bool:
        """Whether ``target`` has the data this output is made from."""
        inputs = cast("Target", target).inputs
        if any(not inputs.get(role) for role in cls.requires):
            return False  # e.g. the quality report of an event without evaluation responses
        if not cls.needs:
            return True
        edition = cast("Edition", target)  # ``needs`` says what an edition needs
        if edition.event is None:
            return False
        if cls.needs == "dated event":
            return any(day.date for day in edition.days)
        if cls.needs == "roster":
            return bool(edition.participants or context.roster)
        return True

    @classmethod
    def not_applicable(cls, target: T) -> str:
        """Why ``target`` has no such output (when :meth:`applies` says it has none)."""
        edition = cast("Edition", target)
        if edition.event is None:
            return f"'{edition.course_id}' is a course; {cls.name} are made for an event"
        if cls.absent and any(not edition.inputs.get(role) for role in cls.requires):
            return cls.absent.format(event=edition.event.id)
        return (
            f"event '{edition.event.id}' has no roster: add 'roster:' to its file, "
            "or give one with --roster"
        )

    def build(self, target: T, out: Path) -> list[Path]:
        """Write this builder's outputs for ``target`` into ``out``."""
        raise NotImplementedError

    @classmethod
    def sees(cls, target: T) -> T:
        """What it is made from: ``target`` whole for a private output, else its shared part
        (an edition without joining details and email addresses)."""
        shared = getattr(target, "shared", None)
        return target if cls.private or shared is None else cast(T, shared())

    def start(self, target: T, out: Path) -> Callable[[], list[Path]]:
        """Begin the build; the returned function finishes it and gives the files written.

        The default builds at once. A builder whose work runs elsewhere (PDFs rendering in
        worker processes) returns early, so that the next builders run meanwhile.
        """
        files = self.build(target, out)
        return lambda: files

    @classmethod
    def record(cls, context: BuildContext, target: T, folder: Path, pending: Any) -> Any:
        """Once the outputs are in ``folder``, make other records say so; returns a report."""
        return None


class PdfBuilder(Builder[T]):
    """A builder whose output is one PDF rendered from themed HTML (``outputs[0]``).

    Subclasses implement :meth:`document`; the PDF renders in a worker process when the build
    has them, while the next builders run.
    """

    renders_pdf = True
    preload: ClassVar[tuple[str, ...]] = ("weasyprint",)

    def document(self, target: T, out: Path) -> tuple[str, DocumentSetup, list[Path]]:
        """The HTML, its setup (the exact files it may read), and any other files written."""
        raise NotImplementedError

    def file_name(self, target: T) -> str:
        """The PDF's name in the output folder."""
        return self.outputs[0]

    def identifier(self, target: T) -> str:
        """The document's name in messages, and the seed of the PDF's identifier."""
        return f"{cast('Target', target).slug}/{self.name}"

    def asked_by(self, target: T, setup: DocumentSetup) -> Path:
        """The file a refused or failing resource is reported at."""
        return setup.asked_by or cast("Target", target).sources[0]

    def build(self, target: T, out: Path) -> list[Path]:
        """Render the document and wait for its PDF."""
        return self.start(target, out)()

    def start(self, target: T, out: Path) -> Callable[[], list[Path]]:
        """Make the HTML now; the returned function waits for the PDF and writes it."""
        from mi_courseware.rendering.pdf import write_atomic

        html, setup, others = self.document(target, out)
        path = out / self.file_name(target)
        rendered = self.render(target, html, setup)

        def finish() -> list[Path]:
            write_atomic(path, rendered())
            return [path, *others]

        return finish

    def render_options(self, target: T, setup: DocumentSetup) -> dict[str, Any]:
        """The options of :func:`~mi_courseware.rendering.pdf.render_pdf` for ``target``."""
        return {
            "base": cast("Target", target).project_root,
            "allowed": setup.allowed,
            "asked_by": self.asked_by(target, setup),
            "identifier": self.identifier(target),
        }

    def render(self, target: T, html: str, setup: DocumentSetup) -> Callable[[], bytes]:
        """Start rendering ``html`` (in a worker when the build has them), reading only the
        files ``setup`` allows; the returned function waits for the PDF's bytes."""
        from mi_courseware.rendering.pdf import render_pdf

        options = self.render_options(target, setup)
        renderer = self.context.renderer
        if renderer is None:
            return lambda: render_pdf(html, **options)
        future = renderer.submit(html, **options)
        return lambda: renderer.wait(future, options["identifier"])


S = TypeVar("S", bound="Subject")


class SubjectBuilder(PdfBuilder[S]):
    """A PDF made from a project-level subject (:mod:`mi_courseware.resolving.subjects`): in its
    theme (an option, recorded) and its brand, a failure named at its first source."""

    @classmethod
    def options(cls, context: BuildContext, target: S) -> dict[str, Any]:
        """The theme it is in (``--theme``)."""
        return {"theme": target.theme}

    def asked_by(self, target: S, setup: DocumentSetup) -> Path:
        """The subject's first source (a coded session, a scale, the latest responses)."""
        return target.sources[0]

    def html(self, setup: DocumentSetup, target: S) -> str:
        """The document's complete HTML."""
        raise NotImplementedError

    def document(self, target: S, out: Path) -> tuple[str, DocumentSetup, list[Path]]:
        """The document in the subject's brand and theme."""
        from mi_courseware.rendering.document import document_setup

        setup = document_setup(target)
        return self.html(setup, target), setup, []
