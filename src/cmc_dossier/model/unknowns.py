"""Explicit unknowns: a fact says what a team does not know yet instead of inventing a value.

Any field a team may legitimately not know takes `OrUnknown(X)`: either a value of type X,
or one of two mappings,

    supplier: {to-be-provided: "2"}                  # expected by a phase ...
    supplier: {to-be-provided: 2027-03, note: Second source under qualification}  # ... or date
    postal_code: {not-applicable: Not used in this country}

A mapping with the key `to-be-provided` or `not-applicable` is always read as an unknown, so
errors in it are reported against the unknown's own fields; anything else is read as X.
Code that reads such a field asks `known(value)` (the value, or None) or
`isinstance(value, Unknown)`; `str(unknown)` is the plain sentence documents show.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, TypeVar, Union

from pydantic import AfterValidator, Discriminator, Field, Tag, WithJsonSchema
from pydantic_core import PydanticCustomError

from cmc_dossier.model.base import StrictModel, Text
from cmc_dossier.model.vocabulary import PHASE_ORDER

# Tags of the discriminated union; assembly drops them from error locations, so they must
# never be the name of a field.
KNOWN_TAG = "·known"
TO_BE_PROVIDED_TAG = "·to-be-provided"
NOT_APPLICABLE_TAG = "·not-applicable"
UNION_TAGS: frozenset[str] = frozenset({KNOWN_TAG, TO_BE_PROVIDED_TAG, NOT_APPLICABLE_TAG})

T = TypeVar("T")

_PHASES = "|".join(p.replace("/", r"\/") for p in PHASE_ORDER)
_EXPECTED = rf"^({_PHASES}|\d{{4}}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)$"


def _expected(text: str) -> str:
    if not re.fullmatch(_EXPECTED, text):
        raise PydanticCustomError(
            "expected_phase_or_date",
            "expected a phase (1, 1/2, 2, 2/3, 3, marketed) or an ISO date (2027-03), got '{text}'",
            {"text": text},
        )
    return text


Expected = Annotated[
    str,
    AfterValidator(_expected),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": _EXPECTED}, {"enum": [1, 2, 3]}],
            "description": "A phase (1, 1/2, 2, 2/3, 3, marketed) or an ISO date (2027-03); "
            "an editor reads an unquoted 1, 2 or 3 as a number",
        }
    ),
]


class Unknown(StrictModel):
    """A value the dossier does not state: to be provided later, or not applicable."""

    form: ClassVar[str]

    @property
    def label(self) -> str:
        return str(self)


class ToBeProvided(Unknown):
    """Not known yet; `when` it is expected is a phase or an ISO date."""

    form: ClassVar[str] = "to-be-provided"
    when: Expected = Field(alias="to-be-provided")
    note: Text | None = None

    @property
    def expected_phase(self) -> str | None:
        """The phase named by `when`, or None where `when` is a date."""
        return self.when if self.when in PHASE_ORDER else None

    def __str__(self) -> str:
        when = f"Phase {self.when}" if self.when in PHASE_ORDER[:-1] else self.when
        return f"To be provided ({when})" + (f": {self.note}" if self.note else "")


class NotApplicable(Unknown):
    """Does not apply to this product; the reason says why."""

    form: ClassVar[str] = "not-applicable"
    reason: Text = Field(alias="not-applicable")

    def __str__(self) -> str:
        return f"Not applicable: {self.reason}"


def _which(value: Any) -> str:
    if isinstance(value, str):  # most values; first, as asking a pydantic class is slower
        return KNOWN_TAG
    if isinstance(value, dict):
        if "to-be-provided" in value:
            return TO_BE_PROVIDED_TAG
        if "not-applicable" in value:
            return NOT_APPLICABLE_TAG
    if isinstance(value, ToBeProvided):
        return TO_BE_PROVIDED_TAG
    if isinstance(value, NotApplicable):
        return NOT_APPLICABLE_TAG
    return KNOWN_TAG


def OrUnknown(value_type: Any) -> Any:
    """`value_type`, or an explicit unknown (to be provided / not applicable)."""
    return Annotated[
        Union[  # noqa: UP007 (Tag needs the members spelled out)
            Annotated[value_type, Tag(KNOWN_TAG)],
            Annotated[ToBeProvided, Tag(TO_BE_PROVIDED_TAG)],
            Annotated[NotApplicable, Tag(NOT_APPLICABLE_TAG)],
        ],
        Discriminator(_which),
    ]


def known(value: T | Unknown | None) -> T | None:
    """The value where it is stated; None where it is unknown or absent."""
    return None if isinstance(value, Unknown) else value


def shown(value: object) -> str:
    """A value as documents show it; an unknown as its plain sentence."""
    return "" if value is None else str(value)
