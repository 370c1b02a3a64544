"""The sign-in sheet's HTML: one section per course day, a row for everyone on the roster,
then a few blank rows for people who turn up without booking. A day in a room is signed
(time in, signature); an online day is an attendance register the trainer keeps (joined,
left, camera and notes)."""

from __future__ import annotations

from datetime import datetime

from mi_courseware.core.edition import Edition
from mi_courseware.rendering.days import day_lines
from mi_courseware.rendering.document import DocumentSetup, document_setup
from mi_courseware.rendering.fetcher import data_uri
from mi_courseware.rendering.pdf import metadata_head

#: Blank rows for walk-ins when the event has no places left (or says nothing of places).
MIN_BLANK_ROWS = 3
#: At most this many: a few rows at the end of the day's list, never pages of them.
MAX_BLANK_ROWS = 8


def blank_rows(edition: Edition) -> int:
    """Rows for walk-ins: the places the roster leaves free, never fewer than three nor
    more than eight."""
    event = edition.event
    free = (event.max_places or 0) - len(edition.participants) if event else 0
    return min(max(free, MIN_BLANK_ROWS), MAX_BLANK_ROWS)


def signin_html(edition: Edition, *, when: datetime) -> tuple[str, DocumentSetup]:
    """The sign-in sheet's complete HTML and the setup it was rendered with."""
    setup = document_setup(edition)
    t = setup.t
    brand = edition.brand
    html = setup.template("sign-in.html").render(
        edition=edition,
        event=edition.event,
        brand=brand,
        lang=edition.language,
        meta=metadata_head(
            title=f"{edition.title} – {t('sign_in_sheet')}",
            author=brand.name or "mi-courseware",
            when=when,
            language=edition.language,
        ),
        colours=setup.colours(),
        stylesheets=[*setup.stylesheets("fonts.css"), *setup.stylesheets("sign-in.css")],
        logo=data_uri(brand.logo, setup.allowed),
        days=day_lines(edition, t),
        people=edition.participants,
        blanks=blank_rows(edition),
    )
    return html, setup
