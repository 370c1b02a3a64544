"""A message to a participant, from the theme: a subject line and Markdown, in two parts.

Each kind of message is a theme template, ``templates/messages/<kind>.md`` (a client's own
``templates/messages/<kind>.md`` overrides it): its first line is the subject, the rest the
body in Markdown, every wording from the theme's catalogues (``i18n/<lang>.messages.yaml``),
rendered in the template sandbox like every document. Values put into it (a name, a venue)
are escaped as Markdown, so a roster cannot add a link or a heading to a message; the
course's ``preparation`` is Markdown already and goes in as it is (raw HTML stays off).

The body becomes the message's plain-text part (always there) and its HTML part, which
``templates/messages/message.html`` wraps in the client's brand: the logo (an SVG logo drawn
to PNG, which mail clients show, by the decks' sandboxed drawing) and the brand's colours,
styled inline, since mail programs drop most stylesheets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from mi_courseware.errors import ContentError

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from mi_courseware.rendering.document import DocumentSetup

#: Pixels on the long side of the logo in the HTML part (shown at half that, for sharp
#: screens).
LOGO_PIXELS = 480


@dataclass(frozen=True)
class Composed:
    """A message's words: its subject, plain text and HTML body (the logo apart)."""

    subject: str
    text: str
    html: str


def web_address(value: object) -> Markup:
    """The ``url`` filter: an ``https://`` address to link to, as it is (checked when the
    event was read; an address with a space or angle bracket is refused here too)."""
    text = str(value)
    if not text.startswith("https://") or any(c.isspace() or c in "<>()" for c in text):
        raise ValueError(f"'{text}' is not a web address a message may link to")
    return Markup(text)


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["replacements", "smartquotes", "strikethrough"])
    return md


def render_message(setup: DocumentSetup, kind: str, values: dict[str, Any]) -> Composed:
    """The message ``kind`` for ``values``: subject, plain text and HTML body."""
    from mi_courseware.loading.themes import search_path
    from mi_courseware.rendering.templates import environment

    env = environment(search_path(setup.chain, setup.brand.folder), setup.t, markdown=True)
    env.filters["url"] = web_address
    name = f"messages/{kind}.md"
    template = env.get_template(name)
    text = template.render(**values).strip()
    subject_line, _, body = text.partition("\n")
    subject = plain_text(subject_line).strip()
    if not subject:
        where = Path(template.filename or name)
        raise ContentError.single(
            where, f"template '{name}': its first line, the subject, is empty"
        )
    tokens = _parser().parse(body.strip())
    text_part = plain_text_of(tokens)
    colours = setup.colours()
    styles = {  # inline: mail programs drop stylesheets
        "heading_open": f"color:{colours['--primary-text']}; font-size:19px; margin:24px 0 8px 0",
        "link_open": f"color:{colours['--primary-text']}; font-weight:600",
    }
    for token in _walk(tokens):
        if token.type in styles:
            token.attrSet("style", styles[token.type])
    html = _parser().renderer.render(tokens, _parser().options, {})
    return Composed(subject, text_part, html)


def _walk(tokens: list[Token]) -> list[Token]:
    found = []
    for token in tokens:
        found.append(token)
        found.extend(_walk(token.children or []))
    return found


def plain_text(markdown: str) -> str:
    """Markdown as plain text (the message's text part)."""
    return plain_text_of(_parser().parse(markdown))


def plain_text_of(tokens: list[Token]) -> str:
    """Parsed Markdown as plain text: paragraphs apart, list items marked, links with their
    address after them, emphasis and escapes gone."""
    lines: list[str] = []
    lists: list[list[int]] = []  # each open list: [next number] (0: bullets)
    quote = 0
    pending = ""
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 0
            lists.append([start])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
            if not lists:
                lines.append("")
        elif kind == "list_item_open":
            number = lists[-1][0]
            pending = "  " * (len(lists) - 1) + (f"{number}. " if number else "- ")
            if number:
                lists[-1][0] += 1
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote -= 1
        elif kind == "hr":
            lines += ["----------", ""]
        elif kind in ("fence", "code_block"):
            lines += [*token.content.rstrip("\n").splitlines(), ""]
        elif kind == "inline":
            words = _inline(token.children or [])
            prefix = "> " * quote
            indent = " " * len(pending) if pending else "  " * len(lists)
            for index, line in enumerate(words.split("\n")):
                lead = pending if index == 0 and pending else (indent if lists else "")
                lines.append(prefix + lead + line)
            pending = ""
        elif kind in ("paragraph_close", "heading_close") and not lists:
            lines.append("")
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _inline(children: list[Token]) -> str:
    out: list[str] = []
    links: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type == "softbreak" or child.type == "hardbreak":
            out.append("\n")
        elif child.type == "image":
            out.append(child.content)
        elif child.type == "link_open":
            links.append(str(child.attrGet("href") or ""))
            out.append("\x00")  # where the link's text starts
        elif child.type == "link_close":
            href = links.pop()
            start = len(out) - 1 - out[::-1].index("\x00")
            label = "".join(out[start + 1 :])
            out[start:] = [label if label == href else f"{label} ({href})"]
    return "".join(out)


def logo_png(setup: DocumentSetup) -> bytes | None:
    """The client's logo as PNG for the HTML part (an SVG drawn as the decks draw it, with
    nothing from outside it), or ``None`` without a logo."""
    logo = setup.brand.logo
    if logo is None:
        return None
    if logo.suffix.lower() == ".png":
        return logo.read_bytes()
    from mi_courseware.rendering.pptx.images import load_picture

    fonts = next(
        (folder / "fonts" for folder in setup.chain if any((folder / "fonts").glob("*.ttf"))),
        setup.chain[0] / "fonts",
    )
    family = str(setup.options.get("font_family", "Open Sans"))
    picture = load_picture(logo, LOGO_PIXELS / 160, fonts, family)
    return picture.data if picture.extension == "png" else None


def html_document(
    setup: DocumentSetup, composed: Composed, logo_cid: str | None, language: str
) -> str:
    """The HTML part: the body in ``templates/messages/message.html``, in the brand."""
    template = setup.template("messages/message.html")
    return template.render(
        lang=language,
        subject=composed.subject,
        body=Markup(composed.html),
        brand=setup.brand,
        colours=setup.colours(),
        logo=f"cid:{logo_cid}" if logo_cid else None,
    )
