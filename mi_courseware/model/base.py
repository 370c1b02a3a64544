"""The shared base of every file-format model, and validation with positions.

Each model is a frozen pydantic v2 class whose field docstrings become the descriptions in
the JSON Schemas and in ``docs/reference.md``. :func:`validate` turns pydantic's errors into
``path:line:column`` problems pointing at the user's key or value.
"""

from __future__ import annotations

import re
import types
from datetime import time
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from mi_courseware.core.bcp47 import TAG_PATTERN
from mi_courseware.core.positions import SourceMap
from mi_courseware.errors import Problems, closest, did_you_mean

M = TypeVar("M", bound="Model")


class Model(BaseModel):
    """Base for every model read from a user's file: strict keys, immutable, documented."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        populate_by_name=False,
    )

    @model_validator(mode="before")
    @classmethod
    def _one_for_many(cls, data: Any) -> Any:
        """One value where a list is expected is a list of one (``dates: 2027-03-11``)."""
        if not isinstance(data, dict):
            return data
        for name, field in cls.model_fields.items():
            key = field.alias or name
            value = data.get(key)
            if value is None or isinstance(value, list) or not _is_list(field.annotation):
                continue
            data = {**data, key: [value]}
        return data


def _is_list(annotation: Any) -> bool:
    """A list of plain values (dates, names, ids), not of sets of keys."""
    annotation = _unwrap(annotation)
    args = get_args(annotation)
    return get_origin(annotation) is list and bool(args) and _model_in(args[0]) is None


def _parse_time(value: Any) -> Any:
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(f"'{value}' is not a time; write it as HH:MM, e.g. \"09:30\"")
    text = str(value).strip()
    match = re.fullmatch(r"([01]?\d|2[0-3])[:.]([0-5]\d)", text)
    if not match:
        raise ValueError(f"'{text}' is not a time; write it as HH:MM (24-hour), e.g. \"09:30\"")
    return time(int(match.group(1)), int(match.group(2)))


def _parse_colour(value: Any) -> Any:
    if value is None:
        raise ValueError(
            "no colour given: in YAML '#' starts a comment, so a colour written without quotes "
            'is read as nothing; put it in quotes, e.g. primary: "#00594f"'
        )
    text = str(value).strip()
    if not re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", text):
        raise ValueError(f"invalid colour '{text}': expected a hex colour like \"#1d3557\"")
    if len(text) == 4:
        text = "#" + "".join(c * 2 for c in text[1:])
    return text.lower()


def _as_text(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return getattr(value, "text", str(value))  # as written: "1.10", "010"
    return value


TIME_PATTERN = r"([01]?[0-9]|2[0-3])[:.][0-5][0-9]"
"""What :func:`_parse_time` accepts, for JSON Schemas (``format: time`` would demand seconds)."""

Time = Annotated[
    time,
    BeforeValidator(_parse_time),
    WithJsonSchema({"type": "string", "pattern": f"^{TIME_PATTERN}$", "examples": ["09:30"]}),
]
"""A 24-hour clock time written ``HH:MM``."""

Colour = Annotated[str, BeforeValidator(_parse_colour)]
"""A hex colour, ``#rrggbb`` or ``#rgb``."""

Text = Annotated[str, BeforeValidator(_as_text)]
"""A string; numbers written without quotes are accepted as their text."""


def _whole_number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {str(value).lower()}")
    return value


Count = Annotated[int, BeforeValidator(_whole_number), Field(gt=0)]
"""A whole number greater than zero (minutes, days, places)."""

Id = Annotated[
    str,
    BeforeValidator(_as_text),
    Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80),
]
"""An identifier: letters, digits, '-', '_' and '.', starting with a letter or digit."""

LanguageTag = Annotated[str, BeforeValidator(_as_text), Field(pattern=TAG_PATTERN)]
"""A BCP 47 language tag: ``cy``, ``cy-GB``."""


def _describe(loc: tuple[Any, ...]) -> str:
    parts = [str(p) if not isinstance(p, int) else f"[{p}]" for p in loc]
    return ".".join(parts).replace(".[", "[")


def _known_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names valid at ``loc`` (the parent of an unknown key)."""
    current: Any = model
    for part in loc:
        current = _inside(current, part)
        if current is None:
            return []
    found = _model_in(current)
    return list(found.model_fields) if found is not None else []


def _unwrap(annotation: Any) -> Any:
    """``X`` from ``Annotated[X, ...]`` and from ``X | None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _inside(annotation: Any, part: Any) -> Any:
    """The annotation of the value at ``part`` inside a model, a list or a map."""
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field is not None else None
    args = get_args(annotation)
    if get_origin(annotation) is list and isinstance(part, int) and args:
        return args[0]
    if get_origin(annotation) is dict and len(args) == 2:
        return args[1]
    return None


