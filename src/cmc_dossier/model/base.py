"""Building blocks shared by every fact kind: strict config, value types, references.

The loader hands over unquoted scalars as `PlainScalar` text. Text fields take them as
typed; numeric and boolean fields here parse the digits themselves and refuse quoted
text, so "1.10" stays Decimal('1.10') and `NO` is never a boolean.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from cmc_dossier.model.vocabulary import (
    CHANGE_KINDS,
    EuCtaCategory,
    EuPostApprovalCategory,
    UsIndCategory,
    UsPostApprovalCategory,
)
from cmc_dossier.scalars import PlainScalar

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$"
Category = TypeVar("Category", bound=str)
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


class StrictModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, populate_by_name=False, regex_engine="rust-regex"
    )


def _plain(
    parse: Callable[[str], Any | None], error_type: str, expected: str
) -> Callable[[Any], Any]:
    """A before-validator that parses unquoted YAML text and refuses quoted text.

    `parse` returns None where the text is not of the expected form.
    """

    def validate(value: Any) -> Any:
        parsed = parse(value) if isinstance(value, PlainScalar) else None
        if parsed is not None:
            return parsed
        if isinstance(value, str):
            raise PydanticCustomError(error_type, f"expected {expected}")
        return value

    return validate


class TypedNumber(Decimal):
    """A number that prints as it was typed ("1.0e13", "6.", ".5", "1.10"), where a Decimal
    would print 1.0E+13, 6 and 0.5; it compares and computes as its Decimal value."""

    __slots__ = ("typed",)
    typed: str

    def __new__(cls, typed: str) -> TypedNumber:
        number = super().__new__(cls, typed)
        number.typed = typed
        return number

    def __str__(self) -> str:
        return self.typed

    def __format__(self, spec: str) -> str:
        return self.typed if not spec else super().__format__(spec)

    def __reduce__(self) -> tuple[type[TypedNumber], tuple[str]]:
        return (TypedNumber, (self.typed,))


def _number(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Unquoted YAML digits become a TypedNumber (after the field's own constraints);
    quoted text is refused."""
    if isinstance(value, PlainScalar) and _NUMBER.fullmatch(value):
        handler(Decimal(value))
        return TypedNumber(str(value))
    if isinstance(value, str):
        raise PydanticCustomError("number_expected", "expected a number written without quotes")
    return handler(value)


def _boolean_text(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text)


_flag = _plain(_boolean_text, "boolean_expected", "true or false")


@dataclass(frozen=True, slots=True)
class _NumberOnly:
    """The loader refuses quoted text where a number is due, so the schema offers no string."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        numbers = [s for s in schema.get("anyOf", [schema]) if s.get("type") == "number"]
        return numbers[0] if numbers else schema


Number = Annotated[Decimal, WrapValidator(_number), _NumberOnly()]
Flag = Annotated[bool, BeforeValidator(_flag)]
Text = Annotated[str, Field(min_length=1)]
FactId = Annotated[str, Field(pattern=ID_PATTERN, max_length=80)]
IsoDate = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$",
        description="ISO 8601 date, day optional (2025-03 or 2025-03-14), kept as typed",
    ),
]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]


@dataclass(frozen=True, slots=True)
class RefTo:
    """Marks a field as a reference to the ID of a fact (or identified item) of these kinds."""

    kinds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MarkdownText:
    """Marks a field as Markdown prose that may hold [[ID]] references."""


def Ref(*kinds: str) -> Any:
    return Annotated[str, Field(pattern=ID_PATTERN), RefTo(kinds)]


REGIONS = ("us", "eu")


class RegionalText(StrictModel):
    """Text that a region words differently: the US documents (IND, its Module 2 summary)
    show `us`, the EU IMPD shows `eu`. The model keeps both; the diff and the site show both.
    One region alone leaves the text out of the other region's documents where the field may
    be left out (an optional field, an item of a list)."""

    us: Text | None = Field(default=None, description="Shown in the US documents (IND, QOS)")
    eu: Text | None = Field(default=None, description="Shown in the EU IMPD")

    @model_validator(mode="after")
    def _a_region(self) -> RegionalText:
        if self.us is None and self.eu is None:
            raise PydanticCustomError(
                "missing_conditional", "regional text needs `us`, `eu` or both"
            )
        return self

    def text(self, region: str) -> str | None:
        return self.us if region == "us" else self.eu

    def __str__(self) -> str:
        """Both texts, for views that show the model rather than one region's document."""
        return "; ".join(
            f"{region.upper()}: {text}" for region in REGIONS if (text := self.text(region))
        )


