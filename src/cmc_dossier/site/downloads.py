"""The review site's Downloads page: the JSON and PQ/CMC FHIR exports of the same dossier."""

from __future__ import annotations

from pathlib import Path

from cmc_dossier.exchange.export import JSON_FILE, export_files
from cmc_dossier.validation import ValidationResult

FOLDER = "downloads"


def download_pages(root: Path, result: ValidationResult) -> tuple[dict[str, str], dict[str, str]]:
    """Files to publish (path in the site → text) and the nav entry; none if invalid."""
    if result.errors or result.dossier is None:
        page = "# Downloads\n\nThe dossier has errors (see Diagnostics); no export was made.\n"
        return {f"{FOLDER}.md": page}, {"Downloads": f"{FOLDER}.md"}
    files = {
        f"{FOLDER}/json/{name}": text
        for name, text in export_files(result.dossier, root, "json")[0].items()
    }
    fhir, _ = export_files(result.dossier, root, "fhir")
    files |= {f"{FOLDER}/fhir/{name}": text for name, text in fhir.items()}
    links = "\n".join(f"- [{name}]({FOLDER}/fhir/{name})" for name in sorted(fhir))
    files[f"{FOLDER}.md"] = (
        "# Downloads\n\n"
        f"- [{JSON_FILE}]({FOLDER}/json/{JSON_FILE}): every fact with its source and resolved "
        "references (schema: `schemas/dossier-export.schema.json`)\n\n"
        "FDA PQ/CMC FHIR R5 document bundles (IG 2.0.0, STU2), one per specification, "
        "drug substance (3.2.S.1) and drug product (3.2.P.1), and what did not map:\n\n"
        f"{links}\n"
    )
    return files, {"Downloads": f"{FOLDER}.md"}
