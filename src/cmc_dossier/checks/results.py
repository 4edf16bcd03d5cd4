"""Results name tests of the right specification, fit the stability design and meet their
criteria (or say why not)."""

from __future__ import annotations

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.comparison import meets
from cmc_dossier.model.control import Batch, Specification, SpecificationTest
from cmc_dossier.model.criteria import ParsedCriterion, read_result
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.stability import StabilityStudy
from cmc_dossier.model.unknowns import Unknown


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


def _outside(
    dossier: Dossier,
    fact_id: str,
    path: tuple[str | int, ...],
    results: dict,
    where: str,
    criteria: dict[str, ParsedCriterion | None],
) -> list[Diagnostic]:
    """Results that, read as one value, fail their test's parsed acceptance criterion.

    `criteria` holds each test's parsed criterion, read once for all the batches tested."""
    found = []
    for test_id, result in results.items():
        entry = dossier.index.get(test_id)
        if entry is None or not isinstance(entry.value, SpecificationTest):
            continue  # a wrong reference is reported as such
        test = entry.value
        if isinstance(result, Unknown) or isinstance(test.acceptance_criterion, Unknown):
            continue
        if test_id not in criteria:
            criteria[test_id] = test.parsed_criterion
        if meets(criteria[test_id], read_result(result)) is not False:
            continue
        found.append(
            diagnostic(
                "DOS361",
                f"{where}: {test.test} '{result}' does not meet '{test.acceptance_criterion}' "
                f"({test_id})",
                dossier.locate(fact_id, (*path, test_id)),
                hint="explain the result in the batch's `remarks` (e.g. tested against an "
                "earlier specification, investigated out-of-specification result), or correct "
                "the value or the test it is recorded under",
            )
        )
    return found


def check_results_meet_criteria(dossier: Dossier) -> list[Diagnostic]:
    """A reported result outside its own criterion is explained, never left silent.

    Batch analyses (3.2.S.4.4, 3.2.P.5.4) and stability data (3.2.S.7.3, 3.2.P.8.3) that
    fail the specification shown next to them need an explanation (21 CFR 211.192 and
    EudraLex Vol. 4 ch. 6 on investigating out-of-specification results). A batch's
    `remarks` carry it; stability results have no such field, so the study is corrected
    (for example, in-use data compared against an in-use specification).
    """
    found = []
    criteria: dict[str, ParsedCriterion | None] = {}
    for batch in dossier.of_kind(Batch):
        if not batch.remarks:
            where = f"batch {batch.batch_number}"
            found += _outside(dossier, batch.id, ("results",), batch.results, where, criteria)
    for study in dossier.of_kind(StabilityStudy):
        for index, result in enumerate(study.results):
            where = f"study '{study.id}', {result.batch} {result.condition} {result.time_point}"
            path = ("results", index, "values")
            found += _outside(dossier, study.id, path, result.values, where, criteria)
    return found


def check_batch_genealogy(dossier: Dossier) -> list[Diagnostic]:
    """A batch is made from earlier batches: none may be its own input, directly or through
    others (the genealogy shown with the batch analyses would be impossible)."""
    inputs = {batch.id: batch.input_batches for batch in dossier.of_kind(Batch)}
    found = []
    for batch_id in inputs:
        path = _path_back_to(batch_id, inputs)
        if path is not None:
            found.append(
                diagnostic(
                    "DOS221",
                    f"batch '{batch_id}' is among its own inputs: " + " → ".join(path),
                    dossier.locate(batch_id, ("input_batches",)),
                    hint="list the batches this one was made from; a batch cannot be made "
                    "from itself or from a batch made from it",
                )
            )
    return found


def _path_back_to(start: str, inputs: dict[str, list[str]]) -> list[str] | None:
    """The chain of inputs leading from `start` back to itself, if there is one."""
    pending = [(start, [start])]
    seen: set[str] = set()
    while pending:
        batch_id, path = pending.pop()
        for parent in inputs.get(batch_id, []):
            if parent == start:
                return [*path, parent]
            if parent not in seen:
                seen.add(parent)
                pending.append((parent, [*path, parent]))
    return None


def check_batch_numbers(dossier: Dossier) -> list[Diagnostic]:
    """Two batches of one product under one batch number: a certificate of analysis or an
    imported result naming that lot cannot say which batch it is."""
    first: dict[tuple[str, str], Batch] = {}
    found = []
    for batch in dossier.of_kind(Batch):
        key = (batch.product, batch.batch_number)
        if key not in first:
            first[key] = batch
            continue
        found.append(
            diagnostic(
                "DOS222",
                f"batch '{batch.id}' has the batch number '{batch.batch_number}' of batch "
                f"'{first[key].id}' of the same product",
                dossier.locate(batch.id, ("batch_number",)),
                hint="give each batch its own number as on its certificate of analysis; "
                "one batch is one fact",
                related=(dossier.locate(first[key].id, ("batch_number",)),),
            )
        )
    return found