# A prose or citation field holds one text for every region, or a {us, eu} mapping.
Markdown = Annotated[Text | RegionalText, MarkdownText()]
Citation = Annotated[
    Text | RegionalText,
    Field(description="One text for every region, or {us: ..., eu: ...} where they differ"),
]


class Ownership(StrictModel):
    """Who keeps a fact up to date and whose approval its changes need."""

    maintained_by: Ref("Organization")
    approved_by: list[Ref("Organization")] = Field(min_length=1)


class _ByChangeKind(StrictModel, Generic[Category]):
    """Reporting category per kind of change to the condition; a kind left out follows the
    impact rules."""

    relaxation: Category | None = None
    tightening: Category | None = None
    addition: Category | None = None
    deletion: Category | None = None
    replacement: Category | None = None

    @model_validator(mode="before")
    @classmethod
    def _not_one_category(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise PydanticCustomError(
                "established_condition_single_category",
                "one category for every kind of change; ICH Q12 (chapter 3) gives an "
                "established condition a category per kind of change",
                {"hint": f"write {{relaxation: {value}, deletion: {value}, replacement: "
                 f"{value}}} (tightening and addition then follow the impact rules), or run "
                 "`dossier migrate-established-conditions`"},
            )  # fmt: skip
        return value


class ReportingCategories(StrictModel):
    """Declared reporting categories of an established condition, per regulatory context and
    kind of change. In a clinical context (us-ind, eu-cta) they apply only where declared."""

    model_config = ConfigDict(populate_by_name=False)

    us_ind: _ByChangeKind[UsIndCategory] | None = Field(default=None, alias="us-ind")
    eu_cta: _ByChangeKind[EuCtaCategory] | None = Field(default=None, alias="eu-cta")
    us_post_approval: _ByChangeKind[UsPostApprovalCategory] | None = Field(
        default=None, alias="us-post-approval"
    )
    eu_post_approval: _ByChangeKind[EuPostApprovalCategory] | None = Field(
        default=None, alias="eu-post-approval"
    )

    def declared(self) -> dict[str, dict[str, str]]:
        """Context name, as written in YAML, to the categories declared per kind of change."""
        found = {}
        for name in ("us_ind", "eu_cta", "us_post_approval", "eu_post_approval"):
            per_kind = getattr(self, name)
            if per_kind is not None:
                found[name.replace("_", "-")] = {
                    kind: category
                    for kind in CHANGE_KINDS
                    if (category := getattr(per_kind, kind)) is not None
                }
        return found


class EstablishedCondition(StrictModel):
    """ICH Q12 established condition: legally binding, so changing it needs a submission."""

    reporting: ReportingCategories | None = None
    justification: Markdown | None = None


class FactBase(StrictModel):
    kind: str  # each kind narrows this to its own Literal tag
    id: FactId
    ownership: Ownership | None = None

    @property
    def label(self) -> str:
        return str(getattr(self, "title", self.id))


class CarriesEstablishedCondition(StrictModel):
    established_condition: EstablishedCondition | None = None


class IdentifiedItem(StrictModel):
    """A nested item with its own permanent ID (a specification test, for instance)."""

    id: FactId


class Range(StrictModel):
    low: Number | None = None
    high: Number | None = None

    @model_validator(mode="after")
    def _one_side(self) -> Range:
        if self.low is None and self.high is None:
            raise PydanticCustomError("missing_conditional", "a range needs `low`, `high` or both")
        return self

    def __str__(self) -> str:
        if self.low is not None and self.high is not None:
            # an en dash between negative numbers would read as a double minus
            joint = " to " if self.low < 0 or self.high < 0 else "–"
            return f"{self.low}{joint}{self.high}"
        if self.low is not None:
            return f"≥ {self.low}"
        return f"≤ {self.high}"


def require_one_of(model: BaseModel, *names: str) -> None:
    if sum(getattr(model, name) is not None for name in names) != 1:
        raise PydanticCustomError(
            "missing_conditional",
            "give exactly one of {names}",
            {"names": ", ".join(f"`{n}`" for n in names)},
        )
