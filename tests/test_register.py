"""The certificate register and verification codes: numbers, codes, history, concurrency.

Every register test runs twice, on a new SQLite file and on a new PostgreSQL database of the
session's throw-away cluster (the ``register_at`` fixture in ``conftest.py``).
"""

from __future__ import annotations

import multiprocessing
import os
import selectors
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from mi_courseware.codes import (
    ALPHABET,
    LENGTH,
    check_symbol,
    group,
    is_number,
    new_code,
    read_code,
)
from mi_courseware.register import Details, Location, Register

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


# -- the register, on both back-ends -------------------------------------------------------


def test_numbers_count_up_per_prefix_and_year(register_at: Location) -> None:
    with Register(register_at) as register, register.transaction():
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


def test_a_rolled_back_reservation_leaves_no_gap_in_the_numbers(register_at: Location) -> None:
    class Abandoned(Exception):
        pass

    with Register(register_at) as register:
        with register.transaction():
            reserve(register, "email:a@x")
        with pytest.raises(Abandoned), register.transaction():
            reserve(register, "email:b@x")
            raise Abandoned
        with register.transaction():
            c = reserve(register, "email:c@x")
        counter = register.execute(text("SELECT last FROM counters WHERE prefix = 'ACME'"))
    assert c.number == "ACME-2027-000002"
    assert counter == [(2,)]


def test_a_person_has_one_certificate_per_event(register_at: Location) -> None:
    with Register(register_at) as register:
        with register.transaction():
            reserve(register, "email:a@x")
        with pytest.raises(IntegrityError), register.transaction():
            reserve(register, "email:a@x")
        assert len(register.all()) == 1  # the failed transaction left nothing behind


def test_it_keeps_the_certificate_number_when_a_name_is_corrected(register_at: Location) -> None:
    with Register(register_at) as register:
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


def test_the_same_file_again_changes_nothing_and_a_new_one_is_recorded(register_at) -> None:
    with Register(register_at) as register, register.transaction():
        row = reserve(register, "email:a@x")
        register.promote(row.number, "aa", DETAILS, "t1")
        assert register.promote(row.number, "aa", DETAILS, "t2") is None
        assert register.promote(row.number, "cc", DETAILS, "t3") == "regenerated"
        assert [h.action for h in register.history(row.number)] == ["issued", "regenerated"]


REFUSED = [
    ("UPDATE history SET name = 'x'", "append-only"),
    ("DELETE FROM history", "append-only"),
    ("DELETE FROM certificates", "never deleted"),
    ("UPDATE certificates SET status = 'issued'", "never becomes valid again"),
    ("UPDATE certificates SET number = 'ACME-2027-000099'", "keeps its number"),
    ("UPDATE certificates SET code = 'AAAA-AAAA-AAAA'", "keeps its number"),
]


def test_the_database_itself_keeps_the_history_and_final_states(register_at: Location) -> None:
    refused = list(REFUSED)
    if not isinstance(register_at, Path):
        refused += [
            ("TRUNCATE history", "append-only"),
            ("TRUNCATE certificates CASCADE", "never|append"),
        ]
    with Register(register_at) as register:
        with register.transaction():
            row = reserve(register, "email:a@x")
            register.promote(row.number, "aa", DETAILS, "t1")
            register.revoke(row.number, "issued in error", "t2")
        for statement, message in refused:
            with pytest.raises(IntegrityError, match=message), register.transaction():
                register.execute(text(statement))
        assert register.get(row.number).status == "revoked"  # type: ignore[union-attr]
        assert [(h.action, h.detail) for h in register.history(row.number)] == [
            ("issued", ""),
            ("revoked", "issued in error"),
        ]


