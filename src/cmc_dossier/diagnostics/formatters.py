"""Diagnostics as terminal text, JSON, or GitHub workflow annotation commands."""

from __future__ import annotations

import json
from collections.abc import Callable

from cmc_dossier.diagnostics.core import Diagnostic, Severity


def _count(diagnostics: list[Diagnostic], severity: Severity) -> int:
    return sum(d.severity is severity for d in diagnostics)


def _summary(diagnostics: list[Diagnostic]) -> str:
    errors, warnings = _count(diagnostics, Severity.ERROR), _count(diagnostics, Severity.WARNING)
    summary = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    information = _count(diagnostics, Severity.INFO)
    return summary + (f", {information} for information" if information else "")


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
            "errors": _count(diagnostics, Severity.ERROR),
            "warnings": _count(diagnostics, Severity.WARNING),
            "information": _count(diagnostics, Severity.INFO),
        },
        indent=2,
        ensure_ascii=False,
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


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
        command = _GITHUB_COMMANDS[d.severity]
        lines.append(f"::{command} {','.join(properties)}::{_escape_data(message)}")
    lines.append(_summary(diagnostics))
    return "\n".join(lines)


FORMATTERS: dict[str, Callable[[list[Diagnostic]], str]] = {
    "text": as_text,
    "json": as_json,
    "github": as_github,
}
