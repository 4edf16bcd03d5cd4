"""Facts about the CMC strategy: planned work, retained samples, site specifics, waivers.

They describe how the package matures and who holds what, not the product itself; the
strategy reports (readiness, roadmap, responsibilities) present them, and retain-sample
plans also appear after the batch analyses of the batches they cover.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from cmc_dossier.model.base import FactBase, IsoDate, Markdown, Number, Ref, StrictModel, Text
from cmc_dossier.model.manufacture import Duration
from cmc_dossier.model.vocabulary import BatchUse

# A clinical-trial phase or the marketing application (BLA/MAA) that ends the IND/IMPD stage.
Milestone = Literal["1", "1/2", "2", "2/3", "3", "marketing-application"]

ActivityType = Literal[
    "method-validation",
    "process-characterisation",
    "process-performance-qualification",
    "comparability-study",
    "stability-extension",
    "specification-revision",
    "reference-standard-qualification",
    "site-transfer",
    "other",
]
ActivityStatus = Literal["planned", "in-progress", "completed"]

RetainedSample = Literal[
    "drug-product",
    "drug-substance",
    "intermediate",
    "starting-material",
    "patient-material",
    "viral-vector",
    "other",
]
RetainPurpose = Literal[
    "look-back-testing",
    "comparability",
    "investigation",
    "reference",
    "regulatory-retention",
    "characterisation",
]

ANY_FACT = "*"  # a reference that may name a fact of any kind (see checks.references)


class PlannedActivity(FactBase):
    """Work planned to mature the package: due by a phase or a date, and what it unlocks."""

    kind: Literal["PlannedActivity"]
    title: Text
    type: ActivityType
    subjects: list[Ref(ANY_FACT)] = Field(
        default=[], description="Facts the activity matures (methods, processes, studies...)"
    )
    target_phase: Milestone | None = Field(
        default=None, description="Needed before this phase (or the marketing application)"
    )
    target_date: IsoDate | None = None
    status: ActivityStatus = "planned"
    completed_on: IsoDate | None = None
    performed_by: Ref("Organization") | None = None
    unlocks: Markdown = Field(description="What the result allows: a claim, a phase, a change")

    @model_validator(mode="after")
    def _has_a_target(self) -> PlannedActivity:
        if self.target_phase is None and self.target_date is None:
            raise PydanticCustomError(
                "missing_conditional",
                "a planned activity needs `target_phase`, `target_date` or both",
            )
        return self


RetentionStart = Literal["release", "expiry", "end-of-trial"]


class RetentionPeriod(StrictModel):
    """How long samples are kept, counted from an event in the batch's life."""

    period: Duration
    after: RetentionStart = Field(
        description="release of the batch, its expiry, or the end of the last trial using it"
    )

    def __str__(self) -> str:
        return f"{self.period} after {self.after.replace('-', ' ')}"


class SampleQuantity(StrictModel):
    """A count or amount of retained material, in a unit the plan and its records share."""

    value: Number
    unit: Text = Field(description="As typed, e.g. 'cryovials of 1 mL', 'tablets', 'g'")

    def __str__(self) -> str:
        return f"{self.value} {self.unit}"


class RetainedBatch(StrictModel):
    """The samples actually held for one batch."""

    batch: Ref("Batch")
    quantity: SampleQuantity
    note: Text | None = None


class RetainSamplePlan(FactBase):
    """Samples kept per batch (product or patient material), how much, where, how long, why."""

    kind: Literal["RetainSamplePlan"]
    title: Text
    sample: RetainedSample
    subject: Ref("DrugSubstance", "DrugProduct", "Material")
    batch_uses: list[BatchUse] = Field(
        default=[], description="Batches of the subject that need retains; empty: every batch"
    )
    quantity: SampleQuantity = Field(description="Planned per batch")
    storage: Text
    held_at: Ref("Site")
    duration: RetentionPeriod
    purposes: list[RetainPurpose] = Field(min_length=1)
    retained: list[RetainedBatch] = Field(default=[], description="Samples held, per batch")
    basis: Text | None = None

    def covers(self, uses: list[str]) -> bool:
        """Whether a batch of the subject with these uses needs retained samples."""
        return not self.batch_uses or bool(set(self.batch_uses) & set(uses))


class SiteSpecifics(FactBase):
    """One site's equipment, rooms and local procedures, kept out of the product facts."""

    kind: Literal["SiteSpecifics"]
    title: Text
    site: Ref("Site")
    unit_operation: Ref("UnitOperation") | None = None
    equipment: list[Text] = Field(default=[], description="Makes and models as installed")
    rooms: list[Text] = []
    local_procedures: list[Text] = []
    notes: Markdown | None = None


class Waiver(FactBase):
    """A strategy finding the team has judged and accepts on one fact, with its reason."""

    kind: Literal["Waiver"]
    code: Text = Field(pattern=r"^DOS7[0-6]\d$", description="The strategy finding's code")
    fact: Ref(ANY_FACT)
    reason: Markdown
