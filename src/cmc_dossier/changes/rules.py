"""The impact rules table: shipped as data, overridable per dossier repository."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.loader import SourceFile, load_source
from cmc_dossier.model.base import Flag
from cmc_dossier.model.vocabulary import CATEGORY_ORDER, CONTEXTS

RULES_FILE = "impact-rules.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ContextRule(_Strict):
    category: str
    basis: str = Field(min_length=1)


class Rule(_Strict):
    description: str
    supportive: Flag = False
    comparability: Literal["none", "quality", "bridging"]
    contexts: dict[str, ContextRule]

    @model_validator(mode="after")
    def _categories_fit_contexts(self) -> Rule:
        for context, rule in self.contexts.items():
            if context not in CONTEXTS:
                raise ValueError(f"unknown context '{context}'; contexts: {', '.join(CONTEXTS)}")
            if rule.category not in CATEGORY_ORDER[context]:
                allowed = ", ".join(CATEGORY_ORDER[context])
                raise ValueError(f"'{rule.category}' is not a {context} category ({allowed})")
        return self


class RulesFile(_Strict):
    schema_version: str
    rules: dict[str, Rule]


class RulesError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


def _read(name: Path, text: str) -> RulesFile:
    documents, problems = load_source(SourceFile(name, text))
    if problems:
        raise RulesError(problems)
    try:
        return RulesFile.model_validate(documents[0].data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        path = tuple(first["loc"])
        raise RulesError(
            [diagnostic("DOS104", f"impact rules: {first['msg']}", documents[0].locate(path))]
        ) from None


def load_rules(override: Path | None = None) -> dict[str, Rule]:
    """The shipped rules, with a dossier's rows merged over them context by context."""
    shipped = files("cmc_dossier") / "data" / RULES_FILE
    rules = dict(_read(Path(RULES_FILE), shipped.read_text(encoding="utf-8")).rules)
    if override is not None and override.is_file():
        extra = _read(override, override.read_text(encoding="utf-8")).rules
        for name, rule in extra.items():
            if name in rules:
                merged = {**rules[name].contexts, **rule.contexts}
                rules[name] = rule.model_copy(update={"contexts": merged})
            else:
                rules[name] = rule
    missing = [
        f"{name}: {context}" for name, rule in rules.items() for context in CONTEXTS
        if context not in rule.contexts
    ]  # fmt: skip
    if missing:
        raise RulesError(
            [
                diagnostic(
                    "DOS104",
                    f"impact rules lack contexts: {', '.join(missing)}",
                    Location(override or Path(RULES_FILE)),
                )
            ]
        )
    return rules


def lowest_reportable(context: str) -> str:
    return next(category for category in CATEGORY_ORDER[context] if category != "none")


def highest(context: str, categories: list[str]) -> str:
    order = CATEGORY_ORDER[context]
    return max(categories, key=order.index) if categories else order[0]
