"""The whole validated dossier as one JSON document, for other tools.

Generic by construction: every fact is serialised by its own pydantic model (so a new
field or kind appears without change here), references come from the model walker, and
source positions from the loader. Numbers stay decimal strings as typed ("1.10").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cmc_dossier import __version__
from cmc_dossier.diagnostics import Location
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.kinds import FACT_ADAPTER
from cmc_dossier.model.walk import references

EXPORT_SCHEMA_FILE = "dossier-export.schema.json"
EXPORT_FORMAT = "cmc-dossier-export"
EXPORT_FORMAT_VERSION = "1"


def _place(location: Location, root: Path) -> dict[str, Any]:
    try:
        file = location.file.relative_to(root)
    except ValueError:
        file = location.file
    return {"file": file.as_posix(), "line": location.line, "column": location.column}


def _entry(dossier: Dossier, fact_id: str, root: Path) -> dict[str, Any]:
    fact = dossier.index[fact_id].fact
    resolved = []
    for reference in references(fact):
        target = dossier.index.get(reference.target)
        resolved.append(
            {
                "path": list(reference.path),
                "target": reference.target,
                "target_kind": target.kind if target else None,
                "target_fact": target.fact.id if target else None,
                "target_path": list(target.path) if target else None,
            }
        )
    entry: dict[str, Any] = {
        "id": fact.id,
        "kind": fact.kind,
        "source": _place(dossier.origins[fact.id].start, root),
        "fact": fact.model_dump(mode="json", by_alias=True),
        "references": resolved,
    }
    narrative = dossier.narrative_files.get(fact.id)
    if narrative is not None:
        file = _place(Location(narrative[0]), root)["file"]
        entry["content"] = {"file": file, "text": narrative[1]}
    return entry


def export_document(dossier: Dossier, root: Path, commit: str | None) -> dict[str, Any]:
    """The export as plain data; facts in the order the loader read them (files sorted)."""
    items = {
        entry.id: {"kind": entry.kind, "fact": entry.fact.id, "path": list(entry.path)}
        for entry in dossier.index.values()
        if entry.value is not entry.fact
    }
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "generator": f"cmc-dossier {__version__}",
        "commit": commit,
        "facts": [_entry(dossier, fact.id, root) for fact in dossier.facts],
        "items": items,
    }


def export_json(dossier: Dossier, root: Path, commit: str | None) -> str:
    """Byte-stable text: model field order, UTF-8 kept, two-space indent, final newline."""
    document = export_document(dossier, root, commit)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def export_schema() -> dict[str, Any]:
    """JSON Schema of the export; the fact shape is the model's own serialisation schema."""
    fact_schema = FACT_ADAPTER.json_schema(mode="serialization", ref_template="#/$defs/{model}")
    definitions = fact_schema.pop("$defs", {})
    place = {
        "type": "object",
        "additionalProperties": False,
        "required": ["file", "line", "column"],
        "properties": {
            "file": {"type": "string", "description": "Relative to the dossier folder"},
            "line": {"type": "integer", "minimum": 0},
            "column": {"type": "integer", "minimum": 0},
        },
    }
    nullable_text = {"type": ["string", "null"]}
    path = {"type": "array", "items": {"type": ["string", "integer"]}}
    reference = {
        "type": "object",
        "additionalProperties": False,
        "required": ["path", "target", "target_kind", "target_fact", "target_path"],
        "properties": {
            "path": path,
            "target": {"type": "string"},
            "target_kind": nullable_text,
            "target_fact": nullable_text,
            "target_path": {"anyOf": [path, {"type": "null"}]},
        },
    }
    entry = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "kind", "source", "fact", "references"],
        "properties": {
            "id": {"type": "string"},
            "kind": {"type": "string"},
            "source": place,
            "fact": fact_schema,
            "references": {"type": "array", "items": reference},
            "content": {
                "type": "object",
                "additionalProperties": False,
                "required": ["file", "text"],
                "properties": {"file": {"type": "string"}, "text": {"type": "string"}},
            },
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cmc-dossier export",
        "description": "The whole validated dossier: every fact as typed, where it was "
        "written, and what its references resolve to.",
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "format_version", "generator", "commit", "facts", "items"],
        "properties": {
            "format": {"const": EXPORT_FORMAT},
            "format_version": {"const": EXPORT_FORMAT_VERSION},
            "generator": {"type": "string"},
            "commit": nullable_text,
            "facts": {"type": "array", "items": entry},
            "items": {
                "type": "object",
                "description": "Items with their own ID inside facts (specification tests)",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["kind", "fact", "path"],
                    "properties": {
                        "kind": {"type": "string"},
                        "fact": {"type": "string"},
                        "path": path,
                    },
                },
            },
        },
        "$defs": definitions,
    }
