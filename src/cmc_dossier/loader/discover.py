"""Finding and reading the fact files of a dossier folder from disk."""

from __future__ import annotations

from pathlib import Path

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.loader.source import RawDocument, SourceFile
from cmc_dossier.loader.strict_yaml import decode, load_source

FACT_SUFFIXES = (".yaml", ".yml")


def discover_fact_files(root: Path) -> list[Path]:
    """Every YAML file under root in a stable order; hidden folders are not facts.

    A broken link named like a fact file is listed too, so that reading it fails loudly.
    """
    if root.is_file():
        return [root]
    return sorted(
        path
        for path in root.rglob("*")
        if path.suffix in FACT_SUFFIXES
        and not path.is_dir()
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def read_folder(root: Path) -> tuple[list[RawDocument], list[Diagnostic]]:
    if not root.exists():
        return [], [
            diagnostic(
                "DOS009",
                f"{root} does not exist",
                Location(root),
                hint="pass the folder that holds the dossier's YAML facts",
            )
        ]
    paths = discover_fact_files(root)
    if not paths:
        return [], [
            diagnostic(
                "DOS009",
                f"no .yaml or .yml files under {root}",
                Location(root),
                hint="pass the folder that holds the dossier's YAML facts",
            )
        ]
    documents: list[RawDocument] = []
    diagnostics: list[Diagnostic] = []
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError as error:
            diagnostics.append(
                diagnostic("DOS012", f"cannot read file: {error.strerror}", Location(path))
            )
            continue
        text, problems = decode(path, raw)
        diagnostics.extend(problems)
        if text is None:
            continue
        found, problems = load_source(SourceFile(path, text))
        documents.extend(found)
        diagnostics.extend(problems)
    return documents, diagnostics
