"""What a certificate's PDF says about itself: its document information, read and written.

(The module keeps its old name because :mod:`.verify` reads certificates through it.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mi_courseware.certificates.common import CODE_KEY, ISSUER_KEY, NUMBER_KEY, PdfInfo
from mi_courseware.errors import MiCoursewareError


def info_entries(info: PdfInfo) -> dict[str, str]:
    """The document-information entries that say which certificate a PDF is (and, from
    certificates issued with one, the issuer's key fingerprint)."""
    entries = {
        "/Title": info.title,
        "/Author": info.author,
        "/Subject": info.subject,
        "/Keywords": info.keywords,
        NUMBER_KEY: info.number,
        CODE_KEY: info.code,
    }
    if info.key:
        entries[ISSUER_KEY] = info.key
    return entries


def pdf_date(stamp: str) -> str:
    """``2027-03-12T09:30:00Z`` -> ``D:20270312093000Z``."""
    return "D:" + "".join(c for c in stamp if c.isdigit()) + "Z"


def set_info(pdf: Any, entries: dict[str, str], producer: str, created: str, modified: str) -> None:
    """Replace a pikepdf ``Pdf``'s document information with ``entries`` and our dates."""
    import pikepdf

    values = {
        **entries,
        "/Creator": "mi-courseware",
        "/Producer": producer,
        "/CreationDate": pdf_date(created),
        "/ModDate": pdf_date(modified),
    }
    pdf.trailer.Info = pdf.make_indirect(
        pikepdf.Dictionary({k: pikepdf.String(v) for k, v in values.items()})
    )


def read_info(path: Path) -> dict[str, str]:
    """The document information of a PDF (number and code when it is one of ours)."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            info = pdf.trailer.get("/Info")
            if not isinstance(info, pikepdf.Dictionary):
                return {}
            return {str(k): str(v) for k, v in info.items()}
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        # qpdf begins its messages with the file's name, which ours already gives
        reason = str(exc).removeprefix(f"{path}: ")
        raise MiCoursewareError(f"{path}: cannot read this PDF ({reason})") from None
