"""Certificates of attendance for an event's roster, recorded in the certificate register."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.builders.base import BuildContext, Builder
from mi_courseware.core.people import shortfall
from mi_courseware.errors import plural

if TYPE_CHECKING:
    from mi_courseware.certificates.issue import Report, Run
    from mi_courseware.core.edition import Edition

log = logging.getLogger(__name__)


class CertificatesBuilder(Builder["Edition"]):
    """``certificates/<number>.pdf`` for every participant whose attendance earns one (the
    course's ``certificate: requires``), and one file for printing. Before the event's last
    day has passed they are prepared (numbered, not valid); after it, confirmed or voided by
    the roster's attendance (:mod:`mi_courseware.certificates.states`).

    Inside ``build`` the PDFs go to the staging folder with their hashes staged in the
    register; once the pipeline has put the folder in place, :meth:`record` promotes them.
    A build that fails never gets there, so its staged hashes match nothing and are dropped
    by the next run.
    """

    name = "certificates"
    description = "certificates/<number>.pdf, certificates/all-certificates.pdf"
    outputs = ("certificates/<number>.pdf", "certificates/all-certificates.pdf")
    uses = ("course", "brand", "roster")
    register = True
    needs = "roster"
    #: a certificate holds only its holder's name, but people are told apart by their
    #: register identity (their id, else their email address)
    private = True
    preload = ("mi_courseware.certificates.issue",)

    @classmethod
    def options(cls, context: BuildContext, target: Edition) -> dict[str, Any]:
        """A corrected name, or a run for some people only, makes a different set of files;
        so does the event's last day having passed (prepared before it, confirmed or voided
        after it: a build on the other side of it makes other certificates even when no
        file changed)."""
        return {
            "reissue": context.reissue,
            "only": list(context.only_people),
            "phase": "after the last day" if target.ended(context.time) else "until the last day",
        }

    def build(self, target: Edition, out: Path) -> list[Path]:
        """Render into ``out``; the register is told which files are on their way."""
        edition = target
        # first of all: the worker lays the design out while the rest is imported and read
        early = self.context.certificate_background
        rendering = early.render(edition) if early is not None else None

        from mi_courseware.certificates.design import Design
        from mi_courseware.certificates.issue import issue, participants

        run = replace(run_for(self.context, edition), rendering=rendering)
        people = participants(edition, run.people)
        for person in people:  # ``build -v`` says who gets none
            reason = shortfall(person, edition.certificate_requires, len(edition.days))
            if reason:
                log.info("%s: no certificate for %s: %s", edition.slug, person.name, reason)
        if any(person.email for person in people):  # ``build -v``: who gets no message
            for person in people:
                if not person.email:
                    log.info(
                        "%s: no email address for %s: printed documents only",
                        edition.slug,
                        person.name,
                    )
        root = self.context.out_root or out.parent
        report, hashes = issue(edition, out, run, staged=True, final=root / edition.slug)
        self.pending = (hashes, Design(edition).details(), report)
        self.digests = {report.folder / f"{n}.pdf": digest for n, digest in hashes.items()}
        return report.files

    @classmethod
    def record(cls, context: BuildContext, target: Edition, folder: Path, pending: Any) -> Report:
        """The PDFs are in place: promote their staged hashes in the register."""
        from mi_courseware.certificates.issue import FOLDER, promote

        hashes, details, report = pending
        report.folder = folder / FOLDER  # where the files are now, not the staging folder
        promote(run_for(context, target), hashes, details, report)
        log_outcome(target, report)
        return report


def log_outcome(edition: Edition, report: Report) -> None:
    """Say at ``-v`` what attendance did: certificates prepared, and who was voided."""
    prepared = sum(1 for action in report.actions.values() if action == "prepared")
    if prepared:
        last = edition.last_day
        log.info(
            "%s: %s prepared: not valid until the roster confirms attendance after %s",
            edition.slug,
            plural(prepared, "certificate"),
            f"the last day, {last.isoformat()}" if last else "the last day (not all dated yet)",
        )
    for number, action in sorted(report.actions.items()):
        if action == "voided":
            name, reason = report.attendance.void[number]
            log.info("%s: certificate %s of %s voided: %s", edition.slug, number, name, reason)


def register_of(context: BuildContext, edition: Edition) -> Path | str:
    """The register a build uses: ``--register``, else the project's own."""
    return context.register or edition.project_root / "records" / "certificates.sqlite"


def run_for(context: BuildContext, edition: Edition) -> Run:
    """The certificate run a build context asks for."""
    from mi_courseware.certificates.issue import Run
    from mi_courseware.register.engine import key_folder

    register = register_of(context, edition)
    return Run(
        keys=key_folder(register, edition.project_root),
        register=register,
        time=context.time,
        jobs=context.jobs,
        roster=context.roster,
        people=context.roster_people.get(edition.slug),
        only=context.only_people,
        reissue=context.reissue,
        quiet=context.quiet,
    )
