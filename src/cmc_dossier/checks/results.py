"""Results name tests of the right specification, and stability results fit the design."""

from __future__ import annotations

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.control import Batch, Specification
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.stability import StabilityStudy


def _test_ids(dossier: Dossier, specification_id: str | None) -> set[str] | None:
    specification = dossier.get(specification_id, Specification) if specification_id else None
    return {test.id for test in specification.tests} if specification else None


def _foreign_tests(
    dossier: Dossier,
    fact_id: str,
    path: tuple[str | int, ...],
    results: dict[str, str],
    specification_id: str | None,
) -> list[Diagnostic]:
    """Results naming tests that exist but belong to another specification."""
    allowed = _test_ids(dossier, specification_id)
    if allowed is None:
        return []
    return [
        diagnostic(
            "DOS206",
            f"'{test_id}' is not a test of specification '{specification_id}'",
            dossier.locate(fact_id, (*path, test_id), key=True),
            hint="tests of that specification: " + ", ".join(sorted(allowed)),
        )
        for test_id in results
        if test_id in dossier.index and test_id not in allowed
    ]


def check_batch_results(dossier: Dossier) -> list[Diagnostic]:
    found = []
    for batch in dossier.of_kind(Batch):
        found += _foreign_tests(dossier, batch.id, ("results",), batch.results, batch.specification)
    return found


def check_stability_results(dossier: Dossier) -> list[Diagnostic]:
    found = []
    for study in dossier.of_kind(StabilityStudy):
        conditions = {condition.key for condition in study.conditions}
        for index, result in enumerate(study.results):
            design = (
                ("batch", result.batch, set(study.batches)),
                ("condition", result.condition, conditions),
                ("time_point", result.time_point, set(study.time_points)),
            )
            for field, value, allowed in design:
                if value not in allowed:
                    found.append(
                        diagnostic(
                            "DOS207",
                            f"stability result {field} '{value}' is not part of study '{study.id}'",
                            dossier.locate(study.id, ("results", index, field)),
                            hint="the study defines: " + ", ".join(sorted(allowed)),
                        )
                    )
            found += _foreign_tests(
                dossier, study.id, ("results", index, "values"), result.values, study.specification
            )
    return found
