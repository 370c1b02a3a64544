"""Issuing an event's certificates: the register and the files move together.

A run takes three short register transactions around the slow part:

1. **Reserve** (``BEGIN IMMEDIATE``): finish what an interrupted run left (below), then give
   every new attendee a number and code as a *pending* row, and record requested reissues.
   Pending means reserved, never handed out: ``verify`` answers "not issued". The roster's
   attendance decides which prepared certificates are confirmed and which voided
   (:mod:`.states`).
2. *Render* every certificate into a temporary folder beside its destination; no lock held.
3. **Stage**: record each new PDF's SHA-256 on its row (``pending_sha256``).
4. *Move* the PDFs into place (``os.replace``, atomic per file); a voided one's file goes.
5. **Promote**: each staged hash becomes the certificate's hash: *prepared* before the
   event's last day has passed, *issued* (or confirmed, when it was prepared) after it; the
   prepared certificates of those who did not attend are voided. Each change gets its line
   in the history.

A run killed before 3 leaves the old state (reserved numbers aside). Killed between 3 and 5,
some files may already be in place with rows still pending: each such file is exactly its
row's staged hash, ``verify`` reports it as an unfinished run, and the next run promotes it
(step 1) before anything else. So a numbered PDF never exists without its row, and a row is
never issued without its file. Inside ``build``, step 4 is the build's own swap of the whole
output folder, and step 5 runs after it (a finisher the builder adds to the build context).
A build that fails never swaps: its staged hashes match no file, and the next run drops them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from mi_courseware.certificates.background import Background, PageRender
from mi_courseware.certificates.batch import Results
from mi_courseware.certificates.common import LAYOUT, CertificateError, Person
from mi_courseware.certificates.design import Design
from mi_courseware.certificates.progress import progress_bar
from mi_courseware.certificates.states import (
    Attendance,
    attends,
    participants,
    reconcile,
    record,
    select,
    sha256_file,
    why_void,
)
from mi_courseware.core.edition import Edition
from mi_courseware.core.people import Participant
from mi_courseware.errors import Position, Problems, UsageError
from mi_courseware.register import Certificate, Details, Register, stamp
from mi_courseware.register.keys import ensure_key

__all__ = ["ALL", "FOLDER", "Report", "Run", "issue", "participants", "promote", "sha256_file"]

FOLDER = "certificates"
ALL = "all-certificates.pdf"


@dataclass
class Run:
    """What one run is asked to do."""

    register: Path | str  # an SQLite file or a postgresql:// URL
    time: datetime
    jobs: int = 0
    roster: Path | None = None
    #: The ``--roster`` file's people as the check phase read them (``None``: the edition's).
    people: tuple[Participant, ...] | None = None
    only: tuple[str, ...] = ()
    reissue: bool = False
    quiet: bool = False
    whole: bool = False  # render every certificate as a whole page (the fallback path)
    keys: Path | None = None  # the register's key store (default: beside an SQLite file)
    #: The design being laid out by a worker, as started by the caller: how to wait for it
    #: (:mod:`.early`; ``None``: the run lays it out itself).
    rendering: Callable[[], PageRender] | None = None


@dataclass
class Report:
    """What a run did, for the command's summary."""

    event: str
    folder: Path
    attendance: Attendance
    actions: dict[str, str] = field(default_factory=dict)  # number -> issued/prepared/...
    rendered: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    void: list[str] = field(default_factory=list)  # voided before, their holders attending now
    notes: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    printed: int = 0  # certificates in all-certificates.pdf
    awaiting: int = 0  # prepared certificates in the folder, not valid yet


def _changed(row: Certificate) -> str:
    """When a certificate's file says it last changed: when it was reissued, else when it was
    numbered (being prepared, confirmed or regenerated leaves its file's dates alone)."""
    if row.pending_name and row.pending_at and row.status in ("issued", "reissued"):
        return row.pending_at
    return row.changed_at if row.status == "reissued" else row.issued_at


