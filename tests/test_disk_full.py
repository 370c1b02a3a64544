"""A disk that fills during a rebuild: a clean error, exit 1, and ``output/`` as it was.

The corpus's ``full`` case fills the disk before anything is written; here it fills half-way
through a certificate rebuild, where the print file (``all-certificates.pdf``) is the first
write that no longer fits. The output folder is a small tmpfs of its own, mounted in a mount
namespace of the test's own (``unshare``), so nothing outside the test sees it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SCRIPT, MakeProject, subprocess_env

#: Runs inside the namespace: mount, build, fill the disk to leave room for the certificate
#: files but not the print file, rebuild, and report what happened.
INSIDE = r"""
import hashlib, json, os, subprocess, sys
from pathlib import Path

script, root = sys.argv[1], Path(sys.argv[2])
out = root / "output"
out.mkdir()
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(out)], check=True)
run = lambda *args: subprocess.run([script, *args], cwd=root, capture_output=True, text=True)
first = run("build", "acme-2027", "--only", "certificates")
assert first.returncode == 0, first.stderr
folder = out / "events" / "acme-2027" / "certificates"
own = sum(p.stat().st_size for p in folder.glob("A-*.pdf"))
printed = (folder / "all-certificates.pdf").stat().st_size
stat = os.statvfs(out)
free = stat.f_bavail * stat.f_frsize
room = own + printed // 3  # the certificates fit again, the print file does not
(out / "filler").write_bytes(b"\0" * (free - room))

def snapshot():
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*")) if p.is_file()
    }

before = snapshot()
again = run("build", "acme-2027", "--only", "certificates", "--force")
print(json.dumps({
    "code": again.returncode, "stderr": again.stderr, "kept": snapshot() == before,
    "leftover": sorted(p.name for p in out.iterdir() if p.name.startswith(".staging-")),
}))
"""


def test_a_disk_filling_during_a_certificate_rebuild_is_a_clean_error_and_keeps_the_output(
    make_project: MakeProject, tmp_path: Path
) -> None:
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed: cannot make a small file system here")
    root = make_project()
    command = [unshare, "--map-root-user", "--mount", sys.executable, "-c", INSIDE]
    done = subprocess.run(
        [*command, str(SCRIPT), str(root)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=300,
        check=False,
    )
    if done.returncode != 0 and "unshare" in done.stderr.splitlines()[0]:
        pytest.skip(f"cannot make a mount namespace here ({done.stderr.strip()})")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (
        report["stderr"]
        == "mi-courseware: error: cannot write the output folder: the disk is full\n"
    )
    assert report["code"] == 1
    assert report["kept"], "the failed rebuild changed output/"
    assert report["leftover"] == []
