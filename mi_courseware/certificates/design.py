"""From an Edition and register rows to the certificate template's HTML and personal lines.

Everything a certificate shares with the others of its event (course, dates, outcomes,
signatory, logo) is laid out once by WeasyPrint (:mod:`.background`); what is personal
(name, number, code, and the issue line, dated the event's last day) is laid out here
(:meth:`Design.lines`), the same way for the whole-page path (the template) and for the
setter (:mod:`.setter`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import segno
from markupsafe import Markup, escape

from mi_courseware.certificates.common import INK, LAYOUT, LINE_HEIGHT, Lines, PdfInfo, Person
from mi_courseware.certificates.names import layout_name
from mi_courseware.core.edition import Edition, StandardUnit
from mi_courseware.core.languages import FALLBACK
from mi_courseware.loading.i18n import Translator
from mi_courseware.loading.themes import find_theme_file
from mi_courseware.register import Details
from mi_courseware.register.keys import show
from mi_courseware.rendering.document import DocumentSetup, document_setup
from mi_courseware.rendering.fetcher import data_uri

TEMPLATE = "certificate.html"
STYLESHEET = "certificate.css"
NAME_BOX_MM = 225.0
"""Width of the line the name is set on (the certificate's text column)."""
NAME_HEIGHT_MM = 17.0
"""Height of the name's box: two lines at the largest two-line size (later lines never move)."""
QR_MM = 22.0
"""Side of the QR code."""
_PT_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Sheet:
    """One certificate as the template sees it."""

    number: str
    code: str
    name_lines: tuple[str, ...]
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

    def __init__(self, edition: Edition, layout: int = LAYOUT) -> None:
        self.edition = edition
        #: The design (:data:`~.common.LAYOUT`) laid out: a certificate keeps the one it was
        #: issued in.
        self.layout = layout
        self.setup: DocumentSetup = document_setup(edition)
        options = self.setup.options
        # a bilingual design: the client's language first, then the themes' fallback language
        self.bilingual = bool(options.get("certificate_bilingual", False))
        both = [edition.language, FALLBACK] if self.bilingual else [edition.language]
        self.languages = list(dict.fromkeys(both))
        self.say_in = {lang: Translator(self.setup.chain, lang) for lang in self.languages}
        self.primary = self.languages[0]
        self.template_path = find_theme_file(
            edition.theme, edition.theme_dirs, f"templates/{TEMPLATE}", edition.brand.folder
        )
        bold = str(options.get("certificate_name_font", "fonts/OpenSans-Bold.ttf"))
        regular = str(options.get("certificate_text_font", "fonts/OpenSans-Regular.ttf"))
        self.name_font = find_theme_file(edition.theme, edition.theme_dirs, bold)
        self.text_font = find_theme_file(edition.theme, edition.theme_dirs, regular)
        self.extra_fonts = supplementary_fonts(edition)
        self.name_box_mm = float(options.get("certificate_name_width_mm", NAME_BOX_MM))
        self.base = edition.project_root
        self.allowed = self.setup.allowed
        # as data: URIs, images are named after their bytes, not after where the project is
        self.logo = data_uri(edition.brand.logo, self.allowed)
        self.signature = data_uri(edition.brand.signature, self.allowed)

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

    def details(self) -> Details:
        """What the register records about this edition's certificates."""
        edition = self.edition
        t = self.say_in[self.primary]
        return Details(
            course=edition.title,
            client=edition.brand.name,
            dates=t.dates(edition.dates) if edition.dates else "",
            cpd_hours=edition.cpd_hours,
            issued_on=max(edition.dates).isoformat() if edition.dates else None,
        )

    # -- per certificate ----------------------------------------------------------------------

    def sheet(self, person: Person, mode: str = "page") -> Sheet:
        """The template's view of one certificate (``mode``: ``page`` or ``background``)."""
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
        lines = self.lines(person)
        height = len(lines.name) * lines.name_size * LINE_HEIGHT / _PT_PER_MM
        pad = max(0.0, NAME_HEIGHT_MM - height)
        issued = Markup("<br>").join(escape(line) for line in lines.issued)
        return Sheet(
            person.number,
            person.code,
            lines.name,
            lines.name_size,
            round(pad, 2),
            issued,
            qr,
            url,
        )

    def lines(self, person: Person) -> Lines:
        """One person's personal text as laid out (raises ``CertificateError`` for a name
        too long for the certificate)."""
        size, name = layout_name(
            person.name,
            [self.name_font, *self.extra_fonts],
            self.name_box_mm * _PT_PER_MM,
            self.primary,
        )
        t = self.say_in[self.primary]

        def dated(key: str, stamp: str) -> str:
            return t(key, date=t.date(parse_stamp(stamp).date()))

        issued = [t("certificate.issued", date=t.date(self.printed_date(person)))]
        if person.reissued:
            issued.append(dated("certificate.reissued", person.changed_at))
        if person.key:  # only on certificates issued with a key: older ones keep their bytes
            issued.append(t("certificate.issuer_key", fingerprint=show(person.key)))
        return Lines(size, name, person.number, person.code, tuple(issued))

    def printed_date(self, person: Person) -> date:
        """The date a certificate gives as its issue date: the event's last day, whenever it
        was made (prepared before the event or issued after it); the register keeps when it
        was numbered and confirmed. Without dates, the day it was numbered."""
        dates = self.edition.dates
        return max(dates) if dates else parse_stamp(person.issued_at).date()

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
            key=show(person.key) if person.key else None,
        )

    # -- the batch document -------------------------------------------------------------------

    def html(self, person: Person, mode: str = "page") -> str:
        """The certificate of ``person`` as HTML.

        ``mode``: ``page`` (the whole certificate) or ``background`` (the shared design: the
        personal text laid out but hidden; give any person).
        """
        edition = self.edition
        t = self.say_in[self.primary]
        template = self.setup.template(TEMPLATE)
        return template.render(
            lang=self.primary,
            title=t("certificate.title"),
            stylesheets=self._stylesheets(),
            colours={**self.setup.colours(), **{f"--ink-{k}": v for k, v in INK.items()}},
            sheets=[self.sheet(person, mode)],
            edition=edition,
            brand=edition.brand,
            logo=self.logo,
            signature=self.signature,
            say=self.say,
            plain=self.plain,
            when=self._when(),
            frameworks=frameworks(edition.units),
            name_box_mm=self.name_box_mm,
            mode=mode,
            qr_mm=QR_MM,
            bilingual=self.bilingual,
            verify_site=verify_site(edition.brand.verify_url),
            br=Markup("<br>"),
        )

    def _stylesheets(self) -> list[str]:
        fonts = [p / "css" / "fonts.css" for p in reversed(self.setup.chain)]
        return [p.as_uri() for p in fonts if p.is_file()][-1:] + self.setup.stylesheets(STYLESHEET)

    def _when(self) -> Markup:
        """Dates, place and CPD hours on one line, in each language: every day's place when
        the days are not all in one place (the first design gave the first day's only)."""
        lines = []
        for index, lang in enumerate(self.languages):
            t = self.say_in[lang]
            text = escape(" · ".join([*self.where(t), self.hours(t)]))
            lines.append(
                Markup(text)
                if index == 0
                else Markup('<span class="other" lang="{}">{}</span>').format(lang, text)
            )
        return Markup("<br>").join(lines)

    def same_as(self, layout: int) -> bool:
        """Whether design ``layout`` lays this edition's certificates out as this one does."""
        return layout == self.layout or all(
            self.where(t, layout) == self.where(t) for t in self.say_in.values()
        )

    def where(self, t: Translator, layout: int | None = None) -> list[str]:
        """When and where, as the certificate says it in design ``layout`` (this design's by
        default): the dates and the one place, or each place with its dates."""
        layout = layout or self.layout
        edition = self.edition
        days = edition.days if edition.event is not None else ()
        places = [day.venue or (t("certificate.online") if day.virtual else "") for day in days]
        if layout == 1 or len(set(places)) <= 1:
            bits = [t.dates(edition.dates)] if edition.dates else []
            if layout == 1 and edition.event is not None:
                event = edition.event
                place = t("certificate.online") if event.virtual else event.venue
            else:
                place = places[0] if places else ""
            return [*bits, place] if place else bits
        grouped: dict[str, list[date]] = {}
        undated = []
        for day, place in zip(days, places, strict=True):
            if day.date is None:
                undated.append(place)
            else:
                grouped.setdefault(place, []).append(day.date)
        shown = [
            t("certificate.dates_place", dates=t.dates(when), place=place)
            if place
            else t.dates(when)
            for place, when in grouped.items()
        ]
        return [*shown, *(p for p in dict.fromkeys(undated) if p and p not in grouped)]

    def hours(self, t: Translator) -> str:
        """The CPD hours, worded."""
        hours = self.edition.cpd_hours
        key = "certificate.cpd_hour" if hours == 1 else "certificate.cpd_hours"
        return t(key, hours=_hours(hours))


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


def supplementary_fonts(edition: Edition) -> list[Path]:
    """The theme's fonts for scripts its main fonts lack (``fonts/supplementary/*.ttf``)."""
    found: dict[str, Path] = {}
    for folder in edition.theme_dirs:  # the theme first, then the themes it extends
        extra = folder / "fonts" / "supplementary"
        if extra.is_dir():
            for path in sorted(extra.glob("*.ttf")):
                found.setdefault(path.name, path)
    return list(found.values())


def brand_dark(edition: Edition) -> str:
    """A dark brand colour for the QR code (scanners need strong contrast on white)."""
    from mi_courseware.core.colour import contrast, readable_on_white

    colour = readable_on_white(edition.brand.colours.primary, 7.0)
    return colour if contrast(colour, "#ffffff") >= 7.0 else "#1b1b1b"
