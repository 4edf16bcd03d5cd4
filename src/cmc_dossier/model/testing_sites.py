"""Which sites perform a specification test for that specification's material.

3.2.S.2.1 and 3.2.P.3.1 list each site with what it does for that material (ICH M4Q), so a
laboratory must not appear for a material it does not test. The test's `tested_at` wins, then
the specification's; the method's sites stand in only when they cannot be another
material's: the method is performed at one site, or no other material's specification uses it.
An in-process control belongs to one process step, so its method's site is its laboratory
when the method is performed at exactly one site.
"""

from __future__ import annotations

from cmc_dossier.model.control import AnalyticalMethod, Specification, SpecificationTest
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import InProcessControl


def method_materials(dossier: Dossier, method_id: str) -> set[str]:
    """The subjects (substance, product, material) whose specifications use a method."""
    return {
        specification.subject
        for specification in dossier.of_kind(Specification)
        if any(test.method == method_id for test in specification.tests)
    }


def testing_sites(
    dossier: Dossier, specification: Specification, test: SpecificationTest
) -> list[str] | None:
    """The sites testing this material for `test`; None when that cannot be decided."""
    declared = test.tested_at or specification.tested_at
    if declared:
        return declared
    method = dossier.get(test.method, AnalyticalMethod)
    if method is None:
        return []
    if len(method.performed_at) == 1:
        return method.performed_at
    if method_materials(dossier, method.id) <= {specification.subject}:
        return method.performed_at
    return None


def control_site(dossier: Dossier, control: InProcessControl) -> str | None:
    """The one site performing an in-process control's method; None when not one."""
    method = dossier.get(control.method, AnalyticalMethod)
    if method is None or len(method.performed_at) != 1:
        return None
    return method.performed_at[0]
