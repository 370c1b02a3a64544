"""A session's Markdown to slide specifications.

How content becomes slides (the rules are fixed, so authors can predict every slide):

* ``#``/``##`` headings start a slide and give its title; ``---`` starts an untitled slide,
  which takes the previous title with "(continued)". Text before the first slide break is
  the session's introduction: paragraphs go to the section header's speaker notes.
* The layout follows the content: ``::: exercise`` -> Exercise, ``::: diagram`` -> Diagram,
  ``::: columns`` -> Two columns, a table -> Title and table, an image alone in its
  paragraph -> Image with caption, a slide of nothing but a block quote -> Quote, anything
  else -> Title and bullets. Two of the first five on one slide is an error (split the slide).
  ``::: layout NAME`` states the layout instead: ``quote`` shows a slide's quote alone (its
  bullets go to the notes), ``bullets`` sets a quote as body text; a stated layout the
  content cannot fill (``diagram`` with no diagram) is an error at the slide's line.
* Lists become bullets (levels kept, numbered lists numbered); ``###`` headings bold lines.
  An image's caption is its Markdown title (``![alt](file "caption")``), else the slide's
  text; its alternative text goes into the picture's description.
* Paragraphs are the trainer's script: on a slide that shows anything else they go to the
  speaker notes; on a slide of paragraphs only, they are the slide's text. Paragraphs before
  an exercise block are its lead-in and stay on the slide.
* ``::: notes`` and ``::: answers`` go to the speaker notes only; ``::: lines`` and
  ``::: box`` are writing space for the printed pack and have no slide form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mi_courseware.errors import ContentError, Position
from mi_courseware.loading.markdown import block_info, parse
from mi_courseware.rendering.pptx.ooxml import Para, Run
from mi_courseware.rendering.pptx.spec import DiagramSpec, ImageSpec, SlideSpec, TableSpec
from mi_courseware.rendering.pptx.wording import Wording

_NAMES = {
    "exercise": "an exercise",
    "diagram": "a diagram",
    "columns": "columns",
    "table": "a table",
    "image": "an image",
}


@dataclass
class _Draft:
    title: str | None
    line: int
    bullets: list[Para] = field(default_factory=list)
    paragraphs: list[Para] = field(default_factory=list)
    notes: list[Para] = field(default_factory=list)
    answers: list[Para] = field(default_factory=list)
    visuals: list[tuple[str, object, int]] = field(default_factory=list)
    quotes: list[Para] = field(default_factory=list)
    lead: list[Para] = field(default_factory=list)
    stated: str | None = None  # a layout the author asked for with ``::: layout NAME``

    def empty(self) -> bool:
        return not (self.bullets or self.paragraphs or self.visuals or self.quotes)


def inline_runs(
    node,
    bold: bool = False,
    italic: bool = False,
    strike: bool = False,  # type: ignore[no-untyped-def]
    link: str | None = None,
) -> list[Run]:
    """Runs for an inline node's children."""
    runs: list[Run] = []
    for child in node.children:
        kind = child.type
        if kind == "text":
            runs.append(Run(child.content, bold, italic, strike=strike, link=link))
        elif kind == "softbreak":
            runs.append(Run(" ", bold, italic, strike=strike, link=link))
        elif kind == "hardbreak":
            runs.append(Run("\n", bold, italic, strike=strike, link=link))
        elif kind == "code_inline":
            runs.append(Run(child.content, bold, italic, code=True, link=link))
        elif kind == "strong":
            runs += inline_runs(child, True, italic, strike, link)
        elif kind == "em":
            runs += inline_runs(child, bold, True, strike, link)
        elif kind == "s":
            runs += inline_runs(child, bold, italic, True, link)
        elif kind == "link":
            runs += inline_runs(child, bold, italic, strike, str(child.attrs.get("href", "")))
        elif kind == "image":
            runs.append(Run(_plain(child), bold, italic, strike=strike, link=link))
        else:
            runs += inline_runs(child, bold, italic, strike, link)
    merged: list[Run] = []
    for run in runs:
        if merged and (
            merged[-1].bold,
            merged[-1].italic,
            merged[-1].code,
            merged[-1].strike,
            merged[-1].link,
        ) == (run.bold, run.italic, run.code, run.strike, run.link):
            merged[-1] = Run(
                merged[-1].text + run.text, run.bold, run.italic, run.code, run.strike, run.link
            )
        else:
            merged.append(run)
    return merged


