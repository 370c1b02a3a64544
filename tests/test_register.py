"""The certificate register and verification codes: numbers, codes, history, concurrency."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from mi_courseware.certificates.codes import (
    ALPHABET,
    LENGTH,
    check_symbol,
    group,
    is_number,
    new_code,
    read_code,
)
from mi_courseware.register import SCHEMA_VERSION, Details, Register, RegisterError

DETAILS = Details("An Introduction to MI", "Acme Health Trust", "11 March 2027", 2.5)


def reserve(
    register: Register,
    identity: str,
    name: str = "Siân",
    event: str = "e1",
    prefix: str = "ACME",
    year: int = 2027,
):
    return register.reserve(
        event=event,
        identity=identity,
        name=name,
        prefix=prefix,
        year=year,
        details=DETAILS,
        at="2027-03-12T09:00:00Z",
    )


# -- codes ---------------------------------------------------------------------------------


def test_a_code_has_55_random_bits_in_three_groups_without_look_alikes() -> None:
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == LENGTH + 2 and code[4] == code[9] == "-"
        assert set(code.replace("-", "")) <= set(ALPHABET)
        assert read_code(code).verdict == "ok"
    assert not set("ILOU") & set(ALPHABET)
    assert len(ALPHABET) ** (LENGTH - 1) >= 2**55


def test_every_single_mistyped_symbol_is_caught() -> None:
    for _ in range(40):
        compact = new_code().replace("-", "")
        for position in range(LENGTH):
            for symbol in ALPHABET:
                if symbol != compact[position]:
                    typo = compact[:position] + symbol + compact[position + 1 :]
                    assert read_code(typo).verdict == "mistyped", typo


def test_reading_a_code_forgives_case_spaces_and_look_alikes() -> None:
    body = "0K1Q2M9XDF3"
    code = group(body + check_symbol(body))
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert read_code(typed).code == code
    assert read_code(typed).verdict == "ok"


def test_a_code_of_the_wrong_shape_is_malformed_and_a_u_is_mistyped() -> None:
    assert read_code("hello").verdict == "malformed"
    assert read_code("ABCD-EFGH-JKMN-P").verdict == "malformed"
    assert read_code("ABCD-EFGH-JKMU").verdict == "mistyped"


def test_numbers_have_the_prefix_year_serial_shape() -> None:
    assert is_number("NBC-2027-000001")
    assert not is_number("NBC-27-1")


# -- the register --------------------------------------------------------------------------


def test_numbers_count_up_per_prefix_and_year(tmp_path: Path) -> None:
    with Register(tmp_path / "r.sqlite") as register, register.transaction():
        a = reserve(register, "email:a@x")
        b = reserve(register, "email:b@x")
        c = reserve(register, "email:c@x", year=2028)
        d = reserve(register, "email:d@x", prefix="GTD")
    assert [a.number, b.number, c.number, d.number] == [
        "ACME-2027-000001",
        "ACME-2027-000002",
        "ACME-2028-000001",
        "GTD-2027-000001",
    ]
    assert a.status == "pending" and a.sha256 is None


def test_a_person_has_one_certificate_per_event(tmp_path: Path) -> None:
    with Register(tmp_path / "r.sqlite") as register:
        with register.transaction():
            reserve(register, "email:a@x")
        with pytest.raises(sqlite3.IntegrityError), register.transaction():
            reserve(register, "email:a@x")
        assert len(register.all()) == 1  # the failed transaction left nothing behind


def test_it_keeps_the_certificate_number_when_a_name_is_corrected(tmp_path: Path) -> None:
    with Register(tmp_path / "r.sqlite") as register:
        with register.transaction():
            row = reserve(register, "email:a@x", name="Zoe Darcy")
            assert register.promote(row.number, "aa", DETAILS, "2027-03-12T09:00:00Z") == "issued"
        with register.transaction():
            register.request_reissue(row.number, "Zoë D'Arcy", "2027-04-01T10:00:00Z")
            register.promote(row.number, "bb", DETAILS, "2027-04-01T10:00:00Z")
        after = register.get(row.number)
        history = register.history(row.number)
    assert after is not None
    assert (after.number, after.code, after.name, after.status, after.sha256) == (
        row.number,
        row.code,
        "Zoë D'Arcy",
        "reissued",
        "bb",
    )
    assert after.changed_at == "2027-04-01T10:00:00Z" and after.issued_at == row.issued_at
    assert [(h.action, h.name, h.sha256) for h in history] == [
        ("issued", "Zoe Darcy", "aa"),
        ("reissued", "Zoë D'Arcy", "bb"),
    ]


def test_the_same_file_again_changes_nothing_and_a_new_one_is_recorded(tmp_path: Path) -> None:
    with Register(tmp_path / "r.sqlite") as register, register.transaction():
        row = reserve(register, "email:a@x")
        register.promote(row.number, "aa", DETAILS, "t1")
        assert register.promote(row.number, "aa", DETAILS, "t2") is None
        assert register.promote(row.number, "cc", DETAILS, "t3") == "regenerated"
        assert [h.action for h in register.history(row.number)] == ["issued", "regenerated"]


def test_history_is_append_only_and_certificates_are_never_deleted(tmp_path: Path) -> None:
    with Register(tmp_path / "r.sqlite") as register:
        with register.transaction():
            row = reserve(register, "email:a@x")
            register.promote(row.number, "aa", DETAILS, "t1")
            register.revoke(row.number, "issued in error", "t2")
        for statement in (
            "UPDATE history SET name = 'x'",
            "DELETE FROM history",
            "DELETE FROM certificates",
        ):
            with pytest.raises(sqlite3.IntegrityError, match=r"append-only|never deleted"):
                register.db.execute(statement)
        assert register.get(row.number).status == "revoked"  # type: ignore[union-attr]
        assert [(h.action, h.detail) for h in register.history(row.number)] == [
            ("issued", ""),
            ("revoked", "issued in error"),
        ]


def test_a_file_that_is_not_a_register_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    path.write_bytes(b"not a database at all, just text" * 100)
    with pytest.raises(RegisterError, match="not a certificate register"):
        Register(path)


def test_a_register_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}").connection.close()
    with pytest.raises(RegisterError, match="newer"):
        Register(path)


def test_a_missing_register_is_not_created_for_reading(tmp_path: Path) -> None:
    with pytest.raises(RegisterError, match="nothing issued yet"):
        Register(tmp_path / "none.sqlite", create=False)
    assert not (tmp_path / "none.sqlite").exists()


def _allocate(
    path: str,
    event: str,
    count: int,
    start: multiprocessing.synchronize.Event,
    out: multiprocessing.Queue,
) -> None:
    start.wait()
    numbers = []
    with Register(Path(path)) as register:
        for index in range(count):
            with register.transaction():
                numbers.append(reserve(register, f"id:{event}-{index}", event=event).number)
    out.put(numbers)


def test_two_processes_allocating_at_once_never_share_a_number(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    Register(path).close()
    context = multiprocessing.get_context("spawn")
    start, out = context.Event(), context.Queue()
    workers = [
        context.Process(target=_allocate, args=(str(path), event, 60, start, out))
        for event in ("e1", "e2")
    ]
    for worker in workers:
        worker.start()
    start.set()
    results = [out.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    numbers = results[0] + results[1]
    assert len(numbers) == len(set(numbers)) == 120
    assert sorted(numbers) == [f"ACME-2027-{n:06d}" for n in range(1, 121)]


# -- the register and the files agree, whatever happens to a run ---------------------------

EPOCH = "1805443200"


def _project(tmp_path: Path) -> Path:
    import shutil

    from conftest import PROJECTS

    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "foundation-basic", root)
    shutil.copytree(PROJECTS / "certs-basic", root, dirs_exist_ok=True)
    return root


def _script(root: Path, *args: str, register: Path | None = None) -> list[str]:
    from conftest import SCRIPT

    extra = ["--register", str(register)] if register else []
    return [str(SCRIPT), "--project", str(root), *extra, "-q", *args]


def _env() -> dict[str, str]:
    from conftest import subprocess_env

    return {**subprocess_env(), "SOURCE_DATE_EPOCH": EPOCH}


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def agree(root: Path, event: str, register: Path, *, finished: bool) -> None:
    """Every numbered PDF has its row and every issued row its PDF, with matching hashes.

    Between staging and promoting, a PDF may be in place while its row is still pending:
    then it is exactly the row's staged hash. ``finished``: no such in-between state is left.
    """
    folder = root / "output" / "events" / event / "certificates"
    files = {p.stem: _sha(p) for p in folder.glob("*.pdf") if p.name != "all-certificates.pdf"}
    with Register(register, create=False) as reg:
        by_number = {r.number: r for r in reg.for_event(event).values()}
    for number, digest in files.items():
        row = by_number.get(number)
        assert row is not None, f"{number}.pdf has no row in the register"
        assert (row.active and row.sha256 == digest) or row.pending_sha256 == digest, number
    for row in by_number.values():
        if row.active:
            assert row.number in files, f"{row.number} is issued but has no file"
            assert files[row.number] in (row.sha256, row.pending_sha256), row.number
        if finished:
            assert row.active and row.pending_sha256 is None and row.pending_name is None
            assert files[row.number] == row.sha256
    if finished:
        assert not list(folder.glob(".work-*")), "a killed run's work folder was left behind"


def test_two_certificate_runs_at_once_on_two_events_share_no_number(tmp_path: Path) -> None:
    import subprocess

    root = _project(tmp_path)
    register = tmp_path / "shared.sqlite"
    runs = [
        subprocess.Popen(
            _script(root, "certificates", event, register=register),
            env=_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for event in ("acme-2027", "acme-second")
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    with Register(register, create=False) as reg:
        rows = reg.all()
    numbers = [r.number for r in rows]
    assert len(numbers) == len(set(numbers)) == 18
    assert sorted(numbers) == [f"A-2027-{n:06d}" for n in range(1, 19)]
    assert sorted(r.event for r in rows).count("acme-second") == 6
    for event in ("acme-2027", "acme-second"):
        agree(root, event, register, finished=True)


def test_a_run_killed_part_way_leaves_the_register_and_the_files_agreeing(tmp_path) -> None:
    import os
    import signal
    import subprocess
    import time

    root = _project(tmp_path)
    register = root / "records" / "certificates.sqlite"
    roster = root / "content" / "rosters" / "acme-2027.csv"
    subprocess.run(_script(root, "certificates", "acme-2027"), env=_env(), check=True)
    before = roster.read_text(encoding="utf-8").replace("Zoë D'Arcy-Fenwick,", "Zoë D'Arcy,")
    roster.write_text(
        before + "".join(f"Person Number {n},p{n}@acme.example,,,yes\n" for n in range(60)),
        encoding="utf-8",
    )
    run = subprocess.Popen(
        _script(root, "certificates", "acme-2027", "--reissue", "-j", "1"),
        env=_env(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    staged = root / "output"  # certificates are made in a staging folder beside the event's
    while (
        not list(staged.glob(".staging-*/certificates/.work-*/*.pdf"))
        and time.monotonic() < deadline
    ):
        time.sleep(0.02)
    os.killpg(run.pid, signal.SIGKILL)  # the run and any worker it started
    run.wait(timeout=30)
    assert run.returncode == -signal.SIGKILL
    agree(root, "acme-2027", register, finished=False)
    subprocess.run(_script(root, "certificates", "acme-2027", "--reissue"), env=_env(), check=True)
    agree(root, "acme-2027", register, finished=True)
    with Register(register, create=False) as reg:
        assert len(reg.for_event("acme-2027")) == 72
        zoe = reg.get("A-2027-000004")
        assert zoe is not None and zoe.name == "Zoë D'Arcy"
        assert [h.action for h in reg.history("A-2027-000004")] == ["issued", "reissued"]


def test_a_run_stopped_after_its_files_moved_is_completed_by_the_next(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from mi_courseware.certificates import issue
    from mi_courseware.cli import cli

    root = _project(tmp_path)
    register = root / "records" / "certificates.sqlite"

    class Killed(BaseException):
        """Stands in for a kill between moving the files into place and promoting them."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise Killed

    def run() -> object:
        return CliRunner().invoke(
            cli,
            ["--project", str(root), "certificates", "acme-2027"],
            env={"SOURCE_DATE_EPOCH": EPOCH},
            catch_exceptions=False,
        )

    monkeypatch.setattr(issue, "promote", interrupted)
    with pytest.raises(Killed):
        run()
    agree(root, "acme-2027", register, finished=False)
    pdf = root / "output/events/acme-2027/certificates/A-2027-000001.pdf"
    verdict = CliRunner().invoke(cli, ["--register", str(register), "verify", str(pdf)])
    assert verdict.exit_code == 1 and "not issued" in verdict.output
    monkeypatch.undo()
    assert run().exit_code == 0  # type: ignore[attr-defined]
    agree(root, "acme-2027", register, finished=True)
    with Register(register, create=False) as reg:
        assert [h.action for h in reg.history("A-2027-000001")] == ["issued"]
