"""The overall viral reduction per model virus, computed the ICH Q5A(R2) way, and rendered."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cmc_dossier.model.viral_safety import ViralClearanceStudy, overall_reductions
from cmc_dossier.render.documents import Renderer
from cmc_dossier.scalars import PlainScalar
from cmc_dossier.validation import validate_folder


def _study(
    study_id: str, principle: str, *results: tuple[str, str, str | None]
) -> ViralClearanceStudy:
    return ViralClearanceStudy.model_validate(
        {
            "kind": "ViralClearanceStudy",
            "id": study_id,
            "title": study_id,
            "unit_operation": "UO-" + study_id,
            "mechanism": "removal",
            "principle": principle,
            "laboratory": "ORG-LAB",
            "results": [
                {"virus": virus, "log_reduction": value, "runs": PlainScalar("2")}
                | ({"justification_to_count": why} if why else {})
                for virus, value, why in results
            ],
        }
    )


def test_sum_over_steps_keeps_a_lower_bound_and_the_digits_typed() -> None:
    (total,) = overall_reductions(
        [
            _study("LOWPH", "low-ph", ("X", "≥ 4.50", None)),
            _study("VF", "virus-filtration", ("X", "3.2", None)),
        ]
    )
    assert total.total == Decimal("7.70")
    assert str(total) == "≥ 7.70"
    assert total.counted_steps == 2


def test_exact_values_give_an_exact_total() -> None:
    (total,) = overall_reductions(
        [_study("A", "low-ph", ("X", "4.1", None)), _study("B", "heat", ("X", "2.0", None))]
    )
    assert str(total) == "6.1"


def test_a_step_of_one_log_or_less_counts_only_when_justified() -> None:
    steps = [
        _study("A", "virus-filtration", ("X", "5.0", None)),
        _study("B", "anion-exchange-chromatography", ("X", "1.0", None)),
    ]
    (unjustified,) = overall_reductions(steps)
    assert (unjustified.total, unjustified.counted_steps) == (Decimal("5.0"), 1)
    assert unjustified.steps[1].reason == "≤ 1 log10, not justified"
    steps[1] = _study("B", "anion-exchange-chromatography", ("X", "1.0", "Robust across runs."))
    (justified,) = overall_reductions(steps)
    assert (justified.total, justified.counted_steps) == (Decimal("6.0"), 2)


def test_steps_of_one_principle_count_once_with_the_highest_value() -> None:
    (total,) = overall_reductions(
        [
            _study("AEX1", "anion-exchange-chromatography", ("X", "3.0", None)),
            _study("AEX2", "anion-exchange-chromatography", ("X", "4.0", None)),
            _study("OTHER1", "other", ("X", "2.0", None)),
            _study("OTHER2", "other", ("X", "2.0", None)),
        ]
    )
    assert total.total == Decimal("8.0")
    assert [s.counted for s in total.steps] == [False, True, True, True]


def test_an_upper_bound_is_never_counted_and_no_count_gives_no_total() -> None:
    (total,) = overall_reductions([_study("A", "heat", ("X", "< 1.0", None))])
    assert total.total is None and str(total) == "not established"


def test_each_virus_has_its_own_total_in_order_of_first_appearance() -> None:
    totals = overall_reductions(
        [
            _study("A", "low-ph", ("XMULV", "≥ 5.2", None)),
            _study("B", "virus-filtration", ("MMV", "4.1", None), ("XMULV", "≥ 4.6", None)),
        ]
    )
    assert [(t.virus, str(t)) for t in totals] == [("XMULV", "≥ 9.8"), ("MMV", "4.1")]


@pytest.mark.parametrize("typed", ["about 4", "4.5 log", "≥", "-1"])
def test_a_log_reduction_that_is_not_a_value_is_refused_at_its_line(dossier_from, typed) -> None:
    written = f"log_reduction: '{typed}', runs: 2"
    root = dossier_from("therapeutic-protein", replace={"log_reduction: 4.0, runs: 2": written})
    lines = (root / "facts.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if written in text)
    errors = [d for d in validate_folder(root).diagnostics if d.severity.name == "ERROR"]
    assert [(d.code, d.location.line) for d in errors] == [("DOS104", line)]
    assert f"(got '{typed}')" in errors[0].message and "{" not in errors[0].message


def test_appendix_a2_shows_each_step_the_totals_and_the_rule(dossier_from) -> None:
    root = dossier_from(
        "therapeutic-protein",
        replace={"V-MMV, log_reduction: 3.1": "V-MMV, log_reduction: 0.9"},
    )
    markdown = Renderer(validate_folder(root).dossier, "impd").combined().markdown
    appendix = markdown[markdown.index("# A.2 ") : markdown.index("# A.3 ")]
    assert (
        "| Anion-exchange chromatography | Removal; Anion exchange chromatography "
        "| Minute virus of mice (MMV) | 0.9 | 2 | Example Virology Services "
        "| No: ≤ 1 log10, not justified |"
    ) in (appendix)
    assert "| Xenotropic murine leukaemia virus (X-MuLV) | 3 | ≥ 13.8 |" in appendix
    assert "| Minute virus of mice (MMV) | 1 | 4.10 |" in appendix
    assert (
        "sum of the log10 reduction values of steps with different mechanisms (ICH Q5A(R2))"
        in appendix
    )


def test_a_study_still_running_is_shown_and_not_counted(dossier_from) -> None:
    root = dossier_from(
        "therapeutic-protein",
        replace={
            "V-MMV, log_reduction: 3.1": "V-MMV, log_reduction: {to-be-provided: '2'}",
            "laboratory: ORG-VIRO\nresults:\n  - {virus: V-XMULV, log_reduction: ≥ 5.2": (
                "laboratory: {to-be-provided: '2'}\nresults:\n"
                "  - {virus: V-XMULV, log_reduction: ≥ 5.2"
            ),
        },
    )
    result = validate_folder(root)
    assert not result.errors, result.errors
    assert {d.code for d in result.warnings} == {"DOS331"}  # MMV now rests on one step
    markdown = Renderer(result.dossier, "ind").combined().markdown
    assert "| Minute virus of mice (MMV) | 1 | 4.10 |" in markdown
    assert "| Minute virus of mice (MMV) | To be provided" in markdown
