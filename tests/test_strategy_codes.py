"""One fixture per strategy finding code (DOS7xx): the edit yields that code at its line.

Strategy findings judge a whole dossier, so a small fixture has findings of its own (no
stability study, for instance). Each case therefore checks the difference its edit makes:
the code appears at the line marked `# <- CODE`, and no other code appears that the
unedited fixture did not already have.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_diagnostic_codes import Case, _marked

from cmc_dossier.diagnostics.codes import CODES
from cmc_dossier.strategy.findings import strategy_findings
from cmc_dossier.validation import validate_folder

BATCH = (
    "kind: Batch\nid: B-1\nbatch_number: L001\nproduct: DP-1\nscale: 10 000 tablets\n"
    "use: [clinical]\nsite: SITE-1\nmanufacture_date: 2025-01\n---\n"
)
RETAIN_PLAN = (
    "kind: RetainSamplePlan\nid: RSP-1\ntitle: Retains\nsample: drug-product\n"
    "subject: {subject}\nquantity: {{value: 60, unit: tablets}}\nstorage: 15–25 °C\n"
    "held_at: SITE-1\nduration: {{period: {{value: 2, unit: years}}, after: end-of-trial}}\n"
    "purposes: [regulatory-retention]\n{retained}"
)
PROCESS = (
    "kind: ManufacturingProcess\nid: PROC-1\ntitle: Tablet manufacture\nstage: drug-product\n"
    "product: DP-1\nsites: [SITE-1]\ndescription: {description}\nunit_operations: [UO-1]\n---\n"
    "kind: UnitOperation\nid: UO-1\ntitle: Blend\ndescription: {step}\n"
)


def process(description: str = "Blend, compress, coat.", step: str = "Blend.") -> str:
    return PROCESS.format(description=description, step=step)


PARAMETER = (
    "---\nkind: ProcessParameter\nid: PP-1\ntitle: Blend time\nunit_operation: UO-1\n"
    "justification: J\nunit: min\n"
)
VALIDATED = {"status: qualified\n": "status: validated\n"}

CASES: dict[str, Case] = {
    "DOS700": Case(replace={"status: qualified\n": "status: in-development  # <- DOS700\n"}),
    "DOS701": Case(
        base="autologous-cell-therapy",
        replace={
            "acceptance_criterion: No growth, usage: release}": "acceptance_criterion: "
            "Report result, usage: release}  # <- DOS701"
        },
    ),
    "DOS702": Case(
        files={
            "more.yaml": "kind: DrugProduct\nid: DP-2  # <- DOS702\nname: Examplinib 20 mg\n"
            "dosage_form: Tablet\nroute: Oral use\nstrength: 20 mg\ndescription: D\n"
            "composition: [{material: DS-1, function: Active, quantity: 20 mg}]\n"
            "manufacturers: [SITE-1]\nsterile: false\n"
        }
    ),
    "DOS703": Case(
        files={
            "stability.yaml": "kind: Batch\nid: B-1\nbatch_number: '001'\nproduct: DP-1\n"
            "scale: Pilot\nuse: [stability]\nsite: SITE-1\nmanufacture_date: 2026-01\n---\n"
            "kind: StabilityStudy\nid: STAB-1\ntitle: Long term\nsubject: DP-1\n"
            "study_type: long-term\nspecification: SPEC-DP\nbatches: [B-1]\n"
            "conditions: [{key: lt, storage: 25 °C/60 % RH}]\ntime_points: ['0', 3 M]\n"
            "results:\n  - {batch: B-1, condition: lt, time_point: 3 M,\n"
            "     values: {T-ASSAY: 99.0 %}}\n"
            "proposed_shelf_life: {period: {value: 12, unit: months}, storage_condition: 25 °C}"
            "  # <- DOS703\n"
        }
    ),
    "DOS704": Case(
        replace={"phase: 1\n": "phase: marketed\n", **VALIDATED},
        files={
            "process.yaml": process().replace(
                "unit_operations: [UO-1]\n",
                "unit_operations: [UO-1]\n"
                "validation: {stage: process-design, status: completed}  # <- DOS704\n",
            ),
            "standard.yaml": "kind: ReferenceStandard\nid: RS-1\ntitle: Examplinib primary\n"
            "type: primary\nsource: Batch 001\nqualification: Full characterisation.\n"
            "methods: [M-HPLC]\n",
        },
    ),
    "DOS705": Case(
        files={
            "batches.yaml": "kind: Batch\nid: B-TOX\nbatch_number: T1\nproduct: DP-1\n"
            "scale: Pilot\nuse: [toxicology]\nsite: SITE-1\nmanufacture_date: 2025-06\n"
            "process_version: '1'\n---\nkind: Batch\nid: B-CLIN\nbatch_number: C1\n"
            "product: DP-1\nscale: Pilot\nuse: [clinical]\nsite: SITE-1\n"
            "manufacture_date: 2026-01\nprocess_version: '2'  # <- DOS705\n"
        }
    ),
    "DOS706": Case(
        replace={
            "phase: 1\n": "phase: 3\n",
            **VALIDATED,
            "id: M-HPLC\n": "id: M-HPLC  # <- DOS706\n",
        }
    ),
    "DOS710": Case(
        files={"process.yaml": process() + "equipment:\n  - Bohle bin blender  # <- DOS710\n"}
    ),
    "DOS711": Case(files={"process.yaml": process(step="Blend in Room 2.14.  # <- DOS711")}),
    "DOS712": Case(
        files={
            "process.yaml": process()
            + PARAMETER
            + "criticality: key\nnormal_operating_range: {low: 8, high: 12}\n"
            "proven_acceptable_range: {low: 8, high: 12}  # <- DOS712\n"
        }
    ),
    "DOS713": Case(
        files={
            "process.yaml": process() + PARAMETER + "criticality: non-critical\n"
            "target: 10  # <- DOS713\n"
        }
    ),
    "DOS714": Case(
        files={
            "process.yaml": process() + PARAMETER + "criticality: non-critical\n"
            "normal_operating_range: {low: 8, high: 12}\n"
            "established_condition: {justification: Declared.}  # <- DOS714\n"
        }
    ),
    "DOS715": Case(
        files={"process.yaml": process(description="Made at Example tablet plant.  # <- DOS715")}
    ),
    "DOS720": Case(
        files={
            "qtpp.yaml": "kind: QTPPElement\nid: QTPP-STAB  # <- DOS720\naspect: stability\n"
            "title: Stability\ntarget: 24 months at 25 °C.\nsource: TPP\n"
        }
    ),
    "DOS721": Case(
        files={
            "cqa.yaml": "kind: CQA\nid: CQA-WATER\ntitle: Water\ncategory: physicochemical\n"
            "derived_from: [QTPP-DP]\ncriticality: critical  # <- DOS721\nrationale: R.\n"
        }
    ),
    "DOS722": Case(
        files={
            "process.yaml": process()
            + "---\nkind: CQA\nid: CQA-HARDNESS\ntitle: Hardness\ncategory: physicochemical\n"
            "derived_from: [QTPP-DP]\ncriticality: non-critical\nrationale: R.\n"
            + PARAMETER
            + "criticality: critical\naffects: [CQA-HARDNESS]  # <- DOS722\n"
        }
    ),
    "DOS723": Case(
        files={
            "method.yaml": "kind: AnalyticalMethod\nid: M-KF  # <- DOS723\ntitle: Water (KF)\n"
            "technique: Karl Fischer\npurpose: Water\ntype: compendial\nstatus: verified\n"
            "status_as_of_phase: 1\nperformed_at: [SITE-1]\n"
        }
    ),
    "DOS740": Case(
        files={
            "waiver.yaml": "kind: Waiver\nid: W-1\ncode: DOS713  # <- DOS740\nfact: CQA-ASSAY\n"
            "reason: Stale.\n"
        }
    ),
    "DOS741": Case(
        files={
            "plan.yaml": "kind: PlannedActivity\nid: PA-1\ntitle: Forced degradation\n"
            "type: other\ntarget_phase: '1'  # <- DOS741\nunlocks: Stability-indicating claim.\n"
        }
    ),
    "DOS742": Case(replace={"status: qualified\n": "status: qualified  # <- DOS742\n"}),
    "DOS743": Case(
        files={
            "plan.yaml": "kind: PlannedActivity\nid: PA-1\ntitle: HPLC validation\n"
            "type: method-validation\nsubjects: [M-HPLC]\ntarget_phase: '3'  # <- DOS743\n"
            "unlocks: Validated assay for Phase 2.\n"
        }
    ),
    "DOS744": Case(
        files={"retains.yaml": BATCH + RETAIN_PLAN.format(subject="DP-1  # <- DOS744", retained="")}
    ),
    "DOS745": Case(
        files={
            "retains.yaml": BATCH
            + RETAIN_PLAN.format(
                subject="DP-1",
                retained="retained:\n  - batch: B-1\n"
                "    quantity: {value: 30, unit: tablets}  # <- DOS745\n",
            )
        }
    ),
    "DOS746": Case(
        files={
            "retains.yaml": BATCH.replace("DP-1", "DS-1")
            + RETAIN_PLAN.format(
                subject="DP-1",
                retained="retained:\n  - batch: B-1  # <- DOS746\n"
                "    quantity: {value: 60, unit: tablets}\n",
            )
        }
    ),
    "DOS747": Case(
        files={
            "retains.yaml": RETAIN_PLAN.format(subject="MAT-MCC", retained="")
            .replace("drug-product\n", "starting-material\n")
            .replace(
                "{period: {value: 2, unit: years}, after: end-of-trial}",
                "{period: {value: 1, unit: years}, after: release}  # <- DOS747",
            )
        }
    ),
}
STRATEGY_CODES = {code for code in CODES if code.startswith("DOS7")}


def _codes_at(root: Path) -> list[tuple[str, str, int]]:
    result = validate_folder(root)
    assert not result.errors, [str(d.location) + " " + d.message for d in result.errors]
    found = strategy_findings(result.dossier).active
    return [
        (d.code, d.location.file.name if d.location else "", d.location.line if d.location else 0)
        for d in found
    ]


def test_every_strategy_code_has_a_case() -> None:
    assert sorted(CASES) == sorted(STRATEGY_CODES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_strategy_fixture_yields_its_code_at_its_line(
    code: str, dossier_from, tmp_path: Path
) -> None:
    case = CASES[code]
    root = dossier_from(case.base, case.files, case.replace)
    before = {c for c, _, _ in _codes_at(_unedited(case.base, tmp_path))}
    found = _codes_at(root)
    file, line = _marked(root, code)
    assert (code, file, line) in found, found
    assert {c for c, _, _ in found} - before - {code} - case.also == set()
    assert CODES[code].explanation


def _unedited(base: str | None, tmp_path: Path) -> Path:
    from conftest import copy_fixture

    return copy_fixture(base or "small-molecule", tmp_path / "unedited")


def test_a_waiver_silences_its_finding_and_is_reported(dossier_from) -> None:
    case = CASES["DOS713"]
    waiver = (
        "kind: Waiver\nid: W-1\ncode: DOS713\nfact: PP-1\n"
        "reason: The blend time is fixed by the validated blender programme.\n"
    )
    root = dossier_from(case.base, {**case.files, "waiver.yaml": waiver})
    result = validate_folder(root)
    findings = strategy_findings(result.dossier)
    assert "DOS713" not in {d.code for d in findings.active}
    assert [(f.diagnostic.code, w.id) for f, w in findings.waived] == [("DOS713", "W-1")]


def test_unedited_modality_fixtures_pass_phase_one_methods_and_traceability() -> None:
    """The clean fixtures carry no over-specification or traceability findings."""
    from conftest import MODALITIES

    for folder in sorted(MODALITIES.iterdir()):
        codes = {c for c, _, _ in _codes_at(folder)}
        lints = {"DOS710", "DOS711", "DOS712", "DOS713", "DOS714", "DOS715"}
        gaps = {"DOS720", "DOS721", "DOS722", "DOS723"}
        assert not codes & (lints | gaps), (folder.name, codes)


def test_a_waived_gap_of_the_current_phase_needs_no_earlier_activity(tmp_path: Path) -> None:
    """The AAV example accepts a Phase 1/2 gap by waiver and plans its closure later:
    without the waiver the gap is reported, and its later activity is reported late."""
    import shutil

    from conftest import REPO

    root = shutil.copytree(REPO / "examples" / "aav-gene-therapy", tmp_path / "aav")
    waived = {(f.diagnostic.code, w.id) for f, w in strategy_findings(
        validate_folder(root).dossier).waived}  # fmt: skip
    assert waived == {("DOS700", "W-SEC-MALS-STATUS")}
    assert not {c for c, _, _ in _codes_at(root)} & {"DOS700", "DOS701", "DOS743"}
    plan = root / "strategy" / "roadmap.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").split("---\nkind: Waiver")[0], "utf-8")
    found = {(c, line) for c, file, line in _codes_at(root) if c in {"DOS700", "DOS701", "DOS743"}}
    assert {c for c, _ in found} == {"DOS700", "DOS743"}
    assert sum(1 for c, _ in found if c == "DOS743") == 1


def test_retention_of_a_product_counts_its_shelf_life_and_unknown_batches_are_errors(
    tmp_path: Path,
) -> None:
    """The CAR-T product keeps 6 months (its long-term study): regulatory retention from
    release then needs 18 months, from expiry 1 year; a retained batch must exist."""
    import shutil

    from conftest import REPO

    root = shutil.copytree(REPO / "dossier", tmp_path / "car-t")
    plans = root / "strategy" / "retain-samples.yaml"
    text = plans.read_text(encoding="utf-8")
    short = text.replace(
        "{value: 15, unit: years}\n  after: release", "{value: 17, unit: months}\n  after: release"
    ).replace("purposes: [look-back-testing, comparability]", "purposes: [regulatory-retention]")
    plans.write_text(short, encoding="utf-8")
    found = strategy_findings(validate_folder(root).dossier).active
    assert [d.message for d in found if d.code == "DOS747"] == [
        "RSP-APHERESIS: samples kept 17 months after release; its purposes "
        "(regulatory-retention) need the shelf life (6 months) + 1 year after release"
    ]
    plans.write_text(
        short.replace("17, unit: months}\n  after: release", "12, unit: months}\n  after: expiry"),
        "utf-8",
    )
    assert "DOS747" not in {d.code for d in strategy_findings(validate_folder(root).dossier).active}
    plans.write_text(text.replace("{batch: B-ENG-03,", "{batch: B-ENG-09,"), encoding="utf-8")
    result = validate_folder(root)
    assert [d.location.line for d in result.errors if "B-ENG-09" in d.message] == [21]
