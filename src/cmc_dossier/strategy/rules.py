"""The readiness rules table (data/readiness-rules.yaml), read once and typed."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cmc_dossier.loader import SourceFile, load_source
from cmc_dossier.model.strategy import ActivityType, Milestone
from cmc_dossier.model.vocabulary import AttributeType, CqaCategory, Modality

MILESTONES: tuple[str, ...] = get_args(Milestone)
PHASE_MILESTONE = {"1": "1", "1/2": "1/2", "2": "2", "2/3": "2/3", "3": "3",
                   "marketed": "marketing-application"}  # fmt: skip
MILESTONE_PHASE = {milestone: phase for phase, milestone in PHASE_MILESTONE.items()}
MILESTONE_TITLES = {m: f"Phase {m}" for m in MILESTONES} | {
    "marketing-application": "Marketing application (BLA/MAA)"
}

Aspect = Literal[
    "method-status",
    "specification-limit",
    "stability-study",
    "stability-coverage",
    "process-validation",
    "comparability",
    "reference-standard",
]


class ReadinessRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    aspect: Aspect
    title: str
    modalities: list[Modality] = []
    attribute_types: list[AttributeType] = []
    categories: list[CqaCategory] = []
    expect: dict[Milestone, str] = Field(min_length=1)
    sections: list[str] = Field(min_length=1)
    activity: ActivityType
    basis: str = Field(min_length=1)
    tag: Literal["V", "S", "U"]

    @model_validator(mode="after")
    def _starts_at_phase_1(self) -> ReadinessRule:
        if "1" not in self.expect:
            raise ValueError(f"rule {self.id}: `expect` must start at milestone 1")
        return self

    def expected(self, milestone: str) -> str:
        """The expectation in force at a milestone: the latest key at or before it."""
        reached = MILESTONES[: MILESTONES.index(milestone) + 1]
        return next(self.expect[m] for m in reversed(reached) if m in self.expect)

    def covers(self, modality: str, attribute_type: str | None, category: str | None) -> bool:
        if self.modalities and modality not in self.modalities:
            return False
        selective = self.attribute_types or self.categories
        return (
            not selective or attribute_type in self.attribute_types or (category in self.categories)
        )

    @property
    def cited(self) -> str:
        return f"{self.basis} [{self.tag}]"


class RulesTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    milestones: list[str]
    rules: list[ReadinessRule]

    def of(self, aspect: str) -> list[ReadinessRule]:
        return [rule for rule in self.rules if rule.aspect == aspect]


RULES_PATH = Path(str(files("cmc_dossier") / "data" / "readiness-rules.yaml"))


@cache
def readiness_rules() -> RulesTable:
    text = RULES_PATH.read_text(encoding="utf-8")
    documents, problems = load_source(SourceFile(RULES_PATH, text))
    if problems:  # shipped data: a broken table is a bug in cmc-dossier, caught by the tests
        raise ValueError(f"{RULES_PATH}: {problems[0].message}")
    table = RulesTable.model_validate(documents[0].data)
    if tuple(table.milestones) != MILESTONES:
        raise ValueError(f"{RULES_PATH}: milestones must be {', '.join(MILESTONES)}")
    return table
