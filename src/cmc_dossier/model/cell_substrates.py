"""Cell substrates and biological starting materials: cell banks, seeds, plasmids, donors.

ICH Q5D describes the cell bank system (master and working banks, end-of-production cells)
and what each tier is tested for; ICH Q5A(R2) the adventitious virus tests of each tier.
Donors of human cells and tissues are tested and found eligible under 21 CFR 1271 subpart C
(US) and Directive 2004/23/EC with 2006/17/EC (EU).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cmc_dossier.model.base import (
    Citation,
    FactBase,
    IsoDate,
    Markdown,
    Number,
    Ref,
    StrictModel,
    Text,
)
from cmc_dossier.model.unknowns import OrUnknown

BankType = Literal[
    "master-cell-bank",
    "working-cell-bank",
    "end-of-production-cells",
    "producer-cell-line",
    "master-virus-seed",
    "working-virus-seed",
    "plasmid",
]
# The organism the substrate comes from: which adventitious agents it can carry (ICH Q5A(R2),
# Q5D) and whether a product expressed in it needs a viral clearance evaluation.
SubstrateOrigin = Literal["mammalian", "insect", "avian", "bacterial", "yeast", "plant", "none"]
CELL_CULTURE_ORIGINS: frozenset[str] = frozenset({"mammalian", "insect"})
# Which tier each tier may be derived from (ICH Q5D two-tier system: MCB -> WCB -> cells at
# the limit of in vitro age; virus seeds likewise master -> working).
ALLOWED_PARENTS: dict[str, frozenset[str]] = {
    "master-cell-bank": frozenset({"producer-cell-line"}),
    "working-cell-bank": frozenset({"master-cell-bank"}),
    "end-of-production-cells": frozenset(
        {"master-cell-bank", "working-cell-bank", "producer-cell-line"}
    ),
    "producer-cell-line": frozenset({"producer-cell-line"}),
    "master-virus-seed": frozenset(),
    "working-virus-seed": frozenset({"master-virus-seed"}),
    "plasmid": frozenset({"plasmid"}),
}
InVitroAgeUnit = Literal["passages", "population-doublings", "days"]


class InVitroAge(StrictModel):
    """The limit of in vitro cell age for production (ICH Q5D), in passages or doublings."""

    value: Number
    unit: InVitroAgeUnit
    basis: Markdown | None = Field(
        default=None, description="How the limit was set, e.g. EOPC studies beyond it"
    )

    def __str__(self) -> str:
        return f"{self.value} {self.unit}"


class SubstrateTest(StrictModel):
    """One test of a bank, seed, plasmid or donor, as reported."""

    test: Text = Field(description="e.g. 'In vitro adventitious virus assay (3 indicator cells)'")
    guideline: Citation | None = Field(
        default=None, description="e.g. 'ICH Q5A(R2)', 'Ph. Eur. 2.6.7'"
    )
    laboratory: OrUnknown(Ref("Site")) | None = None
    timing: Text | None = Field(
        default=None, description="When it is done, e.g. 'within 30 days before collection'"
    )
    result: OrUnknown(Text) | None = Field(
        default=None,
        description="As reported, e.g. 'Negative'; omitted for tests repeated per donation",
    )
    date: OrUnknown(IsoDate) | None = None


class CellBank(FactBase):
    """A cell bank, virus seed, plasmid or producer cell line with its history and testing."""

    kind: Literal["CellBank"]
    title: Text
    type: BankType
    cell_line: OrUnknown(Text) | None = Field(default=None, description="e.g. 'HEK 293T', 'CHO-K1'")
    origin: SubstrateOrigin = Field(description="Organism class the substrate comes from")
    derived_from: Ref("CellBank") | None = None
    history: Markdown = Field(description="Origin, derivation, cloning, adaptation, banking")
    site: Ref("Site") = Field(description="Where it was made or is held")
    storage: OrUnknown(Text) | None = Field(
        default=None, description="e.g. 'vapour phase of liquid nitrogen'"
    )
    size: OrUnknown(Text) | None = Field(
        default=None, description="e.g. '200 vials of 1 × 10^7 cells'"
    )
    prepared: OrUnknown(IsoDate) | None = None
    in_vitro_age_limit: OrUnknown(InVitroAge) | None = None
    testing: list[SubstrateTest] = []
    affects: list[Ref("CQA")] = Field(
        default=[], description="Quality attributes the substrate can affect (comparability)"
    )


DonorType = Literal["autologous", "allogeneic"]


class DonorEligibility(FactBase):
    """Donor eligibility and testing of a starting material of human origin (e.g. apheresis)."""

    kind: Literal["DonorEligibility"]
    title: Text
    material: Ref("Material")
    donor: DonorType
    collection_site: OrUnknown(Ref("Site")) | None = None
    requirements: list[Citation] = Field(
        min_length=1,
        description="The rules applied, e.g. '21 CFR 1271.90(a)(1)', 'Directive 2006/17/EC'",
    )
    screening: Markdown | None = Field(default=None, description="Medical history, risk factors")
    testing: list[SubstrateTest] = []
    handling_of_positive_results: Markdown | None = None
