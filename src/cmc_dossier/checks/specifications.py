"""Drug substance and drug product specifications read together."""

from __future__ import annotations

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.comparison import criterion_direction
from cmc_dossier.model.control import Specification, SpecificationTest
from cmc_dossier.model.dossier import Dossier

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
