"""Answering "is this certificate genuine?" from the register, or from a published site.

Given a code: valid, revoked, prepared (awaiting attendance), void, unknown, or mistyped (the
check symbol tells a typo from a code that was never issued). Given a number, the holder's
name as printed must come with it (compared with case and accents folded). Given a PDF: the
code is read from the file's metadata, and the file's SHA-256 is compared with the register's,
so an altered or superseded copy is told apart from the certificate as issued. With
``offline``, the same questions are answered from a published verification site's folder
(signed records) instead of the register, and a record is believed only when its signing
key is known from outside the folder (:mod:`mi_courseware.register.trust`).

The first line of every answer carries the verdict; the lines after it are details.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mi_courseware.codes import is_number, read_code

if TYPE_CHECKING:
    from mi_courseware.register import Certificate, Location, Register
    from mi_courseware.register.trust import Trust


#: What ``verify`` says of a prepared certificate.
AWAITING = "prepared, awaiting attendance: not valid until attendance is confirmed"


@dataclass
class Verdict:
    """What ``verify`` says, and its exit status (0 only for a valid certificate).

    ``status``: valid | revoked | prepared | void | pending | unknown | mistyped | altered |
    superseded | tampered | incomplete.
    """

    status: str
    lines: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 for a valid certificate (and, given a file, a matching one), else 1."""
        return 0 if self.status == "valid" else 1


def _day(stamp: str) -> str:
    return stamp[:10]


def fold_name(name: str) -> str:
    """A name for comparison: accents, case, punctuation and spacing folded away, so that
    "charlotte fairfax whitmore" is "Charlotte Fairfax-Whitmore" and "Declan OReilly" is
    "Declan O'Reilly" (a caller on the phone spells letters, not hyphens and apostrophes)."""
    decomposed = unicodedata.normalize("NFKD", name)
    # letters and digits only: marks (accents), punctuation, symbols and spaces go
    return "".join(c for c in decomposed if unicodedata.category(c)[0] in "LN").casefold()