def _person(
    row: Certificate,
    name: str | None = None,
    changed_at: str | None = None,
    reissued: bool | None = None,
) -> Person:
    return Person(
        row.number,
        row.code,
        name or row.name,
        row.issued_at,
        changed_at or _changed(row),
        row.status == "reissued" if reissued is None else reissued,
        row.key_id,
        row.layout,
    )


def plan(edition: Edition, run: Run, design: Design, final: Path, report: Report) -> list[Person]:
    """Step 1: reconcile, reserve numbers, record reissues; the certificates to render."""
    event = edition.event
    assert event is not None
    details = design.details()
    now = stamp(run.time)
    year = edition.dates[-1].year if edition.dates else run.time.year
    roster = participants(edition, run.people)
    attendance = report.attendance
    problems = Problems()
    people: dict[str, Person] = {}
    roster_path = run.roster or event.roster or Path("roster.csv")
    with Register(run.register, keys=run.keys) as register, register.transaction():
        reconcile(register, edition, final, details, now)
        rows = register.for_event(event.id)
        chosen, numbers = select(roster, run.only, rows)
        check_names(design, chosen, roster_path)
        new: list[tuple[str, str]] = []  # numbered together, in the roster's order
        for person in chosen:
            row = rows.get(person.identity)
            if row is None:
                new.append((person.identity, person.name))
            elif row.status == "revoked":
                report.revoked.append(row.number)
            elif row.status == "void":
                report.void.append(row.number)
            elif row.status == "pending":
                register.rename_pending(row.number, person.name)
                people[row.number] = _person(row, person.name)
            elif person.name == row.name:
                if row.pending_name is not None:
                    register.request_reissue(row.number, None, None)
                people[row.number] = _person(row)
            elif row.status == "prepared":  # never handed out as valid: takes the new spelling
                register.request_reissue(row.number, person.name, now)
                people[row.number] = _person(row, person.name)
            elif run.reissue:
                at = row.pending_at if row.pending_name == person.name and row.pending_at else now
                register.request_reissue(row.number, person.name, at)
                people[row.number] = _person(row, person.name, at, True)
            else:
                problems.error(
                    Position(roster_path, person.row),
                    f"'{person.name}' differs from the name on certificate {row.number} "
                    f"('{row.name}'); to correct the certificate, run again with --reissue",
                )
        problems.raise_if_errors()
        # the issuer's key is made with its first certificate, whose fingerprint it prints
        key = ensure_key(register, details.client, now) if new else None
        reserved = register.reserve_many(
            event=event.id,
            people=new,
            prefix=edition.brand.certificate_prefix,
            year=year,
            details=details,
            at=now,
            key_id=key.key_id if key is not None else None,
            layout=LAYOUT,
        )
        people.update((row.number, _person(row)) for row in reserved)
        holders = {p.identity: p for p in roster}
        for row in rows.values():
            prepared = row.status == "prepared"
            if row.number in people:
                if prepared and attendance.ended:
                    attendance.confirm.add(row.number)
                continue
            if not (row.active or prepared):
                continue
            named = not run.only or row.number in numbers
            attending = attends(holders.get(row.identity))
            if prepared and attendance.ended and named:
                if not attending:
                    attendance.void[row.number] = (
                        row.name,
                        why_void(holders.get(row.identity), edition),
                    )
                    continue
                attendance.confirm.add(row.number)
            elif not named and _intact(final, row):
                continue
            people[row.number] = _person(row)
            if not attending and not run.only:
                report.notes.append(_absent(row))
                if prepared:
                    attendance.unprinted.add(row.number)
    return sorted(people.values(), key=lambda p: p.number)


def _absent(row: Certificate) -> str:
    """What to say of a certificate whose holder the roster no longer counts as attending."""
    if row.status == "prepared":
        return (
            f"{row.number} ({row.name}) is no longer in the roster as attending; its prepared "
            "certificate is left out of all-certificates.pdf, and voided once the event's "
            "last day has passed unless the roster then counts them as attending"
        )
    return (
        f"{row.number} ({row.name}) is no longer in the roster as attending; "
        f"its certificate is kept (revoke it with: mi-courseware register revoke "
        f"{row.code} --reason ...)"
    )


