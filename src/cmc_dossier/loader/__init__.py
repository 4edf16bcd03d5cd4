"""Reading fact files: strict YAML with source positions, from disk or from git blobs."""

from cmc_dossier.loader.discover import discover_fact_files, read_documents, read_folder
from cmc_dossier.loader.source import RawDocument, SourceDocument, SourceFile
from cmc_dossier.loader.strict_yaml import load_source

__all__ = [
    "RawDocument",
    "SourceDocument",
    "SourceFile",
    "discover_fact_files",
    "load_source",
    "read_documents",
    "read_folder",
]
