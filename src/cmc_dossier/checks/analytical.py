"""Analytical strategy: what each method may be used for, and how mature it must be."""

from __future__ import annotations

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.control import AnalyticalMethod, Specification
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import InProcessControl
from cmc_dossier.model.product import CQA
from cmc_dossier.model.unknowns import Unknown
from cmc_dossier.model.vocabulary import SAFETY_ATTRIBUTES


def _fit_for_safety(method: AnalyticalMethod) -> bool:
    """Validated, or a compendial method verified for this product."""
    return method.status == "validated" or (
        method.status == "verified" and method.type == "compendial"
    )


def check_safety_methods(dossier: Dossier) -> list[Diagnostic]:
    """Sterility, mycoplasma, endotoxin and adventitious-agent tests: validated from FIH.

    Basis: 21 CFR 610.12 (sterility) and 610.30 (mycoplasma) for biologics; the EU guideline
    on quality of investigational ATMPs (EMA/CAT/22473/2025) expects safety tests validated
    already for first-in-human trials. An unknown status is DOS310's concern.
    """
    found = []
    reported: set[str] = set()
    for specification in dossier.of_kind(Specification):
        for test in specification.tests:
            cqa = dossier.get(test.attribute, CQA)
            method = dossier.get(test.method, AnalyticalMethod)
            if cqa is None or method is None or cqa.attribute_type not in SAFETY_ATTRIBUTES:
                continue
            if isinstance(method.status, Unknown) or _fit_for_safety(method):
                continue
            if method.id in reported:
                continue
            reported.add(method.id)
            found.append(
                diagnostic(
                    "DOS332",
                    f"method '{method.id}' tests {cqa.attribute_type} ('{test.id}') but is "
                    f"{method.status} ({method.type})",
                    dossier.locate(method.id, ("status",)),
                    hint="a safety test must be validated, or compendial and verified, "
                    "from first-in-human (21 CFR 610.12/610.30; EMA/CAT/22473/2025)",
                )
            )
    return found


def check_characterisation_only_methods(dossier: Dossier) -> list[Diagnostic]:
    """A method declared for characterisation only has no place in a routine control."""
    found = []
    for specification in dossier.of_kind(Specification):
        for index, test in enumerate(specification.tests):
            found.extend(_misused(dossier, test.method, specification.id, ("tests", index)))
    for control in dossier.of_kind(InProcessControl):
        found.extend(_misused(dossier, control.method, control.id, ()))
    return found


def _misused(
    dossier: Dossier, method_id: str, fact_id: str, path: tuple[str | int, ...]
) -> list[Diagnostic]:
    method = dossier.get(method_id, AnalyticalMethod)
    if method is None or not method.characterisation_only:
        return []
    return [
        diagnostic(
            "DOS333",
            f"method '{method.id}' is declared for {', '.join(method.uses)} only, "
            "but a routine control uses it",
            dossier.locate(fact_id, (*path, "method")),
            hint="add `release` or `in-process` to the method's `uses` (and qualify it for "
            "that use), or use a control method here",
        )
    ]
