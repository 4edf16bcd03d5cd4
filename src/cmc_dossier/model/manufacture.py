"""How it is made: materials, processes, unit operations, parameters, controls, holds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cmc_dossier.model.base import (
    CarriesEstablishedCondition,
    FactBase,
    Markdown,
    Number,
    Range,
    Ref,
    StrictModel,
    Text,
)
from cmc_dossier.model.unknowns import OrUnknown
from cmc_dossier.model.vocabulary import (
    ControlType,
    DurationUnit,
    MaterialCategory,
    MaterialOrigin,
    ParameterCriticality,
    ProcessStage,
    RiskClass,
)


class Origin(StrictModel):
    source: OrUnknown(MaterialOrigin)
    species: OrUnknown(Text) | None = None
    country: OrUnknown(Text) | None = None
    detail: Markdown | None = None


class Material(FactBase, CarriesEstablishedCondition):
    kind: Literal["Material"]
    title: Text
    category: MaterialCategory
    function: Text | None = None
    grade: OrUnknown(Text)
    supplier: OrUnknown(Text)
    origin: Origin
    risk_class: OrUnknown(RiskClass)
    risk_basis: OrUnknown(Text) | None = Field(
        default=None, description="e.g. 'USP <1043> Tier 2' or 'Ph. Eur. 5.2.12'"
    )
    quality_standard: OrUnknown(Text) | None = None
    specification: Ref("Specification") | None = None
    description: Markdown | None = None


class ManufacturingProcess(FactBase):
    kind: Literal["ManufacturingProcess"]
    title: Text
    stage: ProcessStage
    product: Ref("DrugSubstance", "DrugProduct", "Material")
    sites: list[Ref("Site")] = Field(min_length=1)
    version: OrUnknown(Text) | None = None
    scale: OrUnknown(Text) | None = None
    description: Markdown
    unit_operations: list[Ref("UnitOperation")] = Field(min_length=1)


class UnitOperation(FactBase, CarriesEstablishedCondition):
    kind: Literal["UnitOperation"]
    title: Text
    description: Markdown
    materials: list[Ref("Material")] = []
    equipment: list[Text] = Field(
        default=[], description="Equipment class or principle, not a vendor model"
    )


class ProcessParameter(FactBase, CarriesEstablishedCondition):
    kind: Literal["ProcessParameter"]
    title: Text
    unit_operation: Ref("UnitOperation")
    criticality: ParameterCriticality
    unit: Text | None = None
    target: Number | None = None
    normal_operating_range: Range | None = None
    proven_acceptable_range: Range | None = None
    affects: list[Ref("CQA")] = []
    justification: Markdown


class InProcessControl(FactBase, CarriesEstablishedCondition):
    kind: Literal["InProcessControl"]
    title: Text
    unit_operation: Ref("UnitOperation")
    attribute: Ref("CQA") | None = None
    method: Ref("AnalyticalMethod")
    acceptance_criterion: OrUnknown(Text)
    type: ControlType = "control"
    action: Markdown | None = None


class Duration(StrictModel):
    value: Number
    unit: DurationUnit

    def __str__(self) -> str:
        return f"{self.value} {self.unit}"


class HoldTime(FactBase, CarriesEstablishedCondition):
    kind: Literal["HoldTime"]
    title: Text
    after: Ref("UnitOperation")
    maximum: OrUnknown(Duration)
    storage_condition: Text
    justification: Markdown
