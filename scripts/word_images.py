#!/usr/bin/env python3
"""Pictures of two pages of the demo event's Word pack, as LibreOffice prints them, for the
README (beside the PDF pack's pictures of the same pages).

    .venv/bin/python scripts/word_images.py

Copies the demo project to a temporary folder, builds the demo event's Word pack
(``--only pack-docx``, ``SOURCE_DATE_EPOCH``), converts it to PDF with LibreOffice
(``soffice --headless --convert-to pdf``, the theme's Open Sans given to it as a computer
with the font installed would have it) and draws the cycle of change's session page and the
decisional balance worksheet at 60 dpi, as the PDF's pictures are, into
``docs/images/docx-session.png`` and ``docs/images/docx-decisional-balance.png``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOOL = Path(sys.executable).parent / "mi-courseware"
EVENT = "northfield-2027-03"
FONTS = """<?xml version="1.0"?><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>"""
#: Each picture, and how its page's text starts (its title, then its label), lines stripped.
PAGES = {
    "docx-session.png": r"\nThe cycle of change\nSESSION 4 · ",
    "docx-decisional-balance.png": r"\nDecisional balance\nWORKSHEET\n",
}


def main() -> int:
    """Make both pictures."""
    with tempfile.TemporaryDirectory(prefix="mi-courseware-word-") as name:
        tmp = Path(name)
        root = tmp / "project"
        shutil.copytree(REPO / "content", root / "content")
        shutil.copytree(REPO / "themes", root / "themes")
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1800000000"}
        build = [str(TOOL), "-q", "--project", str(root), "build", EVENT, "--only", "pack-docx"]
        subprocess.run(build, check=True, env=env)
        document = root / "output" / "events" / EVENT / "participant-pack.docx"
        fonts = tmp / "fonts.conf"
        fonts.write_text(
            FONTS.format(fonts=REPO / "themes" / "default" / "fonts", cache=tmp / "cache"),
            encoding="utf-8",
        )
        office = {**env, "HOME": str(tmp), "FONTCONFIG_FILE": str(fonts)}
        subprocess.run(
            ["soffice", f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
             "--convert-to", "pdf", "--outdir", str(tmp), str(document)],
            check=True, capture_output=True, env=office, timeout=300,
        )  # fmt: skip
        pdf = tmp / "participant-pack.pdf"
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True)
        pages = text.stdout.decode("utf-8").split("\f")
        images = REPO / "docs" / "images"
        for png, start in PAGES.items():
            found = [
                n
                for n, page in enumerate(pages, 1)
                if re.search(start, "\n".join(line.strip() for line in page.splitlines()))
            ]
            if len(found) != 1:
                print(f"{png}: {len(found)} pages match {start!r}", file=sys.stderr)
                return 1
            stem = str(images / Path(png).stem)
            number = str(found[0])
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", number, "-l", number, "-singlefile",
                 str(pdf), stem],
                check=True,
            )  # fmt: skip
            print(f"{stem}.png (page {number})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
