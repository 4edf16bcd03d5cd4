"""A dossier as it stands at a git revision, or in the working tree, read without a checkout."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.loader import RawDocument, SourceFile, load_source
from cmc_dossier.loader.discover import is_fact_file
from cmc_dossier.loader.strict_yaml import decode
from cmc_dossier.validation import ValidationResult, validate_documents, without_cycle_collection
from cmc_dossier.vcs import (
    Commit,
    commit_info,
    file_at,
    read_blobs,
    resolve_revision,
    tree_blobs,
)


@dataclass
class Snapshot:
    """Files of the dossier folder at one revision: path (relative to the folder) to blob hash."""

    root: Path
    label: str
    commit: Commit | None
    blobs: dict[Path, str]
    _read: Callable[[list[str]], dict[str, bytes]]
    submodules: list[Path] = field(default_factory=list)  # under the folder, not read

    def read(self, paths: list[Path]) -> dict[Path, bytes]:
        contents = self._read([self.blobs[p] for p in paths])
        return {p: contents[self.blobs[p]] for p in paths}

    def beside(self, name: str) -> bytes | None:
        """A file next to the dossier folder (the repository's impact rules), at this revision."""
        if self.commit is None:
            path = self.root.parent / name
            return path.read_bytes() if path.is_file() else None
        return file_at(self.root, self.commit.sha, f"../{name}")

    def not_compared(self) -> list[Diagnostic]:
        """What of the dossier at this revision the diff cannot read: all of it when the
        folder is not there (every fact then shows as added or removed), a submodule's."""
        if not self.blobs and not self.submodules:
            return [
                diagnostic(
                    "DOS515",
                    f"{self.label} has no dossier folder at {self.root}: every fact of the "
                    "other revision shows as added or removed",
                    Location(self.root),
                    hint="if the dossier moved, compare revisions that both hold it at this "
                    "path; a new dossier is rightly all added",
                )
            ]
        return [
            diagnostic(
                "DOS516",
                f"{self.root / path} is a git submodule at {self.label}: its facts are not "
                "compared",
                Location(self.root / path),
                hint="keep the dossier's files in the repository itself, or diff the submodule's "
                "own revisions",
            )
            for path in self.submodules
        ]

    def fact_paths(self) -> list[Path]:
        return sorted(p for p in self.blobs if is_fact_file(p))

    def text_paths(self) -> list[Path]:
        """Fact files and the Markdown narratives beside them."""
        return sorted(p for p in self.blobs if is_fact_file(p) or p.suffix == ".md")

    def documents(self, paths: list[Path]) -> tuple[list[RawDocument], list[Diagnostic]]:
        """The YAML documents of these files, named as they are on disk."""
        documents: list[RawDocument] = []
        diagnostics: list[Diagnostic] = []
        for path, raw in self.read(sorted(paths)).items():
            name = self.root / path
            text, problems = decode(name, raw)
            diagnostics.extend(problems)
            if text is not None:
                found, problems = load_source(SourceFile(name, text))
                documents.extend(found)
                diagnostics.extend(problems)
        return documents, diagnostics

    def validate(self) -> ValidationResult:
        """The whole dossier at this revision, with every check."""
        with without_cycle_collection():
            documents, problems = self.documents(self.fact_paths())

        def read_text(path: Path) -> str | None:
            relative = Path(path).resolve().relative_to(self.root.resolve())
            if relative not in self.blobs:
                return None
            return self.read([relative])[relative].decode("utf-8", errors="replace")

        return validate_documents(documents, self.root, problems, read_text)


def at_revision(root: Path, revision: str) -> Snapshot:
    commit = resolve_revision(root, revision)
    info = commit_info(root, commit)
    blobs, submodules = tree_blobs(root, commit)
    return Snapshot(
        root, f"{revision} ({commit[:12]})", info, blobs,
        lambda shas: read_blobs(root, shas), submodules,
    )  # fmt: skip


def _git_blob_hash(content: bytes) -> str:
    """The hash git gives this content, so working-tree files compare with committed blobs."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


def working_tree(root: Path) -> Snapshot:
    # a folder holding `.git` is another repository (a submodule): as at a revision, its
    # files are not the dossier's
    nested = sorted(git.parent for git in root.rglob(".git") if git.parent != root)
    contents = {
        path.relative_to(root): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
        and not any(folder in path.parents for folder in nested)
    }
    by_hash = {_git_blob_hash(content): content for content in contents.values()}
    blobs = {path: _git_blob_hash(content) for path, content in contents.items()}
    submodules = [folder.relative_to(root) for folder in nested]
    return Snapshot(
        root, "working tree", None, blobs, lambda shas: {s: by_hash[s] for s in shas}, submodules
    )