def _hours(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def details(fields: dict[str, Any]) -> list[str]:
    """The certificate's details as ``verify`` prints them."""
    lines = [
        f"  holder:  {fields['name']}",
        f"  course:  {fields['course']}",
        f"  date:    {fields['dates']}" if fields.get("dates") else "",
        f"  hours:   {_hours(fields['cpd_hours'])} CPD" if fields.get("cpd_hours") else "",
        f"  by:      {fields['client']}" if fields.get("client") else "",
        f"  number:  {fields['number']}",
        f"  issued:  {fields['issued']}",
    ]
    return [line for line in lines if line]


def describe(row: Certificate) -> list[str]:
    """A register row's details as ``verify`` prints them."""
    issued = row.issue_date
    if row.status == "reissued":
        issued += f" (reissued {_day(row.changed_at)})"
    if row.confirmed_at:
        issued += f" (attendance confirmed {_day(row.confirmed_at)})"
    return details({**row.__dict__, "issued": issued})


def judge(register: Register, row: Certificate, code: str) -> Verdict:
    """The verdict on a certificate the register holds (found by code, or number and name)."""
    if row.status == "pending":
        return Verdict(
            "pending",
            [
                f"{code}: unknown: not issued (an unfinished run reserved it; running "
                f"'mi-courseware certificates {row.event}' again completes it)"
            ],
        )
    lines = describe(row)
    if row.status == "prepared":
        first = f"{row.number}: {AWAITING}"
        return Verdict("prepared", [first, *lines])
    if row.status in ("revoked", "void"):
        action = "revoked" if row.status == "revoked" else "voided"
        entries = [h for h in register.history(row.number) if h.action == action]
        why = f" on {_day(entries[-1].at)}: {entries[-1].detail}" if entries else ""
        if row.status == "void":
            first = f"{row.number}: VOID: never valid (prepared, attendance not confirmed{why})"
            return Verdict("void", [first, *lines])
        return Verdict("revoked", [f"{row.number}: REVOKED{why}", *lines])
    return Verdict("valid", [f"{row.number}: valid", *lines])


def check_code(register: Register, typed: str) -> tuple[Verdict, Certificate | None]:
    """The verdict on a typed code, and its register row when there is one."""
    read = read_code(typed)
    if read.verdict == "malformed":
        line = f"{typed}: unknown: not a certificate code ({read.reason})"
        return Verdict("unknown", [line]), None
    if read.verdict == "mistyped":
        return Verdict(
            "mistyped",
            [
                f"{read.code}: unknown code, probably mistyped: {read.reason}; check each "
                "character and type it again"
            ],
        ), None
    row = register.by_code(read.code)
    if row is None:
        return Verdict("unknown", [f"{read.code}: unknown: no certificate has this code"]), None
    return judge(register, row, read.code), row


def find(register: Register, typed: str) -> tuple[Verdict, Certificate | None]:
    """The certificate a coordinator names by its verification code or by its number, with
    the verdict on it (as :func:`check_code` gives it; a number nobody holds is unknown)."""
    if not is_number(typed):
        return check_code(register, typed)
    number = typed.strip().upper()
    row = register.get(number)
    if row is None:
        return Verdict("unknown", [f"{number}: unknown: no certificate has this number"]), None
    return judge(register, row, number), row


def check_number(register: Register, typed: str, name: str | None) -> Verdict:
    """The verdict on a certificate number and the holder's name as printed."""
    number = typed.strip().upper()
    if name is None or not name.strip():
        return Verdict(
            "incomplete",
            [
                f"{number}: not checked: a certificate number is checked together with the "
                f'holder\'s name as printed: mi-courseware verify {number} --name "..." '
                "(or give the verification code instead)"
            ],
        )
    row = register.get(number)
    wanted = fold_name(name)
    if row is not None and row.status != "pending" and fold_name(row.name) == wanted:
        return judge(register, row, number)
    if row is not None:
        earlier = [h for h in register.history(number) if fold_name(h.name) == wanted]
        if earlier and row.status == "reissued":
            return Verdict(
                "superseded",
                [
                    f"{number}: SUPERSEDED: a copy naming '{name.strip()}' was replaced on "
                    f"{_day(row.changed_at)} by a reissue with a corrected name; only the "
                    "current copy is valid"
                ],
            )
    return Verdict(
        "unknown", [f"{number}: unknown: no certificate with this number was issued to that name"]
    )


def check_file(register: Register, path: Path) -> Verdict:
    """The verdict on a certificate PDF: its code, then whether the bytes are the issued ones."""
    code = _code_in(path)
    if code is None:
        return _not_ours(path)
    verdict, row = check_code(register, code)
    if row is None or verdict.status not in ("valid", "revoked", "pending", "prepared", "void"):
        return verdict
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest == row.sha256:
        verdict.lines.append(f"  file:    matches the register (SHA-256 {digest[:16]}…)")
        return verdict
    if row.pending_sha256 == digest:
        verdict.lines.append("  file:    made by a run that did not finish; it is not issued yet")
        return Verdict("pending", verdict.lines)
    earlier = [h for h in register.history_with_sha(digest) if h.number == row.number]
    lines = verdict.lines[1:] if verdict.lines else []
    lines.append(
        "  file:    DOES NOT MATCH the register: this is not the certificate as currently issued"
    )
    if earlier:
        first = (
            f"{path}: SUPERSEDED: an earlier copy of {row.number} (issued {_day(earlier[0].at)} "
            f"to '{earlier[0].name}'), since replaced; not valid"
        )
        lines.append(
            f"           it is an earlier copy, issued {_day(earlier[0].at)} "
            f"to '{earlier[0].name}' and since replaced"
        )
        return Verdict("superseded", [first, *lines])
    first = f"{path}: ALTERED: not valid: this file is not certificate {row.number} as issued"
    lines.append("           the file was changed after it was issued")
    return Verdict("altered", [first, *lines])


def _code_in(path: Path) -> str | None:
    from mi_courseware.certificates.common import CODE_KEY
    from mi_courseware.certificates.pdfsplit import read_info

    value = read_info(path).get(CODE_KEY)
    return str(value) if value else None


def _not_ours(path: Path) -> Verdict:
    return Verdict(
        "unknown",
        [
            f"{path}: unknown: not a certificate made by mi-courseware "
            "(no verification code in its metadata)"
        ],
    )


#: What ``verify --offline`` says when nothing outside the site says whose key to believe.
NO_TRUST = (
    "{target}: not checked: a published site proves nothing by itself (anyone can make one "
    "with a key of their own); give the issuer's key fingerprint with --key (16 hex digits, "
    "such as 3F2A 91C0 77DE 0B41, as the issuing organisation publishes it: ask it, or see "
    "its website; 'mi-courseware register keys list' shows them where the register is), or "
    "check where the certificate register is. The fingerprint printed on a certificate is "
    "not proof on its own."
)


def check_offline(site_folder: Path, code_or_pdf: str, trust: Trust | None) -> Verdict:
    """The verdict from a published site's folder (no register needed): code or PDF.

    ``trust``: the keys to believe (``--key``, or the register's); without it the answer is
    never "valid".
    """
    from mi_courseware.register.publish import offline_site

    if trust is None:
        return Verdict("untrusted", [NO_TRUST.format(target=code_or_pdf)])
    site = offline_site(site_folder)
    candidate = Path(code_or_pdf)
    path = candidate if _is_file(code_or_pdf) else None
    if path is None and is_number(code_or_pdf):
        return Verdict(
            "incomplete",
            [
                f"{code_or_pdf.strip().upper()}: not checked: a published site is searched by "
                "verification code only; give the code or the certificate's PDF"
            ],
        )
    if path is not None and not path.is_file():
        return Verdict("unknown", [f"{path}: no such file"])
    typed = _code_in(path) if path is not None else code_or_pdf
    if typed is None:
        return _not_ours(candidate)
    read = read_code(typed)
    if read.verdict != "ok":
        status = "mistyped" if read.verdict == "mistyped" else "unknown"
        return Verdict(status, [f"{typed}: unknown: not a valid code ({read.reason})"])
    found = site.lookup(read.code)
    record = found.payload
    where = f"published site {site_folder}"
    if found.status == "tampered":
        return Verdict(
            "tampered",
            [
                f"{read.code}: TAMPERED: the {where} holds a record for this code whose "
                "signature does not match; do not rely on it"
            ],
        )
    if record is None or found.signer is None:
        return Verdict("unknown", [f"{read.code}: unknown: the {where} has no such certificate"])
    doubt = trust.doubt(found.signer, str(record.get("client")))
    if doubt is not None:
        return Verdict(
            "untrusted",
            [
                f"{read.code}: NOT GENUINE: the {where} holds a record for this code {doubt}: "
                "the site may be forged; do not rely on it"
            ],
        )
    status = str(record.get("status"))
    lines = details(record)
    verdict = {
        "issued": ("valid", f"{record['number']}: valid"),
        "reissued": ("valid", f"{record['number']}: valid (reissued {record.get('reissued')})"),
        "revoked": ("revoked", f"{record['number']}: REVOKED on {record.get('since')}"),
        "prepared": (
            "prepared",
            f"{record['number']}: {AWAITING}",
        ),
        "void": ("void", f"{record['number']}: VOID: never valid (voided {record.get('since')})"),
    }.get(status, ("unknown", f"{record['number']}: unknown status '{status}'"))
    source = f"  source:  {where} ({trust.describe(found.signer)})"
    result = Verdict(verdict[0], [verdict[1], *lines, source])
    if path is None:
        return result
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest == record.get("sha256"):
        result.lines.append(f"  file:    matches the published record (SHA-256 {digest[:16]}…)")
        return result
    first = (
        f"{path}: ALTERED: not valid: this file is not certificate {record['number']} as "
        "published (changed after issue, or an earlier copy)"
    )
    return Verdict("altered", [first, *result.lines[1:]])


def _is_file(text: str) -> bool:
    candidate = Path(text)
    return candidate.suffix.lower() == ".pdf" or candidate.is_file()


def verify(
    location: Location,
    code_or_pdf: str,
    *,
    name: str | None = None,
    offline: Path | None = None,
    trust: Trust | None = None,
) -> Verdict:
    """``verify CODE_OR_PDF_OR_NUMBER`` against the register at ``location`` (or, with
    ``offline``, a published site, believed only as far as ``trust`` goes)."""
    from mi_courseware.register import Register

    if offline is not None:
        return check_offline(offline, code_or_pdf, trust)
    is_file = _is_file(code_or_pdf)
    if isinstance(location, Path) and not location.is_file():
        return Verdict(
            "unknown",
            [
                f"{code_or_pdf}: unknown: no certificate register at "
                f"{location} (nothing has been issued here)"
            ],
        )
    with Register(location, create=False) as register:
        if is_file:
            candidate = Path(code_or_pdf)
            if not candidate.is_file():
                return Verdict("unknown", [f"{candidate}: no such file"])
            return check_file(register, candidate)
        if is_number(code_or_pdf):
            return check_number(register, code_or_pdf, name)
        return check_code(register, code_or_pdf)[0]
