"""A deck read as PowerPoint would: the OOXML validator ``openxml-audit`` predicts whether
PowerPoint opens a file cleanly or first offers to repair "unreadable content" (LibreOffice and
python-pptx are lenient, so only a validator sees what PowerPoint refuses)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any


@cache
def _validator() -> Any:
    from openxml_audit.errors import FileFormat
    from openxml_audit.validator import OpenXmlValidator

    return OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, max_errors=0)


def deck_faults(path: Path) -> list[str]:
    """Every error the validator finds in a deck (empty: PowerPoint opens it cleanly)."""
    from openxml_audit.errors import ValidationSeverity

    result = _validator().validate(path)
    return [
        f"{error.part_uri}: {error.description}"
        for error in result.errors
        if error.severity == ValidationSeverity.ERROR
    ]
