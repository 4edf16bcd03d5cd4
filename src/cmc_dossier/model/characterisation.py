"""Characterisation (3.2.S.3.1) and impurities (3.2.S.3.2, 3.2.P.5.5) as facts.

ICH M4Q(R1) asks in S.3.1 for the structure and other characteristics with the methods and
results that confirm them, and in S.3.2 / P.5.5 for each impurity: where it comes from,
what becomes of it in the process, and how it is limited or why it need not be.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cmc_dossier.model.base import FactBase, Markdown, Ref, Text
from cmc_dossier.model.unknowns import OrUnknown
from cmc_dossier.model.vocabulary import AttributeType

CharacteristicCategory = Literal[
    "primary-structure",
    "higher-order-structure",
    "post-translational-modifications",
    "physicochemical",
    "biological-activity",
    "immunochemical",
    "purity-and-heterogeneity",
    "solid-state",
    "other",
]
ImpurityType = Literal["process-related", "product-related"]
ImpurityScope = Literal["individual", "total", "class"]


class Characterisation(FactBase):
    """One characteristic of a substance or product, the method that showed it and the result."""

    kind: Literal["Characterisation"]
    subject: Ref("DrugSubstance", "DrugProduct", "Material")
    characteristic: Text = Field(description="e.g. 'Intact mass', 'N-glycan profile'")
    category: CharacteristicCategory
    method: Ref("AnalyticalMethod")
    batches: list[Ref("Batch")] = []
    result: OrUnknown(Markdown)

    @property
    def label(self) -> str:
        return self.characteristic


class Impurity(FactBase):
    """An impurity or class of impurities: origin, fate in the process, limit or rationale."""

    kind: Literal["Impurity"]
    title: Text
    subject: Ref("DrugSubstance", "DrugProduct")
    type: ImpurityType
    attribute_type: AttributeType = Field(
        description="The kind of impurity, e.g. host-cell-protein, related-substances"
    )
    scope: ImpurityScope = "individual"
    origin: Markdown
    fate: Markdown | None = Field(default=None, description="Clearance or formation")
    cleared_by: list[Ref("UnitOperation")] = []
    controls: list[Ref("SpecificationTest", "InProcessControl")] = []
    limit: OrUnknown(Text) | None = Field(
        default=None, description="As typed, e.g. 'NMT 0.15 %'; else the control's criterion"
    )
    rationale: Markdown | None = Field(
        default=None, description="Why the limit, or why no routine test (e.g. clearance)"
    )
    qualification: Markdown | None = Field(
        default=None, description="How a level above the ICH Q3A/Q3B threshold is qualified"
    )
