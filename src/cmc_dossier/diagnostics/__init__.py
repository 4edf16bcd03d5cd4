"""One diagnostic type for every stage, so every problem reads like a compiler message."""

from cmc_dossier.diagnostics.core import Diagnostic, Location, Severity, sort_key

__all__ = ["Diagnostic", "Location", "Severity", "sort_key"]
