"""The validated dossier: facts by ID, nested identified items, and where each came from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from pydantic import BaseModel

from cmc_dossier.diagnostics import Location
from cmc_dossier.model.base import FactBase
from cmc_dossier.model.product import Manifest, Narrative
from cmc_dossier.model.unknowns import Unknown
from cmc_dossier.model.walk import Contents
from cmc_dossier.model.walk import Path as FieldPath

F = TypeVar("F", bound=FactBase)


class Origin(Protocol):
    """Where a fact was written; the loader's documents satisfy this."""

    @property
    def start(self) -> Location: ...

    def locate(self, path: FieldPath, *, key: bool = False) -> Location: ...

    def locate_in_text(self, path: FieldPath, text: str, offset: int) -> Location: ...


@dataclass(frozen=True, slots=True)
class Entry:
    """A fact, or an item inside a fact that has its own ID (e.g. a specification test)."""

    id: str
    kind: str
    value: BaseModel
    fact: FactBase
    path: FieldPath


@dataclass
class Dossier:
    manifest: Manifest | None
    facts: list[FactBase]
    index: dict[str, Entry]
    origins: dict[str, Origin]
    contents: dict[str, Contents]  # by fact ID: its references, prose, unknowns and items
    narrative_files: dict[str, tuple[Path, str]] = field(default_factory=dict)
    unreadable_ids: frozenset[str] = frozenset()
    _of_kind: dict[type, tuple[FactBase, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def of_kind(self, cls: type[F]) -> Iterator[F]:
        """The facts of a kind (or its subclasses) in file order. Each kind is picked out of
        the facts once: the checks ask for the same few kinds dozens of times."""
        found = self._of_kind.get(cls)
        if found is None:
            found = self._of_kind[cls] = tuple(f for f in self.facts if isinstance(f, cls))
        return iter(found)  # type: ignore[arg-type]

    def get(self, fact_id: str, cls: type[F]) -> F | None:
        entry = self.index.get(fact_id)
        return entry.value if entry and isinstance(entry.value, cls) else None  # type: ignore[return-value]

    def locate(self, entry_id: str, path: FieldPath = (), *, key: bool = False) -> Location:
        entry = self.index[entry_id]
        return self.origins[entry.fact.id].locate((*entry.path, *path), key=key)

    def unknowns(self) -> Iterator[tuple[FactBase, FieldPath, Unknown]]:
        """Every explicit unknown (to be provided, not applicable), fact by fact, in file order."""
        for fact in self.facts:
            for path, unknown in self.contents[fact.id].unknowns:
                yield fact, path, unknown

    def narrative_text(self, narrative: Narrative) -> str | None:
        if narrative.body is not None:
            return narrative.body
        found = self.narrative_files.get(narrative.id)
        return found[1] if found else None
