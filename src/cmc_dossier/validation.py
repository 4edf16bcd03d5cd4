"""load → model → check, as one call; the entry point every command builds on."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from cmc_dossier.assemble import ReadText, assemble
from cmc_dossier.checks import run_checks
from cmc_dossier.diagnostics import Diagnostic, Severity, sort_key
from cmc_dossier.loader import RawDocument, read_documents
from cmc_dossier.loader.safe_files import Refused, read_bounded
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
    """A narrative file's text; None for anything but a readable, bounded UTF-8 file."""
    try:
        return read_bounded(path, path.parent).decode("utf-8")
    except (Refused, UnicodeDecodeError):
        return None


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Reading, assembly and checks allocate hundreds of thousands of objects that all stay
    alive, so the cyclic collector finds nothing to free yet keeps re-scanning them (a third
    of `validate` at 10k facts). Reference counting still frees everything else; the
    collector is back on afterwards, with what was allocated meanwhile moved to its oldest
    generation: left young, all of it would be scanned at the next allocation (0.05–0.1 s
    at 10k facts) only to be found alive. Unlike a lasting `gc.freeze()`, an old dossier
    stays collectable; objects someone else froze stay frozen."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()  # into the permanent generation, then back into the oldest one
                gc.unfreeze()
            gc.enable()


def validate_documents(
    documents: Iterable[RawDocument],
    root: Path,
    read_problems: list[Diagnostic],
    read_text: ReadText = _read_text,
) -> ValidationResult:
    """Assemble and check the documents; `read_problems` may still grow while `documents`
    (a reader going file by file) is consumed, and is read only after it."""
    documents = iter(documents)
    first = next(documents, None)
    if first is None:  # nothing could be read: the reading problems say why
        return ValidationResult(None, sorted(read_problems, key=sort_key))
    with without_cycle_collection():
        dossier, problems = assemble(chain((first,), documents), root, read_text)
        diagnostics = [*read_problems, *problems, *run_checks(dossier)]
    return ValidationResult(dossier, sorted(diagnostics, key=sort_key))


def validate_folder(root: Path) -> ValidationResult:
    with without_cycle_collection():
        problems: list[Diagnostic] = []
        return validate_documents(read_documents(root, problems), root, problems)
