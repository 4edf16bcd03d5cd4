"""The reference syntax of prose: [[ID]] names a fact, [[ID:field]] quotes one of its values,
[[3.2.P.5.1]] cites a CTD section (numbered per target: 3.2.P.5.1 in the IND, P.5.1 in the
IMPD). Fact IDs start with a letter, so a section code is never mistaken for one.

This is the only thing ever interpreted inside user text. It is matched by one regular
expression and resolved against the fact index; nothing in prose is evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from pydantic import BaseModel

from cmc_dossier.model.base import Range, RegionalText
from cmc_dossier.model.manufacture import Duration
from cmc_dossier.model.unknowns import Unknown

PROSE_REFERENCE = re.compile(
    r"\[\[(3\.2\.[SPAR](?:\.[0-9]+)*|[A-Za-z][A-Za-z0-9._-]*?)(?::([a-z_]+))?\]\]"
)
# a regional text is quoted in each document in that document's region's words
_QUOTABLE = (str, Decimal, int, Range, Duration, Unknown, RegionalText)


@dataclass(frozen=True, slots=True)
class ProseReference:
    target: str
    field: str | None
    offset: int
    end: int


def find_references(text: str) -> Iterator[ProseReference]:
    for match in PROSE_REFERENCE.finditer(text):
        yield ProseReference(match.group(1), match.group(2), match.start(), match.end())


def is_section(target: str) -> bool:
    return target.startswith("3.2.")


def is_quotable(value: BaseModel, name: str) -> bool:
    """Whether prose may quote field `name` of a fact: it holds a single value."""
    if name not in type(value).model_fields:
        return False
    item = getattr(value, name)
    return isinstance(item, _QUOTABLE) and not isinstance(item, bool)


def quotable_fields(value: BaseModel) -> dict[str, str]:
    """The single values of a fact that prose may quote, as they are shown everywhere."""
    return {
        name: str(getattr(value, name))
        for name in type(value).model_fields
        if is_quotable(value, name)
    }
