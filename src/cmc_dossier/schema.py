"""JSON Schema of the fact files, generated from the model so it can never drift by hand."""

from __future__ import annotations

import json
from pathlib import Path

from cmc_dossier.exchange.json_export import EXPORT_SCHEMA_FILE, export_schema
from cmc_dossier.model.kinds import FACT_ADAPTER

SCHEMA_FILE = "dossier-fact.schema.json"


def fact_schema() -> str:
    schema = FACT_ADAPTER.json_schema(mode="validation")
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
        temporary = target.with_suffix(".tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
        written.append(target)
    return written
