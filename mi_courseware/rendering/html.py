"""Course Markdown to HTML for the PDF documents, with the MI blocks and audience filtering.

The participant's pack never contains trainer notes or answers; the facilitator guide shows
them set apart. Images must live inside the project and carry alt text; diagrams are drawn
as inline SVG in the client's colours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from mi_courseware.errors import Position, Problem
from mi_courseware.loading.blocks import BlockInfo
from mi_courseware.loading.i18n import Translator
from mi_courseware.loading.markdown import (
    TRAINER_ONLY,
    block_info,
    block_name,
    parse,
    parser,
)
from mi_courseware.loading.markdown import without_blocks as _without
from mi_courseware.rendering.diagrams import Palette, diagram_svg
from mi_courseware.rendering.fetcher import ALLOWED_FILES, Fence, data_uri


@dataclass
class HtmlOptions:
    """How to render: for whom, in which colours and words, with which files allowed."""

    facilitator: bool
    palette: Palette
    t: Translator
    #: The exact files the document may read (its text's pictures among them).
    allowed: frozenset[Path]
    heading_shift: int = 1
    problems: list[Problem] = field(default_factory=list)


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer plus our blocks, shifted headings and checked images."""

    def __init__(self, options: HtmlOptions, source: Path, first_line: int) -> None:
        super().__init__(parser())
        self.opts = options
        self.source = source
        self.first_line = first_line

    # headings: session titles are h2, so Markdown "##" becomes h3 in the pack
    def heading_open(self, tokens: Sequence[Token], idx: int, *args: Any) -> str:
        level = min(6, int(tokens[idx].tag[1]) + self.opts.heading_shift)
        return f"<h{level}>"

    def heading_close(self, tokens: Sequence[Token], idx: int, *args: Any) -> str:
        level = min(6, int(tokens[idx].tag[1]) + self.opts.heading_shift)
        return f"</h{level}>\n"

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env).strip()
        src = str(token.attrGet("src") or "")
        line = self.first_line + (env.get("line") or 0)
        position = Position(self.source, line)
        path = self.source.parent / src
        # the check phase has said what is wrong with a picture in words; here only the
        # document's own list of files decides (a crafted cache entry cannot widen it)
        problem = None
        if not alt:
            problem = f"image '{src}' has no alt text: write ![what it shows]({src})"
        elif re.match(r"^[a-z][a-z0-9+.-]*:", src) or not Fence(self.opts.allowed, path).allows(
            path
        ):
            problem = f"refused to show image '{src}': {ALLOWED_FILES}"
        if problem:
            self.opts.problems.append(Problem(position, problem))
            return ""
        title = token.attrGet("title")
        caption = f"<figcaption>{escape(str(title))}</figcaption>" if title else ""
        uri = data_uri(path.resolve(), self.opts.allowed) or ""
        return (
            f'<figure class="image"><img src="{escape(uri)}" alt="{escape(alt)}">{caption}</figure>'
        )


def _block_open(r: _Renderer, info: BlockInfo) -> str:
    t = r.opts.t
    if info.name == "notes":
        return f'<aside class="trainer-notes"><p class="label">{escape(t("trainer_notes"))}</p>'
    if info.name == "answers":
        return f'<aside class="answers"><p class="label">{escape(t("answers"))}</p>'
    if info.name == "exercise":
        title = str(info.options.get("title") or t("exercise"))
        meta = []
        if "minutes" in info.options:
            meta.append(t("minutes_n", n=info.options["minutes"]))
        if "grouping" in info.options:
            meta.append(t(f"grouping_{str(info.options['grouping']).replace(' ', '_')}"))
        facts = " · ".join(meta)
        return (
            '<section class="exercise"><header>'
            f'<p class="label">{escape(t("exercise"))}</p><h4>{escape(title)}</h4>'
            + (f'<p class="meta">{escape(facts)}</p>' if facts else "")
            + "</header>"
        )
    if info.name == "diagram":
        return diagram_svg(info.argument or "", r.opts.palette, t, info.options)
    if info.name in ("layout", "timing"):
        return ""  # a slide layout, a section's minutes: nothing to print
    if info.name == "columns":
        return '<div class="columns">'
    if info.name == "lines":
        label = str(info.options.get("label", ""))
        count = int(info.options.get("n", 4))
        rows = "".join('<div class="line"></div>' for _ in range(count))
        head = f'<p class="write-label">{escape(label)}</p>' if label else ""
        return f'<div class="write-lines">{head}{rows}'
    if info.name == "box":
        label = str(info.options.get("label", ""))
        height = int(info.options.get("height", 30))
        head = f'<p class="write-label">{escape(label)}</p>' if label else ""
        return f'<div class="write-box">{head}<div class="box" style="height: {height}mm"></div>'
    return "<div>"  # pragma: no cover - every block name is handled above


_CLOSE = {
    "notes": "</aside>",
    "answers": "</aside>",
    "exercise": "</section>",
    "diagram": "",
    "columns": "</div>",
    "lines": "</div>",
    "box": "</div>",
    "layout": "",
    "timing": "",
}


def _split_columns(html: str) -> str:
    """Put each ``<h4>``-headed half of a columns block in its own column."""

    def split(match: re.Match[str]) -> str:
        parts = re.split(r"(?=<h[3-5]>)", match.group(1).strip())
        parts = [p for p in parts if p.strip()]
        cells = "".join(f'<div class="column">{p}</div>' for p in parts)
        return f'<div class="columns">{cells}</div><!--/columns-->'

    return re.sub(r'<div class="columns">(.*?)</div><!--/columns-->', split, html, flags=re.S)


def markdown_html(text: str, source: Path, first_line: int, options: HtmlOptions) -> str:
    """Render course Markdown to HTML for ``options``' audience; raise on bad images."""
    tokens = parse(text)
    if not options.facilitator:
        tokens = _without(tokens, TRAINER_ONLY)
    renderer = _Renderer(options, source, first_line)
    out: list[str] = []
    env: dict[str, Any] = {}
    skip = 0  # inside a diagram block, whose body (if any) is not rendered
    for token in tokens:
        name = block_name(token)
        if name is None:
            if not skip:
                env["line"] = token.map[0] if token.map else env.get("line", 0)
                out.append(renderer.render([token], parser().options, env))
            continue
        if token.type.endswith("_open"):
            skip += name == "diagram"
            out.append(_block_open(renderer, block_info(token)))
        else:
            skip -= name == "diagram"
            out.append(_CLOSE[name] + ("<!--/columns-->" if name == "columns" else ""))
    return _split_columns("".join(out))
