"""Certificates of attendance for an event's roster, recorded in the certificate register."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from mi_courseware.builders.base import Builder
from mi_courseware.people import shortfall

if TYPE_CHECKING:
    from mi_courseware.certificates.issue import Run
    from mi_courseware.edition import Edition

log = logging.getLogger(__name__)


class CertificatesBuilder(Builder):
    """``certificates/<number>.pdf`` for every participant whose attendance earns one (the
    course's ``certificate: requires``), and one file for printing.

    Inside ``build`` the PDFs go to the staging folder with their hashes staged in the
    register; once the build has swapped the folder into place, a finisher promotes them.
    A build that fails never swaps, so its staged hashes match nothing and are dropped by
    the next run.
    """

    name: ClassVar[str] = "certificates"
    outputs: ClassVar[tuple[str, ...]] = (
        "certificates/<number>.pdf",
        "certificates/all-certificates.pdf",
    )

    def applies_to(self, edition: Edition) -> bool:
        """Only events with a roster (or a ``--roster``) get certificates."""
        return edition.event is not None and bool(edition.participants or self.context.roster)

    def build(self, edition: Edition, out: Path) -> list[Path]:
        """Render into ``out``; the register is told which files are on their way."""
        from mi_courseware.certificates.design import Design
        from mi_courseware.certificates.issue import Report, issue, participants, promote

        run = self._run(edition)
        for person in participants(edition, run.roster):  # ``build -v`` says who gets none
            reason = shortfall(person, edition.certificate_requires, len(edition.days))
            if reason:
                log.info("%s: no certificate for %s: %s", edition.slug, person.name, reason)
        # build_editions stages each edition beside its final folder: <out root>/<slug>
        report, hashes = issue(edition, out, run, staged=True, final=out.parent / edition.slug)
        details = Design(edition).details()
        self.context.finishers.append(
            lambda: promote(run, hashes, details, Report(report.event, report.folder))
        )
        return report.files

    def _run(self, edition: Edition) -> Run:
        from mi_courseware.certificates.issue import Run

        context = self.context
        register = context.register or edition.project_root / "records" / "certificates.sqlite"
        return Run(
            register=register,
            time=context.time,
            jobs=context.jobs,
            roster=context.roster,
            only=context.only_people,
            reissue=context.reissue,
            quiet=context.quiet,
        )
