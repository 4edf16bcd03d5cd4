"""Storage: stability studies, container closure, adventitious agents safety."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cmc_dossier.model.base import (
    CarriesEstablishedCondition,
    Citation,
    FactBase,
    Flag,
    Markdown,
    Ref,
    StrictModel,
    Text,
)
from cmc_dossier.model.manufacture import Duration
from cmc_dossier.model.unknowns import OrUnknown
from cmc_dossier.model.vocabulary import AgentClass, SpecificationSubject, StudyType


class StabilityCondition(StrictModel):
    key: Text = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Short name used by results")
    storage: Text


class StabilityResult(StrictModel):
    batch: Ref("Batch")
    condition: Text
    time_point: Text
    values: dict[Ref("SpecificationTest"), Text] = Field(min_length=1)


class ShelfLife(StrictModel):
    period: Duration
    storage_condition: Text


class ExtensionProtocol(StrictModel):
    """How far the shelf life may be extended as real-time data accrue, under a stated
    protocol (an extension plan in the IMPD; an approved protocol post-approval)."""

    reference: Text = Field(description="The protocol, e.g. 'Stability protocol SP-012 v2'")
    up_to: Duration = Field(description="Longest shelf life the protocol allows")


class StabilityStudy(FactBase, CarriesEstablishedCondition):
    kind: Literal["StabilityStudy"]
    title: Text
    subject: Ref("DrugSubstance", "DrugProduct", "Material")
    study_type: StudyType
    protocol: OrUnknown(Text) | None = None
    specification: Ref("Specification")
    batches: list[Ref("Batch")] = Field(min_length=1)
    conditions: list[StabilityCondition] = Field(min_length=1)
    time_points: list[Text] = Field(min_length=1, description="In order, as typed, e.g. '3 M'")
    results: list[StabilityResult] = []
    proposed_shelf_life: ShelfLife | None = None
    shelf_life_extension: ExtensionProtocol | None = None
    conclusion: Markdown | None = None
    commitment: Markdown | None = None


class ContainerComponent(StrictModel):
    name: Text
    material_of_construction: OrUnknown(Text)
    supplier: OrUnknown(Text)
    product_contact: Flag
    quality_standard: OrUnknown(Citation) | None = None


class ContainerClosure(FactBase, CarriesEstablishedCondition):
    kind: Literal["ContainerClosure"]
    title: Text
    applies_to: SpecificationSubject
    description: Markdown
    components: list[ContainerComponent] = Field(min_length=1)


class AdventitiousAgentSafety(FactBase):
    kind: Literal["AdventitiousAgentSafety"]
    title: Text
    agents: list[AgentClass] = Field(min_length=1)
    materials: list[Ref("Material")] = []
    evaluation: Markdown
    controls: list[Ref("SpecificationTest", "InProcessControl")] = []
