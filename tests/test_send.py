"""Messages to participants (``send``), delivered to a real SMTP server and read back.

One aiosmtpd server for the module (``tests/smtp_server.py``: STARTTLS, AUTH, a throw-away
certificate trusted through ``SSL_CERT_FILE``); each test sets what it does and parses what
arrived with Python's ``email`` package.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import PROJECTS, RunCli, run_until_paused, subprocess_env
from icalendar import Calendar
from smtp_server import PASSWORD, TOKEN, USER, Mailbox, throwaway_certificate

EVENT = "send-2027"
AFTER = "1815000000"  # 2027-07-07: after the event's last day
LINK = "https://meet.example/j/81234?pwd=Zq9"
PEOPLE = {
    "Siân Llewelyn-Parry": "p01@brightwell.example",
    "Zoë D'Arcy-Fenwick": "p04@brightwell.example",
    "Kerry-Ann O'Donoghue": "p15@brightwell.example",
    "Ζωή Αλεξίου": "p06@brightwell.example",
}
EVENT_FILE = f"""course: follow-up
client: brightwell
code: BCP-MI-27
days:
  - {{date: 2027-03-09, times: "09:30-12:30", venue: "Room 4, Brightwell House"}}
  - {{date: 2027-04-13, times: "10:00-11:30", venue: "Meeting Room 1, Station Road Hub"}}
  - {{date: 2027-05-12, times: "13:30-15:00", virtual: true, link: "{LINK}",
      joining: "Meeting ID 812 34, passcode 5521"}}
