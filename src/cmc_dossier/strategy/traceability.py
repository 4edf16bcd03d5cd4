"""Traceability gaps: QTPP → CQA → parameter and control → method, with its ends checked.

ICH Q8(R2) builds the control strategy down from the QTPP: each quality target yields
attributes, each critical attribute is controlled, each critical parameter is tied to the
attributes it affects. A link missing anywhere is a gap a reviewer will ask about.
"""

from __future__ import annotations

from collections import defaultdict

from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.control import AnalyticalMethod, Specification
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import InProcessControl, Material, ProcessParameter
from cmc_dossier.model.product import CQA, QTPPElement
from cmc_dossier.strategy.finding import Finding

# QTPP rows that set the context of use rather than a quality target; no CQA is expected to
# derive from them (ICH Q8(R2) 2.1 lists intended use, route and pharmacokinetics among the
# QTPP considerations; quality attributes derive from the quality-bearing rows) [U].
CONTEXT_ASPECTS = frozenset(
    {"indication", "route-of-administration", "pharmacokinetics", "manufacturing-process",
     "analytical-methods"}
)  # fmt: skip


def controls_by_cqa(dossier: Dossier) -> dict[str, list[str]]:
    """IDs of the specification tests and in-process controls of each attribute."""
    controls: dict[str, list[str]] = defaultdict(list)
    for specification in dossier.of_kind(Specification):
        for test in specification.tests:
            controls[test.attribute].append(test.id)
    for control in dossier.of_kind(InProcessControl):
        if control.attribute:
            controls[control.attribute].append(control.id)
    return controls


def check_traceability(dossier: Dossier) -> list[Finding]:
    found: list[Finding] = []
    cqas = list(dossier.of_kind(CQA))
    reached = {qtpp for cqa in cqas for qtpp in cqa.derived_from}
    for element in dossier.of_kind(QTPPElement):
        if element.aspect not in CONTEXT_ASPECTS and element.id not in reached:
            found.append(
                Finding(
                    element.id,
                    diagnostic(
                        "DOS720",
                        f"QTPP element '{element.id}' ({element.title}) reaches no quality "
                        "attribute",
                        dossier.locate(element.id, ("id",)),
                        hint="name it in `derived_from` of the CQAs that realise it (for a "
                        "storage target, the attributes that change on storage), or record a "
                        "Waiver of DOS720 on it saying why it sets context only",
                    ),
                )
            )
    controls = controls_by_cqa(dossier)
    for cqa in cqas:
        if cqa.criticality != "non-critical" and not controls.get(cqa.id):
            found.append(
                Finding(
                    cqa.id,
                    diagnostic(
                        "DOS721",
                        f"{cqa.criticality} attribute '{cqa.id}' ({cqa.title}) is controlled by no "
                        f"release, in-process or stability test",
                        dossier.locate(cqa.id, ("criticality",)),
                        hint="add the test that controls it, or record why it needs none "
                        "(e.g. controlled by the process or by a material specification) in a "
                        "Waiver of DOS721 on this CQA",
                    ),
                )
            )
    watched_steps = {c.unit_operation for c in dossier.of_kind(InProcessControl)}
    for parameter in dossier.of_kind(ProcessParameter):
        if parameter.criticality != "critical" or not parameter.affects:
            continue  # a critical parameter with no CQA is DOS304
        open_ends = [cqa for cqa in parameter.affects if not controls.get(cqa)]
        if open_ends and parameter.unit_operation not in watched_steps:
            found.append(
                Finding(
                    parameter.id,
                    diagnostic(
                        "DOS722",
                        f"critical parameter '{parameter.id}' affects {', '.join(open_ends)}, "
                        f"which no test controls, and its step has no in-process control",
                        dossier.locate(parameter.id, ("affects",)),
                        hint="control the affected attribute (release or in-process test) or the "
                        "step (in-process control), so a drift in the parameter is caught",
                    ),
                )
            )
    found += _dead_ends(dossier)
    return found


def _dead_ends(dossier: Dossier) -> list[Finding]:
    """Methods and materials nothing refers to: described in the dossier, used by nothing."""
    used = {ref.target for found in dossier.contents.values() for ref in found.references}
    found = []
    for kind, what in ((AnalyticalMethod, "analytical method"), (Material, "material")):
        for fact in dossier.of_kind(kind):
            if fact.id not in used:
                found.append(
                    Finding(
                        fact.id,
                        diagnostic(
                            "DOS723",
                            f"{what} '{fact.id}' is used by no other fact (a dead end)",
                            dossier.locate(fact.id, ("id",)),
                            hint="link it where it is used (a test, control, unit operation or "
                            "composition) or remove it from the dossier",
                        ),
                    )
                )
    return found
