"""Control: analytical methods, specifications and their tests, reference standards, batches."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, computed_field

from cmc_dossier.model.base import (
    CarriesEstablishedCondition,
    Citation,
    FactBase,
    IdentifiedItem,
    IsoDate,
    Markdown,
    Ref,
    StrictModel,
    Text,
)
from cmc_dossier.model.criteria import ParsedCriterion, parse_criterion
from cmc_dossier.model.unknowns import OrUnknown, known
from cmc_dossier.model.vocabulary import (
    CHARACTERISATION_USES,
    PHASE_ORDER,
    BatchUse,
    MethodStatus,
    MethodType,
    MethodUse,
    Phase,
    ReferenceStandardType,
    SpecificationSubject,
    TestUsage,
)


class ValidationCharacteristic(StrictModel):
    characteristic: Text = Field(description="e.g. specificity, accuracy, LOQ")
    acceptance: Text
    result: Text


class LifecycleStage(StrictModel):
    """The status a method has (or is planned to have) at a phase of development."""

    phase: Phase
    status: MethodStatus


class AnalyticalMethod(FactBase, CarriesEstablishedCondition):
    """An analytical procedure; `uses` says what it is for beyond the controls citing it."""

    kind: Literal["AnalyticalMethod"]
    title: Text
    technique: Text
    purpose: Text
    type: MethodType
    compendial_reference: Citation | None = None
    status: OrUnknown(MethodStatus)
    status_as_of_phase: Phase
    performed_at: list[Ref("Site")] = Field(min_length=1)
    uses: list[MethodUse] = Field(
        default=[],
        description="What the method is for; release and in-process uses are also read "
        "from the specifications and controls that cite it",
    )
    lifecycle: list[LifecycleStage] = Field(
        default=[], description="Status by phase, past and planned (qualified at 1, ...)"
    )
    validation_planned_at: OrUnknown(Phase) | None = Field(
        default=None, description="Phase by which full validation (ICH Q2(R2)) is planned"
    )
    analytical_target_profile: Markdown | None = Field(
        default=None, description="ICH Q14 analytical target profile"
    )
    description: Markdown | None = None
    validation_summary: list[ValidationCharacteristic] = []

    def planned_status(self, phase: str) -> str | None:
        """The status the lifecycle gives the method at a phase: its latest stage up to it."""
        reached = PHASE_ORDER[: PHASE_ORDER.index(phase) + 1]
        stages = [stage for stage in self.lifecycle if stage.phase in reached]
        return (
            max(stages, key=lambda stage: PHASE_ORDER.index(stage.phase)).status if stages else None
        )

    @property
    def characterisation_only(self) -> bool:
        """Declared for characterisation or comparability and nothing else."""
        return bool(self.uses) and set(self.uses) <= CHARACTERISATION_USES


class SpecificationTest(IdentifiedItem, CarriesEstablishedCondition):
    """One test of a specification (ICH Q12 App. 1: test, method and criterion are ECs)."""

    test: Text
    attribute: Ref("CQA")
    method: Ref("AnalyticalMethod")
    acceptance_criterion: OrUnknown(Text)
    usage: TestUsage = "release-and-stability"
    tested_at: list[Ref("Site")] = Field(
        default=[],
        description="Sites that perform this test for this material; default: the "
        "specification's `tested_at`, else where the method is performed",
    )
    justification: Markdown | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def parsed_criterion(self) -> ParsedCriterion | None:
        criterion = known(self.acceptance_criterion)
        return parse_criterion(criterion) if criterion is not None else None

    @property
    def label(self) -> str:
        return self.test


class Specification(FactBase, CarriesEstablishedCondition):
    kind: Literal["Specification"]
    title: Text
    applies_to: SpecificationSubject
    subject: Ref("DrugSubstance", "DrugProduct", "Material")
    version: Text
    tested_at: list[Ref("Site")] = Field(
        default=[], description="Sites that test against this specification, unless a test says"
    )
    tests: list[SpecificationTest] = Field(min_length=1)
    includes: list[Ref("SpecificationTest")] = Field(
        default=[],
        description="Drug substance tests this drug product specification includes by "
        "reference: performed on the drug substance, reported for the product",
    )
    justification: Markdown | None = None


class ReferenceStandard(FactBase):
    kind: Literal["ReferenceStandard"]
    title: Text
    type: ReferenceStandardType
    source: OrUnknown(Citation)
    lot: OrUnknown(Text) | None = None
    qualification: OrUnknown(Markdown)
    storage: OrUnknown(Text) | None = None
    methods: list[Ref("AnalyticalMethod")] = Field(min_length=1)


class Batch(FactBase):
    kind: Literal["Batch"]
    batch_number: Text
    product: Ref("DrugSubstance", "DrugProduct", "Material")
    scale: OrUnknown(Text)
    use: list[BatchUse] = Field(min_length=1)
    site: Ref("Site")
    manufacture_date: OrUnknown(IsoDate)
    process_version: Text | None = None
    input_batches: list[Ref("Batch")] = []
    specification: Ref("Specification") | None = None
    results: dict[Ref("SpecificationTest"), OrUnknown(Text)] = Field(
        default={}, description="Result per specification test ID, as reported"
    )
    remarks: Markdown | None = None

    @property
    def label(self) -> str:
        return self.batch_number
