"""A deck is a package PowerPoint opens without offering a repair: it holds every part
PowerPoint writes in the files it saves (python-pptx's default template is one such file), and
the OOXML validator finds nothing in it. (The demo's and the fixtures' decks are validated as
``tests/test_slides.py`` builds them; here, a new user's.)"""

from __future__ import annotations

import posixpath
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pptx
from lxml import etree

from mi_courseware.rendering.pptx.package import Package
from tests.conftest import SCRIPT, subprocess_env
from tests.ooxml_audit import deck_faults

#: A presentation PowerPoint saved (on a Mac: hence its printer settings).
POWERPOINT = Path(pptx.__file__).parent / "templates" / "default.pptx"
#: Parts of that file no deck needs: the Mac version's printer set-up, and the preview picture.
NOT_NEEDED = {"printerSettings", "thumbnail"}
WHEN = datetime(2027, 1, 1)
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def part_kinds(path: Path) -> set[str]:
    """The kinds of part the package and its presentation point at (relationship types)."""
    with zipfile.ZipFile(path) as archive:
        kinds = set()
        for rels in ("_rels/.rels", "ppt/_rels/presentation.xml.rels"):
            for item in etree.fromstring(archive.read(rels)).iter(RELS):
                kind = posixpath.basename(item.get("Type", ""))
                target = item.get("Target", "")
                assert kind and target
                kinds.add(kind)
        return kinds


def test_a_new_users_deck_holds_every_part_powerpoint_writes_and_opens_without_repair(
    tmp_path: Path,
) -> None:
    project = tmp_path / "mine"
    env = subprocess_env() | {"SOURCE_DATE_EPOCH": "1800000000"}
    for args in (["init", "--bare", str(project)], ["build", "--only", "slides"]):
        done = subprocess.run(
            [str(SCRIPT), "-q", *args],
            cwd=project if args[0] == "build" else tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    deck = next((project / "output").rglob("slides.pptx"))
    wanted = part_kinds(POWERPOINT) - NOT_NEEDED
    assert {"presProps", "viewProps", "tableStyles"} <= wanted
    assert wanted - part_kinds(deck) == set()
    assert deck_faults(deck) == []
    with zipfile.ZipFile(deck) as archive:
        types = archive.read("[Content_Types].xml").decode()
    for name in ("presProps", "viewProps", "tableStyles"):
        assert f'PartName="/ppt/{name}.xml" ContentType="application/vnd.openxmlformats-' in types


def test_the_validator_sees_the_missing_parts_and_a_powerpoint_file_keeps_its_own(
    tmp_path: Path,
) -> None:
    """The check can fail: a deck without the properties parts is two errors; and a template
    PowerPoint saved already has them, so none is added or replaced."""
    from mi_courseware.rendering.pptx.properties import complete

    assert deck_faults(POWERPOINT) == []
    package = Package.open(POWERPOINT)
    before = {name: package.parts[name] for name in ("ppt/presProps.xml", "ppt/viewProps.xml")}
    assert complete(package) == []
    assert all(package.parts[name] == data for name, data in before.items())
    for name in ("ppt/presProps.xml", "ppt/viewProps.xml"):
        package.remove(name)
    rels = package.rels("ppt/presentation.xml")
    rels.items = [r for r in rels.items if not r.type.endswith(("/presProps", "/viewProps"))]
    stripped = tmp_path / "stripped.pptx"
    package.save(stripped, WHEN)
    assert [
        fault.split(": ", 1)[1].split(" relationship")[0] for fault in deck_faults(stripped)
    ] == [
        "Presentation is missing presProps",
        "Presentation is missing viewProps",
    ]
    assert complete(package) == ["ppt/presProps.xml", "ppt/viewProps.xml"]
    package.save(stripped, WHEN)
    assert deck_faults(stripped) == []


def test_entries_are_deflated_at_the_packages_level_and_pictures_stored(tmp_path: Path) -> None:
    import zlib

    from mi_courseware.rendering.pptx.package import COMPRESSION

    words = [b"reflect", b"open", b"question", b"affirm", b"summary", b"evoke", b"plan"]
    text = b"".join(b"<a:t>" + words[(i * i) % 7] + words[i % 5] + b"</a:t>" for i in range(3000))

    def deflated(level: int) -> int:
        deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
        return len(deflate.compress(text) + deflate.flush())

    types = b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    package = Package(
        {
            "[Content_Types].xml": types,
            "ppt/slides/slide1.xml": text,
            "ppt/media/image1.png": b"\x89PNG" * 50,
        }
    )
    package.save(tmp_path / "deck.pptx", WHEN)
    with zipfile.ZipFile(tmp_path / "deck.pptx") as archive:
        slide = archive.getinfo("ppt/slides/slide1.xml")
        picture = archive.getinfo("ppt/media/image1.png")
        assert archive.read(slide) == text
    assert slide.compress_type == zipfile.ZIP_DEFLATED
    assert slide.compress_size == deflated(COMPRESSION) != deflated(6)  # zlib's default
    assert picture.compress_type == zipfile.ZIP_STORED
