"""Diagnostics as terminal text, JSON, or GitHub workflow annotation commands."""

from __future__ import annotations

import json
from collections.abc import Callable

from cmc_dossier.diagnostics.core import Diagnostic, Severity
from cmc_dossier.diagnostics.sarif import as_sarif


def _summary(diagnostics: list[Diagnostic]) -> str:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def as_text(diagnostics: list[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        where = f"{d.location}: " if d.location else ""
        lines.append(f"{where}{d.severity} {d.code}: {d.message}")
        if d.hint:
            lines.append(f"    hint: {d.hint}")
    lines.append(_summary(diagnostics))
    return "\n".join(lines)


def as_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps(
        {
            "diagnostics": [d.to_dict() for d in diagnostics],
            "errors": sum(d.severity is Severity.ERROR for d in diagnostics),
            "warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
        },
        indent=2,
        ensure_ascii=False,
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(diagnostics: list[Diagnostic]) -> str:
    """Workflow commands; GitHub shows about ten per step, so a summary line follows."""
    lines = []
    for d in diagnostics:
        properties = [f"title={_escape_property(d.code)}"]
        if d.location:
            properties.insert(0, f"file={_escape_property(str(d.location.file))}")
            if d.location.line:
                properties.insert(1, f"line={d.location.line}")
                properties.insert(2, f"col={d.location.column or 1}")
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        lines.append(f"::{d.severity} {','.join(properties)}::{_escape_data(message)}")
    lines.append(_summary(diagnostics))
    return "\n".join(lines)


FORMATTERS: dict[str, Callable[[list[Diagnostic]], str]] = {
    "text": as_text,
    "json": as_json,
    "github": as_github,
    "sarif": as_sarif,
}
