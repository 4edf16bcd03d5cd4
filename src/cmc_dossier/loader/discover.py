"""Finding and reading the fact files of a dossier folder from disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.loader.safe_files import Refused, read_bounded, walk
from cmc_dossier.loader.source import RawDocument, SourceFile
from cmc_dossier.loader.strict_yaml import decode, load_source

FACT_SUFFIXES = (".yaml", ".yml")


def is_fact_file(path: Path) -> bool:
    """Named like a fact file, in any letter case: `.YAML` is a YAML file to an editor, and
    on macOS and Windows the same file as `.yaml`; skipping it would drop facts silently."""
    return path.suffix.lower() in FACT_SUFFIXES


def discover_fact_files(root: Path) -> list[Path]:
    """Every YAML file under root in a stable order; hidden folders are not facts.

    A link or special file named like a fact file is listed too, so that reading it fails
    loudly.
    """
    if not root.is_dir():
        return [root]
    return walk(root, FACT_SUFFIXES)[0]


def _missing(root: Path, message: str) -> list[Diagnostic]:
    hint = "pass the folder that holds the dossier's YAML facts"
    return [diagnostic("DOS009", message, Location(root), hint=hint)]


def read_folder(root: Path) -> tuple[list[RawDocument], list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    documents = list(read_documents(root, diagnostics))
    return documents, diagnostics


def read_documents(root: Path, diagnostics: list[Diagnostic]) -> Iterator[RawDocument]:
    """The documents of every fact file, file by file; reading problems go to `diagnostics`
    as they are met, so the list is complete once the documents are exhausted."""
    if not root.exists():
        diagnostics.extend(_missing(root, f"{root} does not exist"))
        return
    if root.is_dir():
        paths, problems = walk(root, FACT_SUFFIXES)
        confinement = root
    else:
        paths, problems = [root], []
        confinement = root.parent
    diagnostics.extend(problems)
    if not paths and not problems:
        diagnostics.extend(_missing(root, f"no .yaml or .yml files under {root}"))
        return
    for path in paths:
        try:
            raw = read_bounded(path, confinement)
        except Refused as refused:
            diagnostics.append(refused.problem)
            continue
        text, problems = decode(path, raw)
        diagnostics.extend(problems)
        if text is None:
            continue
        found, problems = load_source(SourceFile(path, text))
        diagnostics.extend(problems)
        yield from found
