"""Pictures in decks pass the same image rule as every output, and SVGs draw nothing from outside.

An SVG logo that names a file outside itself (``<image href="/tmp/.../leak.png">``, a ``../``
path, an external ``<use>``) is refused by validation at the client's line, and the deck's
own drawing of an SVG removes such references anyway (and says so); a decompression-bomb or truncated PNG is refused with its file named, before anything is
written, and no image data is ever echoed into messages.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from test_slides import FIXTURE, build

from mi_courseware.errors import ContentError
from mi_courseware.loading.images import image_problem

LEAK = (255, 0, 255)  # a colour nothing in the fixture uses


def leak_png(path: Path) -> None:
    Image.new("RGB", (64, 64), LEAK).save(path)


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    return root


def test_an_svg_logo_pointing_outside_adds_no_outside_pixels_to_the_deck(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = project(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    leak_png(outside / "leak.png")
    leak_png(root / "content" / "clients" / "leak.png")  # a ../ path from the client folder
    logo = root / "content" / "clients" / "brightwater" / "logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 200 60"><rect width="60" height="60" fill="#0b6e69"/>'
        f'<image href="{outside / "leak.png"}" x="70" y="0" width="60" height="60"/>'
        '<image xlink:href="../leak.png" x="140" y="0" width="60" height="60"/>'
        f'<use href="{outside / "other.svg"}#shape"/></svg>',
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as refused:  # validation refuses it for every output
        build(root, "brightwater-2027", tmp_path / "out")
    assert "client.yaml:2:7: error: 'logo.svg' refers to something outside it" in str(refused.value)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pptx"))
    # and the deck's own drawing removes the references, should such a file reach it anyway
    from mi_courseware.rendering.pptx.images import _rasterise

    fonts = Path(__file__).parents[1] / "themes" / "default" / "fonts"
    with caplog.at_level(logging.WARNING):
        picture = _rasterise(logo, 400, fonts, "Open Sans")
    drawn = Image.open(io.BytesIO(picture.data)).convert("RGB")
    colours = {c for _, c in drawn.getcolors(1 << 20) or []}
    assert LEAK not in colours
    assert (11, 110, 105) in colours  # the logo itself is drawn
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        "logo.svg: left out of the deck's copy of this picture" in w
        and f"<image> of '{outside / 'leak.png'}'" in w
        and "<image> of '../leak.png'" in w
        and "<use> of" in w
        for w in warnings
    ), warnings


def test_a_decompression_bomb_or_truncated_png_never_reaches_the_deck(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import weasyprint  # noqa: F401  (it lets Pillow read truncated files, process-wide)

    root = project(tmp_path)
    picture = root / "content" / "modules" / "images" / "talking.png"
    Image.new("1", (10_000, 5_000)).save(picture)  # 50 million pixels in a few kB
    assert picture.stat().st_size < 100_000
    with pytest.raises(ContentError) as caught:
        build(root, "brightwater-2027", tmp_path / "out")
    # found when the project is checked, at the line that shows it
    assert str(caught.value).endswith(
        "tools.md:44:1: error: image 'images/talking.png' is too large to use "
        "(10000 x 5000 pixels; at most 40 million): save it smaller"
    )
    noise = Image.effect_noise((300, 300), 80).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    picture.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(ContentError) as caught:
        build(root, "brightwater-2027", tmp_path / "out2")
    assert "error: image 'images/talking.png' is not a readable PNG image (" in str(caught.value)
    assert "save it again as PNG" in str(caught.value)
    assert len(capsys.readouterr().err) < 2000  # no image data echoed
    assert (
        not (tmp_path / "out" / "events").exists() and not (tmp_path / "out2" / "events").exists()
    )


def test_the_image_rule(tmp_path: Path) -> None:
    good = tmp_path / "good.png"
    Image.new("RGB", (10, 10), "white").save(good)
    assert image_problem(good) is None
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"GIF89a" + bytes(100))
    assert image_problem(fake) == "is not a PNG image (save it again as PNG)"
    svg = tmp_path / "big.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'>" + " " * 4_100_000 + "</svg>")
    assert image_problem(svg) == "is too large to use (4100 kB; an SVG image is at most 4 MB)"
    bomb = tmp_path / "bomb.svg"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY e0 "aaaaaaaaaa">'
        + "".join(f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, 8))
        + ']><svg xmlns="http://www.w3.org/2000/svg"><text>&e7;</text></svg>'
    )
    assert (image_problem(bomb) or "").startswith("is not a readable SVG image (")


def test_svg_pictures_inside_an_svg_are_checked_as_the_svg_itself(tmp_path: Path) -> None:
    import base64

    def wrap(inner: str) -> str:
        data = base64.b64encode(inner.encode()).decode()
        return (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
            f'<image href="data:image/svg+xml;base64,{data}" width="10" height="10"/></svg>'
        )

    own = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="5" height="5"/></svg>'
    outside = '<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/hostname"/></svg>'
    logo = tmp_path / "logo.svg"
    logo.write_text(wrap(wrap(own)))  # pictures of its own, nested: fine
    assert image_problem(logo) is None
    logo.write_text(wrap(wrap(outside)))
    assert image_problem(logo) == (
        "refers to something outside it (<image> of an inline SVG picture (data:) that loads "
        "<image> of an inline SVG picture (data:) that loads <image> of 'file:///etc/hostname'); "
        "an image may not load other files or addresses: embed what it shows, or remove the "
        "reference"
    )
    logo.write_text(wrap(wrap(wrap(wrap(own)))))
    assert "that nests pictures more than 4 deep" in (image_problem(logo) or "")


def _descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (zombies left out: they are gone but unreaped)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found and _state(child) not in ("Z", "X", ""):
                    found.add(child)
                    todo.append(child)
    return found


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_the_process_drawing_an_svg_dies_with_the_build_that_started_it(tmp_path: Path) -> None:
    from conftest import SCRIPT, subprocess_env

    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent / "projects" / "foundation-basic", root)
    slow = Path(__file__).parent / "corpus" / "svg-filter-slow" / "files" / "content"
    shutil.copy(slow / "clients" / "acme" / "logo.svg", root / "content/clients/acme/logo.svg")
    build = subprocess.Popen(
        [str(SCRIPT), "--time-limit", "120", "build", "acme-2027", "--only", "slides"],
        cwd=root,
        env=subprocess_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:  # the drawing child is the descendant that works (planning takes far less)
        assert _until(lambda: any(_cpu_seconds(p) > 1 for p in _descendants(build.pid)), 60), (
            "no process started drawing the logo"
        )
        children = _descendants(build.pid)
        build.kill()
        build.wait()
        assert _until(lambda: all(_state(p) in ("Z", "X", "") for p in children), 10), (
            "a process of the killed build is still running"
        )
    finally:
        build.kill()
        build.wait()
