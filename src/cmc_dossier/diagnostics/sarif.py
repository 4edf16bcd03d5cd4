"""Diagnostics as SARIF 2.1.0, the format GitHub code scanning reads (upload-sarif)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from cmc_dossier import __version__
from cmc_dossier.diagnostics.codes import CODES
from cmc_dossier.diagnostics.core import Diagnostic, Location

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning"}


def _uri(file: Path) -> str:
    """A path relative to the working directory (the repository root in a workflow)."""
    if file.is_absolute() and file.is_relative_to(Path.cwd()):
        file = file.relative_to(Path.cwd())
    return quote(file.as_posix())


def _location(location: Location) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": {"uri": _uri(location.file)}}
    if location.line:
        physical["region"] = {"startLine": location.line, "startColumn": location.column or 1}
    return {"physicalLocation": physical}


def as_sarif(diagnostics: list[Diagnostic]) -> str:
    used = sorted({d.code for d in diagnostics})
    rules = [
        {
            "id": code,
            "name": CODES[code].title,
            "shortDescription": {"text": CODES[code].title},
            "fullDescription": {"text": CODES[code].explanation},
            "defaultConfiguration": {"level": _LEVELS[str(CODES[code].severity)]},
            "help": {"text": f"dossier explain {code}"},
        }
        for code in used
    ]
    results = [
        {
            "ruleId": d.code,
            "ruleIndex": used.index(d.code),
            "level": _LEVELS[str(d.severity)],
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [_location(d.location)] if d.location else [],
            "relatedLocations": [
                {"id": number, **_location(place)} for number, place in enumerate(d.related)
            ],
        }
        for d in diagnostics
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "cmc-dossier", "version": __version__, "rules": rules}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)