def check_names(design: Design, people: list[Participant], roster: Path) -> None:
    """Refuse, before anything is reserved, names a certificate cannot show as written.

    A name needs a glyph for every letter in the certificate fonts (the theme's name font or
    one of its supplementary fonts) and must fit two lines at the floor size.
    """
    from mi_courseware.loading.fontmetrics import describe, uncovered

    problems = Problems()
    fonts = [design.name_font, *design.extra_fonts]
    for person in people:
        missing = uncovered(person.name, fonts)
        if missing:
            problems.error(
                Position(roster, person.row),
                f"'{person.name}' has characters no certificate font can show "
                f"({describe(missing)}): they would print as empty boxes; write the name in a "
                "script the theme's fonts cover, or add a font that covers it to the theme's "
                "fonts/supplementary/ folder",
            )
            continue
        try:
            design.lines(Person("", "", person.name, _EPOCH, _EPOCH, False))
        except CertificateError as exc:
            problems.error(Position(roster, person.row), f"'{_short(person.name)}': {exc}")
    problems.raise_if_errors()


_EPOCH = "2000-01-01T00:00:00Z"


def _short(name: str) -> str:
    return name if len(name) <= 60 else name[:57] + "..."


def _intact(final: Path, row: Certificate) -> bool:
    path = final / f"{row.number}.pdf"
    return path.is_file() and row.sha256 == sha256_file(path)


def render(
    design: Design, people: list[Person], work: Path, run: Run, prepared: Background | str
) -> Results:
    """Step 2: every certificate's PDF in ``work``."""
    from mi_courseware.certificates.batch import render_all

    # a certificate issued in an earlier design is laid out in it again (same bytes), on a
    # background of its own; the print file takes its file, not its set page
    earlier: dict[int, list[Person]] = {}
    for person in people:
        layout = person.layout or 1
        if not design.same_as(layout):
            earlier.setdefault(layout, []).append(person)
    moved = {p.number for group in earlier.values() for p in group}
    later = [p for p in people if p.number not in moved]
    with progress_bar(len(people), enabled=not run.quiet) as tick:
        results = {}
        for layout, group in earlier.items():
            older = Design(design.edition, layout)
            done = render_all(older, group, work, run.jobs, tick, whole=run.whole)
            results.update({n: replace(r, personal=None) for n, r in done.rendered.items()})
        current = render_all(
            design, later, work, run.jobs, tick, whole=run.whole, prepared=prepared
        )
    current.rendered.update(results)
    return current


def stage(run: Run, hashes: dict[str, str]) -> dict[str, str]:
    """Step 3: record the hash of every rendered PDF before it moves into place."""
    with Register(run.register, keys=run.keys) as register, register.transaction():
        register.stage_all(hashes)
    return hashes


def promote(run: Run, hashes: dict[str, str], details: Details, report: Report) -> None:
    """Step 5: staged PDFs are in place (and voided ones gone); make it the register's
    record: prepared, issued, confirmed or voided as the run decided."""
    attendance = report.attendance
    report.actions.update(record(run.register, run.time, hashes, details, attendance, run.keys))


