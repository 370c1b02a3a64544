"""``scripts/system-deps.sh``, which ``make demo`` and ``make test`` run first: with a fake
``apt-get`` (and ``dpkg-query``, ``id``) first on PATH, nothing is installed for real."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import REPO

SCRIPT = REPO / "scripts" / "system-deps.sh"


def fake(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def run(tmp_path: Path, uid: int) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """The script, with every package missing, as user ``uid``: its run, and each apt-get
    call's arguments."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    calls = tmp_path / "apt-get.calls"
    fake(bin_, "dpkg-query", "exit 1")  # nothing installed
    fake(bin_, "id", f"echo {uid}")
    fake(bin_, "apt-get", f'echo "$*" >> "{calls}"')
    env = {**os.environ, "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, env=env, timeout=60
    )
    return done, calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []


def test_apt_waits_for_another_install_to_finish_instead_of_failing(tmp_path: Path) -> None:
    """Issue 21, defect 23: 'Could not get lock /var/lib/dpkg/lock-frontend' while another
    install ran; apt now waits for dpkg's lock (``DPkg::Lock::Timeout``)."""
    done, calls = run(tmp_path, 0)
    assert done.returncode == 0, done.stderr
    assert [call.split()[2] for call in calls] == ["update", "install"]
    assert all(call.startswith("-o DPkg::Lock::Timeout=600 ") for call in calls), calls


def test_without_root_it_names_the_command_that_waits_too(tmp_path: Path) -> None:
    done, calls = run(tmp_path, 1000)
    assert done.returncode == 1 and calls == []
    assert "sudo apt-get -o DPkg::Lock::Timeout=600 update && sudo apt-get -o " in done.stderr
