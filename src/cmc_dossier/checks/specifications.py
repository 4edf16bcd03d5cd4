"""Drug substance and drug product specifications read together."""

from __future__ import annotations

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.comparison import criterion_direction
from cmc_dossier.model.control import AnalyticalMethod, Specification, SpecificationTest
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.testing_sites import method_materials, testing_sites

DS, DP = "drug-substance", "drug-product"


def check_included_tests(dossier: Dossier) -> list[Diagnostic]:
    """Only a drug product specification includes tests, and only drug substance tests."""
    found = []
    for specification in dossier.of_kind(Specification):
        for index, test_id in enumerate(specification.includes):
            entry = dossier.index.get(test_id)
            if entry is None or not isinstance(entry.value, SpecificationTest):
                continue  # an unknown or wrong-kind reference is reported as such
            owner = entry.fact
            if specification.applies_to == DP and getattr(owner, "applies_to", None) == DS:
                continue
            found.append(
                diagnostic(
                    "DOS210",
                    f"specification '{specification.id}' ({specification.applies_to}) includes "
                    f"test '{test_id}' of '{owner.id}' ({getattr(owner, 'applies_to', '?')})",
                    dossier.locate(specification.id, ("includes", index)),
                    hint="a drug product specification may include drug substance tests by "
                    "reference; anything else is a test of its own specification",
                )
            )
    return found


def check_substance_limits(dossier: Dossier) -> list[Diagnostic]:
    """A drug substance limit looser than the product's for the same attribute, unexplained.

    Material that passes the substance limit could then fail the product limit; a team
    says why the difference is acceptable (e.g. a concentration difference) in the
    substance test's `justification`.
    """
    specifications = list(dossier.of_kind(Specification))
    substance_tests = [
        (specification, test)
        for specification in specifications
        if specification.applies_to == DS
        for test in specification.tests
    ]
    found = []
    for product in (s for s in specifications if s.applies_to == DP):
        for product_test in product.tests:
            for substance, test in substance_tests:
                if test.attribute != product_test.attribute or test.id in product.includes:
                    continue
                looser = test.parsed_criterion != product_test.parsed_criterion and (
                    criterion_direction(product_test.parsed_criterion, test.parsed_criterion)
                    == "widened"
                )
                if looser and test.justification is None:
                    index = substance.tests.index(test)
                    found.append(
                        diagnostic(
                            "DOS313",
                            f"drug substance test '{test.id}' ({test.acceptance_criterion}) is "
                            f"looser than drug product test '{product_test.id}' "
                            f"({product_test.acceptance_criterion}) for the same attribute",
                            dossier.locate(substance.id, ("tests", index, "acceptance_criterion")),
                            hint="tighten the drug substance limit, or say why it is acceptable "
                            "in the test's `justification` (ICH Q6A/Q6B: specifications are "
                            "justified as a whole)",
                        )
                    )
    return found


def check_testing_sites(dossier: Dossier) -> list[Diagnostic]:
    """A shared method performed at several sites leaves a material's testing site unsaid.

    3.2.S.2.1 and 3.2.P.3.1 name the sites doing each activity for that material (ICH M4Q);
    the documents then list no laboratory for the test rather than a wrong one.
    """
    found = []
    for specification in dossier.of_kind(Specification):
        reported: set[str] = set()
        for index, test in enumerate(specification.tests):
            if test.method in reported or testing_sites(dossier, specification, test) is not None:
                continue
            reported.add(test.method)
            method = dossier.get(test.method, AnalyticalMethod)
            assert method is not None  # testing_sites decides only for a known method
            others = sorted(method_materials(dossier, method.id) - {specification.subject})
            found.append(
                diagnostic(
                    "DOS360",
                    f"test '{test.id}' of '{specification.id}' uses method '{method.id}', "
                    f"performed at {', '.join(method.performed_at)} and also used for "
                    f"{', '.join(others)}; which site tests {specification.subject} is not stated",
                    dossier.locate(specification.id, ("tests", index, "method")),
                    hint="add `tested_at: [SITE-…]` to the test or to the specification",
                )
            )
    return found
