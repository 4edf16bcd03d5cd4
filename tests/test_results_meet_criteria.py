"""Results are read against their own criterion: out of specification only when certain."""

from __future__ import annotations

import pytest

from cmc_dossier.model.comparison import meets
from cmc_dossier.model.criteria import parse_criterion, read_result
from cmc_dossier.validation import validate_folder


@pytest.mark.parametrize(
    ("criterion", "result", "expected"),
    [
        ("NMT 0.15 %", "0.21 %", False),
        ("NMT 0.15 %", "0.15 %", True),
        ("NMT 0.15 %", "< 0.05 %", True),
        ("NMT 0.10 %", "< 0.20 %", None),  # below a LOQ above the limit: unknown
        ("D90 ≤ 50 µm", "D90 61 µm", False),
        ("D90 ≤ 50 µm", "D50 20 µm", None),  # another percentile
        ("1.6–2.4 × 10^13 vg/mL", "5.2 × 10^12 vg/mL", False),
        ("1.6–2.4 × 10^13 vg/mL", "2.0 × 10^13 vg/mL", True),
        ("20.0 ± 2.0 mg/mL", "22.5 mg/mL", False),
        ("95.0–105.0 % of label claim", "99.1 %", True),
        ("≥ 70 %", "68 %", False),
        ("< 0.5 EU/mL", "0.5 EU/mL", False),
        ("≤ 0.5 EU/mL", "< 0.25 EU/mL", True),
        ("NMT 0.5 % w/w", "0.6 mg", None),  # another unit
        ("NLT 80 % (Q) in 30 min", "71 %", None),  # staged: not read
        ("NLT 80 % and NMT 120 %", "130 %", None),  # multi-part: not judged
        ("Conforms", "Does not conform", None),
        ("NMT 0.15 %", "0,21 %", None),  # a decimal comma is never read
        ("NMT 0.15 %", "0.08 %; 0.09 % (duplicate)", None),
    ],
)
def test_a_result_is_judged_only_when_both_readings_are_certain(
    criterion: str, result: str, expected: bool | None
) -> None:
    assert meets(parse_criterion(criterion), read_result(result)) is expected


BATCH = (
    "kind: Batch\nid: B-1\nbatch_number: '001'\nproduct: DP-1\nscale: Pilot\n"
    "use: [clinical]\nsite: SITE-1\nmanufacture_date: 2026-01\nspecification: SPEC-DP\n"
    "results:\n  T-ASSAY: 94.1 %\n  T-DEG: 0.4 %\n"
)


def test_an_explained_batch_result_is_not_reported(dossier_from) -> None:
    explained = BATCH + "remarks: Tested against the preclinical specification (assay 90–110 %).\n"
    result = validate_folder(dossier_from("small-molecule", files={"b.yaml": explained}))
    assert not [d for d in result.diagnostics if d.code == "DOS361"]


def test_an_unexplained_batch_result_names_test_value_and_criterion(dossier_from) -> None:
    result = validate_folder(dossier_from("small-molecule", files={"b.yaml": BATCH}))
    found = [d for d in result.diagnostics if d.code == "DOS361"]
    assert [(d.location.line, d.message) for d in found] == [
        (11, "batch 001: Assay '94.1 %' does not meet '95.0–105.0 % of label claim' (T-ASSAY)")
    ]


def _batch(batch_id: str, inputs: str) -> str:
    return (
        f"kind: Batch\nid: {batch_id}\nbatch_number: {batch_id}\nproduct: DP-1\nscale: 1 kg\n"
        f"use: [clinical]\nsite: SITE-1\nmanufacture_date: 2025-01\ninput_batches: [{inputs}]\n"
    )


def test_a_batch_made_from_a_batch_made_from_it_is_refused(dossier_from) -> None:
    root = dossier_from(
        files={
            "b.yaml": "---\n".join(
                [
                    _batch("B-1", "B-2"),
                    _batch("B-2", "B-3"),
                    _batch("B-3", "B-1"),
                    _batch("B-4", "B-1"),
                ]
            )
        }
    )
    found = [d for d in validate_folder(root).errors if d.code == "DOS221"]
    # each batch on the loop once, at its own inputs; B-4 only uses a batch of the loop
    assert sorted(d.message.split("'")[1] for d in found) == ["B-1", "B-2", "B-3"]
    assert "B-1 → B-2 → B-3 → B-1" in next(d.message for d in found if "'B-1'" in d.message)
