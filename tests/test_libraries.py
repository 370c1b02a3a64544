"""Generic work is done by one well-kept library each, not by a second one or by hand."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from test_imports import PACKAGE

#: PDF libraries other than pikepdf (the one the package reads and writes PDFs with).
OTHER_PDF_LIBRARIES = {"pypdf", "PyPDF2", "fitz", "pdfrw", "pdfminer", "pdfplumber"}


def third_party_imports(path: Path) -> set[str]:
    """The top-level names of every module ``path`` imports (inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_pdfs_are_read_and_written_with_pikepdf_alone() -> None:
    users = {
        path.relative_to(PACKAGE).as_posix(): sorted(
            third_party_imports(path) & OTHER_PDF_LIBRARIES
        )
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert {name: found for name, found in users.items() if found} == {}
    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    needed = {
        d.split(">")[0].split("<")[0].split("[")[0] for d in project["project"]["dependencies"]
    }
    assert "pikepdf" in needed and not needed & OTHER_PDF_LIBRARIES
