"""The shared flow of every builder: identity as class attributes, one ``build`` method."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from mi_courseware.edition import Edition
    from mi_courseware.rendering.document import DocumentSetup
    from mi_courseware.rendering.pdf import PdfRenderer

log = logging.getLogger(__name__)


def build_time() -> datetime:
    """The build's timestamp: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC).replace(microsecond=0)


@dataclass
class BuildContext:
    """What every builder may use besides the Edition: the run's options."""

    keep_html: bool = False
    jobs: int = 0
    register: Path | str | None = None  # an SQLite file or a postgresql:// URL
    roster: Path | None = None
    only_people: tuple[str, ...] = ()
    reissue: bool = False
    quiet: bool = False
    time: datetime = field(default_factory=build_time)
    #: Where the edition folders go (each output is built in a staging folder beside them).
    out_root: Path | None = None
    #: Worker processes for PDF rendering (optional; absent in event workers).
    renderer: PdfRenderer | None = None


class Builder:
    """Base of every output builder.

    Subclasses set :attr:`name` and :attr:`outputs` and implement :meth:`build`, which writes
    into ``out`` (a staging folder: the build is moved into place only when every builder has
    succeeded) and returns the files it wrote. A builder whose output is recorded somewhere
    besides the folder (the certificate register) keeps what it needs in :attr:`pending`,
    and :meth:`record` is called with it once the folder is in place.
    """

    #: Name used by ``--only``.
    name: ClassVar[str] = ""
    #: Files it writes, relative to the output folder.
    outputs: ClassVar[tuple[str, ...]] = ()

    def __init__(self, context: BuildContext) -> None:
        self.context = context
        #: Plain data for :meth:`record` (it may travel back from a worker process).
        self.pending: Any = None

    def options(self) -> dict[str, Any]:
        """The command-line options that shape this output (recorded in the manifest)."""
        return {}

    def build(self, edition: Edition, out: Path) -> list[Path]:
        """Write this builder's outputs for ``edition`` into ``out``."""
        raise NotImplementedError

    def start(self, edition: Edition, out: Path) -> Callable[[], list[Path]]:
        """Begin the build; the returned function finishes it and gives the files written.

        The default builds at once. A builder whose work runs elsewhere (PDFs rendering in
        worker processes) returns early, so that the next builders run meanwhile.
        """
        files = self.build(edition, out)
        return lambda: files

    @classmethod
    def record(cls, context: BuildContext, edition: Edition, folder: Path, pending: Any) -> Any:
        """Once the outputs are in ``folder``, make other records say so; returns a report."""
        return None


class PdfBuilder(Builder):
    """A builder whose output is one PDF rendered from themed HTML (``outputs[0]``).

    Subclasses implement :meth:`document`; the PDF renders in a worker process when the build
    has them, while the next builders run.
    """

    def document(self, edition: Edition, out: Path) -> tuple[str, DocumentSetup, list[Path]]:
        """The HTML, its setup (the exact files it may read), and any other files written."""
        raise NotImplementedError

    def build(self, edition: Edition, out: Path) -> list[Path]:
        """Render the document and wait for its PDF."""
        return self.start(edition, out)()

    def start(self, edition: Edition, out: Path) -> Callable[[], list[Path]]:
        """Make the HTML now; the returned function waits for the PDF and writes it."""
        from mi_courseware.rendering.pdf import write_atomic

        html, setup, others = self.document(edition, out)
        target = out / self.outputs[0]
        rendered = self.render(edition, html, setup)

        def finish() -> list[Path]:
            write_atomic(target, rendered())
            return [target, *others]

        return finish

    def render(self, edition: Edition, html: str, setup: DocumentSetup) -> Callable[[], bytes]:
        """Start rendering ``html`` (in a worker when the build has them), reading only the
        files ``setup`` allows; the returned function waits for the PDF's bytes."""
        from mi_courseware.rendering.pdf import render_pdf

        options: dict[str, Any] = {
            "base": edition.project_root,
            "allowed": setup.allowed,
            "asked_by": setup.asked_by or edition.sources[0],
            "identifier": f"{edition.slug}/{self.name}",
        }
        renderer = self.context.renderer
        if renderer is None:
            return lambda: render_pdf(html, **options)
        future = renderer.submit(html, **options)
        return lambda: renderer.wait(future, options["identifier"])
