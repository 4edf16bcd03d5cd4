"""A comparability protocol draft for a change set: per change, the CQAs it may affect (read
from the facts' links), the evidence expected for them, the risk-assessment questions and
the studies with their acceptance approach.

The level of each change (none, quality, bridging, justification, justification-and-bridging)
comes from the impact rules; this module only reads the facts it needs to name the CQAs and
the tests, controls, characterisation methods and stability studies that cover them.
Sources: ICH Q5E (comparability: quality attributes compared before and after the change by
release testing, characterisation, in-process controls and stability; non-clinical or
clinical studies where quality data are not enough), ICH Q6A/Q6B (a specification is
justified with batch, stability and clinical data), ICH Q12 chapter 4 (a protocol states the
studies and acceptance criteria before the change is made).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cmc_dossier.changes.impact import AssessedChange, ImpactReport
from cmc_dossier.changes.report import category_text, change_text
from cmc_dossier.model.cell_substrates import CellBank
from cmc_dossier.model.characterisation import Characterisation
from cmc_dossier.model.control import AnalyticalMethod, Specification, SpecificationTest
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import (
    InProcessControl,
    ManufacturingProcess,
    Material,
    ProcessParameter,
    UnitOperation,
)
from cmc_dossier.model.product import CQA, Manifest
from cmc_dossier.model.stability import StabilityStudy
from cmc_dossier.render.text import escape

# What each level asks, as questions for the risk assessment and as studies with their
# acceptance approach.
_QUALITY_QUESTIONS = (
    "Which quality attributes can the change affect, and through which mechanism?",
    "Do post-change batches meet the specification and fall within the range of the "
    "pre-change batches for each attribute listed?",
    "Is the process still under control: do the in-process controls behave as before?",
    "Is the degradation profile unchanged (stability under the stated conditions)?",
)
_QUALITY_STUDIES = (
    ("Release testing of post-change batches against the specification",
     "Every result within the acceptance criterion; compared with the pre-change batches."),
    ("Extended characterisation, side by side with pre-change batches",
     "Comparable profiles, with criteria fixed before the study from pre-change batch data "
     "(ICH Q5E)."),
    ("In-process controls on post-change batches",
     "Within their acceptance criteria and the pre-change trend."),
    ("Stability of post-change batches under the stated conditions",
     "Same degradation rate and pathways as pre-change batches (ICH Q5E; real-time and, "
     "where informative, accelerated or stress conditions)."),
)  # fmt: skip
_BRIDGING_QUESTIONS = (
    "Can the quality data alone show that the change has no adverse impact on safety or "
    "efficacy? If not, which non-clinical or clinical data bridge it (ICH Q5E)?",
)
_BRIDGING_STUDIES = (
    ("Assessment of the need for non-clinical or clinical bridging",
     "A documented conclusion: quality data sufficient, or the bridging studies named with "
     "their design."),
)  # fmt: skip
_JUSTIFICATION_QUESTIONS = (
    "Are all batches made so far, including those used in clinical studies, within the new "
    "limit, and what were their results?",
    "Does the new limit still assure safety and efficacy at the clinical experience so far?",
)
_JUSTIFICATION_STUDIES = (
    ("Justification of the specification with batch data (clinical, development and "
     "stability batches) and the clinical experience (ICH Q6A/Q6B)",
     "The new limit is supported by the batches' results and the clinical exposure; not a "
     "comparability exercise under ICH Q5E."),
)  # fmt: skip
PLAN: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "quality": (_QUALITY_QUESTIONS, _QUALITY_STUDIES),
    "bridging": (
        _QUALITY_QUESTIONS + _BRIDGING_QUESTIONS,
        _QUALITY_STUDIES + _BRIDGING_STUDIES,
    ),
    "justification": (_JUSTIFICATION_QUESTIONS, _JUSTIFICATION_STUDIES),
    "justification-and-bridging": (
        _JUSTIFICATION_QUESTIONS + _BRIDGING_QUESTIONS,
        _JUSTIFICATION_STUDIES + _BRIDGING_STUDIES,
    ),
}


@dataclass
class CqaEvidence:
    cqa: CQA
    release_tests: list[str] = field(default_factory=list)
    in_process_controls: list[str] = field(default_factory=list)
    stability: list[str] = field(default_factory=list)


@dataclass
class PlannedChange:
    change: AssessedChange
    link: str  # how the CQAs were found
    evidence: list[CqaEvidence]
    characterisation: list[str]


def _parameters_of(dossier: Dossier, operations: set[str]) -> set[str]:
    return {
        cqa
        for parameter in dossier.of_kind(ProcessParameter)
        if parameter.unit_operation in operations
        for cqa in parameter.affects
    }


def _linked_cqas(item: AssessedChange, dossier: Dossier) -> tuple[set[str], str] | None:
    """The CQAs the changed fact is linked to, and how; None where the facts state no link."""
    fact = dossier.index[item.fact_id].value if item.fact_id in dossier.index else None
    if isinstance(fact, ProcessParameter):
        return set(fact.affects), "parameter → CQA (`affects`)"
    if isinstance(fact, Material | CellBank) and fact.affects:
        return set(fact.affects), "material → CQA (`affects`)"
    if isinstance(fact, UnitOperation):
        return _parameters_of(dossier, {fact.id}), "its parameters → CQA (`affects`)"
    if isinstance(fact, ManufacturingProcess):
        found = _parameters_of(dossier, set(fact.unit_operations))
        return found, "its parameters → CQA (`affects`)"
    if isinstance(fact, InProcessControl) and fact.attribute:
        return {fact.attribute}, "in-process control → CQA (`attribute`)"
    if isinstance(fact, SpecificationTest):
        return {fact.attribute}, "specification test → CQA (`attribute`)"
    if isinstance(fact, AnalyticalMethod):
        tests = {
            test.attribute for spec in dossier.of_kind(Specification) for test in spec.tests
            if test.method == fact.id
        }  # fmt: skip
        return tests, "tests using the method → CQA (`attribute`)"
    if isinstance(fact, StabilityStudy):
        spec = dossier.get(fact.specification, Specification)
        return ({t.attribute for t in spec.tests} if spec else set()), "study specification"
    return None


def _evidence(dossier: Dossier, cqa: CQA) -> CqaEvidence:
    found = CqaEvidence(cqa)
    stability_specs = {study.specification: study for study in dossier.of_kind(StabilityStudy)}
    for spec in dossier.of_kind(Specification):
        for test in spec.tests:
            if test.attribute != cqa.id:
                continue
            if test.usage != "stability":
                found.release_tests.append(
                    f"{test.test} ({test.id}, {spec.id} version {spec.version}): "
                    f"{test.acceptance_criterion}"
                )
            study = stability_specs.get(spec.id)
            if study is not None and test.usage != "release":
                found.stability.append(f"{test.test} in {study.title} ({study.id})")
    for control in dossier.of_kind(InProcessControl):
        if control.attribute == cqa.id:
            found.in_process_controls.append(
                f"{control.title} ({control.id}, {control.unit_operation}): "
                f"{control.acceptance_criterion}"
            )
    return found


def _characterisation(dossier: Dossier, cqas: list[CQA]) -> list[str]:
    """Characterisation of the subjects the CQAs belong to (every subject if none is named)."""
    subjects = {cqa.subject for cqa in cqas if cqa.subject}
    return sorted(
        f"{item.characteristic}: {method.title if method else item.method}"
        for item in dossier.of_kind(Characterisation)
        if not subjects or item.subject in subjects
        for method in [dossier.get(item.method, AnalyticalMethod)]
    )


def plan(report: ImpactReport, head: Dossier, base: Dossier) -> list[PlannedChange]:
    """Each change that needs comparability evidence, with the CQAs and evidence for it."""
    planned = []
    for item in report.changes:
        if item.comparability_level == "none":
            continue
        dossier = base if item.change == "removed" else head
        linked = _linked_cqas(item, dossier)
        if linked is None or not linked[0]:
            ids = {cqa.id for cqa in dossier.of_kind(CQA)}
            link = "no link stated in the facts for this change: every CQA is considered"
        else:
            ids, link = linked
        cqas = sorted(
            (c for c in (dossier.get(i, CQA) for i in ids) if c is not None), key=lambda c: c.id
        )
        evidence = [_evidence(dossier, cqa) for cqa in cqas]
        planned.append(PlannedChange(item, link, evidence, _characterisation(dossier, cqas)))
    return planned


def _bullets(items: list[str], empty: str) -> list[str]:
    return [f"  - {escape(i)}" for i in items] or [f"  - *{empty}*"]


def as_markdown(report: ImpactReport, planned: list[PlannedChange], manifest: Manifest) -> str:
    """The draft protocol: one section per change, CQAs with their evidence in each."""
    lines = [
        f"# Comparability protocol (draft): {escape(manifest.product.name)}",
        "",
        f"Changes from {escape(report.base)} to {escape(report.head)}; documents version "
        f"{escape(manifest.document_version)}. Impact rules: {escape('; '.join(report.rules))}.",
        "",
        "A draft derived from the facts: the CQAs come from the links the dossier states "
        "(parameter and material → CQA), the evidence from the tests, in-process controls, "
        "characterisation and stability studies covering them. Acceptance criteria are fixed "
        "before post-change batches are tested (ICH Q5E).",
        "",
    ]
    if not planned:
        lines.append("No change in this set calls for comparability evidence.")
    for number, item in enumerate(planned, 1):
        change = item.change
        questions, studies = PLAN[change.comparability_level]
        categories = "; ".join(
            f"{context}: {category_text(impact.category)}"
            for context, impact in change.impacts.items()
        )
        lines += [
            f"## {number}. {escape(change.label)}",
            "",
            f"- Change: {escape(change_text(change))} ({escape(change.change_type)})",
            f"- Categories: {escape(categories)}",
            f"- Evidence expected: {escape(change.comparability)}",
            f"- CQAs from: {escape(item.link)}",
            "",
            "### Risk assessment questions",
            "",
            *[f"{n}. {escape(q)}" for n, q in enumerate(questions, 1)],
            "",
            "### Studies and acceptance approach",
            "",
            *[f"- **{escape(study)}**: {escape(acceptance)}" for study, acceptance in studies],
            "",
            "### CQAs that may be affected",
            "",
        ]
        for evidence in item.evidence:
            cqa = evidence.cqa
            lines += [
                f"- **{escape(cqa.title)}** ({escape(cqa.id)}, {escape(cqa.criticality)})",
                "  - Release tests:",
                *[f"  {b}" for b in _bullets(evidence.release_tests, "none stated")],
                "  - In-process controls:",
                *[f"  {b}" for b in _bullets(evidence.in_process_controls, "none stated")],
                "  - Stability:",
                *[f"  {b}" for b in _bullets(evidence.stability, "none stated")],
            ]
        if change.comparability_level in ("quality", "bridging"):
            lines += ["", "Extended characterisation methods:", ""]
            lines += [b[2:] for b in _bullets(item.characterisation, "none stated")]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
