"""`dossier export`: validate, then write one export format into its folder, whole or not at all."""

from __future__ import annotations

from pathlib import Path

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.exchange.json_export import export_json
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.outputs import Generations
from cmc_dossier.validation import validate_folder
from cmc_dossier.vcs import revision_of

JSON_FILE = "dossier.json"


def export_files(
    dossier: Dossier, root: Path, export_format: str
) -> tuple[dict[str, str], list[Diagnostic]]:
    """File name (relative to the export folder) → text, for one format, and what the export
    reports for information (FHIR: typed values sent as text only, DOS616)."""
    commit = revision_of(root).commit if root.exists() else None
    if export_format == "json":
        return {JSON_FILE: export_json(dossier, root, commit)}, []
    from cmc_dossier.exchange.fhir.bundles import fhir_export

    return fhir_export(dossier, root, commit)


def write_export(
    root: Path, export_format: str, output: Path
) -> tuple[list[Path] | None, list[Diagnostic]]:
    """Validate, then replace `output/<format>` as a whole; errors leave it as it was."""
    result = validate_folder(root)
    if result.errors or result.dossier is None:
        return None, result.diagnostics
    files, reported = export_files(result.dossier, root, export_format)
    target = output / export_format
    # published whole through one link, like the documents; a folder dossier did not
    # write is refused, never deleted
    with Generations(output, f".{export_format}.generations", (export_format,)) as fresh:
        staging = fresh.staging / export_format
        for name, text in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text, encoding="utf-8")
        fresh.commit()
    return sorted(target / name for name in files), [*result.diagnostics, *reported]
