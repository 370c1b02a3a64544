"""JSON Schemas for editors and the file-format reference, both generated from the models."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import REPO

from mi_courseware.model import FILE_FORMATS
from mi_courseware.reference import reference_markdown, write_schemas


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("schemas")
    written = write_schemas(folder)
    return {p.name.removesuffix(".schema.json"): json.loads(p.read_text("utf-8")) for p in written}


def test_there_is_a_schema_for_every_file_format(schemas: dict[str, dict]) -> None:
    assert sorted(schemas) == sorted(FILE_FORMATS)


@pytest.mark.parametrize("name", sorted(FILE_FORMATS))
def test_each_schema_describes_an_object_that_refuses_unknown_keys(
    schemas: dict[str, dict], name: str
) -> None:
    schema = schemas[name]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["properties"]
    # every field carries its docstring, so editors can show it
    assert all(field.get("description") for field in schema["properties"].values())


def _pattern(schema: dict) -> re.Pattern[str]:
    return re.compile(schema["pattern"])


def test_times_in_schemas_accept_hh_mm_as_users_write_them(schemas: dict[str, dict]) -> None:
    start = schemas["course"]["$defs"]["Schedule"]["properties"]["start"]
    assert "format" not in start  # JSON Schema's "time" format would demand seconds
    assert _pattern(start).match("09:30") and _pattern(start).match("9:30")
    assert not _pattern(start).match("25:00")


def test_event_times_in_the_schema_accept_a_range_or_a_map(schemas: dict[str, dict]) -> None:
    choices = schemas["event"]["properties"]["times"]["anyOf"]
    text = next(c for c in choices if c.get("type") == "string")
    assert _pattern(text).match("09:30-16:30") and _pattern(text).match("09:30 – 16:30")
    assert not _pattern(text).match("morning")
    assert any(c.get("type") == "object" for c in choices)


def test_the_reference_names_every_key_of_every_format() -> None:
    text = reference_markdown()
    for name, model in FILE_FORMATS.items():
        assert f"## {name}\n" in text
        for field in model.model_fields:
            if field != "row":  # set by the roster reader, not written by users
                assert f"| `{field}` |" in text, (name, field)
    assert "| `times` | TimeRange |" in text
    assert "| `start` | time (HH:MM) | yes |" in text
    assert "| `virtual` | true/false |  | `false` |" in text


def test_docs_reference_md_is_up_to_date() -> None:
    committed = Path(REPO, "docs", "reference.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), (
        "docs/reference.md is stale: run `make docs` "
        "(python -m mi_courseware.reference docs/reference.md)"
    )