def _plain(node) -> str:  # type: ignore[no-untyped-def]
    if node.type in ("text", "code_inline"):
        return str(node.content)
    if node.type == "softbreak":
        return " "
    return "".join(_plain(child) for child in node.children)


def _inline(node):  # type: ignore[no-untyped-def]
    return next((c for c in node.children if c.type == "inline"), None)


def _image_only(paragraph):  # type: ignore[no-untyped-def]
    inline = _inline(paragraph)
    if inline is None:
        return None
    meaningful = [
        c
        for c in inline.children
        if not (c.type == "text" and not c.content.strip()) and c.type != "softbreak"
    ]
    if len(meaningful) == 1 and meaningful[0].type == "image":
        return meaningful[0]
    return None


def list_paras(node, level: int = 0) -> list[Para]:  # type: ignore[no-untyped-def]
    """Bullets (or numbered items) for a list node, nested lists one level deeper."""
    paras: list[Para] = []
    ordered = node.type == "ordered_list"
    number = int(node.attrs.get("start", 1) or 1) if ordered else 1
    for item in node.children:
        first = True
        for child in item.children:
            if child.type == "paragraph":
                runs = tuple(inline_runs(_inline(child)))
                kind = ("number" if ordered else "bullet") if first else "continued"
                paras.append(Para(runs, level=level, kind=kind, number=number))
                first = False
            elif child.type in ("bullet_list", "ordered_list"):
                paras += list_paras(child, level + 1)
        number += 1
    return paras


def notes_paras(nodes) -> list[Para]:  # type: ignore[no-untyped-def]
    """Speaker-notes paragraphs (lists written out with bullet characters)."""
    paras: list[Para] = []
    for node in nodes:
        if node.type == "paragraph":
            paras.append(Para(tuple(inline_runs(_inline(node))), kind="plain"))
        elif node.type in ("bullet_list", "ordered_list"):
            for item in list_paras(node):
                mark = f"{item.number}. " if item.kind == "number" else "• "
                indent = "    " * item.level
                paras.append(Para((Run(indent + mark), *item.runs), kind="plain"))
        elif node.type == "heading":
            paras.append(Para(tuple(inline_runs(_inline(node), bold=True)), kind="plain"))
        elif node.type == "blockquote":
            paras += notes_paras(node.children)
        elif node.type in ("fence", "code_block"):
            paras.append(Para((Run(node.content.rstrip("\n"), code=True),), kind="plain"))
        elif node.type.startswith("container_"):
            paras += notes_paras(node.children)
    return paras


def table_spec(node) -> TableSpec:  # type: ignore[no-untyped-def]
    """A native table from a Markdown table node."""
    rows = []
    for section in node.children:
        for row in section.children:
            rows.append(
                tuple(
                    Para(tuple(inline_runs(_inline(cell) or cell)), kind="plain")
                    for cell in row.children
                )
            )
    header, *body = rows
    return TableSpec(header, tuple(body))


