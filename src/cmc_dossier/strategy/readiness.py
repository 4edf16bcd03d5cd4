"""Phase readiness: each rule of the table evaluated on the facts at one milestone.

An assessment says, for one rule and one fact, whether the package meets what the
milestone expects, and where (CTD sections, file position). Unmet assessments at the
dossier's own phase become warnings in `dossier validate`; `dossier readiness --phase`
evaluates any other milestone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from cmc_dossier.model.control import AnalyticalMethod, Batch, ReferenceStandard, Specification
from cmc_dossier.model.criteria import parse_criterion
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import ManufacturingProcess
from cmc_dossier.model.product import CQA, DrugProduct
from cmc_dossier.model.sections import FactSections
from cmc_dossier.model.stability import StabilityStudy
from cmc_dossier.model.strategy import PlannedActivity
from cmc_dossier.model.unknowns import Unknown, known, shown
from cmc_dossier.model.walk import Path as FieldPath
from cmc_dossier.strategy.rules import (
    MILESTONE_PHASE,
    MILESTONES,
    PHASE_MILESTONE,
    ReadinessRule,
    readiness_rules,
)

CODES = {
    "method-status": "DOS700",
    "specification-limit": "DOS701",
    "stability-study": "DOS702",
    "stability-coverage": "DOS703",
    "process-validation": "DOS704",
    "comparability": "DOS705",
    "reference-standard": "DOS706",
}
STATUS_RANK = {"in-development": 0, "qualified": 1, "validated": 2, "verified": 2}
_RELEASED_SUBJECTS = {"drug-substance", "drug-product", "intermediate", "starting-material"}
_MINUTES = {"min": 1, "h": 60, "d": 1440, "w": 10080, "m": 43830, "y": 525960}
_TIME_POINT = re.compile(
    r"^\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>min(?:utes?)?|h(?:ours?)?|d(?:ays?)?|w(?:eeks?)?|"
    r"m(?:onths?)?|y(?:ears?)?)?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Assessment:
    rule: ReadinessRule
    milestone: str
    subject: str
    path: FieldPath
    met: bool | None  # None: the facts do not allow a judgement
    detail: str
    sections: tuple[str, ...]

    @property
    def code(self) -> str:
        return CODES[self.rule.aspect]


def milestone_of(dossier: Dossier) -> str:
    assert dossier.manifest is not None
    return PHASE_MILESTONE[dossier.manifest.phase]


def next_milestone(milestone: str) -> str | None:
    """The next milestone where expectations change level: 1 → 2 → 3 → marketing."""
    later = MILESTONES[MILESTONES.index(milestone) + 1 :]
    return next((m for m in later if "/" not in m), None)


class _Context:
    def __init__(self, dossier: Dossier, milestone: str) -> None:
        self.dossier, self.milestone = dossier, milestone
        self.view = FactSections(dossier)
        assert dossier.manifest is not None
        self.modality = dossier.manifest.modality

    def rule_for(self, aspect: str, cqa: CQA | None) -> ReadinessRule | None:
        attribute = cqa.attribute_type if cqa else None
        category = cqa.category if cqa else None
        return next(
            (
                rule
                for rule in readiness_rules().of(aspect)
                if rule.covers(self.modality, attribute, category)
            ),
            None,
        )

    def rules(self, aspect: str) -> Iterator[ReadinessRule]:
        return (
            rule for rule in readiness_rules().of(aspect) if rule.covers(self.modality, None, None)
        )

    def sections(self, rule: ReadinessRule, entry_id: str) -> tuple[str, ...]:
        home = self.view.home(self.dossier.index[entry_id]) or ""
        part = home[:5]  # "3.2.S" or "3.2.P"
        mine = tuple(code for code in rule.sections if code.startswith(part))
        return mine or tuple(rule.sections)

    def assess(
        self, rule: ReadinessRule, subject: str, path: FieldPath, met: bool | None, detail: str
    ) -> Assessment:
        return Assessment(
            rule, self.milestone, subject, path, met, detail, self.sections(rule, subject)
        )

    def released_tests(self) -> Iterator[tuple[Specification, object, CQA]]:
        for specification in self.view.all(Specification):
            if specification.applies_to not in _RELEASED_SUBJECTS:
                continue
            for test in specification.tests:
                if test.usage != "stability":
                    yield specification, test, self.view.get(test.attribute)

    def activities(self, kind: str, subjects: set[str]) -> list[PlannedActivity]:
        return [
            activity
            for activity in self.view.all(PlannedActivity)
            if activity.type == kind and subjects & set(activity.subjects)
        ]


def _method_status(context: _Context) -> Iterator[Assessment]:
    demanded: dict[str, tuple[int, ReadinessRule, str]] = {}
    for _, test, cqa in context.released_tests():
        rule = context.rule_for("method-status", cqa)
        if rule is None:
            continue
        rank = STATUS_RANK[rule.expected(context.milestone)]
        if test.method not in demanded or rank > demanded[test.method][0]:
            demanded[test.method] = (rank, rule, test.test)
    for method_id, (rank, rule, test_name) in demanded.items():
        method: AnalyticalMethod = context.view.get(method_id)
        expected = rule.expected(context.milestone)
        status = known(method.status)
        planned = method.planned_status(MILESTONE_PHASE[context.milestone])
        plan = f"; lifecycle plans {planned} by then" if planned and planned != status else ""
        if status is None:
            detail = f"{method.title}: status {shown(method.status).lower()}"
            yield context.assess(rule, method_id, ("status",), None, detail + plan)
            continue
        detail = (
            f"{method.title} is {status} (as of Phase {method.status_as_of_phase}); "
            f"used for '{test_name}', where this milestone expects {expected}{plan}"
        )
        met = STATUS_RANK[status] >= rank
        yield context.assess(rule, method_id, ("status",), met, detail)


def _is_report_only(criterion: str) -> bool:
    parsed = parse_criterion(criterion)
    return parsed is not None and parsed.qualitative == "report"


def _specification_limit(context: _Context) -> Iterator[Assessment]:
    for specification, test, cqa in context.released_tests():
        rule = context.rule_for("specification-limit", cqa)
        if rule is None:
            continue
        expected = rule.expected(context.milestone)
        report_only = _is_report_only(test.acceptance_criterion)
        met = expected != "limit" or not report_only
        detail = f"'{test.test}' of {specification.id} reads '{test.acceptance_criterion}'" + (
            "; a limit is expected at this milestone" if not met else ""
        )
        yield context.assess(rule, test.id, ("acceptance_criterion",), met, detail)


def _stability_study(context: _Context) -> Iterator[Assessment]:
    studies = context.view.all(StabilityStudy)
    for rule in context.rules("stability-study"):
        if rule.expected(context.milestone) != "required":
            continue
        for product in context.view.all(DrugProduct):
            found = [s for s in studies if s.subject == product.id and s.study_type == "long-term"]
            detail = (
                f"{product.name}: long-term stability study {', '.join(s.id for s in found)}"
                if found
                else f"{product.name}: no long-term stability study"
            )
            yield context.assess(rule, product.id, ("id",), bool(found), detail)


def minutes(text: str, unit: str | None = None) -> Decimal | None:
    """A time point or period in minutes ('3 M', '0', '90 min', '6 months'); None if unreadable."""
    match = _TIME_POINT.match(text)
    if match is None:
        return None
    written = (match.group("unit") or unit or "m").lower()
    key = "min" if written.startswith("min") else written[0]
    return Decimal(match.group("n")) * _MINUTES[key]


def _stability_coverage(context: _Context) -> Iterator[Assessment]:
    for rule in context.rules("stability-coverage"):
        factor = Decimal(rule.expected(context.milestone))
        for study in context.view.all(StabilityStudy):
            shelf = study.proposed_shelf_life
            if shelf is None:
                continue
            claimed = minutes(f"{shelf.period.value} {shelf.period.unit}")
            covered = [minutes(r.time_point) for r in study.results]
            readable = [c for c in covered if c is not None]
            if claimed is None or (covered and not readable):
                yield context.assess(
                    rule, study.id, ("proposed_shelf_life",), None,
                    f"{study.title}: time points cannot be read as durations",
                )  # fmt: skip
                continue
            longest = max(readable, default=Decimal(0))
            longest_text = next(
                (r.time_point for r in study.results if minutes(r.time_point) == longest), "none"
            )
            met = claimed <= longest * factor
            detail = (
                f"{study.title}: proposed shelf life {shelf.period} against data to "
                f"{longest_text}" + ("" if factor == 1 else f" (up to {factor}× allowed)")
            )
            yield context.assess(rule, study.id, ("proposed_shelf_life",), met, detail)
        return  # the first rule covering the modality decides


def _process_validation(context: _Context) -> Iterator[Assessment]:
    """PPQ is shown by the process's validation stage (FDA 2011 lifecycle): stage 2
    completed, or stage 3 (continued process verification) reached."""
    for rule in context.rules("process-validation"):
        if rule.expected(context.milestone) != "ppq":
            continue
        for process in context.view.all(ManufacturingProcess):
            if process.stage not in {"drug-substance", "drug-product"}:
                continue
            validation = process.validation
            if isinstance(validation, Unknown):
                detail = f"{process.title}: process validation {shown(validation).lower()}"
                yield context.assess(rule, process.id, ("validation",), None, detail)
                continue
            met = validation is not None and validation.ppq_done
            detail = f"{process.title}: " + (
                f"validation stage {validation.stage.replace('-', ' ')}, {validation.status}"
                if validation is not None
                else "no process validation stage recorded"
            )
            yield context.assess(rule, process.id, ("validation",), met, detail)


def _comparability(context: _Context) -> Iterator[Assessment]:
    batches = context.view.all(Batch)
    for rule in context.rules("comparability"):
        if rule.expected(context.milestone) != "required":
            continue
        for product in sorted({b.product for b in batches}):
            tox = [b for b in batches if b.product == product and "toxicology" in b.use]
            clinical = [b for b in batches if b.product == product and "clinical" in b.use]
            if not clinical:
                continue
            if not tox:
                yield context.assess(
                    rule, clinical[0].id, ("use",), None,
                    f"{product}: no toxicology batch recorded; comparability cannot be assessed",
                )  # fmt: skip
                continue
            made_as = {(b.process_version, b.site) for b in tox}
            differing = [b for b in clinical if (b.process_version, b.site) not in made_as]
            shown = [a for a in context.activities(
                "comparability-study", {product, *(b.id for b in differing)})
                if a.status == "completed"]  # fmt: skip
            subject = differing[0] if differing else clinical[0]
            met = not differing or bool(shown)
            detail = (
                f"{product}: clinical batch {subject.batch_number} made as the toxicology batches"
                if not differing
                else f"{product}: clinical batch {subject.batch_number} differs from the "
                f"toxicology batches (process version or site)"
                + (f"; comparability shown by {shown[0].id}" if shown else "")
            )
            yield context.assess(rule, subject.id, ("process_version",), met, detail)


def _reference_standard(context: _Context) -> Iterator[Assessment]:
    standards = context.view.all(ReferenceStandard)
    for rule in context.rules("reference-standard"):
        expected = rule.expected(context.milestone)
        if expected == "not-expected":
            continue
        methods = {
            test.method
            for _, test, cqa in context.released_tests()
            if cqa.category == "potency" or cqa.attribute_type in {"potency", "assay"}
        }
        for method_id in sorted(methods):
            method = context.view.get(method_id)
            if method.type != "in-house":
                continue  # compendial methods use the pharmacopoeia's own standards
            own = [s for s in standards if method_id in s.methods]
            if expected == "primary":
                fit = [s for s in own if s.type in {"primary", "international-standard"}]
            else:
                fit = own
            met = bool(fit)
            detail = (
                f"{method.title}: "
                + (", ".join(f"{s.id} ({s.type})" for s in own) if own else "no reference standard")
                + ("" if met else f"; this milestone expects {expected.replace('-', ' ')}")
            )
            yield context.assess(rule, method_id, ("id",), met, detail)


_ASPECTS: tuple[Callable[[_Context], Iterator[Assessment]], ...] = (
    _method_status,
    _specification_limit,
    _stability_study,
    _stability_coverage,
    _process_validation,
    _comparability,
    _reference_standard,
)


def assess(dossier: Dossier, milestone: str | None = None) -> list[Assessment]:
    """Every readiness assessment at a milestone (the dossier's own by default)."""
    context = _Context(dossier, milestone or milestone_of(dossier))
    return [found for aspect in _ASPECTS for found in aspect(context)]
