"""The Jinja environment: sandboxed, strict, autoescaped, with an ordered and printable search path.

Lookup order: the client's ``templates/`` folder, then the theme, then each theme it extends.
``{% extends "default:pack.html" %}`` names a theme's own copy explicitly, so a theme can
override a template and still build on its parent's version of it.

Themes and client folders come from other organisations, so their templates are untrusted:
they run in Jinja's sandbox (no attribute starting with ``_``, no unsafe calls), see only the
globals and filters of the theme contract (:data:`GLOBALS`, :data:`FILTERS`), may include,
import or extend only templates on the search path (links out of it are refused), and are
bounded in time and output size. Every failure inside a template is reported at the
template's own path and line.
"""

from __future__ import annotations

import contextvars
import os
import re
import traceback
import types
from collections.abc import Callable
from datetime import time
from pathlib import Path, PurePath
from typing import Any

import jinja2
import markupsafe
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from mi_courseware.core.colour import band, mix, readable_on_white, tint
from mi_courseware.errors import ContentError, Position, Problem
from mi_courseware.limits import RenderTimeout, current, megabytes, time_limit
from mi_courseware.loading.i18n import Translator, WordingError

#: Jinja's own globals a theme may use (``lipsum``, ``cycler`` and ``joiner`` are left out).
JINJA_GLOBALS = ("range", "dict", "namespace")

#: Jinja's own filters a theme may use; everything else is left out of the contract.
JINJA_FILTERS = (
    "abs", "attr", "batch", "capitalize", "center", "default", "d", "dictsort", "e", "escape",
    "filesizeformat", "first", "float", "forceescape", "format", "groupby", "indent", "int",
    "items", "join", "last", "length", "count", "list", "lower", "map", "max", "min", "reject",
    "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "slice", "sort",
    "string", "striptags", "sum", "title", "trim", "truncate", "unique", "upper", "urlencode",
    "wordcount", "wordwrap", "xmlattr",
)  # fmt: skip


def _hhmm(value: time) -> str:
    return f"{value:%H:%M}"


def _hours(value: float) -> str:
    """6.0 -> "6", 5.75 -> "5.75"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


#: The filters of the theme contract besides Jinja's own (``long_date`` and ``long_dates``
#: come from the translator of the document's language).
FILTERS: dict[str, Callable[..., Any]] = {"hhmm": _hhmm, "hours": _hours, "lines": _lines}

#: The globals of the theme contract besides ``t`` (the translator).
GLOBALS: dict[str, Callable[..., Any]] = {
    "band": band,
    "tint": tint,
    "mix": mix,
    "readable": readable_on_white,
}


class ConfinedLoader(jinja2.FileSystemLoader):
    """A file loader that never reads outside its folders, links included, nor huge files."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(os.path.realpath(filename))
        if not any(real.is_relative_to(os.path.realpath(s)) for s in self.searchpath):
            raise ContentError.single(
                Path(filename),
                f"template '{template}' is a link to a file outside the theme's folders; "
                "copy the file in instead",
            )
        limit = current().text_bytes
        if len(source) > limit:
            raise ContentError.single(
                Path(filename),
                f"template '{template}' is larger than the {megabytes(limit)} limit "
                "(raise it with --size-limit)",
            )
        return source, filename, uptodate


#: How many templates are rendering in this context (includes load templates while rendering).
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("template_depth", default=0)


class SafeTemplate(jinja2.Template):
    """A template whose failures are located errors and whose output and time are bounded."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render, as Jinja does, within the time and size limits."""
        name = self.filename or self.name or "template"
        limit = current().html_chars
        chunks: list[str] = []
        size = 0
        token = _depth.set(_depth.get() + 1)
        with time_limit(f"template {name}"):
            try:
                for chunk in self.generate(*args, **kwargs):
                    size += len(chunk)
                    if size > limit:
                        raise ContentError.single(
                            Path(name),
                            f"template output grew past {limit:,} characters and was stopped "
                            "(a loop without end?; raise the limit with --size-limit)",
                        )
                    chunks.append(chunk)
            except WordingError as exc:  # a missing wording is the calling template's problem
                if exc.at is not None:  # ... a bad one is its catalogue's
                    raise
                raise template_error(exc, self.filename) from None
            except ContentError:
                raise
            except Exception as exc:  # anything a template can cause is the template's problem
                raise template_error(exc, self.filename) from None
            finally:
                _depth.reset(token)
        return "".join(chunks)


_NO_PATHS = "templates may not use file paths, modules or classes (the sandbox keeps them out)"

