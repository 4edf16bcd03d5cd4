"""The diagnostic record shared by loader, model assembly and checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # worth knowing, e.g. a value a team will provide at a later phase


@dataclass(frozen=True, slots=True)
class Location:
    """A 1-based line and column in a file, as editors and GitHub annotations count them."""

    file: Path
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return str(self.file)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    location: Location | None = None
    hint: str | None = None
    related: tuple[Location, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "hint": self.hint,
            "file": str(self.location.file) if self.location else None,
            "line": self.location.line if self.location else None,
            "column": self.location.column if self.location else None,
            "related": [str(loc) for loc in self.related],
        }


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    """Order by place, so output is stable whatever order the checks ran in."""
    location = diagnostic.location
    if location is None:
        return ("", 0, 0, diagnostic.code)
    return (str(location.file), location.line, location.column, diagnostic.code)
