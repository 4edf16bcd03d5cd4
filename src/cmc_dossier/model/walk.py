"""Finding references, prose and identified items in any fact, from its type annotations.

A plan per model class is compiled once from the `RefTo` and `MarkdownText` markers; walking
a fact then touches only the fields that can hold something, whatever the fact's kind.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from cmc_dossier.model.base import REGIONS, IdentifiedItem, MarkdownText, RefTo, RegionalText
from cmc_dossier.model.unknowns import Unknown

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Reference:
    """One place where a fact names another fact's ID."""

    path: Path
    target: str
    kinds: tuple[str, ...]
    is_key: bool = False


@dataclass(frozen=True, slots=True)
class _Leaf:
    marker: RefTo | MarkdownText


@dataclass(frozen=True, slots=True)
class _Seq:
    item: _Plan


@dataclass(frozen=True, slots=True)
class _Map:
    key: _Plan | None
    value: _Plan | None


@dataclass(frozen=True, slots=True)
class _Model:
    cls: type[BaseModel]


_Plan = _Leaf | _Seq | _Map | _Model
_UNKNOWN = _Model(Unknown)  # any value may turn out to be an unknown; `_walk` checks first


def _plan(annotation: Any, metadata: tuple[Any, ...] = ()) -> _Plan | None:
    for marker in metadata:
        if isinstance(marker, RefTo | MarkdownText):
            return _Leaf(marker)
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        return _plan(base, tuple(extra))
    if origin in (Union, types.UnionType):
        plans = [_plan(arg) for arg in get_args(annotation) if arg is not type(None)]
        return next((p for p in plans if p is not None), None)
    if isinstance(annotation, type) and issubclass(annotation, Unknown):
        return _UNKNOWN
    if origin is list:
        item = _plan(get_args(annotation)[0])
        return _Seq(item) if item else None
    if origin is dict:
        key_type, value_type = get_args(annotation)
        key, value = _plan(key_type), _plan(value_type)
        return _Map(key, value) if key or value else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _Model(annotation) if _fields(annotation) or _is_item(annotation) else None
    return None


def _is_item(cls: type[BaseModel]) -> bool:
    return issubclass(cls, IdentifiedItem)


@cache
def _fields(cls: type[BaseModel]) -> tuple[tuple[str, str, _Plan], ...]:
    """(YAML key, attribute name, plan) for each field that can hold something of interest."""
    return tuple(
        (info.alias or name, name, plan)
        for name, info in cls.model_fields.items()
        if (plan := _plan(info.annotation, tuple(info.metadata))) is not None
    )


@dataclass(frozen=True, slots=True)
class Contents:
    """What the checks look for in one fact, found in one walk and kept with the dossier.

    Each check used to walk every fact again for its own part (five walks per fact).
    """

    references: tuple[Reference, ...]
    prose: tuple[tuple[Path, str], ...]
    unknowns: tuple[tuple[Path, Unknown], ...]
    items: tuple[tuple[Path, IdentifiedItem], ...]


class _Found:
    __slots__ = ("items", "prose", "references", "unknowns")

    def __init__(self) -> None:
        self.references: list[Reference] = []
        self.prose: list[tuple[Path, str]] = []
        self.unknowns: list[tuple[Path, Unknown]] = []
        self.items: list[tuple[Path, IdentifiedItem]] = []

    def leaf(self, path: Path, value: Any, marker: RefTo | MarkdownText, is_key: bool) -> None:
        if isinstance(marker, RefTo):
            self.references.append(Reference(path, value, marker.kinds, is_key))
        else:
            self.prose.append((path, value))


def _walk(value: Any, plan: _Plan, path: Path, found: _Found) -> None:
    """Collect every reference, prose text, unknown and identified item the plan reaches."""
    if value is None:
        return
    if isinstance(value, str):  # most values; first, as asking a pydantic class is slower
        if isinstance(plan, _Leaf):
            found.leaf(path, value, plan.marker, False)
        return
    if isinstance(value, Unknown):
        found.unknowns.append((path, value))
    elif isinstance(plan, _Leaf) and isinstance(value, RegionalText):
        for region in REGIONS:  # each region's wording is prose of its own
            if (text := value.text(region)) is not None:
                found.leaf((*path, region), text, plan.marker, False)
    elif isinstance(plan, _Leaf):
        found.leaf(path, value, plan.marker, False)
    elif isinstance(plan, _Seq):
        for index, item in enumerate(value):
            _walk(item, plan.item, (*path, index), found)
    elif isinstance(plan, _Map):
        for key, item in value.items():
            if isinstance(plan.key, _Leaf):
                found.leaf((*path, key), key, plan.key.marker, True)
            if plan.value is not None:
                _walk(item, plan.value, (*path, key), found)
    elif isinstance(value, BaseModel):  # a known value where an unknown was allowed is a leaf
        if isinstance(value, IdentifiedItem):
            found.items.append((path, value))
        for key, name, field_plan in _fields(type(value)):
            _walk(getattr(value, name), field_plan, (*path, key), found)


def contents(fact: BaseModel) -> Contents:
    found = _Found()
    for key, name, plan in _fields(type(fact)):
        _walk(getattr(fact, name), plan, (key,), found)
    return Contents(
        tuple(found.references),
        tuple(found.prose),
        tuple(found.unknowns),
        tuple(found.items),
    )


def references(fact: BaseModel) -> Iterator[Reference]:
    return iter(contents(fact).references)


def prose(fact: BaseModel) -> Iterator[tuple[Path, str]]:
    return iter(contents(fact).prose)


def unknowns(fact: BaseModel) -> Iterator[tuple[Path, Unknown]]:
    """Every explicit unknown (to be provided, not applicable) in a fact, with its path."""
    return iter(contents(fact).unknowns)


def identified_items(fact: BaseModel) -> Iterator[tuple[Path, IdentifiedItem]]:
    return iter(contents(fact).items)
