"""The impact rules table: shipped as data, overridable per dossier repository.

A row applies to one change type; its `when` columns are conditions read from the facts
(a parameter's criticality, where the new value lies, a material's role, ...). For each
context the matching row with the most conditions decides; rows without a context fall
back to less specific rows, so an override can change one context of one case.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.loader import SourceFile, load_source
from cmc_dossier.model.base import Flag, IsoDate, Text
from cmc_dossier.model.vocabulary import (
    CATEGORY_ORDER,
    CONTEXTS,
    ChangeKind,
    Criticality,
    ParameterCriticality,
)

RULES_FILE = "impact-rules.yaml"

# The condition columns and the values each can take (computed in changes/conditions.py).
ValuePosition = Literal[
    "within-normal-range", "within-proven-acceptable-range", "beyond-proven-acceptable-range",
    "no-range-stated",
]  # fmt: skip
MaterialRole = Literal[
    "starting-material", "cell-bank-or-seed", "critical-raw-material", "raw-material",
    "non-critical-reagent", "excipient",
]  # fmt: skip
# ICH Q5D tiers: master cell bank, master virus seed or producer cell line; working bank or
# seed; anything else (end-of-production cells, plasmids).
BankTier = Literal["master", "working", "other"]
# Whether a unit operation is a virus removal or inactivation step (a viral clearance study
# names it; ICH Q5A(R2)).
ViralClearanceStep = Literal["clearance-step", "other-step"]
MethodChange = Literal["replaced", "transferred", "edited"]
ShelfLifeProtocol = Literal["within-extension-protocol", "outside-extension-protocol"]
# What a stability study's shelf life is of: the EU variation classes differ (a shorter
# re-test period of the active substance is IA, a shorter shelf life of the finished product
# IA_IN); an intermediate or other material is "other".
StabilitySubject = Literal["drug-substance", "drug-product", "other"]
SiteActivityClass = Literal[
    "drug-substance-manufacture", "drug-product-manufacture", "starting-material-manufacture",
    "testing", "batch-certification-or-importation", "packaging", "storage", "other",
]  # fmt: skip
# Chemical (small molecule) or biological (proteins, cell and gene therapies): the EU
# variation classes and FDA's 314.70 / 601.12 split on it.
ProductClass = Literal["chemical", "biological"]
# From the drug product fact: EU B.II.b.1 and FDA's site and container changes split on it.
Sterility = Literal["sterile", "non-sterile"]
# Whether the changed container component touches the product (primary packaging).
ContainerContact = Literal["product-contact", "no-product-contact"]
COLUMNS: dict[str, tuple[str, ...]] = {
    "product_class": get_args(ProductClass),
    "container_contact": get_args(ContainerContact),
    "sterility": get_args(Sterility),
    "parameter_criticality": get_args(ParameterCriticality),
    "value_position": get_args(ValuePosition),
    "material_role": get_args(MaterialRole),
    "bank_tier": get_args(BankTier),
    "viral_clearance_step": get_args(ViralClearanceStep),
    "method_change": get_args(MethodChange),
    "shelf_life_protocol": get_args(ShelfLifeProtocol),
    "stability_subject": get_args(StabilitySubject),
    "site_activity": get_args(SiteActivityClass),
    "attribute_criticality": get_args(Criticality),
}
Comparability = Literal[
    "none", "quality", "bridging", "justification", "justification-and-bridging"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ContextRule(_Strict):
    category: str
    basis: str = Field(min_length=1)


class Rule(_Strict):
    applies_to: str | None = Field(default=None, description="Change type; the row ID if absent")
    description: str
    change_kind: ChangeKind | None = Field(
        default=None,
        description="Kind of change to an established condition; none: EC categories never apply",
    )
    supportive: Flag = False
    when: dict[str, list[str]] = {}
    comparability: Comparability | None = None
    contexts: dict[str, ContextRule] = {}

    @model_validator(mode="after")
    def _fits_the_vocabulary(self) -> Rule:
        for context, rule in self.contexts.items():
            if context not in CONTEXTS:
                raise ValueError(f"unknown context '{context}'; contexts: {', '.join(CONTEXTS)}")
            if rule.category not in CATEGORY_ORDER[context]:
                allowed = ", ".join(CATEGORY_ORDER[context])
                raise ValueError(f"'{rule.category}' is not a {context} category ({allowed})")
        for column, values in self.when.items():
            if column not in COLUMNS:
                raise ValueError(f"unknown condition '{column}'; columns: {', '.join(COLUMNS)}")
            wrong = [v for v in values if v not in COLUMNS[column]]
            if wrong:
                raise ValueError(
                    f"'{wrong[0]}' is not a value of {column} ({', '.join(COLUMNS[column])})"
                )
        return self


class RulesFile(_Strict):
    schema_version: Literal["2"]
    title: Text
    version: Text
    effective_date: IsoDate
    rules: dict[str, Rule]


class RulesError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Selected:
    """The rule deciding one context of one change: its row, category and basis."""

    row: str
    rule: Rule
    context: ContextRule


@dataclass
class RuleTable:
    rows: dict[str, Rule]
    sources: list[str]  # "title version (effective date), file" of each file used

    def change_type(self, row: str) -> str:
        return self.rows[row].applies_to or row

    def base(self, change_type: str) -> Rule:
        return self.rows[change_type]

    def select(self, change_type: str, facts: dict[str, str], context: str) -> Selected:
        """The most specific row for this change type whose conditions the facts meet."""
        best: str | None = None
        for name, rule in self.rows.items():
            if (
                self.change_type(name) == change_type
                and context in rule.contexts
                and _meets(rule, facts)
                and (best is None or len(rule.when) > len(self.rows[best].when))
            ):
                best = name
        assert best is not None, f"no rule for {change_type} in {context}"  # load_rules checks
        return Selected(best, self.rows[best], self.rows[best].contexts[context])

    def comparability(self, change_type: str, facts: dict[str, str]) -> Comparability:
        matching = [
            (len(rule.when), rule.comparability)
            for name, rule in self.rows.items()
            if self.change_type(name) == change_type
            and rule.comparability is not None
            and _meets(rule, facts)
        ]
        return max(matching, key=lambda found: found[0])[1] if matching else "none"


def _meets(rule: Rule, facts: dict[str, str]) -> bool:
    return all(facts.get(column) in values for column, values in rule.when.items())


def _read(name: Path, text: str) -> RulesFile:
    documents, problems = load_source(SourceFile(name, text))
    if problems:
        raise RulesError(problems)
    try:
        return RulesFile.model_validate(documents[0].data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        path = tuple(first["loc"])
        raise RulesError(
            [diagnostic("DOS104", f"impact rules: {first['msg']}", documents[0].locate(path))]
        ) from None


def _source(read: RulesFile, name: str) -> str:
    return f"{read.title} {read.version} (effective {read.effective_date}), {name}"


def load_rules(override: tuple[Path, str] | None = None) -> RuleTable:
    """The shipped rules, with a dossier's rows (file name, text) merged over them context
    by context."""
    shipped_text = (files("cmc_dossier") / "data" / RULES_FILE).read_text(encoding="utf-8")
    shipped = _read(Path(RULES_FILE), shipped_text)
    rows = dict(shipped.rules)
    sources = [_source(shipped, "shipped with cmc-dossier")]
    if override is not None:
        extra = _read(*override)
        sources.append(_source(extra, str(override[0])))
        for name, rule in extra.rules.items():
            if name in rows:
                merged = {**rows[name].contexts, **rule.contexts}
                rows[name] = rule.model_copy(update={"contexts": merged})
            else:
                rows[name] = rule
    problems = [
        f"{name}: {context}" for name, rule in rows.items() if rule.applies_to is None
        for context in CONTEXTS if context not in rule.contexts
    ]  # fmt: skip
    problems += [
        f"{name}: applies to unknown change type '{rule.applies_to}'"
        for name, rule in rows.items()
        if rule.applies_to is not None and rule.applies_to not in rows
    ]
    if problems:
        raise RulesError(
            [
                diagnostic(
                    "DOS104",
                    f"impact rules incomplete: {', '.join(problems)}",
                    Location(override[0] if override else Path(RULES_FILE)),
                )
            ]
        )
    return RuleTable(rows, sources)


def lowest_reportable(context: str) -> str:
    return next(category for category in CATEGORY_ORDER[context] if category != "none")


def highest(context: str, categories: list[str]) -> str:
    order = CATEGORY_ORDER[context]
    return max(categories, key=order.index) if categories else order[0]
