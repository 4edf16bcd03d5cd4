"""Facts about the CMC strategy: planned work, retained samples, site specifics, waivers.

They describe how the package matures and who holds what, not the product itself, so no
CTD section presents them; the strategy reports (readiness, roadmap, responsibilities) do.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from cmc_dossier.model.base import FactBase, IsoDate, Markdown, Ref, Text
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


class RetainSamplePlan(FactBase):
    """Samples kept per batch (product or patient material), how much, where, how long, why."""

    kind: Literal["RetainSamplePlan"]
    title: Text
    sample: RetainedSample
    subject: Ref("DrugSubstance", "DrugProduct", "Material")
    batch_uses: list[BatchUse] = Field(
        default=[], description="Batches of the subject that need retains; empty: every batch"
    )
    quantity: Text
    storage: Text
    held_at: Ref("Site")
    duration: Text = Field(description="As typed, e.g. '2 years after the end of the trial'")
    purposes: list[RetainPurpose] = Field(min_length=1)
    retained: list[Ref("Batch")] = Field(default=[], description="Batches whose samples are held")
    basis: Text | None = None


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
