"""How it is made: materials, processes, unit operations, parameters, controls, holds."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from cmc_dossier.model.base import (
    CarriesEstablishedCondition,
    Citation,
    FactBase,
    Flag,
    IsoDate,
    Markdown,
    Number,
    Range,
    Ref,
    StrictModel,
    Text,
)
from cmc_dossier.model.unknowns import OrUnknown
from cmc_dossier.model.vocabulary import (
    Context,
    ControlType,
    DurationUnit,
    MaterialCategory,
    MaterialOrigin,
    ParameterCriticality,
    PerformanceAttribute,
    Phase,
    ProcessStage,
    RiskClass,
    ValidationStage,
    ValidationStatus,
)


class Origin(StrictModel):
    source: OrUnknown(MaterialOrigin)
    species: OrUnknown(Text) | None = None
    country: OrUnknown(Text) | None = None
    detail: Markdown | None = None


class CrossReference(StrictModel):
    """A file the agency reads on its holder's authorisation instead of the dossier repeating
    it, such as an FDA drug or biologics master file referenced with a letter of
    authorisation; shown in the target whose contexts reference it."""

    document: Text = Field(description="e.g. 'Biologics master file BB-MF 12345'")
    holder: Ref("Organization")
    contexts: list[Context] = Field(min_length=1, description="Where it is referenced")
    letter_of_authorisation: OrUnknown(IsoDate) = Field(description="Date of the letter")
    covers: Text | None = Field(default=None, description="What the file holds for this dossier")


class Material(FactBase, CarriesEstablishedCondition):
    kind: Literal["Material"]
    title: Text
    category: MaterialCategory
    function: Text | None = None
    grade: OrUnknown(Citation)
    supplier: OrUnknown(Text)
    origin: Origin
    risk_class: OrUnknown(RiskClass)
    risk_basis: OrUnknown(Citation) | None = Field(
        default=None, description="e.g. 'USP <1043> Tier 2' or 'Ph. Eur. 5.2.12'"
    )
    quality_standard: OrUnknown(Citation) | None = None
    specification: Ref("Specification") | None = None
    affects: list[Ref("CQA")] = Field(
        default=[], description="Quality attributes the material can affect (comparability)"
    )
    cross_references: list[CrossReference] = []
    description: Markdown | None = None
    novel: Flag = Field(
        default=False,
        description="A novel excipient: first use in a medicinal product or by a new route "
        "(ICH M4Q 3.2.A.3); it gets its own 3.2.A.3 folder in the eCTD",
    )

    @model_validator(mode="after")
    def _novel_only_for_excipients(self) -> Material:
        if self.novel and self.category != "excipient":
            raise PydanticCustomError(
                "novel_not_excipient", "`novel: true` is for excipients only (ICH M4Q 3.2.A.3)"
            )
        return self


class ProcessValidation(StrictModel):
    """Where a process stands in the lifecycle of FDA's process validation guidance (2011):
    stage 1 process design, stage 2 process qualification (PPQ), stage 3 continued process
    verification."""

    stage: ValidationStage
    status: ValidationStatus
    approach: Markdown | None = Field(
        default=None, description="e.g. engineering runs, aseptic process simulation, PPQ plan"
    )
    planned_by_phase: Phase | None = Field(
        default=None, description="Phase by which the next stage is planned"
    )
    protocol: OrUnknown(Text) | None = None
    report: OrUnknown(Text) | None = None
    batches: list[Ref("Batch")] = []

    @property
    def ppq_done(self) -> bool:
        """Stage 2 (process performance qualification) completed, or stage 3 reached."""
        return self.stage == "continued-process-verification" or (
            self.stage == "process-qualification" and self.status == "completed"
        )


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
    validation: OrUnknown(ProcessValidation) | None = None


class UnitOperation(FactBase, CarriesEstablishedCondition):
    kind: Literal["UnitOperation"]
    title: Text
    description: Markdown
    materials: list[Ref("Material", "DrugSubstance")] = Field(
        default=[],
        description="What the step takes in, the drug substance included where it is added",
    )
    equipment: list[Text] = Field(
        default=[], description="Equipment class or principle, not a vendor model"
    )


def _ratio_text(text: str) -> str:
    if not _RATIO.fullmatch(text):
        raise PydanticCustomError(
            "ratio", "expected a ratio of two or more numbers, such as 1:1:1 or 2.5:1"
        )
    return text


_RATIO = re.compile(r"\d+(?:\.\d+)?(?: ?: ?\d+(?:\.\d+)?)+")
Ratio = Annotated[str, AfterValidator(_ratio_text)]


class Setting(StrictModel):
    """How a parameter is set: a set point (with its tolerance) and the ranges around it.

    The ranges are distinct things (ICH Q8(R2) glossary): the control range is what the
    equipment or batch record holds; the normal operating range (NOR) is the usual operating
    window; the proven acceptable range (PAR) is the range shown to give acceptable quality.
    `range` is a range whose kind the source does not state, shown as such.
    """

    target: Number | None = Field(default=None, description="Set point")
    ratio: Ratio | None = Field(
        default=None,
        description="A set point that is a ratio of quantities, as typed, e.g. 1:1:1 (the "
        "parameter's title says of what); instead of `target`",
    )
    tolerance: Number | None = Field(
        default=None,
        description="Set point ± tolerance, e.g. 37.0 ± 0.5",
        json_schema_extra={"minimum": 0},
    )
    control_range: Range | None = None
    normal_operating_range: Range | None = None
    proven_acceptable_range: Range | None = None
    range: Range | None = Field(default=None, description="A range whose kind is not stated")

    @model_validator(mode="after")
    def _tolerance_needs_target(self) -> Setting:
        if self.tolerance is not None and self.target is None:
            raise PydanticCustomError(
                "missing_conditional", "a `tolerance` is ± around a `target`; give the target"
            )
        if self.ratio is not None and self.target is not None:
            raise PydanticCustomError(
                "conflicting_set_points", "give the set point once: `target` or `ratio`"
            )
        if self.tolerance is not None and self.tolerance < 0:
            raise PydanticCustomError(
                "negative_tolerance", "a `tolerance` is a width and cannot be negative"
            )
        return self


class PhasedSetting(Setting):
    """The setting during one period of a step (a temperature shift on day 5 ± 1)."""

    period: Text = Field(description="As typed, e.g. 'Day 0 to day 5 ± 1' or 'From day 5 ± 1'")


class ProcessParameter(FactBase, CarriesEstablishedCondition, Setting):
    kind: Literal["ProcessParameter"]
    title: Text
    unit_operation: Ref("UnitOperation")
    criticality: OrUnknown(ParameterCriticality)
    unit: Text | None = None
    phases: list[PhasedSetting] = Field(
        default=[], description="Settings that change during the step, in order"
    )
    affects: list[Ref("CQA")] = Field(default=[], description="Quality attributes affected")
    affects_performance: list[PerformanceAttribute] = Field(
        default=[], description="Process-performance attributes affected (yield, clearance...)"
    )
    justification: OrUnknown(Markdown)

    def settings(self) -> list[tuple[str | None, Setting]]:
        """The parameter's own setting, then each phase's, labelled by period."""
        return [(None, self), *((phase.period, phase) for phase in self.phases)]


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
