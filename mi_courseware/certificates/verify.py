"""Answering "is this certificate genuine?" from the register alone (no project needed).

Given a code: valid, revoked, unknown, or mistyped (the check symbol tells a typo from a code
that was never issued). Given a PDF: the code is read from the file's metadata, and the file's
SHA-256 is compared with the register's, so an altered or superseded copy is told apart from
the certificate as issued.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from mi_courseware.certificates.codes import read_code
from mi_courseware.register import Certificate, Register


@dataclass
class Verdict:
    """What ``verify`` says, and its exit status (0 only for a valid certificate)."""

    status: str  # valid | revoked | unknown | mistyped | pending | altered
    lines: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 for a valid certificate (and, given a file, a matching one), else 1."""
        return 0 if self.status == "valid" else 1


def _day(stamp: str) -> str:
    return stamp[:10]


def describe(row: Certificate) -> list[str]:
    """The certificate's details as ``verify`` prints them."""
    issued = _day(row.issued_at)
    if row.status == "reissued":
        issued += f" (reissued {_day(row.changed_at)})"
    lines = [
        f"  holder:  {row.name}",
        f"  course:  {row.course}",
        f"  date:    {row.dates}" if row.dates else "",
        f"  by:      {row.client}" if row.client else "",
        f"  number:  {row.number}",
        f"  issued:  {issued}",
    ]
    return [line for line in lines if line]


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
    if row.status == "pending":
        return Verdict(
            "pending",
            [
                f"{read.code}: unknown: not issued (an unfinished run reserved it; running "
                f"'mi-courseware certificates {row.event}' again completes it)"
            ],
        ), row
    if row.status == "revoked":
        revoked = [h for h in register.history(row.number) if h.action == "revoked"]
        why = f" on {_day(revoked[-1].at)}: {revoked[-1].detail}" if revoked else ""
        return Verdict("revoked", [f"{row.number}: REVOKED{why}", *describe(row)]), row
    return Verdict("valid", [f"{row.number}: valid", *describe(row)]), row


def check_file(register: Register, path: Path) -> Verdict:
    """The verdict on a certificate PDF: its code, then whether the bytes are the issued ones."""
    from mi_courseware.certificates.pdfsplit import CODE_KEY, read_info

    info = read_info(path)
    code = info.get(CODE_KEY)
    if not code:
        return Verdict(
            "unknown",
            [
                f"{path}: unknown: not a certificate made by mi-courseware "
                "(no verification code in its metadata)"
            ],
        )
    verdict, row = check_code(register, code)
    if row is None or verdict.status not in ("valid", "revoked", "pending"):
        return verdict
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest == row.sha256:
        verdict.lines.append(f"  file:    matches the register (SHA-256 {digest[:16]}…)")
        return verdict
    if row.pending_sha256 == digest:
        verdict.lines.append("  file:    made by a run that did not finish; it is not issued yet")
        return Verdict("pending", verdict.lines)
    earlier = [h for h in register.history_with_sha(digest) if h.number == row.number]
    verdict.lines.append(
        "  file:    DOES NOT MATCH the register: this is not the certificate as currently issued"
    )
    if earlier:
        verdict.lines.append(
            f"           it is an earlier copy, issued {_day(earlier[0].at)} "
            f"to '{earlier[0].name}' and since replaced"
        )
    else:
        verdict.lines.append("           the file was changed after it was issued")
    return Verdict("altered", verdict.lines)


def verify(register_path: Path, code_or_pdf: str) -> Verdict:
    """``verify CODE_OR_PDF`` against the register at ``register_path``."""
    candidate = Path(code_or_pdf)
    is_file = candidate.suffix.lower() == ".pdf" or candidate.is_file()
    if not register_path.is_file():
        return Verdict(
            "unknown",
            [
                f"{code_or_pdf}: unknown: no certificate register at "
                f"{register_path} (nothing has been issued here)"
            ],
        )
    with Register(register_path, create=False) as register:
        if is_file:
            if not candidate.is_file():
                return Verdict("unknown", [f"{candidate}: no such file"])
            return check_file(register, candidate)
        return check_code(register, code_or_pdf)[0]