def _model_in(annotation: Any) -> Any:
    """The model class inside an annotation such as ``list[Session] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def validate(
    model: type[M], data: Any, source: SourceMap, problems: Problems, partial: bool = False
) -> M | None:
    """Validate ``data`` against ``model``; record every error at its position.

    With ``partial``, a file whose errors all lie in keys that may be left out is also given
    back as the model of the rest of it (those keys left out), so that the checks that
    follow see the rest: a bad colour does not hide a missing logo. Its errors are recorded
    all the same, so nothing is ever built from it.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(source.position(), "expected a set of 'key: value' lines at the top level")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        _report(model, exc, source, problems)
        return _the_rest(model, data, exc) if partial else None


def _the_rest(model: type[M], data: dict[str, Any], exc: ValidationError) -> M | None:
    """``model`` of ``data`` without the keys in error, when each may be left out."""
    bad = {error["loc"][0] if error["loc"] else None for error in exc.errors()}
    optional = {name for name, field in model.model_fields.items() if not field.is_required()}
    known = set(model.model_fields)
    if None in bad or any(key in known and key not in optional for key in bad):
        return None
    try:
        return model.model_validate({k: v for k, v in data.items() if k not in bad})
    except ValidationError:
        return None


def _report(model: type[M], exc: ValidationError, source: SourceMap, problems: Problems) -> None:
    """Every error of a failed validation, at its position in the user's file."""
    errors = [
        (_user_loc(error["loc"], error["type"] == "extra_forbidden"), error)
        for error in exc.errors(include_url=False)
    ]
    # a misspelt key is one mistake: say "unknown key 'titel' (did you mean 'title'?)"
    # and not also "missing required key 'title'"
    suggested = set()
    for loc, error in errors:
        if error["type"] == "extra_forbidden":
            guess = closest(str(loc[-1]), _known_keys(model, loc[:-1]))
            suggested.add((*loc[:-1], guess))
    for loc, error in errors:
        kind = error["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            hint = did_you_mean(key, _known_keys(model, loc[:-1]))
            problems.error(source.position(loc, key=True), f"unknown key '{key}'{hint}")
        elif kind == "missing":
            if loc in suggested:
                continue
            where = _describe(loc[:-1])
            inside = f" in '{where}'" if where else ""
            problems.error(source.position(loc[:-1]), f"missing required key '{loc[-1]}'{inside}")
        else:
            problems.error(source.position(loc), _message(loc, error))


def _user_loc(loc: tuple[Any, ...], extra: bool) -> tuple[Any, ...]:
    """``loc`` without the type names pydantic adds for a union's members ("str",
    "function-before[...]"); never the user's own keys (the first, and an unknown one last)."""
    last = len(loc) - 1 if extra else len(loc)
    return tuple(p for i, p in enumerate(loc) if i == 0 or i >= last or not _is_type_tag(p))


def _is_type_tag(part: Any) -> bool:
    # pydantic adds a union member's type name to ``loc`` ("str", "function-before[...]")
    return isinstance(part, str) and (
        bool(_TYPE_TAG.fullmatch(part)) or part in {"str", "int", "float", "bool"}
    )


#: How pydantic names a validator or union member in a location (``function-before[...]``).
_TYPE_TAG = re.compile(r"[a-z][a-z_-]*\[.*\]", re.DOTALL)


def _message(loc: tuple[Any, ...], error: Any) -> str:
    message = str(error["msg"])
    given = str(error.get("input", ""))
    if str(error["type"]).startswith(("date_", "datetime_")) and not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}", given
    ):
        message = (
            f"Value error, write dates as YYYY-MM-DD, e.g. 2027-03-11 (got {error['input']!r})"
        )
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    else:
        message = f"{message[0].lower()}{message[1:]}"
        given = error.get("input")
        if error["type"] in ("too_short", "too_long"):
            pass  # the message already says how many items there are
        elif isinstance(given, list):
            message += " (got a list)"
        elif isinstance(given, dict):
            message += " (got a set of 'key: value' lines)"
        elif "input" in error:
            message += f" (got {given!r})"
    name = _describe(loc)
    return f"{name}: {message}" if name else message