#: Largest whole number ``**`` and ``*`` may make in a template, in bits (about 1,200 digits).
MAX_NUMBER_BITS = 4_096
#: Longest string, list or tuple ``*`` may make in a template (items or characters).
MAX_REPEAT = 1_000_000


def _bits(value: int) -> int:
    return max(abs(value).bit_length(), 1)


def arithmetic_problem(operator: str, left: Any, right: Any) -> str | None:
    """Why ``left operator right`` is refused, before it is computed, or ``None``.

    Python computes ``9 ** (9 ** 9)`` and ``'a' * 10 ** 9`` in one uninterruptible step that
    no time limit can stop; no page needs a number past :data:`MAX_NUMBER_BITS` bits or a
    repetition past :data:`MAX_REPEAT` items, so their sizes are worked out from the
    operands first (a lower bound: a result just past the limit may pass). Other operand
    types pass to Python (floats overflow at once, with an error).
    """
    exact = (int, bool)
    too_large = f"is a number far too large for a page (at most {MAX_NUMBER_BITS:,} bits)"
    if operator == "**" and isinstance(left, exact) and isinstance(right, exact):
        if right > 0 and abs(left) > 1 and (right - 1) * (_bits(left) - 1) > MAX_NUMBER_BITS:
            return f"{_shown(left)} ** {_shown(right)} {too_large}"
        return None
    if operator != "*":
        return None
    if isinstance(left, exact) and isinstance(right, exact):
        if _bits(left) + _bits(right) > MAX_NUMBER_BITS + 1:
            return f"{_shown(left)} * {_shown(right)} {too_large}"
        return None
    sequence, times = (left, right) if isinstance(right, exact) else (right, left)
    if isinstance(sequence, str | list | tuple) and isinstance(times, exact):
        total = len(sequence) * max(times, 0)
        if total > MAX_REPEAT:
            unit = "characters" if isinstance(sequence, str) else "items"
            kind = "text" if isinstance(sequence, str) else type(sequence).__name__
            return (
                f"a {kind} repeated {_shown(times)} times would have {total:,} {unit} "
                f"(at most {MAX_REPEAT:,})"
            )
    return None


def _shown(value: int) -> str:
    """A number for a message: itself, or how many digits it has when it is long."""
    return str(value) if _bits(value) < 64 else f"(a {len(str(abs(value)))}-digit number)"


def _forbidden(value: Any) -> bool:
    """Values a template may never hold: paths (they read, write and delete files), modules,
    classes and code."""
    return isinstance(value, PurePath | types.ModuleType | type | types.CodeType | types.FrameType)


class ThemeEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, tightened: no path, module or class ever reaches a template
    (so no file can be read or written through one), plus our template class and located
    errors for loading problems too."""

    template_class = SafeTemplate
    #: Operators whose results are sized before they are computed (:func:`arithmetic_problem`).
    intercepted_binops = frozenset({"**", "*"})

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        """``**`` and ``*`` as Python computes them, unless the result would be huge."""
        problem = arithmetic_problem(operator, left, right)
        if problem:
            raise SecurityError(problem)
        return super().call_binop(context, operator, left, right)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja's rules, and nothing on or to a path, module or class."""
        if isinstance(obj, jinja2.Undefined):
            str(obj)  # a strict undefined says which name is undefined, and stops here
        if _forbidden(obj) or _forbidden(value):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def is_safe_callable(self, obj: Any) -> bool:
        """Jinja's rules, and no method of a path, and no class but the contract's own
        (``dict``, ``namespace``)."""
        if any(obj is allowed for allowed in self.globals.values()):
            return True
        if _forbidden(obj) or _forbidden(getattr(obj, "__self__", None)):
            return False
        return bool(super().is_safe_callable(obj))

    def getitem(self, obj: Any, argument: Any) -> Any:
        """``a[b]``, never giving a path (``edition.sources[0]``) to the template."""
        value = super().getitem(obj, argument)
        if _forbidden(value):
            return self.undefined(hint=_NO_PATHS, obj=obj, name=str(argument))
        return value

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``a.b``, never giving a path to the template."""
        value = super().getattr(obj, attribute)
        if _forbidden(value):
            return self.undefined(hint=_NO_PATHS, obj=obj, name=attribute)
        return value

    def get_template(self, name: Any, *args: Any, **kwargs: Any) -> jinja2.Template:
        """Load a template; a missing one or bad syntax is a located error."""
        try:
            return super().get_template(name, *args, **kwargs)
        except ContentError:
            raise
        except Exception as exc:
            if _depth.get():  # an include or import: the including template's line is wanted
                raise
            raise template_error(exc, None, name) from None


def _template_frames(exc: BaseException) -> Position | None:
    """The innermost place in a template file that the traceback passes through."""
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if (
            frame.filename.endswith((".html", ".css", ".svg", ".txt", ".xml", ".j2"))
            and Path(frame.filename).is_file()
        ):
            found = Position(Path(frame.filename), frame.lineno or 1)
    return found


def template_error(exc: BaseException, filename: str | None, name: str = "") -> ContentError:
    """A template failure as a problem at the template's path and line."""
    position = _template_frames(exc)
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        position = Position(Path(exc.filename), exc.lineno or 1)
    if position is None:
        position = Position(Path(filename or name or "template"))
    if isinstance(exc, jinja2.TemplateSyntaxError):
        message = f"template syntax: {exc.message}"
    elif isinstance(exc, jinja2.TemplateNotFound):
        message = (
            f"template '{exc.name}' not found: include, import and extends may only name "
            "templates in the client's templates/ folder or the theme's (no paths outside them)"
        )
    elif isinstance(exc, SecurityError):
        message = f"the template sandbox refused this: {exc}"
    elif isinstance(exc, jinja2.UndefinedError):
        message = f"template: {exc.message}"
    elif isinstance(exc, WordingError):
        message = exc.message
    elif isinstance(exc, RenderTimeout):
        message = (
            f"the template took longer than {current().render_seconds:g} seconds and was "
            "stopped (a loop without end?; raise the limit with --time-limit)"
        )
    elif isinstance(exc, RecursionError):
        message = "a macro or include in this template calls itself without end"
    else:
        message = f"template: {type(exc).__name__}: {exc}"
    return ContentError([Problem(position, message)])


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per process, shared by every environment (each document
    makes its own): the pack and the guide compile ``pack.html`` once, and a live preview
    compiles a template again only when its source changes (Jinja checks each source's
    checksum). Nothing is written to disk."""

    def __init__(self) -> None:
        self.compiled: dict[str, tuple[str, types.CodeType]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Give the bucket the code compiled from the same source, if any."""
        stored = self.compiled.get(bucket.key)
        if stored is not None and stored[0] == bucket.checksum:
            bucket.code = stored[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep the code just compiled."""
        if bucket.code is not None:
            self.compiled[bucket.key] = (bucket.checksum, bucket.code)


#: Every environment's compiled templates (they are all ThemeEnvironments, made alike).
COMPILED = CompiledTemplates()


#: ASCII punctuation, each escaped with a backslash in a value put into Markdown.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_value(value: object) -> str:
    """A value as literal Markdown text: punctuation escaped, line breaks made spaces (a
    value never starts a block). Markdown already (:class:`~markupsafe.Markup`) is kept."""
    if isinstance(value, markupsafe.Markup):
        return str(value)
    text = " ".join(str(value).split())
    return _PUNCTUATION.sub(r"\\\1", text)


def environment(
    search: list[Path],
    translator: Translator,
    extra_globals: dict[str, Any] | None = None,
    *,
    markdown: bool = False,
) -> jinja2.Environment:
    """A sandboxed environment over ``search`` (folders holding ``templates/``, nearest first).

    ``markdown``: for templates that write Markdown (messages): every value is escaped as
    Markdown text instead of HTML (:func:`markdown_value`).
    """
    folders = [f if f.name == "templates" else f / "templates" for f in search]
    folders = [f for f in folders if f.is_dir()]
    by_theme = {
        f.parent.name: ConfinedLoader(str(f)) for f in folders if f.parent.parent.name == "themes"
    }
    loader = jinja2.ChoiceLoader(
        [
            ConfinedLoader([str(f) for f in folders]),
            jinja2.PrefixLoader(by_theme, delimiter=":"),
        ]
    )
    finalize = markdown_value if markdown else None
    env = ThemeEnvironment(
        loader=loader,
        autoescape=not markdown,
        finalize=finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=None if markdown else COMPILED,  # compiled differently
    )
    env.globals = {name: env.globals[name] for name in JINJA_GLOBALS}
    env.filters = {name: env.filters[name] for name in JINJA_FILTERS}
    env.tests = dict(env.tests)
    env.globals.update(GLOBALS, t=translator)
    env.filters.update(FILTERS, long_date=translator.date, long_dates=translator.dates)
    if extra_globals:
        env.globals.update(extra_globals)
    return env
