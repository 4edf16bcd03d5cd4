"""load → model → check, as one call; the entry point every command builds on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cmc_dossier.assemble import ReadText, assemble
from cmc_dossier.checks import run_checks
from cmc_dossier.diagnostics import Diagnostic, Severity, sort_key
from cmc_dossier.loader import RawDocument, read_folder
from cmc_dossier.model.dossier import Dossier


@dataclass(frozen=True)
class ValidationResult:
    dossier: Dossier | None
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def information(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.INFO]


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def validate_documents(
    documents: list[RawDocument],
    root: Path,
    read_problems: list[Diagnostic],
    read_text: ReadText = _read_text,
) -> ValidationResult:
    if not documents:  # nothing could be read: the reading problems say why
        return ValidationResult(None, sorted(read_problems, key=sort_key))
    dossier, problems = assemble(documents, root, read_text)
    diagnostics = [*read_problems, *problems, *run_checks(dossier)]
    return ValidationResult(dossier, sorted(diagnostics, key=sort_key))


def validate_folder(root: Path) -> ValidationResult:
    documents, problems = read_folder(root)
    return validate_documents(documents, root, problems)
