"""A strategy finding: a diagnostic and the fact it is about (what a waiver names)."""

from __future__ import annotations

from dataclasses import dataclass

from cmc_dossier.diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class Finding:
    subject: str
    diagnostic: Diagnostic