class SessionSlides:
    """Turns one session's Markdown into slide specs (see the module's rules)."""

    def __init__(self, body: str, path: Path, first_line: int, wording: Wording) -> None:
        self.path = path
        self.first_line = first_line
        self.wording = wording
        from markdown_it.tree import SyntaxTreeNode

        self.root = SyntaxTreeNode(parse(body))

    def position(self, line: int) -> Position:
        """Where a line of the body is in its file."""
        return Position(self.path, self.first_line + line)

    def drafts(self) -> tuple[_Draft, list[_Draft]]:
        """The introduction and the slides, as drafts."""
        intro = _Draft(None, 0)
        slides: list[_Draft] = []
        current = intro
        for node in self.root.children:
            line = node.map[0] if node.map else 0
            if node.type == "heading" and node.tag in ("h1", "h2"):
                current = _Draft(_plain(_inline(node)).strip(), line)
                slides.append(current)
            elif node.type == "hr":
                current = _Draft(None, line)
                slides.append(current)
            else:
                self._add(current, node, line)
        return intro, slides

    def _add(self, draft: _Draft, node, line: int) -> None:  # type: ignore[no-untyped-def]
        kind = node.type
        if kind == "heading":
            draft.bullets.append(Para(tuple(inline_runs(_inline(node), bold=True)), kind="plain"))
        elif kind == "paragraph":
            image = _image_only(node)
            if image is not None:
                draft.visuals.append(("image", self._image(image, line), line))
            else:
                draft.paragraphs.append(Para(tuple(inline_runs(_inline(node))), kind="plain"))
        elif kind in ("bullet_list", "ordered_list"):
            draft.bullets += list_paras(node)
        elif kind == "table":
            draft.visuals.append(("table", table_spec(node), line))
        elif kind == "blockquote":
            draft.quotes += [Para(p.runs, kind="plain") for p in notes_paras(node.children)]
        elif kind in ("fence", "code_block"):
            draft.paragraphs.append(
                Para((Run(node.content.rstrip("\n"), code=True),), kind="plain")
            )
        elif kind == "container_notes":
            draft.notes += notes_paras(node.children)
        elif kind == "container_answers":
            draft.answers += notes_paras(node.children)
        elif kind == "container_exercise":
            info = block_info(node.nester_tokens.opening)
            draft.lead, draft.paragraphs = draft.paragraphs, []
            draft.visuals.append(("exercise", (info.options, self._block_paras(node)), line))
        elif kind == "container_diagram":
            info = block_info(node.nester_tokens.opening)
            label = info.options.get("label")
            spec = DiagramSpec(info.argument or "", str(label) if label else None)
            draft.visuals.append(("diagram", spec, line))
        elif kind == "container_layout":
            draft.stated = block_info(node.nester_tokens.opening).argument
        elif kind == "container_columns":
            draft.visuals.append(("columns", self._columns(node, line), line))

    def _block_paras(self, node) -> list[Para]:  # type: ignore[no-untyped-def]
        paras: list[Para] = []
        for child in node.children:
            if child.type in ("bullet_list", "ordered_list"):
                paras += list_paras(child)
            elif child.type == "paragraph":
                paras.append(Para(tuple(inline_runs(_inline(child))), kind="plain"))
            elif child.type == "heading":
                paras.append(Para(tuple(inline_runs(_inline(child), bold=True)), kind="plain"))
        return paras

    def _columns(self, node, line: int) -> tuple[list[Para], list[Para], list[Para], list[Para]]:  # type: ignore[no-untyped-def]
        halves: list[tuple[list[Para], list]] = []  # type: ignore[type-arg]
        for child in node.children:
            if child.type == "heading":
                halves.append(([Para(tuple(inline_runs(_inline(child))), kind="plain")], []))
            elif halves:
                halves[-1][1].append(child)
        if len(halves) != 2:
            raise ContentError.single(
                self.path,
                f"columns need two halves, each starting with a ### heading (found {len(halves)})",
                self.first_line + line,
            )
        (lh, left), (rh, right) = halves
        return lh, self._block_paras_of(left), rh, self._block_paras_of(right)

    def _block_paras_of(self, nodes: list) -> list[Para]:  # type: ignore[type-arg]
        paras: list[Para] = []
        for child in nodes:
            if child.type in ("bullet_list", "ordered_list"):
                paras += list_paras(child)
            elif child.type == "paragraph":
                paras.append(Para(tuple(inline_runs(_inline(child))), kind="plain"))
        return paras

    def _image(self, node, line: int) -> ImageSpec:  # type: ignore[no-untyped-def]
        source = str(node.attrs.get("src", ""))
        alt = _plain(node).strip()
        path = (self.path.parent / source).resolve()
        if "://" in source or not path.is_file():
            raise ContentError.single(
                self.path,
                f"image '{source}' not found (images must be files next to the module)",
                self.first_line + line,
            )
        if not alt:
            raise ContentError.single(
                self.path,
                f"image '{source}' needs alternative text: ![what it shows](file)",
                self.first_line + line,
            )
        title = node.attrs.get("title")
        return ImageSpec(path, alt, str(title) if title else None)

    def slides(self, session_title: str) -> tuple[list[Para], list[SlideSpec]]:
        """The introduction's notes and the slide specs of the session."""
        intro, drafts = self.drafts()
        intro_notes = intro.paragraphs + intro.notes
        if not intro.empty() and (intro.bullets or intro.visuals or intro.quotes):
            intro.title = session_title
            drafts.insert(0, intro)
            intro_notes = []
        specs = []
        previous = session_title
        for draft in drafts:
            if draft.title is None:
                draft.title = self.wording("slides.continued", title=previous)
            else:
                previous = draft.title
            specs.append(self._spec(draft))
        return intro_notes, specs

    def _spec(self, draft: _Draft) -> SlideSpec:
        title = draft.title or ""
        position = self.position(draft.line)
        visuals = draft.visuals
        if len(visuals) > 1:
            names = " and ".join(_NAMES[v[0]] for v in visuals[:2])
            raise ContentError(
                [
                    _problem(
                        position,
                        f"slide '{title}' has {names}; give each its "
                        "own slide (start one with ## or ---)",
                    )
                ]
            )
        self._check_stated(draft, title, position)
        notes = list(draft.notes)
        answers = (
            [
                Para((Run(self.wording("slides.notes.answers"), bold=True),), kind="plain"),
                *draft.answers,
            ]
            if draft.answers
            else []
        )
        spec = SlideSpec("bullets", title, position=position)
        text = spec.text
        shown_paragraphs = False
        if visuals:
            kind, payload, _ = visuals[0]
            if kind == "exercise":
                options: dict[str, str | int]
                paras: list[Para]
                options, paras = payload  # type: ignore[misc]
                spec.layout = "exercise"
                text["instructions"] = [*draft.lead, *paras, *draft.bullets]
                text.update(self._timer(options))
                draft.bullets = []
            elif kind == "diagram":
                spec.layout, spec.diagram = "diagram", payload  # type: ignore[assignment]
                text["side"] = draft.bullets
            elif kind == "columns":
                lh: list[Para]
                left: list[Para]
                rh: list[Para]
                right: list[Para]
                lh, left, rh, right = payload  # type: ignore[misc]
                spec.layout = "columns"
                text.update(left_heading=lh, left=left, right_heading=rh, right=right)
                if draft.bullets:
                    raise ContentError(
                        [
                            _problem(
                                position,
                                f"slide '{title}' has a list outside "
                                "its columns; move it into a column",
                            )
                        ]
                    )
            elif kind == "table":
                spec.layout, spec.table = "table", payload  # type: ignore[assignment]
                text["below"] = draft.bullets
            else:
                spec.layout, spec.image = "image", payload  # type: ignore[assignment]
                caption = spec.image.caption if spec.image else None
                if caption:
                    text["caption"] = [Para((Run(caption),), kind="plain"), *draft.bullets]
                else:
                    text["caption"] = draft.bullets or draft.paragraphs
                    shown_paragraphs = not draft.bullets
        elif draft.quotes and (
            draft.stated == "quote"
            or (draft.stated is None and not draft.bullets and not draft.paragraphs)
        ):
            spec.layout = "quote"
            notes = [*draft.bullets, *notes]  # a stated quote slide shows only the quote
            quote, attribution = list(draft.quotes), []
            last = quote[-1].text.lstrip()
            if len(quote) > 1 and last[:1] in ("—", "–", "-"):
                attribution = [Para((Run(last),), kind="plain")]
                quote = quote[:-1]
            text.update(quote=quote, attribution=attribution)
        else:
            italic = [
                Para(
                    tuple(Run(r.text, r.bold, True, r.code, r.strike, r.link) for r in q.runs),
                    kind="plain",
                )
                for q in draft.quotes
            ]
            if draft.bullets or italic:
                text["body"] = [*draft.bullets, *italic]
            else:
                text["body"] = draft.paragraphs
                shown_paragraphs = True
        if not shown_paragraphs:
            notes = [*draft.paragraphs, *notes]
        spec.notes = notes + answers
        return spec

    def _check_stated(self, draft: _Draft, title: str, position: Position) -> None:
        """A stated layout must be one the slide's content can fill."""
        stated = draft.stated
        if stated is None:
            return
        shown = draft.visuals[0][0] if draft.visuals else None
        fits = stated == shown or (
            shown is None and (stated == "bullets" or (stated == "quote" and draft.quotes))
        )
        if not fits:
            has = (
                f"has {_NAMES[shown]}"
                if shown
                else "has no "
                + ("quote" if stated == "quote" else _NAMES.get(stated, stated).split()[-1])
            )
            raise ContentError(
                [_problem(position, f"slide '{title}' asks for layout '{stated}' but {has}")]
            )

    def _timer(self, options: dict[str, str | int]) -> dict[str, list[Para]]:
        wording = self.wording
        fields: dict[str, list[Para]] = {
            "label": [Para((Run(wording("slides.exercise")),), kind="plain")]
        }
        minutes = options.get("minutes")
        if isinstance(minutes, int):
            unit = wording("slides.minute" if minutes == 1 else "slides.minutes")
            fields["timer"] = [
                Para((Run(str(minutes)),), kind="plain"),
                Para((Run(unit),), kind="plain", scale=0.3),
            ]
        grouping = options.get("grouping")
        if isinstance(grouping, str):
            fields["grouping"] = [
                Para((Run(wording(f"slides.grouping.{grouping}")),), kind="plain")
            ]
        return fields


def _problem(position: Position, message: str):  # type: ignore[no-untyped-def]
    from mi_courseware.errors import Problem

    return Problem(position, message)
