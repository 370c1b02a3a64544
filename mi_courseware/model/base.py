"""The shared base of every file-format model, and validation with positions.

Each model is a frozen pydantic v2 class whose field docstrings become the descriptions in
the JSON Schemas and in ``docs/reference.md``. :func:`validate` turns pydantic's errors into
``path:line:column`` problems pointing at the user's key or value.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from mi_courseware.errors import Problems, did_you_mean
from mi_courseware.loading.yaml_file import SourceMap

M = TypeVar("M", bound="Model")


class Model(BaseModel):
    """Base for every model read from a user's file: strict keys, immutable, documented."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        populate_by_name=False,
    )


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
        return str(value)
    return value


Time = Annotated[time, BeforeValidator(_parse_time)]
"""A 24-hour clock time written ``HH:MM``."""

Colour = Annotated[str, BeforeValidator(_parse_colour)]
"""A hex colour, ``#rrggbb`` or ``#rgb``."""

Text = Annotated[str, BeforeValidator(_as_text)]
"""A string; numbers written without quotes are accepted as their text."""

Id = Annotated[
    str,
    BeforeValidator(_as_text),
    Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=80),
]
"""An identifier: letters, digits, '-', '_' and '.', starting with a letter or digit."""


def _describe(loc: tuple[Any, ...]) -> str:
    parts = [str(p) if not isinstance(p, int) else f"[{p}]" for p in loc]
    return ".".join(parts).replace(".[", "[")


def _known_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names valid at ``loc`` (the parent of an unknown key)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _model_in(fields[part].annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _model_in(annotation: Any) -> Any:
    """The model class inside an annotation such as ``list[Session] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def validate(model: type[M], data: Any, source: SourceMap, problems: Problems) -> M | None:
    """Validate ``data`` against ``model``; record every error at its position."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.error(source.position(), "expected a set of 'key: value' lines at the top level")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(p for p in error["loc"] if not _is_type_tag(p))
            kind = error["type"]
            if kind == "extra_forbidden":
                key = str(loc[-1])
                hint = did_you_mean(key, _known_keys(model, loc[:-1]))
                problems.error(source.position(loc, key=True), f"unknown key '{key}'{hint}")
            elif kind == "missing":
                where = _describe(loc[:-1])
                inside = f" in '{where}'" if where else ""
                problems.error(
                    source.position(loc[:-1]), f"missing required key '{loc[-1]}'{inside}"
                )
            else:
                problems.error(source.position(loc), _message(loc, error))
        return None


def _is_type_tag(part: Any) -> bool:
    # pydantic adds a union member's type name to ``loc`` ("str", "function-before[...]")
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "float", "bool"})


def _message(loc: tuple[Any, ...], error: Any) -> str:
    message = str(error["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    elif "input" in error and not isinstance(error["input"], dict | list):
        message = f"{message[0].lower()}{message[1:]} (got {error['input']!r})"
    name = _describe(loc)
    return f"{name}: {message}" if name else message
