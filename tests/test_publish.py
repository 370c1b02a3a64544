"""The static verification site: published from a real register, served on 127.0.0.1, and
checked in headless Chromium (Debian's, installed by ``make test``; see ``chromium.py``);
``verify --offline`` reads the same folder, believing it only with a key known from elsewhere.
Also ``verify`` by number and name, and verdicts on altered PDFs.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from chromium import Browser
from click.testing import CliRunner, Result
from conftest import PROJECTS, edit_file, pdf_info
from lxml import html

from mi_courseware.cli import cli
from mi_courseware.register import Details, Register

EPOCH = "1805443200"  # 2027-03-19 08:00 UTC
EVENT = "acme-2027"
ROSTER = "content/rosters/acme-2027.csv"


def mi(root: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["--project", str(root), *args],
        catch_exceptions=False,
        env={"SOURCE_DATE_EPOCH": EPOCH},
        prog_name="mi-courseware",
    )


class Demo:
    """A project whose register holds every state, and its published site."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.site = root / "site"
        self.register = root / "records" / "certificates.sqlite"
        with Register(self.register, create=False) as reg:
            self.rows = {r.number: r for r in reg.all()}

    def code(self, number: str) -> str:
        return self.rows[number].code

    def fingerprint(self) -> str:
        """The client's key fingerprint, as ``register keys list`` gives it."""
        listed = mi(self.root, "register", "keys", "list")
        assert listed.exit_code == 0, listed.output
        (line,) = listed.output.splitlines()
        assert line.endswith("  Acme Health Trust  made 2027-03-19, current"), line
        return line[:19]

    def pdf(self, number: str) -> Path:
        return self.root / "output" / "events" / EVENT / "certificates" / f"{number}.pdf"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("publish") / "project"
    shutil.copytree(PROJECTS / "foundation-basic", root)
    shutil.copytree(PROJECTS / "certs-basic", root, dirs_exist_ok=True)
    assert mi(root, "certificates", EVENT).exit_code == 0
    with Register(root / "records" / "certificates.sqlite", create=False) as reg:
        revoked = reg.get("A-2027-000002")
    assert revoked is not None
    assert mi(root, "register", "revoke", revoked.code, "--reason", "wrong person").exit_code == 0
    edit_file(root / ROSTER, "Zoë D'Arcy-Fenwick,", "Zoë D'Arcy-Fenwick-Hale,")
    assert mi(root, "certificates", EVENT, "--reissue").exit_code == 0
    # prepared and void certificates, as the build will record them before an event ends
    details = Details(
        "An Introduction to MI", "Acme Health Trust", "2 June 2027", 2.5, issued_on="2027-06-02"
    )
    with Register(root / "records" / "certificates.sqlite") as reg, reg.transaction():
        for identity, name in (("id:early", "Ifeoma Early"), ("id:absent", "Pat Absent")):
            row = reg.reserve(
                event="acme-june",
                identity=identity,
                name=name,
                prefix="A",
                year=2027,
                details=details,
                at="2027-05-20T09:00:00Z",
            )
            reg.prepare(row.number, "0" * 64, details, "2027-05-20T09:00:00Z")
        reg.void("A-2027-000014", "did not attend", "2027-06-03T09:00:00Z")
    published = mi(root, "register", "publish", str(root / "site"))
    assert published.exit_code == 0, published.output
    assert published.output == (
        f"14 certificates published in {root / 'site'}: 21 files written, 0 unchanged, 0 removed\n"
    )
    return Demo(root)


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` on 127.0.0.1 (bound before the thread starts, so it is ready at once)."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served(demo: Demo) -> Iterator[str]:
    """The demo's site on 127.0.0.1."""
    with serving(demo.site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module's pages."""
    with Browser() as running:
        yield running


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        del format, args


def page(browser: Browser, url: str) -> html.HtmlElement:
    """The page's DOM once it has given its verdict."""
    return html.fromstring(browser.answered_page(url))


def result(dom: html.HtmlElement) -> tuple[str, str, dict[str, str]]:
    section = dom.get_element_by_id("result")
    terms = [dt.text_content() for dt in section.iter("dt")]
    values = [dd.text_content() for dd in section.iter("dd")]
    verdict = dom.get_element_by_id("verdict").text_content()
    return section.get("data-state"), verdict, dict(zip(terms, values, strict=True))


def test_the_page_shows_each_status_as_the_register_holds_it(
    demo: Demo, served: str, browser: Browser
) -> None:
    expected = {
        "A-2027-000001": ("valid", "Valid certificate", "Siân Llewelyn-Parry"),
        "A-2027-000002": (
            "revoked",
            "Revoked on 19 March 2027: not valid",
            "Aoibheann Ní Fhlannagáin",
        ),
        "A-2027-000004": (
            "reissued",
            "Valid certificate, reissued on 19 March 2027",
            "Zoë D'Arcy-Fenwick-Hale",
        ),
        "A-2027-000013": (
            "prepared",
            "Prepared, awaiting attendance: not valid yet",
            "Ifeoma Early",
        ),
        "A-2027-000014": ("void", "Void: never valid", "Pat Absent"),
    }
    for number, (state, verdict, holder) in expected.items():
        # typed loosely, as a person would: lower case, spaces instead of hyphens
        typed = demo.code(number).lower().replace("-", " ")
        found = result(page(browser, f"{served}?code={typed}"))
        assert found[:2] == (state, verdict), number
        assert found[2]["Holder"] == holder and found[2]["Number"] == number
        # the date printed on it: the event's last day (issue 21, defect 5)
        issued = "2 June 2027" if number > "A-2027-000012" else "11 March 2027"
        assert found[2]["Issued"] == issued
    from mi_courseware.codes import check_symbol, group

    never = group("7KQ2M9XDF3H" + check_symbol("7KQ2M9XDF3H"))
    unknown = result(page(browser, f"{served}?code={never}"))
    assert unknown[:2] == ("unknown", "Unknown code") and unknown[2] == {}


def test_a_clients_site_is_in_its_brand_with_dates_in_its_language(
    demo: Demo, browser: Browser, tmp_path: Path
) -> None:
    """Issue 21, defects 5 and 9: ``--client`` gives the client's logo and colours, and
    every date in the client's language; the issue date is the one printed on the
    certificate (the event's last day, 11 March 2027), not the day it was numbered."""
    root = tmp_path / "project"
    shutil.copytree(demo.root, root, ignore=shutil.ignore_patterns("site"))
    client = root / "content" / "clients" / "acme" / "client.yaml"
    edit_file(client, 'primary: "#1d3557"', 'primary: "#7a1f5c"')
    edit_file(client, "language: en", "language: cy")
    site = tmp_path / "site"
    assert mi(root, "register", "publish", str(site), "--client", "acme").exit_code == 0
    assert "--accent: #7a1f5c; --on-accent: #ffffff;" in (site / "brand.css").read_text()
    probe = (
        "JSON.stringify([getComputedStyle(document.querySelector('button')).backgroundColor,"
        " document.getElementById('logo').hidden, document.getElementById('logo').src])"
    )
    with serving(site) as url:
        found = result(page(browser, f"{url}?code={demo.code('A-2027-000004')}"))
        colour, hidden, logo = json.loads(
            browser.answered_page(f"{url}?code={demo.code('A-2027-000001')}", probe)
        )
    assert found[:2] == ("reissued", "Valid certificate, reissued on 19 Mawrth 2027")
    assert found[2]["Issued"] == "11 Mawrth 2027"
    assert (colour, hidden) == ("rgb(122, 31, 92)", False)
    assert logo.startswith("data:image/svg+xml;base64,")


def test_no_published_file_holds_a_name_and_the_records_folder_cannot_be_listed(
    demo: Demo, served: str
) -> None:
    """Records are sealed: a copy of the folder shows no holder's name, number or course."""
    from mi_courseware.register.site import Site

    secret = [r.name for r in demo.rows.values()] + [*demo.rows, "An Introduction to MI"]
    files = sorted(p for p in demo.site.rglob("*") if p.is_file())
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not [s for s in secret if json.dumps(s, ensure_ascii=False)[1:-1] in text], path
    records = [p for p in files if p.parent.name == "r" and p.suffix == ".json"]
    assert len(records) == 14 and all(len(p.stem) == 64 for p in records)
    sealed = json.loads(records[0].read_text(encoding="utf-8"))
    assert sorted(sealed) == ["nonce", "sealed"]
    site = Site.read(demo.site)  # the production derivation, as the page does it
    assert (site.format, site.iterations) == ("mi-courseware verification site 2", 200_000)
    opened = site.lookup(demo.code("A-2027-000003"))
    assert opened.status == "found" and opened.payload is not None
    assert opened.payload["name"] == "Małgorzata Krzyżanowska"
    assert not any(
        r.code in p.read_text(encoding="utf-8") for p in files for r in demo.rows.values()
    )
    import urllib.request

    with urllib.request.urlopen(f"{served}r/") as response:
        listing = response.read().decode()
    assert ".json" not in listing and "Check a certificate" in listing


def test_one_changed_bit_in_a_record_is_reported_as_tampered(
    demo: Demo, browser: Browser, tmp_path: Path
) -> None:
    from mi_courseware.register.site import Site

    site = tmp_path / "site"
    shutil.copytree(demo.site, site)
    code = demo.code("A-2027-000003")
    record = Site.read(site).record_path(code)
    sealed = json.loads(record.read_text(encoding="utf-8"))
    data = bytearray(base64.b64decode(sealed["sealed"]))
    data[40] ^= 1  # one bit of the sealed text
    sealed["sealed"] = base64.b64encode(bytes(data)).decode()
    record.write_text(json.dumps(sealed), encoding="utf-8")
    offline = mi(demo.root, "verify", code, "--offline", str(site))
    assert offline.exit_code == 1
    assert offline.output.splitlines()[0] == (
        f"{code}: TAMPERED: the published site {site} holds a record for this code whose "
        "signature does not match; do not rely on it"
    )
    pdf = mi(demo.root, "verify", str(demo.pdf("A-2027-000003")), "--offline", str(site))
    assert pdf.exit_code == 1 and "TAMPERED" in pdf.output.splitlines()[0]
    with serving(site) as url:  # the page, served from the changed copy
        state, verdict, rows = result(page(browser, f"{url}?code={code}"))
    assert (state, verdict, rows) == ("tampered", "Tampered record: do not rely on it", {})


def test_verify_offline_checks_a_pdf_against_the_site_without_the_register(
    demo: Demo, tmp_path: Path
) -> None:
    import pikepdf

    elsewhere = tmp_path / "elsewhere"  # no project, no register: only the site and the PDF
    elsewhere.mkdir()
    pdf = str(demo.pdf("A-2027-000001"))
    alone = ["--register", str(elsewhere / "none.sqlite"), "verify", pdf, "--offline"]
    refused = CliRunner().invoke(cli, [*alone, str(demo.site)])
    assert refused.exit_code == 1
    assert refused.output.startswith(
        f"{pdf}: not checked: a published site proves nothing by itself (anyone can make one "
        "with a key of their own); give the issuer's key fingerprint with --key"
    )
    fingerprint = demo.fingerprint()
    assert pdf_info(Path(pdf))["/MIIssuerKey"] == fingerprint  # printed and in the metadata
    typed = fingerprint.lower().replace(" ", ":")  # as a person might copy it
    good = CliRunner().invoke(cli, [*alone, str(demo.site), "--key", typed])
    assert good.exit_code == 0, good.output
    assert good.output.splitlines()[0] == "A-2027-000001: valid"
    assert "  file:    matches the published record" in good.output
    assert f"(signed with key {fingerprint}, given with --key)" in good.output
    assert not (elsewhere / "none.sqlite").exists()
    altered = tmp_path / "altered.pdf"
    with pikepdf.open(demo.pdf("A-2027-000001")) as changed:
        changed.docinfo["/Subject"] = "changed"
        changed.save(altered)
    for args in (("--offline", str(demo.site)), ()):
        verdict = mi(demo.root, "verify", str(altered), *args)
        first = verdict.output.splitlines()[0]
        assert verdict.exit_code == 1
        assert first.startswith(f"{altered}: ALTERED: not valid"), first
        assert "valid" not in first.replace("not valid", "")


def test_republishing_writes_only_what_changed(demo: Demo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(demo.site, site)
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    again = mi(demo.root, "register", "publish", str(site))
    assert again.output.endswith("0 files written, 21 unchanged, 0 removed\n")
    code = demo.code("A-2027-000005")
    assert mi(demo.root, "register", "revoke", code, "--reason", "duplicate").exit_code == 0
    changed = mi(demo.root, "register", "publish", str(site))
    assert changed.output.endswith("1 file written, 20 unchanged, 0 removed\n")
    after = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    from mi_courseware.register.site import Site

    assert [p for p in after if after[p] != before[p]] == [Site.read(site).record_path(code)]
    offline = mi(demo.root, "verify", code, "--offline", str(site))
    assert offline.output.startswith("A-2027-000005: REVOKED on 2027-03-19\n")


def test_publish_refuses_a_folder_that_is_not_a_site_and_narrows_to_a_client(
    demo: Demo, tmp_path: Path
) -> None:
    other = tmp_path / "mine"
    other.mkdir()
    (other / "index.html").write_text("my own page", encoding="utf-8")
    refused = mi(demo.root, "register", "publish", str(other))
    assert refused.exit_code == 1
    assert refused.output == (
        f"mi-courseware: error: {other}: not empty and not a verification site; publish into "
        "a new or empty folder (files already there are never overwritten)\n"
    )
    assert (other / "index.html").read_text(encoding="utf-8") == "my own page"
    acme = mi(demo.root, "register", "publish", str(tmp_path / "acme"), "--client", "acme")
    assert acme.exit_code == 0, acme.output
    meta = json.loads((tmp_path / "acme" / "site.json").read_text(encoding="utf-8"))
    assert meta["title"] == "Acme Health Trust"
    unknown = mi(demo.root, "register", "publish", str(tmp_path / "x"), "--client", "acme-health")
    assert unknown.exit_code == 2
    assert "--client: no certificates for 'acme-health' in the register" in unknown.output


def test_verify_by_number_needs_the_name_as_printed(demo: Demo) -> None:
    alone = mi(demo.root, "verify", "A-2027-000001")
    assert alone.exit_code == 1
    assert alone.output.splitlines()[0] == (
        "A-2027-000001: not checked: a certificate number is checked together with the "
        'holder\'s name as printed: mi-courseware verify A-2027-000001 --name "..." '
        "(or give the verification code instead)"
    )
    folded = mi(demo.root, "verify", "a-2027-000001", "--name", "SIAN  llewelyn-parry")
    assert folded.exit_code == 0
    assert folded.output.splitlines()[:2] == [
        "A-2027-000001: valid",
        "  holder:  Siân Llewelyn-Parry",
    ]
    # punctuation and spacing do not matter either (issue 21, defect 16)
    for number, typed in (
        ("A-2027-000011", "maria fernanda castellanos de la fuente whitmore"),
        ("A-2027-000012", "Tomas OSullivan Ward"),
        ("A-2027-000004", "zoe darcy-fenwick hale"),
    ):
        spelt = mi(demo.root, "verify", number, "--name", typed)
        assert spelt.output.splitlines()[0] == f"{number}: valid", typed
    wrong = mi(demo.root, "verify", "A-2027-000001", "--name", "Someone Else")
    assert (wrong.exit_code, wrong.output) == (
        1,
        "A-2027-000001: unknown: no certificate with this number was issued to that name\n",
    )
    old = mi(demo.root, "verify", "A-2027-000004", "--name", "Zoe D'Arcy-Fenwick")
    assert old.exit_code == 1 and old.output.startswith("A-2027-000004: SUPERSEDED: ")
    revoked = mi(demo.root, "verify", "A-2027-000002", "--name", "Aoibheann Ni Fhlannagain")
    assert revoked.exit_code == 1
    assert revoked.output.startswith("A-2027-000002: REVOKED on 2027-03-19: wrong person\n")
    prepared = mi(demo.root, "verify", demo.code("A-2027-000013"))
    assert prepared.exit_code == 1
    assert prepared.output.splitlines()[0] == (
        "A-2027-000013: prepared, awaiting attendance: not valid until attendance is confirmed"
    )
    void = mi(demo.root, "verify", "A-2027-000014", "--name", "Pat Absent")
    assert void.exit_code == 1
    assert void.output.splitlines()[0] == (
        "A-2027-000014: VOID: never valid (prepared, attendance not confirmed on 2027-06-03: "
        "did not attend)"
    )


def test_register_export_shows_the_new_states(demo: Demo) -> None:
    import csv
    import io

    exported = mi(demo.root, "register", "export")
    table = list(csv.DictReader(io.StringIO(exported.output)))
    assert {r["number"]: r["status"] for r in table if r["number"] >= "A-2027-000012"} == {
        "A-2027-000012": "issued",
        "A-2027-000013": "prepared",
        "A-2027-000014": "void",
    }
    assert list(table[0])[-2:] == ["confirmed_at", "issued_on"]


def test_validate_warns_when_verify_url_has_no_place_for_the_code(make_project, run_cli) -> None:
    root = make_project(
        edits={
            "content/clients/acme/client.yaml": [
                ("https://acme.example/verify?code={code}", "https://verify.acme.example/")
            ]
        }
    )
    result = run_cli("validate", cwd=root)
    assert result.exit_code == 0
    assert (
        "content/clients/acme/client.yaml:10:13: warning: verify_url has no '{code}': the QR code "
        "opens the page without the certificate's code, so the reader must type it; for a site "
        "made by 'register publish' write https://verify.acme.example/?code={code}"
    ) in result.stderr


def test_a_forged_site_is_refused_with_the_issuers_key_and_with_the_register(
    demo: Demo, tmp_path: Path
) -> None:
    """A copy of the site with the forger's own key in ``site.json`` (under the issuer's key
    id and fingerprint) and a record signed again with another name."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from mi_courseware.register.keys import key_id, show
    from mi_courseware.register.sealing import RecordSecret
    from mi_courseware.register.site import Site, b64, dump

    forged = tmp_path / "forged"
    shutil.copytree(demo.site, forged)
    meta = json.loads((forged / "site.json").read_text(encoding="utf-8"))
    (kid,) = meta["keys"]
    forger = Ed25519PrivateKey.generate()
    public = forger.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    meta["keys"][kid]["public"] = b64(public)
    (forged / "site.json").write_bytes(dump(meta))
    site = Site.read(forged)
    code = demo.code("A-2027-000001")
    secret = RecordSecret.derive(site.salt, code, site.iterations)  # the code is on the PDF
    path = forged / "r" / f"{secret.name}.json"
    signed = json.loads(secret.open(json.loads(path.read_text(encoding="utf-8"))))
    payload = {**json.loads(signed["payload"]), "name": "Mallory Forger"}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    signed = {"key": kid, "payload": text, "signature": b64(forger.sign(text.encode()))}
    path.write_bytes(dump(secret.seal(json.dumps(signed, sort_keys=True))))
    # believed by whoever trusts the forger's key: the forgery itself is well made
    own = mi(demo.root, "verify", code, "--offline", str(forged), "--key", show(key_id(public)))
    assert own.exit_code == 0 and "  holder:  Mallory Forger" in own.output
    fingerprint = demo.fingerprint()
    for args in (("--key", fingerprint), ()):  # the key the issuer publishes; the register's
        for checked in (code, str(demo.pdf("A-2027-000001"))):
            refused = mi(demo.root, "verify", checked, "--offline", str(forged), *args)
            assert refused.exit_code == 1, refused.output
            first = refused.output.splitlines()[0]
            assert first.startswith(
                f"{code}: NOT GENUINE: the published site {forged} holds a record for this code "
                f"signed with key {show(key_id(public))}, "
            ), first
            assert first.endswith("the site may be forged; do not rely on it")
            assert "Mallory" not in refused.output and "valid" not in refused.output


def test_a_site_published_before_is_read_until_it_is_published_again(
    demo: Demo, browser: Browser, tmp_path: Path
) -> None:
    """Sites of format 1 (records in clear, named by SHA-256 of salt and code) keep working
    for the page and for ``verify --offline`` until the next publish writes format 2."""
    from mi_courseware.register.keys import KeyStore
    from mi_courseware.register.publish import PAGE_FILES, payload
    from mi_courseware.register.site import FORMAT_1, b64, dump, record_id_1

    new = json.loads((demo.site / "site.json").read_text(encoding="utf-8"))
    (kid,) = new["keys"]
    private = KeyStore(demo.root / "records" / "keys", "").load(kid, "Acme Health Trust")
    old = tmp_path / "old"
    (old / "r").mkdir(parents=True)
    for name in PAGE_FILES:
        shutil.copy(demo.site / name, old / name)
    meta = {"format": FORMAT_1, "salt": new["salt"], "title": new["title"]}
    (old / "site.json").write_bytes(dump({**meta, "keys": {kid: new["keys"][kid]["public"]}}))
    row = demo.rows["A-2027-000001"]
    ident = record_id_1(new["salt"], row.code)
    text = json.dumps(payload(row, ident), ensure_ascii=False, sort_keys=True)
    signed = {"key": kid, "payload": text, "signature": b64(private.sign(text.encode()))}
    (old / "r" / f"{ident}.json").write_bytes(dump(signed))
    offline = mi(demo.root, "verify", row.code, "--offline", str(old))
    assert offline.exit_code == 0 and offline.output.startswith("A-2027-000001: valid\n")
    with serving(old) as url:
        state, verdict, rows = result(page(browser, f"{url}?code={row.code}"))
        assert (state, verdict, rows["Holder"]) == ("valid", "Valid certificate", row.name)
        again = mi(demo.root, "register", "publish", str(old))
        assert again.exit_code == 0 and again.output.endswith(", 1 removed\n"), again.output
        assert not (old / "r" / f"{ident}.json").exists()
        assert json.loads((old / "site.json").read_text(encoding="utf-8"))["format"] == (
            "mi-courseware verification site 2"
        )
        state, verdict, rows = result(page(browser, f"{url}?code={row.code}"))
        assert (state, verdict, rows["Holder"]) == ("valid", "Valid certificate", row.name)


def test_a_rotated_key_signs_from_then_on_and_what_the_old_one_signed_still_verifies(
    demo: Demo, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    shutil.copytree(demo.root, root)
    site, stale = root / "site", tmp_path / "stale"
    shutil.copytree(site, stale)  # a copy of the site signed with the old key
    copy = Demo(root)
    old = copy.fingerprint()
    assert mi(root, "certificates", EVENT).exit_code == 0  # the output as the register has it
    certificates = {p: p.read_bytes() for p in copy.pdf("x").parent.glob("*.pdf")}
    rotated = mi(root, "register", "keys", "rotate", "acme")  # the client's id in the project
    assert rotated.exit_code == 0, rotated.output
    new = rotated.output.splitlines()[0].removeprefix("Acme Health Trust: new signing key ")
    assert len(new) == 19 and new != old
    assert f"key {old} retired" in rotated.output
    keys = sorted(p.name for p in (root / "records" / "keys").iterdir())
    assert keys == [new.replace(" ", "").lower() + ".pem"]  # the old private key is gone
    listed = mi(root, "register", "keys", "list").output.splitlines()
    assert listed == [
        f"{old}  Acme Health Trust  made 2027-03-19, retired 2027-03-19",
        f"{new}  Acme Health Trust  made 2027-03-19, current",
    ]
    # certificates made again keep the key they were issued with, and so their bytes
    assert mi(root, "certificates", EVENT).exit_code == 0
    assert {p: p.read_bytes() for p in certificates} == certificates
    published = mi(root, "register", "publish", str(site))
    assert published.output.endswith("15 files written, 6 unchanged, 0 removed\n")
    meta = json.loads((site / "site.json").read_text(encoding="utf-8"))
    assert [(k["fingerprint"], k.get("retired")) for k in meta["keys"].values()] == sorted(
        [(old, "2027-03-19"), (new, None)], key=lambda k: k[0].replace(" ", "").lower()
    )
    code = copy.code("A-2027-000001")
    for folder, key, genuine in (
        (site, new, True),
        (site, old, False),
        (stale, old, True),  # a record the old key signed, believed by whoever trusts it
        (stale, new, False),
    ):
        checked = mi(root, "verify", code, "--offline", str(folder), "--key", key)
        assert (checked.exit_code == 0) is genuine, checked.output
    for folder, when in ((site, ""), (stale, ", retired 2027-03-19")):
        by_register = mi(root, "verify", code, "--offline", str(folder))
        assert by_register.exit_code == 0, by_register.output
        assert f"key {new if folder == site else old}{when}, as the register holds it" in (
            by_register.output
        )