def issue(
    edition: Edition,
    folder: Path,
    run: Run,
    *,
    staged: bool = False,
    final: Path | None = None,
) -> tuple[Report, dict[str, str]]:
    """Issue ``edition``'s certificates into ``folder/certificates``.

    ``staged`` (inside ``build``): ``folder`` is the build's staging folder and ``final`` the
    folder it will replace; files are written straight into the staging folder and the caller
    promotes after its swap. Otherwise the run promotes at once. Returns the report and the
    staged hashes (number -> SHA-256).
    """
    if edition.event is None:
        raise UsageError("certificates are issued for an event; name an event, not a course")
    from mi_courseware.certificates.batch import prepare

    design = Design(edition)
    # a design that does not fit stops the run before numbering
    prepared = prepare(design, run.rendering)
    target = folder / FOLDER
    final_dir = (final or folder) / FOLDER
    report = Report(edition.event.id, target, Attendance(edition.ended(run.time)))
    people = plan(edition, run, design, final_dir, report)
    target.mkdir(parents=True, exist_ok=True)
    clean_leftovers(target)
    work = Path(tempfile.mkdtemp(prefix=f".work-{os.getpid()}-", dir=target))
    try:
        results = render(design, people, work, run, prepared)
        files = {number: r.path for number, r in results.rendered.items()}
        report.rendered = sorted(files)
        hashes = stage(run, {n: r.sha256 for n, r in results.rendered.items()})
        with Register(run.register, keys=run.keys) as register:
            rows = list(register.for_event(edition.event.id).values())
        kept = [r for r in rows if _kept(r) and r.number not in report.attendance.void]
        printed = [r for r in kept if r.number not in report.attendance.unprinted]
        # no certificate to print (nobody qualifies yet): no print file, as a PDF of no
        # pages is no PDF (readers refuse it)
        if printed:
            _write_all(design, edition, final_dir, work, results, printed)
        for number, path in files.items():
            os.replace(path, target / f"{number}.pdf")
        if printed:
            os.replace(work / ALL, target / ALL)
        _remove_stale(target, [r.number for r in kept], printed=bool(printed))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not staged:
        promote(run, hashes, design.details(), report)
    report.files = [target / f"{r.number}.pdf" for r in kept] + [target / ALL] * bool(printed)
    report.printed = len(printed)
    ended = report.attendance.ended
    report.awaiting = sum(
        1
        for r in kept
        if (r.status == "prepared" and r.number not in report.attendance.confirm)
        or (r.status == "pending" and not ended)
    )
    return report, hashes


def _kept(row: Certificate) -> bool:
    """Whether a certificate's file belongs in the folder: valid, prepared or on its way
    (never a revoked or void one)."""
    return row.active or row.status == "prepared" or row.pending_sha256 is not None


def _write_all(
    design: Design,
    edition: Edition,
    target: Path,
    work: Path,
    results: Results,
    rows: list[Certificate],
) -> None:
    """``all-certificates.pdf``: this run's certificates and the ones already in place
    (in ``target``, the folder the build will replace): valid ones, and prepared ones before
    the event's last day (to print and hand out at its end); never void ones.

    Its dates are the earliest creation and the latest change among its certificates' files,
    so it is as reproducible as they are.
    """
    from mi_courseware.certificates.writer import write_print_file

    items: list[bytes | Path] = []
    for row in rows:
        done = results.rendered.get(row.number)
        if done is not None and done.personal is not None:
            items.append(done.personal)
            continue
        path = done.path if done else target / f"{row.number}.pdf"
        if path.is_file():
            items.append(path)
    t = design.say_in[design.primary]
    first = min((r.issued_at for r in rows), default="1980-01-01T00:00:00Z")
    last = max((_changed(r) for r in rows), default=first)
    write_print_file(
        work / ALL,
        items,
        results.background,
        title=f"{t('certificate.title')}: {edition.title}",
        language=design.primary,
        created=first,
        modified=last,
    )


def _remove_stale(target: Path, keep: list[str], *, printed: bool = True) -> None:
    """Numbered PDFs no row of this event holds (revoked, or from another register), and
    the print file when it holds no certificate now."""
    names = {f"{n}.pdf" for n in keep} | ({ALL} if printed else set())
    for path in target.glob("*.pdf"):
        if path.name not in names:
            path.unlink(missing_ok=True)


def clean_leftovers(target: Path) -> None:
    """Remove work folders of runs that are no longer running (killed, crashed)."""
    for work in target.glob(".work-*"):
        pid = work.name.split("-")[1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(work, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
