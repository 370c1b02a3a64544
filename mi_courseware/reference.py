"""JSON Schemas and the Markdown file-format reference, both generated from the models.

``docs/reference.md`` is written by ``python -m mi_courseware.reference docs/reference.md``
(``make docs``); a test fails when the committed file is stale.
"""

from __future__ import annotations

import inspect
import json
import sys
import types
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from mi_courseware.model import FILE_FORMATS
from mi_courseware.model.base import document_fields

WHERE = {
    "course": "content/courses/<id>.yaml",
    "addon": "content/addons/<id>.yaml",
    "standards": "content/standards/<framework>.yaml",
    "client": "content/clients/<id>/client.yaml",
    "event": "content/events/<id>.yaml",
    "module": "front matter of content/modules/<id>.md",
    "handout": "front matter of content/handouts/<id>.md",
    "client-page": "front matter of a client's extra page",
    "participant": "one row of content/rosters/<id>.csv",
    "theme": "themes/<name>/theme.yaml",
    "language": "_language block of themes/<name>/i18n/<lang>.yaml",
    "trainer": "content/trainers/<id>.yaml",
    "scale": "content/scales/<id>.yaml (built in: miti-4.2.1, social-work-7)",
    "practitioner": "content/coding/<id>/practitioner.yaml",
    "coded-session": "content/coding/<practitioner>/<YYYY-MM-DD>-<label>.yaml",
    "utterance": "one row of content/coding/<practitioner>/<YYYY-MM-DD>-<label>.csv",
    "skills-score": "one row of content/evaluations/<event>-skills.csv (or .xlsx)",
}


def write_schemas(directory: Path) -> list[Path]:
    """Write ``<format>.schema.json`` for every file format; return the paths."""
    document_fields()
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in FILE_FORMATS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"mi-courseware {name}"
        path = directory / f"{name}.schema.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


_NAMES = {
    str: "text",
    int: "whole number",
    float: "number",
    bool: "true/false",
    date: "date",
    time: "time (HH:MM)",
    Any: "any",
}


def _type_name(annotation: Any) -> str:
    """A field's type as course authors read it: ``list of text``, ``Session``, ``time``."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _type_name(args[0])
    if origin in (Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args if a is not type(None))
    if origin is Literal:
        return " or ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map of {_type_name(args[0])} to {_type_name(args[1])}"
    if annotation in _NAMES:
        return _NAMES[annotation]
    return getattr(annotation, "__name__", str(annotation))


def _models_in(model: type[BaseModel]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found and annotation is not model:
                found.append(annotation)
                for field in annotation.model_fields.values():
                    visit(field.annotation)
            return
        for arg in getattr(annotation, "__args__", ()) or ():
            visit(arg)

    for field in model.model_fields.values():
        visit(field.annotation)
    return found


def _table(model: type[BaseModel]) -> list[str]:
    lines = ["| key | type | required | default | meaning |", "|---|---|---|---|---|"]
    for key, field in model.model_fields.items():
        if key == "row":
            continue
        name = field.alias or key  # as written in files (``from`` for ``starts``)
        required = "yes" if field.is_required() else ""
        value = None if field.is_required() else field.get_default(call_default_factory=True)
        default = "" if field.is_required() else f"`{value!r}`"
        if isinstance(value, bool):
            default = f"`{str(value).lower()}`"  # as written in YAML
        if default in ("`None`", "`[]`", "`{}`") or "(" in default:
            default = "" if default in ("`None`", "`[]`", "`{}`") else "see below"
        meaning = (field.description or "").replace("\n", " ").replace("|", "\\|")
        kind = _type_name(field.annotation).replace("|", "\\|")
        lines.append(f"| `{name}` | {kind} | {required} | {default} | {meaning} |")
    return lines


def reference_markdown() -> str:
    """The file-format reference for course authors."""
    document_fields()
    out = [
        "# File-format reference",
        "",
        "Generated from the model's field docstrings by `make docs`; do not edit by hand.",
        "Every key not listed here is an error. Paths inside a file are relative to its folder.",
        "Times are 24-hour `HH:MM`, dates `YYYY-MM-DD`, quoted or not. JSON Schemas for editors:",
        "`mi-courseware schema DIR`.",
        "",
    ]
    for name, model in FILE_FORMATS.items():
        about = inspect.cleandoc(model.__doc__ or "")
        out += [f"## {name}", "", f"Where: `{WHERE[name]}`. {about}", ""]
        out += _table(model)
        out.append("")
        for nested in _models_in(model):
            out += [f"### {name}: {nested.__name__}", "", (nested.__doc__ or "").strip(), ""]
            out += _table(nested)
            out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover - used by ``make docs``
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    text = reference_markdown()
    if target:
        target.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
