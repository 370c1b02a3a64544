#!/usr/bin/env python3
"""Pictures of two messages' HTML parts, as Chromium draws them, for the README.

    .venv/bin/python scripts/message_images.py

Copies the demo project to a temporary folder, issues the demo event's certificates after
its day (``SOURCE_DATE_EPOCH``), writes its invitations and certificate messages to an
outbox (``send --outbox``), and draws the first of each with headless Chromium (its logo,
a ``cid:`` part of the message, given to the page as a ``data:`` address) into
``docs/images/message-invitation.png`` and ``docs/images/message-certificate.png``.
"""

from __future__ import annotations

import base64
import email
import email.policy
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOOL = Path(sys.executable).parent / "mi-courseware"
EVENT = "northfield-2027-03"
AFTER = "1815000000"  # after the event's day
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--hide-scrollbars"]  # fmt: skip


def run(root: Path, *args: str) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": AFTER}
    subprocess.run([str(TOOL), "-q", "--project", str(root), *args], check=True, env=env)


def draw(eml: Path, png: Path, folder: Path) -> None:
    """The message's HTML part, its logo inline, drawn 720 pixels wide."""
    with eml.open("rb") as handle:
        message = email.message_from_binary_file(handle, policy=email.policy.default)
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for part in message.walk():
        cid = part.get("Content-ID")
        if cid:
            data = base64.b64encode(part.get_content()).decode()
            html = html.replace(f"cid:{cid.strip('<>')}", f"data:image/png;base64,{data}")
    page = folder / f"{png.stem}.html"
    page.write_text(html, encoding="utf-8")
    subprocess.run(
        ["chromium", *FLAGS, f"--screenshot={png}", "--window-size=720,900", page.as_uri()],
        check=True,
        capture_output=True,
    )


def main() -> int:
    """Make both pictures."""
    with tempfile.TemporaryDirectory(prefix="mi-courseware-messages-") as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(REPO / "content", root / "content")
        shutil.copytree(REPO / "themes", root / "themes")
        run(root, "certificates", EVENT)
        images = REPO / "docs" / "images"
        for kind in ("invitation", "certificate"):
            outbox = Path(tmp) / kind
            run(root, "send", kind, EVENT, "--outbox", str(outbox))
            first = sorted(outbox.glob("*.eml"))[0]
            draw(first, images / f"message-{kind}.png", Path(tmp))
            print(images / f"message-{kind}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
