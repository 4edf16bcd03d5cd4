"""Checks over the whole validated dossier; each returns diagnostics and changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from cmc_dossier.checks import (
    analytical,
    criteria,
    modality,
    modality_controls,
    process,
    references,
    regional,
    results,
    specifications,
    substrates,
    unknowns,
)
from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.model.dossier import Dossier

Check = Callable[[Dossier], list[Diagnostic]]

CHECKS: tuple[Check, ...] = (
    references.check_references,
    references.check_prose,
    regional.check_regional_terms,
    regional.check_regional_coverage,
    process.check_process_membership,
    process.check_ranges,
    process.check_critical_parameters,
    results.check_batch_results,
    results.check_stability_results,
    results.check_results_meet_criteria,
    results.check_batch_genealogy,
    results.check_batch_numbers,
    criteria.check_criteria,
    substrates.check_derivation,
    substrates.check_viral_clearance_evaluated,
    substrates.check_clearance_steps,
    analytical.check_safety_methods,
    analytical.check_characterisation_only_methods,
    analytical.check_validation_summaries,
    modality_controls.check_sterile_products,
    modality_controls.check_impurity_controls,
    modality_controls.check_qualification_thresholds,
    modality_controls.check_chain_of_identity,
    modality.check_microbial_safety,
    modality.check_integrating_vector,
    modality.check_viral_vector_declared,
    modality.check_adventitious_agents,
    modality.check_established_condition_contexts,
    unknowns.check_unknowns,
    specifications.check_included_tests,
    specifications.check_substance_limits,
    specifications.check_testing_sites,
)


def run_checks(dossier: Dossier) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check in CHECKS:
        found.extend(check(dossier))
    return found