def test_prepared_certificates_are_confirmed_or_voided_and_keep_their_numbers(
    register_at: Location,
) -> None:
    from mi_courseware.register import RegisterError

    with Register(register_at) as register:
        with register.transaction():
            came, missed, never = (reserve(register, f"id:{n}", name=n) for n in "ABC")
            register.prepare(came.number, "sha-a", DETAILS, "2027-03-01T09:00:00Z")
            register.prepare(missed.number, "sha-b", DETAILS, "2027-03-01T09:00:00Z")
        assert [register.get(r.number).status for r in (came, missed)] == ["prepared"] * 2  # type: ignore[union-attr]
        with register.transaction():
            # a new name before the event: the prepared copy is replaced, still not valid
            register.request_reissue(came.number, "Ann", "2027-03-02T09:00:00Z")
            assert register.promote(came.number, "sha-a2", DETAILS, "2027-03-02T09:00:00Z") == (
                "regenerated"
            )
            register.confirm(came.number, "2027-03-12T18:00:00Z")
            register.void(missed.number, "did not attend", "2027-03-12T18:00:00Z")
            register.void(never.number, "did not attend", "2027-03-12T18:00:00Z")
        with (
            pytest.raises(RegisterError, match="only a prepared certificate is confirmed"),
            register.transaction(),
        ):
            register.confirm(came.number, "2027-03-13T09:00:00Z")
        with (
            pytest.raises(RegisterError, match="never issued: void it instead"),
            register.transaction(),
        ):
            register.revoke(missed.number, "x", "2027-03-13T09:00:00Z")
        with (
            pytest.raises(IntegrityError, match="never becomes valid again"),
            register.transaction(),
        ):
            register.execute(
                text(f"UPDATE certificates SET status = 'issued' WHERE number = '{missed.number}'")
            )
        rows = {r.number: r for r in register.all()}
        histories = {n: [(h.action, h.name) for h in register.history(n)] for n in rows}
    confirmed = rows[came.number]
    assert (confirmed.status, confirmed.name, confirmed.sha256, confirmed.code) == (
        "issued",
        "Ann",
        "sha-a2",
        came.code,
    )
    assert confirmed.confirmed_at == "2027-03-12T18:00:00Z" and confirmed.active
    assert (rows[missed.number].status, rows[never.number].status) == ("void", "void")
    assert not rows[missed.number].active
    assert histories == {
        came.number: [("prepared", "A"), ("regenerated", "Ann"), ("confirmed", "Ann")],
        missed.number: [("prepared", "B"), ("voided", "B")],
        never.number: [("voided", "C")],
    }


def test_a_missing_register_is_not_created_for_reading(register_at: Location) -> None:
    from sqlalchemy import create_engine, inspect

    from mi_courseware.register import RegisterError
    from mi_courseware.register.engine import postgresql_url

    with pytest.raises(RegisterError, match=r"no certificate register here \(nothing issued yet\)"):
        Register(register_at, create=False)
    if isinstance(register_at, Path):
        assert not register_at.exists()
    else:
        engine = create_engine(postgresql_url(register_at))
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
        engine.dispose()


def _allocate(
    location: Location,
    event: str,
    count: int,
    start: multiprocessing.synchronize.Event,
    out: multiprocessing.Queue,
) -> None:
    start.wait()
    numbers = []
    with Register(location) as register:
        for index in range(count):
            with register.transaction():
                numbers.append(reserve(register, f"id:{event}-{index}", event=event).number)
    out.put(numbers)


def test_two_processes_allocating_at_once_never_share_a_number(register_at: Location) -> None:
    Register(register_at).close()
    context = multiprocessing.get_context("spawn")
    start, out = context.Event(), context.Queue()
    workers = [
        context.Process(target=_allocate, args=(register_at, event, 30, start, out))
        for event in ("e1", "e2")
    ]
    for worker in workers:
        worker.start()
    start.set()
    results = [out.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    numbers = results[0] + results[1]
    assert len(numbers) == len(set(numbers)) == 60
    assert sorted(numbers) == [f"ACME-2027-{n:06d}" for n in range(1, 61)]


# -- the register and the files agree, whatever happens to a run ---------------------------

EPOCH = "1808467200"  # 2027-04-23 08:00 UTC: after both events (acme-second is on 22 April)


def _project(tmp_path: Path) -> Path:
    import shutil

    from conftest import PROJECTS

    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "foundation-basic", root)
    shutil.copytree(PROJECTS / "certs-basic", root, dirs_exist_ok=True)
    return root


def _script(root: Path, *args: str, register: Location | None = None) -> list[str]:
    from conftest import SCRIPT

    extra = ["--register", str(register)] if register else []
    return [str(SCRIPT), "--project", str(root), *extra, "-q", *args]


def _env() -> dict[str, str]:
    from conftest import subprocess_env

    return {**subprocess_env(), "SOURCE_DATE_EPOCH": EPOCH}


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def agree(root: Path, event: str, register: Location, *, finished: bool) -> None:
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


