"""Viral clearance: model viruses, clearance studies per step, and the overall reduction.

The overall reduction follows ICH Q5A(R2) (Step 4, November 2023), as summarised in the
project's domain reference (section 7, tagged unverified there): per model virus, the sum of
the log10 reduction values of steps with different mechanisms; a reduction of about 1 log10
or less is not counted unless justified; a value at the limit of detection is reported as
"≥", so a total that counts one is a lower bound too. Counting only the highest of steps
that share a principle of action is this tool's reading of "orthogonal", not a quoted rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from cmc_dossier.model.base import FactBase, Markdown, Number, Ref, StrictModel, Text
from cmc_dossier.model.unknowns import OrUnknown, Unknown

Envelope = Literal["enveloped", "non-enveloped"]
Genome = Literal["ssDNA", "dsDNA", "ssRNA", "dsRNA"]
Resistance = Literal["low", "medium", "high"]
ClearanceMechanism = Literal["inactivation", "removal"]
# Steps of one principle are not orthogonal to each other; "other" never pairs with a step.
ClearancePrinciple = Literal[
    "low-ph",
    "solvent-detergent",
    "detergent",
    "heat",
    "uv-c",
    "virus-filtration",
    "protein-a-chromatography",
    "anion-exchange-chromatography",
    "cation-exchange-chromatography",
    "mixed-mode-chromatography",
    "hydrophobic-interaction-chromatography",
    "affinity-chromatography",
    "precipitation",
    "other",
]

ICH_Q5A_RULE = (
    "Overall reduction per model virus: the sum of the log10 reduction values of steps with "
    "different mechanisms (ICH Q5A(R2)). A step reducing by 1 log10 or less is not counted "
    "unless justified; of steps sharing a principle of action only the highest is counted; "
    "a value at the limit of detection (≥) makes the total a lower bound (≥)."
)
NEGLIGIBLE = Decimal("1")

_LOG_REDUCTION = re.compile(r"^\s*(?P<cmp>≥|>=|>|≤|<=|<)?\s*(?P<value>\d+(?:\.\d+)?)\s*$")
_LOWER_BOUNDS = {"≥", ">=", ">"}


def _log_reduction_text(text: str) -> str:
    if not _LOG_REDUCTION.match(text):
        raise PydanticCustomError(
            "log_reduction",
            "expected a log10 reduction value such as 4.5 or ≥ 4.5",
        )
    return text


LogReduction = Annotated[
    str,
    AfterValidator(_log_reduction_text),
    Field(description="log10 reduction value as reported, e.g. '5.2' or '≥ 4.5'"),
]


@dataclass(frozen=True, slots=True)
class ReadLogReduction:
    """A log reduction value read from its text: a lower bound, an upper bound or exact."""

    value: Decimal
    bound: Literal["lower", "upper", "exact"]


def read_log_reduction(text: str) -> ReadLogReduction:
    match = _LOG_REDUCTION.match(text)
    assert match is not None  # validated on input
    comparator = match["cmp"] or ""
    bound = "lower" if comparator in _LOWER_BOUNDS else "upper" if comparator else "exact"
    return ReadLogReduction(Decimal(match["value"]), bound)


class ModelVirus(FactBase):
    """A virus used in clearance studies, with the properties that make a panel span risks."""

    kind: Literal["ModelVirus"]
    name: Text = Field(description="e.g. 'Xenotropic murine leukaemia virus (X-MuLV)'")
    family: Text
    genome: Genome
    envelope: Envelope
    size: OrUnknown(Text) = Field(description="Particle size as reported, e.g. '80–110 nm'")
    resistance: Resistance | None = Field(
        default=None, description="Resistance to physicochemical treatment"
    )
    rationale: Markdown | None = Field(default=None, description="Why it models the risk")

    @property
    def label(self) -> str:
        return self.name


class ClearanceResult(StrictModel):
    virus: Ref("ModelVirus")
    log_reduction: OrUnknown(LogReduction)
    runs: Number = Field(gt=0, description="Number of independent runs")
    justification_to_count: Markdown | None = Field(
        default=None, description="Why a reduction of 1 log10 or less is counted"
    )


class ViralClearanceStudy(FactBase):
    """A scaled-down study of one process step's capacity to inactivate or remove viruses."""

    kind: Literal["ViralClearanceStudy"]
    title: Text
    unit_operation: Ref("UnitOperation")
    mechanism: ClearanceMechanism
    principle: ClearancePrinciple
    laboratory: OrUnknown(Ref("Organization", "Site"))
    report: OrUnknown(Text) | None = Field(default=None, description="Study report reference")
    scale_down_model: Markdown | None = None
    results: list[ClearanceResult] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class CountedStep:
    """One step's result for one virus, and whether the overall reduction counts it."""

    study: ViralClearanceStudy
    result: ClearanceResult
    counted: bool
    reason: str | None = None  # why a step is not counted


@dataclass(frozen=True, slots=True)
class OverallReduction:
    virus: str
    steps: tuple[CountedStep, ...]
    total: Decimal | None  # None when no step counts
    lower_bound: bool

    @property
    def counted_steps(self) -> int:
        return sum(step.counted for step in self.steps)

    def __str__(self) -> str:
        if self.total is None:
            return "not established"
        return f"≥ {self.total}" if self.lower_bound else str(self.total)


def overall_reductions(studies: list[ViralClearanceStudy]) -> list[OverallReduction]:
    """Per model virus, in order of first appearance: the steps and the overall reduction."""
    by_virus: dict[str, list[tuple[ViralClearanceStudy, ClearanceResult]]] = {}
    for study in studies:
        for result in study.results:
            by_virus.setdefault(result.virus, []).append((study, result))
    return [_overall(virus, pairs) for virus, pairs in by_virus.items()]


def _overall(
    virus: str, pairs: list[tuple[ViralClearanceStudy, ClearanceResult]]
) -> OverallReduction:
    best_of_principle: dict[str, tuple[ViralClearanceStudy, Decimal]] = {}
    eligible: set[int] = set()
    for index, (study, result) in enumerate(pairs):
        if isinstance(result.log_reduction, Unknown):
            continue
        read = read_log_reduction(result.log_reduction)
        if read.bound == "upper" or (
            read.value <= NEGLIGIBLE and result.justification_to_count is None
        ):
            continue
        eligible.add(index)
        key = study.principle if study.principle != "other" else f"other:{study.id}"
        if key not in best_of_principle or read.value > best_of_principle[key][1]:
            best_of_principle[key] = (study, read.value)
    winners = {id(study) for study, _ in best_of_principle.values()}
    steps = []
    total = Decimal(0)
    lower_bound = False
    for index, (study, result) in enumerate(pairs):
        if isinstance(result.log_reduction, Unknown):
            steps.append(CountedStep(study, result, False, "no value yet"))
            continue
        read = read_log_reduction(result.log_reduction)
        if index not in eligible:
            reason = "upper bound" if read.bound == "upper" else "≤ 1 log10, not justified"
            steps.append(CountedStep(study, result, False, reason))
        elif id(study) not in winners:
            steps.append(CountedStep(study, result, False, "same principle as a higher step"))
        else:
            winners.discard(id(study))
            steps.append(CountedStep(study, result, True))
            total += read.value
            lower_bound = lower_bound or read.bound == "lower"
    counted = any(step.counted for step in steps)
    return OverallReduction(virus, tuple(steps), total if counted else None, lower_bound)
