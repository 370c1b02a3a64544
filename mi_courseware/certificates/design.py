"""From an Edition and register rows to the certificate template's HTML.

Everything a certificate shares with the others of its event (course, dates, outcomes,
signatory, logo) is set in the theme's fonts. What is personal (name, number, code, issue
date) is set in a font family of its own per certificate (``cert-<number>``, the same font
files). A PDF embeds only the glyphs a document uses, so this keeps each certificate's bytes
independent of which other certificates were rendered in the same batch: a certificate
regenerated alone is byte-identical to the one rendered among a thousand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import segno
from markupsafe import Markup, escape

from mi_courseware.certificates.fit import SAFETY, fit_size, text_width
from mi_courseware.edition import Edition, StandardUnit
from mi_courseware.register import Details
from mi_courseware.rendering.document import DocumentSetup, document_setup
from mi_courseware.rendering.fetcher import data_uri
from mi_courseware.rendering.i18n import Translator
from mi_courseware.rendering.themes import find_theme_file

TEMPLATE = "certificate.html"
STYLESHEET = "certificate.css"
NAME_BOX_MM = 225.0
"""Width of the line the name is set on (the certificate's text column)."""
NAME_LARGEST, NAME_SMALLEST = 32.0, 20.0
"""Name sizes in points: the design's top size, and the floor below which it wraps."""
NAME_HEIGHT_MM = 17.0
"""Height of the name's box: two lines at the floor size (later lines never move)."""
LINE_HEIGHT = 1.15
QR_MM = 22.0
"""Side of the QR code."""
PERSONAL_FAMILY = "mi-personal"
"""Font family of the personal layer (see :mod:`.layers`)."""
_PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Person:
    """One certificate to render: who, which number and code, and its dates."""

    number: str
    code: str
    name: str
    issued_at: str
    changed_at: str
    reissued: bool


@dataclass(frozen=True)
class PdfInfo:
    """What each certificate's PDF says about itself (document information, identifier)."""

    number: str
    code: str
    title: str
    author: str
    subject: str
    keywords: str
    language: str
    created: str
    modified: str


@dataclass(frozen=True)
class Sheet:
    """One certificate as the template sees it."""

    number: str
    code: str
    name: str
    family: str
    name_size: float
    name_pad: float
    issued: Markup
    qr: Markup | None
    url: str | None


def parse_stamp(text: str) -> datetime:
    """A stored UTC timestamp back to a datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def _hours(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


class Design:
    """The certificate design of one edition: theme, wording, fonts, shared text."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.setup: DocumentSetup = document_setup(edition)
        options = self.setup.options
        self.bilingual = bool(options.get("certificate_bilingual", False))
        language = edition.language
        self.languages = ["cy", "en"] if self.bilingual else [language]
        self.say_in = {lang: Translator(self.setup.chain, lang) for lang in self.languages}
        self.primary = self.languages[0]
        self.template_path = find_theme_file(
            edition.theme, edition.theme_dirs, f"templates/{TEMPLATE}", edition.brand.folder
        )
        bold = str(options.get("certificate_name_font", "fonts/OpenSans-Bold.ttf"))
        regular = str(options.get("certificate_text_font", "fonts/OpenSans-Regular.ttf"))
        self.name_font = find_theme_file(edition.theme, edition.theme_dirs, bold)
        self.text_font = find_theme_file(edition.theme, edition.theme_dirs, regular)
        self.name_box_mm = float(options.get("certificate_name_width_mm", NAME_BOX_MM))
        self.base = edition.project_root
        self.roots = [*self.setup.roots, edition.brand.folder]
        # as data: URIs, images are named after their bytes, not after where the project is
        self.logo = data_uri(edition.brand.logo, self.roots)
        self.signature = data_uri(edition.brand.signature, self.roots)

    # -- wording ------------------------------------------------------------------------------

    def say(self, key: str, **values: Any) -> Markup:
        """Fixed wording in the certificate's language(s); the second one marked as such."""
        parts = []
        for index, lang in enumerate(self.languages):
            text = escape(self.say_in[lang](key, **values))
            if index == 0:
                parts.append(Markup(text))
            else:
                parts.append(Markup('<span class="other" lang="{}">{}</span>').format(lang, text))
        return Markup(" ").join(parts)

    def plain(self, key: str, **values: Any) -> str:
        """Fixed wording as plain text for attributes (languages joined by a slash)."""
        return " / ".join(self.say_in[lang](key, **values) for lang in self.languages)

    def _dated(self, key: str, when: date) -> Markup:
        parts = []
        for index, lang in enumerate(self.languages):
            words = self.say_in[lang](key, date=self.say_in[lang].date(when))
            parts.append(
                escape(words)
                if index == 0
                else Markup('<span class="other" lang="{}">{}</span>').format(lang, words)
            )
        return Markup(" ").join(parts)

    def details(self) -> Details:
        """What the register records about this edition's certificates."""
        edition = self.edition
        t = self.say_in[self.primary]
        return Details(
            course=edition.title,
            client=edition.brand.name,
            dates=t.dates(edition.dates) if edition.dates else "",
            cpd_hours=edition.cpd_hours,
        )

    # -- per certificate ----------------------------------------------------------------------

    def sheet(self, person: Person, mode: str = "page") -> Sheet:
        """The template's view of one certificate."""
        brand = self.edition.brand
        url = brand.verify_url.replace("{code}", person.code) if brand.verify_url else None
        qr = None
        if url and mode == "page":
            svg = segno.make(url, error="m").svg_inline(
                dark=brand_dark(self.edition),
                border=0,
                omitsize=True,
            )
            qr = Markup(svg)
        issued = self._dated("certificate.issued", parse_stamp(person.issued_at).date())
        if person.reissued:
            again = self._dated("certificate.reissued", parse_stamp(person.changed_at).date())
            issued = Markup("{} · {}").format(issued, again)
        size, lines = self.name_size(person.name)
        pad = max(0.0, NAME_HEIGHT_MM - lines * size * LINE_HEIGHT / _PT_PER_MM)
        family = PERSONAL_FAMILY if mode == "personal" else f"cert-{person.number}"
        return Sheet(
            person.number, person.code, person.name, family, size, round(pad, 2), issued, qr, url
        )

    def name_size(self, name: str) -> tuple[float, int]:
        """The name's size in points and its number of lines (1, or 2 for the longest)."""
        box = self.name_box_mm * _PT_PER_MM
        size = fit_size(name, self.name_font, box, NAME_LARGEST, NAME_SMALLEST)
        if text_width(name, self.name_font) * size <= box * SAFETY:
            return size, 1
        # two lines at most: below the floor only when even two lines at the floor are short
        return min(size, fit_size(name, self.name_font, 2 * box, NAME_SMALLEST, 8.0)), 2

    def pdf_info(self, person: Person) -> PdfInfo:
        """Document information for one certificate's PDF."""
        edition = self.edition
        t = self.say_in[self.primary]
        return PdfInfo(
            number=person.number,
            code=person.code,
            title=f"{t('certificate.title')}: {person.name}",
            author=edition.brand.name or "mi-courseware",
            subject=edition.title,
            keywords=f"{person.number}, {person.code}",
            language=self.primary,
            created=person.issued_at,
            modified=person.changed_at,
        )

    # -- the batch document -------------------------------------------------------------------

    def html(self, people: list[Person], mode: str = "page") -> str:
        """One HTML document with a page for each of ``people``.

        ``mode``: ``page`` (whole certificates), ``background`` (the shared design, personal
        elements hidden; give one placeholder person) or ``personal`` (only what differs).
        """
        edition = self.edition
        sheets = [self.sheet(p, mode) for p in people]
        t = self.say_in[self.primary]
        template = self.setup.env.get_template(TEMPLATE)
        return template.render(
            lang=self.primary,
            title=t("certificate.title"),
            stylesheets=self._stylesheets(),
            colours=self.setup.colours(),
            sheets=sheets,
            edition=edition,
            brand=edition.brand,
            logo=self.logo,
            signature=self.signature,
            say=self.say,
            plain=self.plain,
            when=self._when(),
            frameworks=frameworks(edition.units),
            name_box_mm=self.name_box_mm,
            faces=self._faces(sheets, mode),
            mode=mode,
            qr_mm=QR_MM,
            bilingual=self.bilingual,
            verify_site=verify_site(edition.brand.verify_url),
        )

    def _faces(self, sheets: list[Sheet], mode: str) -> list[dict[str, object]]:
        """``@font-face`` rules for the personal text: one family per certificate on whole
        pages, one shared family in the personal layer (whose fonts are replaced anyway)."""
        families = (
            {PERSONAL_FAMILY}
            if mode == "personal"
            else ({s.family for s in sheets} if mode == "page" else set())
        )
        faces: list[dict[str, object]] = []
        for family in sorted(families):
            faces.append({"family": family, "weight": 700, "src": self.name_font.as_uri()})
            faces.append({"family": family, "weight": 400, "src": self.text_font.as_uri()})
        return faces

    def _stylesheets(self) -> list[str]:
        fonts = [p / "css" / "fonts.css" for p in reversed(self.setup.chain)]
        return [p.as_uri() for p in fonts if p.is_file()][-1:] + self.setup.stylesheets(STYLESHEET)

    def _when(self) -> Markup:
        """Dates, place and CPD hours on one line, in each language."""
        edition = self.edition
        lines = []
        for index, lang in enumerate(self.languages):
            t = self.say_in[lang]
            bits = []
            if edition.dates:
                bits.append(t.dates(edition.dates))
            if edition.event is not None:
                place = t("certificate.online") if edition.event.virtual else edition.event.venue
                if place:
                    bits.append(place)
            key = "certificate.cpd_hour" if edition.cpd_hours == 1 else "certificate.cpd_hours"
            bits.append(t(key, hours=_hours(edition.cpd_hours)))
            text = escape(" · ".join(bits))
            lines.append(
                Markup(text)
                if index == 0
                else Markup('<span class="other" lang="{}">{}</span>').format(lang, text)
            )
        return Markup("<br>").join(lines)


def frameworks(units: tuple[StandardUnit, ...]) -> list[tuple[str, list[str]]]:
    """Standards grouped by framework, in the order they first appear."""
    grouped: dict[str, list[str]] = {}
    for unit in units:
        grouped.setdefault(unit.framework, [])
        if unit.code not in grouped[unit.framework]:
            grouped[unit.framework].append(unit.code)
    return [(name, sorted(codes, key=_natural)) for name, codes in grouped.items()]


def _natural(code: str) -> list[tuple[int, int | str]]:
    """Sort key that puts 2 before 10 and AB2 before AB10."""
    return [
        (0, int(part)) if part.isdigit() else (1, part) for part in re.findall(r"\d+|\D+", code)
    ]


def verify_site(url: str | None) -> str | None:
    """The verification address as printed: host and path, without the query."""
    if not url:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{code}", ""))
    return (parts.netloc + parts.path).rstrip("/") or None


def brand_dark(edition: Edition) -> str:
    """A dark brand colour for the QR code (scanners need strong contrast on white)."""
    from mi_courseware.rendering.colour import contrast, readable_on_white

    colour = readable_on_white(edition.brand.colours.primary, 7.0)
    return colour if contrast(colour, "#ffffff") >= 7.0 else "#1b1b1b"
