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


def _walk(value: Any, plan: _Plan, path: Path) -> Iterator[tuple[Path, Any, object, bool]]:
    """Yield (path, value, marker or item, is_key) for every leaf the plan reaches."""
    if value is None:
        return
    if isinstance(value, Unknown):
        yield path, value, value, False
    elif isinstance(plan, _Leaf) and isinstance(value, RegionalText):
        for region in REGIONS:  # each region's wording is prose of its own
            if (text := value.text(region)) is not None:
                yield (*path, region), text, plan.marker, False
    elif isinstance(plan, _Leaf):
        yield path, value, plan.marker, False
    elif isinstance(plan, _Seq):
        for index, item in enumerate(value):
            yield from _walk(item, plan.item, (*path, index))
    elif isinstance(plan, _Map):
        for key, item in value.items():
            if isinstance(plan.key, _Leaf):
                yield (*path, key), key, plan.key.marker, True
            if plan.value is not None:
                yield from _walk(item, plan.value, (*path, key))
    elif isinstance(value, BaseModel):  # a known value where an unknown was allowed is a leaf
        if isinstance(value, IdentifiedItem):
            yield path, value, value, False
        for key, name, field_plan in _fields(type(value)):
            yield from _walk(getattr(value, name), field_plan, (*path, key))


def _leaves(fact: BaseModel) -> Iterator[tuple[Path, Any, object, bool]]:
    for key, name, plan in _fields(type(fact)):
        yield from _walk(getattr(fact, name), plan, (key,))


def references(fact: BaseModel) -> Iterator[Reference]:
    for path, value, marker, is_key in _leaves(fact):
        if isinstance(marker, RefTo):
            yield Reference(path, value, marker.kinds, is_key)


def prose(fact: BaseModel) -> Iterator[tuple[Path, str]]:
    for path, value, marker, _ in _leaves(fact):
        if isinstance(marker, MarkdownText):
            yield path, value


def unknowns(fact: BaseModel) -> Iterator[tuple[Path, Unknown]]:
    """Every explicit unknown (to be provided, not applicable) in a fact, with its path."""
    for path, value, marker, _ in _leaves(fact):
        if isinstance(marker, Unknown):
            yield path, value


def identified_items(fact: BaseModel) -> Iterator[tuple[Path, IdentifiedItem]]:
    for path, value, marker, _ in _leaves(fact):
        if isinstance(marker, IdentifiedItem):
            yield path, value
