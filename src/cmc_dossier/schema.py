"""JSON Schema of the fact files, generated from the model so it can never drift by hand."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from cmc_dossier.exchange.json_export import EXPORT_SCHEMA_FILE, export_schema
from cmc_dossier.model.kinds import FACT_ADAPTER
from cmc_dossier.outputs import replace_file

SCHEMA_FILE = "dossier-fact.schema.json"
# What a YAML 1.2 core-schema parser (as editors use) reads as a number or boolean.
_YAML_INT = re.compile(r"[-+]?[0-9]+")
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")


def _as_editor_reads(text: str) -> int | float | None:
    if _YAML_INT.fullmatch(text):
        return int(text)
    if _YAML_FLOAT.fullmatch(text):
        return float(text)
    return None


def _as_loaded(node: Any) -> Any:
    """Widen the schema to what the loader accepts once an editor has turned YAML into JSON.

    The loader keeps every unquoted scalar as typed, so a text field takes `1.0` or `true`
    unquoted, which a YAML-to-JSON conversion makes a number or boolean; and `phase: 1` is a
    valid phase although JSON sees the integer 1.
    """
    if isinstance(node, list):
        return [_as_loaded(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_loaded(value) for key, value in node.items()}
    if node.get("type") == "string" and not {"pattern", "enum", "const", "format"} & set(node):
        node["type"] = ["string", "number", "boolean"]
    if isinstance(node.get("enum"), list):
        numbers = [
            number
            for value in node["enum"]
            if isinstance(value, str) and (number := _as_editor_reads(value)) is not None
        ]
        if numbers:
            node["enum"] = node["enum"] + [n for n in numbers if n not in node["enum"]]
            node["type"] = ["string", "number"]
    return node


def fact_schema() -> str:
    schema = _as_loaded(FACT_ADAPTER.json_schema(mode="validation"))
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cmc-dossier fact",
        "description": "One YAML document of a cmc-dossier repository (any fact kind).",
        **schema,
    }
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def export_schema_text() -> str:
    """The published schema of `dossier export --format json`."""
    return json.dumps(export_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in ((SCHEMA_FILE, fact_schema()), (EXPORT_SCHEMA_FILE, export_schema_text())):
        target = folder / name
        replace_file(target, text.encode("utf-8"))
        written.append(target)
    return written
