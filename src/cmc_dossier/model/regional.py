"""Text that differs by region, chosen for one region's documents.

A prose or citation field holds one text for both regions or a `{us: ..., eu: ...}` mapping
(`RegionalText`). The model keeps both; a document target asks `for_region` for a dossier
in which every such mapping is replaced by its region's text, so no renderer ever picks a
variant itself or edits a string. Which fields may hold a mapping is read once per model
class from the type annotations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel

from cmc_dossier.model.base import FactBase, RegionalText
from cmc_dossier.model.dossier import Dossier, Entry
from cmc_dossier.model.walk import Path, identified_items


def _reaches(annotation: Any) -> bool:
    """Whether a value of this annotation can be, or contain, regional text."""
    if annotation is RegionalText:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return bool(_regional_fields(annotation))
    return any(_reaches(argument) for argument in get_args(annotation))


@cache
def _regional_fields(cls: type[BaseModel]) -> tuple[tuple[str, str, bool], ...]:
    """(YAML key, attribute, may be left out) of each field that can hold regional text."""
    return tuple(
        (info.alias or name, name, not info.is_required())
        for name, info in cls.model_fields.items()
        if _reaches(info.annotation)
    )


_Found = list[tuple[Path, str | RegionalText, bool]]


def regional_fields(fact: BaseModel) -> Iterator[tuple[Path, str | RegionalText, bool]]:
    """The value of every field that may hold regional text: (path, one text for both regions
    or the mapping, whether a region may leave it out)."""
    found: _Found = []
    _texts(fact, (), False, found)
    return iter(found)


def _texts(value: Any, path: Path, omissible: bool, found: _Found) -> None:
    """Collected into one list: nested generators cost a frame per level, for every fact the
    checks read."""
    if value is None:  # most optional fields: nothing to look into
        return
    if isinstance(value, str | RegionalText):
        found.append((path, value, omissible))
    elif isinstance(value, BaseModel):
        for key, name, optional in _regional_fields(type(value)):
            _texts(getattr(value, name), (*path, key), optional, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _texts(item, (*path, index), True, found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _texts(item, (*path, key), False, found)


def _chosen(value: Any, region: str) -> Any:
    """The value as one region reads it; the same object where nothing in it is regional."""
    if isinstance(value, RegionalText):
        return value.text(region)
    if isinstance(value, BaseModel):
        changes = {}
        for _, name, _ in _regional_fields(type(value)):
            item = getattr(value, name)
            chosen = _chosen(item, region)
            if chosen is not item:
                changes[name] = chosen
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, list):
        chosen_items = [_chosen(item, region) for item in value]
        if all(new is old for new, old in zip(chosen_items, value, strict=True)):
            return value
        return [new for new, old in zip(chosen_items, value, strict=True) if new is not None]
    if isinstance(value, dict):
        chosen_values = {key: _chosen(item, region) for key, item in value.items()}
        if all(chosen_values[key] is item for key, item in value.items()):
            return value
        return chosen_values
    return value


def for_region(dossier: Dossier, region: str) -> Dossier:
    """The dossier as `region`'s documents present it: each regional text is that region's.

    Facts, nested identified items and the manifest are replaced together, so the index and
    every view over the result agree; origins stay, so diagnostics still point at the YAML.
    """
    replaced: dict[int, BaseModel] = {}
    facts: list[FactBase] = []
    for fact in dossier.facts:
        chosen = _chosen(fact, region)
        facts.append(chosen)
        if chosen is not fact:
            replaced[id(fact)] = chosen
            for (_, old), (_, new) in zip(
                identified_items(fact), identified_items(chosen), strict=True
            ):
                replaced[id(old)] = new
    if not replaced:
        return dossier
    index = {
        key: Entry(
            entry.id,
            entry.kind,
            replaced.get(id(entry.value), entry.value),
            replaced.get(id(entry.fact), entry.fact),  # type: ignore[arg-type]
            entry.path,
        )
        for key, entry in dossier.index.items()
    }
    manifest = dossier.manifest
    return replace(
        dossier,
        manifest=replaced.get(id(manifest), manifest) if manifest else None,
        facts=facts,
        index=index,
    )