def test_two_certificate_runs_at_once_on_two_events_share_no_number(
    tmp_path: Path, register_at: Location
) -> None:
    root = _project(tmp_path)
    runs = [
        subprocess.Popen(
            _script(root, "certificates", event, register=register_at),
            env=_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for event in ("acme-2027", "acme-second")
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    with Register(register_at, create=False) as reg:
        rows = reg.all()
    numbers = [r.number for r in rows]
    assert len(numbers) == len(set(numbers)) == 18
    assert sorted(numbers) == [f"A-2027-{n:06d}" for n in range(1, 19)]
    assert sorted(r.event for r in rows).count("acme-second") == 6
    for event in ("acme-2027", "acme-second"):
        agree(root, event, register_at, finished=True)


def _wait_for(stream: object, marker: bytes, seconds: float) -> bytes:
    """Read ``stream`` (a binary pipe) until ``marker`` appears; fail after ``seconds``."""
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)  # type: ignore[arg-type]
    seen = b""
    deadline = time.monotonic() + seconds
    while marker not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"the run never reached its pause; it said: {seen.decode()}"
        if selector.select(timeout=left):
            chunk = os.read(stream.fileno(), 4096)  # type: ignore[attr-defined]
            assert chunk, f"the run ended before its pause; it said: {seen.decode()}"
            seen += chunk
    return seen


def _killed_at(root: Path, register: Location, step: str) -> None:
    """Run ``certificates --reissue``, which stops itself at ``step``, and kill it there."""
    from mi_courseware.register.rows import PAUSE

    run = subprocess.Popen(
        _script(root, "certificates", "acme-2027", "--reissue", "-j", "1", register=register),
        env={**_env(), PAUSE: step},
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_for(run.stderr, f"test pause at {step}".encode(), 120)
    finally:
        os.killpg(run.pid, signal.SIGKILL)  # the run and any worker it started
        run.wait(timeout=30)
        run.stderr.close()  # type: ignore[union-attr]
    assert run.returncode == -signal.SIGKILL


def test_runs_killed_at_known_steps_leave_the_register_and_the_files_agreeing(
    tmp_path: Path, register_at: Location
) -> None:
    """Each run stops itself inside a register transaction (a test hook) and is killed there.

    At ``stage``: PDFs rendered into the work folder of the build's staging folder, numbers
    reserved, nothing staged. At ``promote``: the staged folder swapped into place with every
    PDF, each hash staged, its row still pending.
    """
    root = _project(tmp_path)
    roster = root / "content" / "rosters" / "acme-2027.csv"
    folder = root / "output" / "events" / "acme-2027" / "certificates"
    subprocess.run(
        _script(root, "certificates", "acme-2027", register=register_at), env=_env(), check=True
    )
    before = roster.read_text(encoding="utf-8").replace("Zoë D'Arcy-Fenwick,", "Zoë D'Arcy,")
    roster.write_text(
        before + "".join(f"Person Number {n},p{n}@acme.example,,,yes\n" for n in range(10)),
        encoding="utf-8",
    )
    _killed_at(root, register_at, "stage")
    staged = root / "output"  # a build stages its folder beside the one it replaces
    assert len(list(folder.glob("A-2027-*.pdf"))) == 12
    assert list(staged.glob(".staging-*/certificates/.work-*/*.pdf"))
    agree(root, "acme-2027", register_at, finished=False)
    _killed_at(root, register_at, "promote")
    assert len(list(folder.glob("A-2027-*.pdf"))) == 22  # in place, not yet promoted
    agree(root, "acme-2027", register_at, finished=False)
    with Register(register_at, create=False) as reg:
        assert {r.status for r in reg.all() if int(r.number[-6:]) > 12} == {"pending"}
    subprocess.run(
        _script(root, "certificates", "acme-2027", "--reissue", register=register_at),
        env=_env(),
        check=True,
    )
    agree(root, "acme-2027", register_at, finished=True)
    with Register(register_at, create=False) as reg:
        assert len(reg.for_event("acme-2027")) == 22
        zoe = reg.get("A-2027-000004")
        assert zoe is not None and zoe.name == "Zoë D'Arcy"
        assert [h.action for h in reg.history("A-2027-000004")] == ["issued", "reissued"]
        assert [r.number for r in reg.all()] == [f"A-2027-{n:06d}" for n in range(1, 23)]


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