admin_contact: {{name: Gemma Thornley, email: bookings@brightwell.example, phone: "01632 960778"}}
evaluation_url: https://forms.example/brightwell-mi
roster: ../rosters/{EVENT}.csv
"""


def roster(people: dict[str, str], *, extra: str = "") -> str:
    rows = "".join(f"{name},{address},yes,yes,yes\n" for name, address in people.items())
    return "name,email,day 1,day 2,day 3\n" + rows + "Owain Price,,yes,yes,yes\n" + extra


@pytest.fixture(scope="module")
def mailbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mailbox]:
    folder = tmp_path_factory.mktemp("mail")
    certificate, key = throwaway_certificate(folder)
    previous = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(certificate)
    box = Mailbox(certificate, key)
    yield box
    box.close()
    if previous is None:
        os.environ.pop("SSL_CERT_FILE", None)
    else:
        os.environ["SSL_CERT_FILE"] = previous


@pytest.fixture
def server(mailbox: Mailbox) -> Mailbox:
    mailbox.handler.reset()
    return mailbox


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "days-basic", root)
    (root / "content" / "events" / f"{EVENT}.yaml").write_text(EVENT_FILE, encoding="utf-8")
    (root / "content" / "rosters" / f"{EVENT}.csv").write_text(roster(PEOPLE), encoding="utf-8")
    return root


def env(server: Mailbox, **more: str) -> dict[str, str]:
    return {
        "MI_COURSEWARE_SMTP": server.url(),
        "MI_COURSEWARE_SMTP_PASSWORD": PASSWORD,
        "SSL_CERT_FILE": os.environ["SSL_CERT_FILE"],
        "SOURCE_DATE_EPOCH": AFTER,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        **more,
    }


def parsed(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def one_each(server: Mailbox) -> dict[str, EmailMessage]:
    """What arrived, by recipient: one recipient per message, in To alone."""
    found = {}
    for arrival in server.handler.arrived:
        assert len(arrival.recipients) == 1
        message = parsed(arrival.data)
        assert message["To"].addresses[0].addr_spec == arrival.recipients[0]
        assert len(message["To"].addresses) == 1
        assert message["Cc"] is None and message["Bcc"] is None
        found[arrival.recipients[0]] = message
    return found


def attachments(message: EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in message.iter_attachments()}  # type: ignore[misc]


def plain(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def test_each_kind_reaches_each_participant_once_with_its_own_parts(
    server: Mailbox, project: Path, run_cli: RunCli
) -> None:
    smtp = env(server)
    issued = run_cli("certificates", EVENT, cwd=project, env=smtp)
    assert issued.exit_code == 0, issued.output
    assert run_cli("build", EVENT, "--only", "calendar", cwd=project, env=smtp).exit_code == 0
    published = Calendar.from_ical(
        (project / "output/events" / EVENT / "calendar.ics").read_bytes()
    )

    result = run_cli("send", "invitation", EVENT, "--smtp", cwd=project, env=smtp)
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.splitlines()[-1]
        == "4 sent, 0 skipped (already sent), 0 failed, 1 not eligible"
    )
    got = one_each(server)
    assert sorted(got) == sorted(PEOPLE.values())  # Owain has no address: printed documents only
    for name, address in PEOPLE.items():
        message = got[address]
        assert message["From"].addresses[0].addr_spec == USER  # the account that signs in
        assert message["From"].addresses[0].display_name == "Brightwell Community Partnership"
        assert message["Reply-To"].addresses[0].addr_spec == "bookings@brightwell.example"
        assert message["Subject"] == "Your place on MI with Follow-up Practice"
        assert f"Dear {name}," in plain(message)
        assert LINK in plain(message) and "Meeting ID 812 34" in plain(message)
        assert f'href="{LINK.replace("&", "&amp;")}"' in html(message)
        assert "cid:logo." in html(message)  # the SVG logo, as PNG, inside the message
        [logo] = [p for p in message.walk() if p.get_content_type() == "image/png"]
        assert logo.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
        invitation = Calendar.from_ical(attachments(message)["invitation.ics"])
        assert str(invitation["METHOD"]) == "REQUEST"
        mine, theirs = invitation.walk("VEVENT"), published.walk("VEVENT")
        assert [(str(e["UID"]), int(e["SEQUENCE"])) for e in mine] == [
            (str(e["UID"]), int(e["SEQUENCE"])) for e in theirs
        ]
        for entry in mine:
            assert str(entry["ATTENDEE"]) == f"mailto:{address}"
            assert str(entry["ORGANIZER"]) == "mailto:bookings@brightwell.example"
        assert LINK in str(mine[2]["DESCRIPTION"])
    assert LINK.encode() not in (project / "output/events" / EVENT / "calendar.ics").read_bytes()

    server.handler.reset()  # a second run sends nothing
    again = run_cli("send", "invitation", EVENT, "--smtp", cwd=project, env=smtp)
    assert (
        again.stdout.splitlines()[-1]
        == "0 sent, 4 skipped (already sent), 0 failed, 1 not eligible"
    )
    assert server.handler.arrived == []

    newcomer = {"Jo Li": "p35@brightwell.example"}  # a newcomer on the roster: only them
    (project / "content/rosters" / f"{EVENT}.csv").write_text(
        roster(PEOPLE | newcomer), encoding="utf-8"
    )
    run_cli("send", "invitation", EVENT, "--smtp", cwd=project, env=smtp)
    assert list(one_each(server)) == ["p35@brightwell.example"]

    server.handler.reset()  # day 2 moved: sent again on purpose, it updates the same entries
    event = project / "content/events" / f"{EVENT}.yaml"
    event.write_text(EVENT_FILE.replace('"10:00-11:30"', '"10:30-12:00"'), encoding="utf-8")
    run_cli(
        "send",
        "invitation",
        EVENT,
        "--smtp",
        "--resend",
        "Siân Llewelyn-Parry",
        cwd=project,
        env=smtp,
    )
    [updated] = one_each(server).values()
    entries = Calendar.from_ical(attachments(updated)["invitation.ics"]).walk("VEVENT")
    assert [str(e["UID"]) for e in entries] == [str(e["UID"]) for e in published.walk("VEVENT")]
    assert [int(e["SEQUENCE"]) for e in entries] == [0, 1, 0]

    server.handler.reset()  # certificates: each one's own PDF, byte for byte
    dry = run_cli("send", "certificate", EVENT, "--dry-run", cwd=project, env=smtp)
    assert (
        "  not eligible Jo Li: no certificate issued (run 'certificates send-2027')" in dry.stdout
    )
    sent = run_cli("send", "certificate", EVENT, "--smtp", cwd=project, env=smtp)
    assert sent.exit_code == 0, sent.output
    folder = project / "output/events" / EVENT / "certificates"
    got = one_each(server)
    assert len(got) == 4  # Jo Li came after the certificates were issued
    for message in got.values():
        [(name, data)] = attachments(message).items()
        assert data == (folder / name).read_bytes()
        assert name.removesuffix(".pdf") in plain(message)

    server.handler.reset()
    reminded = run_cli("send", "reminder", EVENT, "--day", "3", "--smtp", cwd=project, env=smtp)
    assert reminded.exit_code == 0, reminded.output
    got = one_each(server)
    assert len(got) == 5 and all(LINK in plain(m) for m in got.values())
    assert all(attachments(m) == {} for m in got.values())

    server.handler.reset()
    asked = run_cli("send", "evaluation", EVENT, "--smtp", cwd=project, env=smtp)
    assert asked.exit_code == 0, asked.output
    got = one_each(server)
    assert len(got) == 5
    assert all("https://forms.example/brightwell-mi" in plain(m) for m in got.values())


def test_outbox_files_parse_and_carry_the_parts_a_sent_message_has(
    server: Mailbox, project: Path, run_cli: RunCli
) -> None:
    """--outbox writes .eml files Outlook opens ready to send; a later run by SMTP skips them.
    A client in Welsh gets its messages in Welsh."""
    client = project / "content/events" / f"{EVENT}.yaml"
    client.write_text(EVENT_FILE.replace("client: brightwell", "client: cwm"), encoding="utf-8")
    outbox = project.parent / "outbox"
    result = run_cli(
        "send", "invitation", EVENT, "--outbox", str(outbox), cwd=project, env=env(server)
    )
    assert result.exit_code == 0, result.output
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 4
    for path in files:
        with path.open("rb") as handle:
            message = email.message_from_binary_file(handle, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        assert message["X-Unsent"] == "1"
        assert message["Subject"] == "Eich lle ar MI with Follow-up Practice"
        assert message["Content-Language"] == "cy"
        types = [part.get_content_type() for part in message.walk()]
        assert types == [
            "multipart/mixed", "multipart/alternative", "text/plain", "multipart/related",
            "text/html", "image/png", "text/calendar",
        ]  # fmt: skip
        assert "Annwyl" in plain(message) and 'lang="cy"' in html(message)
    again = run_cli("send", "invitation", EVENT, "--smtp", cwd=project, env=env(server))
    assert (
        again.stdout.splitlines()[-1]
        == "0 sent, 4 skipped (already sent), 0 failed, 1 not eligible"
    )
    assert server.handler.arrived == []
    resent = run_cli(
        "send", "invitation", EVENT, "--smtp", "--resend", "Ζωή Αλεξίου", cwd=project, env=env(server)
    )  # fmt: skip
    assert (
        resent.stdout.splitlines()[-1]
        == "1 sent, 3 skipped (already sent), 0 failed, 1 not eligible"
    )
    [sent] = one_each(server).values()
    [path] = [f for f in files if "p06@brightwell.example" in f.read_text(errors="replace")]
    with path.open("rb") as handle:
        written = email.message_from_binary_file(handle, policy=email.policy.default)
    assert [p.get_content_type() for p in sent.walk()] == [
        p.get_content_type() for p in written.walk()
    ]
    assert sent["X-Unsent"] is None and sent["Message-ID"] != written["Message-ID"]


def test_a_refused_address_is_recorded_failed_and_the_others_go_on(
    server: Mailbox, project: Path, run_cli: RunCli
) -> None:
    server.handler.refuse = {"p04@brightwell.example"}
    result = run_cli("send", "invitation", EVENT, "--smtp", cwd=project, env=env(server))
    assert result.exit_code == 1
    assert (
        "mi-courseware: error: Zoë D'Arcy-Fenwick <p04@brightwell.example>: refused: 550 5.1.1 "
        "<p04@brightwell.example>: Recipient address rejected: User unknown"
    ) in result.stderr
    assert (
        result.stdout.splitlines()[-1]
        == "3 sent, 0 skipped (already sent), 1 failed, 1 not eligible"
    )
    assert len(server.handler.arrived) == 3
    server.handler.reset()  # the failed one is tried again, the others not
    run_cli("send", "invitation", EVENT, "--smtp", cwd=project, env=env(server))
    assert list(one_each(server)) == ["p04@brightwell.example"]


def test_a_wrong_password_stops_the_run_with_nothing_recorded(
    server: Mailbox, project: Path, run_cli: RunCli
) -> None:
    wrong = env(server, MI_COURSEWARE_SMTP_PASSWORD="battery staple")
    result = run_cli("send", "invitation", EVENT, "--smtp", cwd=project, env=wrong)
    assert result.exit_code == 1
    assert (
        f"mi-courseware: error: smtp://{USER}@127.0.0.1:{server.port}: the server refused the "
        f"sign-in for {USER} (535 5.7.8 Authentication credentials invalid); nothing was sent"
    ) in result.stderr
    assert server.handler.arrived == []
    dry = run_cli("send", "invitation", EVENT, "--dry-run", cwd=project, env=env(server))
    assert dry.stdout.splitlines()[-1] == "4 to send, 0 already sent, 1 not eligible"


def test_an_untrusted_certificate_stops_the_run(
    server: Mailbox, project: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    other, _ = throwaway_certificate(tmp_path)  # not the server's
    result = run_cli(
        "send",
        "invitation",
        EVENT,
        "--smtp",
        cwd=project,
        env=env(server, SSL_CERT_FILE=str(other)),
    )
    assert result.exit_code == 1
    assert "the server's certificate cannot be trusted" in result.stderr
    assert server.handler.arrived == []


def test_a_server_that_hangs_up_mid_run_records_only_what_it_accepted(
    server: Mailbox, project: Path, run_cli: RunCli
) -> None:
    server.handler.hang_up_after = 2
    result = run_cli("send", "invitation", EVENT, "--smtp", cwd=project, env=env(server))
    assert result.exit_code == 1
    assert "after 2 message(s) were accepted; those are recorded" in result.stderr
    assert (
        result.stdout.splitlines()[-1]
        == "2 sent, 0 skipped (already sent), 0 failed, 1 not eligible"
    )
    first = set(one_each(server))
    server.handler.reset()
    run_cli("send", "invitation", EVENT, "--smtp", cwd=project, env=env(server))
    rest = set(one_each(server))
    assert len(first) == 2 and len(rest) == 2 and first | rest == set(PEOPLE.values())


def test_a_run_killed_after_the_third_message_resumes_with_at_most_one_twice(
    server: Mailbox, project: Path
) -> None:
    """The kill lands after the server accepted the third message and before the register
    recorded it: the one message in flight is the only one that may go twice."""
    from conftest import SCRIPT

    args = ["--project", str(project), "send", "invitation", EVENT, "--smtp"]
    process, _ = run_until_paused(args, "sent 3", env=env(server))
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.stderr is not None
    process.stderr.close()
    assert len(server.handler.arrived) == 3
    again = subprocess.run(
        [str(SCRIPT), *args], env=subprocess_env() | env(server), capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    counts = Counter(a.recipients[0] for a in server.handler.arrived)
    assert set(counts) == set(PEOPLE.values())
    assert sorted(counts.values()) == [1, 1, 1, 2]


def test_oauth_signs_in_with_xoauth2_from_the_keyring(
    server: Mailbox, project: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    from mi_courseware.sending.oauth import Token

    class Memory(KeyringBackend):
        priority = 1  # type: ignore[assignment]
        kept: ClassVar[dict[tuple[str, str], str]] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.kept.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.kept[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.kept.pop((service, username), None)

    memory = Memory()
    token = Token("microsoft", "https://x.example/d", "https://x.example/t", "id", "r", TOKEN, 4e9)
    memory.set_password("mi-courseware", f"oauth:{USER}@127.0.0.1", token.to_json())
    previous = keyring.get_keyring()
    keyring.set_keyring(memory)
    try:
        smtp = env(server, MI_COURSEWARE_SMTP_PASSWORD="")
        del smtp["PYTHON_KEYRING_BACKEND"]
        result = run_cli("send", "invitation", EVENT, "--smtp", "-v", cwd=project, env=smtp)
    finally:
        keyring.set_keyring(previous)
    assert result.exit_code == 0, result.output
    assert len(one_each(server)) == 4


def test_no_email_column_is_one_line(project: Path, run_cli: RunCli) -> None:
    (project / "content/rosters" / f"{EVENT}.csv").write_text(
        "name,day 1,day 2,day 3\nAnn Lee,yes,yes,yes\n", encoding="utf-8"
    )
    result = run_cli("send", "invitation", EVENT, "--dry-run", cwd=project)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{EVENT}: the roster has no email addresses (no 'email' column), so nothing is sent: "
        "participants get printed documents only"
    ]


def test_register_export_leaves_emails_out_and_forget_erases_them(
    server: Mailbox, project: Path, run_cli: RunCli
) -> None:
    smtp = env(server)
    assert run_cli("certificates", EVENT, cwd=project, env=smtp).exit_code == 0
    assert run_cli("send", "certificate", EVENT, "--smtp", cwd=project, env=smtp).exit_code == 0
    shown = run_cli("register", "export", cwd=project).stdout
    assert "@brightwell.example" not in shown and "email:(withheld)" in shown
    full = run_cli("register", "export", "--with-email", cwd=project).stdout
    assert "p01@brightwell.example" in full
    forgot = run_cli("register", "forget", "P01@brightwell.example", cwd=project)
    assert forgot.stdout.startswith(
        "Forgot P01@brightwell.example: 1 message record and 1 certificate"
    )
    full = run_cli("register", "export", "--with-email", cwd=project).stdout
    assert "p01@brightwell.example" not in full and "p04@brightwell.example" in full
    import sqlite3

    with sqlite3.connect(project / "records" / "certificates.sqlite") as db:
        rows = db.execute("SELECT identity, recipient FROM messages ORDER BY id").fetchall()
    assert len(rows) == 4  # counts kept
    assert not any("p01" in str(cell) for row in rows for cell in row)


def test_the_rate_limit_paces_a_long_run_and_never_a_short_one() -> None:
    from mi_courseware.sending.deliver import RateLimit, parse_rate

    now, slept = [0.0], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limit = RateLimit(parse_rate("3/min"), clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limit.wait()
        now[0] += 1
    assert slept == []  # three in a minute: at once
    limit.wait()
    assert slept == [57.0]  # the fourth waits until the first is a minute old


def test_the_device_code_flow_signs_in_against_a_local_endpoint(
    mailbox: Mailbox, tmp_path: Path
) -> None:
    """RFC 8628 against a fake provider on 127.0.0.1 over HTTPS (its certificate trusted
    through SSL_CERT_FILE, as the mail server's): pending, then the token."""
    import json
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from urllib.parse import parse_qs

    from mi_courseware.sending.oauth import Provider, device_login, xoauth2

    asked: list[dict[str, list[str]]] = []

    class Fake(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            asked.append(form)
            if self.path == "/device":
                answer = {"device_code": "dev-1", "user_code": "ABCD-1234", "interval": 1,
                          "verification_uri": "https://example.org/device", "expires_in": 600}  # fmt: skip
                code = 200
            elif len(asked) < 3:
                answer, code = {"error": "authorization_pending"}, 400
            else:
                answer = {"access_token": TOKEN, "refresh_token": "r-1", "expires_in": 3600}
                code = 200
            body = json.dumps(answer).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    certificate, key = throwaway_certificate(tmp_path)
    httpd = HTTPServer(("127.0.0.1", 0), Fake)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"https://127.0.0.1:{httpd.server_address[1]}"
    told: list[str] = []
    previous = os.environ["SSL_CERT_FILE"]
    os.environ["SSL_CERT_FILE"] = str(certificate)
    try:
        provider = Provider("test", f"{base}/device", f"{base}/token", "mail")
        token = device_login(provider, "client-7", told.append, sleep=lambda s: None)
    finally:
        os.environ["SSL_CERT_FILE"] = previous
        httpd.shutdown()
        httpd.server_close()
    assert told == ["To sign in, open https://example.org/device and enter the code ABCD-1234"]
    assert (token.access_token, token.refresh_token) == (TOKEN, "r-1")
    assert asked[1]["grant_type"] == ["urn:ietf:params:oauth:grant-type:device_code"]
    assert asked[1]["device_code"] == ["dev-1"] and asked[1]["client_id"] == ["client-7"]
    assert xoauth2(USER, token.access_token) == f"user={USER}\x01auth=Bearer {TOKEN}\x01\x01"
    with pytest.raises(Exception, match="must be https"):
        device_login(
            Provider("x", "http://127.0.0.1/d", "http://127.0.0.1/t", ""), "c", told.append
        )


def test_shared_outputs_hold_no_joining_details_and_no_email(
    project: Path, run_cli: RunCli
) -> None:
    """Every output but a participant's own is made from the edition without the joining
    details and the roster's addresses; the flyer, sign-in sheet and calendar show it."""
    from leaks import holders

    from mi_courseware import builders
    from mi_courseware.pipeline import BuildRequest, read_check_resolve
    from mi_courseware.project import find_project

    [edition], _ = read_check_resolve(find_project(project), BuildRequest(target=EVENT))
    assert edition.days[2].link == LINK and edition.participants[0].email
    for name, cls in builders.REGISTRY.items():
        seen = cls.sees(edition)
        private = name in ("certificates", "messages")
        assert cls.private == private, name
        if not private:
            assert not any(d.link or d.joining for d in seen.days), name
            assert not any(p.email for p in seen.participants), name
            assert seen.days[2].joining_key() == edition.days[2].joining_key()
    only = ("--only", "flyer", "--only", "sign-in", "--only", "calendar")
    assert run_cli("build", EVENT, *only, cwd=project).exit_code == 0
    folder = project / "output" / "events" / EVENT
    for secret in (LINK, "Meeting ID 812 34", *PEOPLE.values()):
        assert not holders(folder, secret), secret


def test_messages_and_sequences_move_with_the_register_and_forget_works_on_both(
    tmp_path: Path, postgres: object
) -> None:
    """``register migrate`` copies the message records and calendar sequences; on SQLite and
    PostgreSQL alike, ``forget`` may replace a holder's address by a stand-in, and the
    database still refuses any other change of holder."""
    from sqlalchemy.exc import IntegrityError

    from mi_courseware.register import Details
    from mi_courseware.register.calendar import settle_sequences
    from mi_courseware.register.messages import MessageRecord, forget, record, records_for
    from mi_courseware.register.migrate import copy_register
    from mi_courseware.register.schema import certificates
    from mi_courseware.register.store import Register

    source, keys, at = tmp_path / "register.sqlite", tmp_path / "keys", "2027-01-01T00:00:00Z"
    with Register(source, keys=keys) as register:
        with register.transaction():
            for who in ("ann", "bo"):
                register.reserve(
                    event="e", identity=f"email:{who}@x.example", name=who, prefix="A",
                    year=2027, details=Details("c", "k", "d", None), at=at,
                )  # fmt: skip
        row = MessageRecord("e", "email:ann@x.example", "invitation", 0, None, "<m@x>", at,
                            "sent", "ann@x.example", "")  # fmt: skip
        record(register, row)
        assert settle_sequences(register, "e", {1: "first"}, at) == {1: 0}
    target = postgres.new_database()  # type: ignore[attr-defined]
    counts = copy_register(source, target, keys=keys)
    assert (counts["messages"], counts["calendar_days"]) == (1, 1)
    for location in (source, target):
        with Register(location, create=False, keys=keys) as register:
            assert settle_sequences(register, "e", {1: "second"}, at) == {1: 1}
            assert forget(register, "ANN@x.example") == (1, 1)
            [kept] = records_for(register, "e", "invitation")
            assert kept.recipient is None and kept.identity.startswith("forgotten:")
            assert sorted(register.for_event("e"))[0] == "email:bo@x.example"
            assert sorted(register.for_event("e"))[1].startswith("forgotten:")
            with pytest.raises(IntegrityError), register.transaction():
                register.execute(
                    certificates.update()
                    .where(certificates.c.identity == "email:bo@x.example")
                    .values(identity="email:someone@else.example")
                )
