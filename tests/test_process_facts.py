"""Process facts: set point and tolerance, the distinct ranges, phased settings, performance
attributes and the process validation stage, as checked and as rendered."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmc_dossier.render.documents import Renderer
from cmc_dossier.validation import validate_folder

PROCESS = (
    "kind: ManufacturingProcess\nid: PROC-1\ntitle: Tableting\nstage: drug-product\n"
    "product: DP-1\nsites: [SITE-1]\ndescription: D\nunit_operations: [UO-1]\n{VALIDATION}---\n"
    "kind: UnitOperation\nid: UO-1\ntitle: Granulation\ndescription: D\n---\n"
    "kind: ProcessParameter\nid: PP-1\ntitle: Granulation temperature\nunit_operation: UO-1\n"
    "criticality: key\nunit: °C\n{SETTING}affects_performance: [yield]\njustification: J\n"
)


def _process(dossier_from, setting: str, validation: str = "", phase: str = "1") -> Path:
    text = PROCESS.replace("{SETTING}", setting).replace("{VALIDATION}", validation)
    return dossier_from(files={"process.yaml": text}, replace={"phase: 1\n": f"phase: {phase}\n"})


def _found(root: Path) -> list[tuple[str, int, str]]:
    return [
        (d.code, d.location.line, d.message)
        for d in validate_folder(root).diagnostics
        if d.location and d.location.file.name == "process.yaml"
    ]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        # the tolerance band 40 ± 3 reaches 43, beyond the PAR
        (
            "target: 40\ntolerance: 3\nproven_acceptable_range: {low: 35, high: 42}\n",
            "set point 40 ± 3 lies outside `proven_acceptable_range` 35–42",
        ),
        (
            "target: 40\ncontrol_range: {low: 30, high: 45}\n"
            "proven_acceptable_range: {low: 35, high: 42}\n",
            "control range 30–45 is not inside the proven acceptable range 35–42",
        ),
        ("range: {low: 45, high: 35}\n", "`range` low 45 is above high 35"),
        (
            "phases:\n  - {period: Day 0 to 5, target: 37}\n"
            "  - {period: From day 5 ± 1, target: 33,\n"
            "     proven_acceptable_range: {low: 34, high: 36}}\n",
            "PP-1 (From day 5 ± 1): set point 33 lies outside `proven_acceptable_range` 34–36",
        ),
    ],
)
def test_inconsistent_settings_are_reported_where_written(
    dossier_from, setting: str, message: str
) -> None:
    root = _process(dossier_from, setting)
    found = [f for f in _found(root) if f[0] == "DOS303"]
    assert len(found) == 1 and message in found[0][2]
    written = (root / "process.yaml").read_text().splitlines()
    line = written[found[0][1] - 1]
    assert any(key in line for key in ("target", "control_range", "range", "period"))


def test_a_consistent_setting_passes(dossier_from) -> None:
    fine = "target: 40\ntolerance: 1\ncontrol_range: {low: 38, high: 42}\n"
    assert not [f for f in _found(_process(dossier_from, fine)) if f[0] != "DOS312"]


def test_a_tolerance_needs_its_target(dossier_from) -> None:
    lonely = _process(dossier_from, "tolerance: 1\n")
    lines = (lonely / "process.yaml").read_text().splitlines()
    start = lines.index("kind: ProcessParameter") + 1
    assert [(code, line) for code, line, _ in _found(lonely) if code == "DOS102"] == [
        ("DOS102", start)
    ]


@pytest.mark.parametrize(
    ("phase", "code"), [("1", "DOS312"), ("2", "DOS312"), ("3", "DOS311"), ("marketed", "DOS310")]
)
def test_an_unstated_process_validation_weighs_more_as_the_product_matures(
    dossier_from, phase: str, code: str
) -> None:
    root = _process(dossier_from, "target: 40\n", phase=phase)
    assert [(c, line) for c, line, _ in _found(root)] == [(code, 2)]  # at the process's id


def test_a_stated_validation_stage_satisfies_the_rule(dossier_from) -> None:
    validation = "validation: {stage: process-qualification, status: completed}\n"
    root = _process(dossier_from, "target: 40\n", validation=validation, phase="marketed")
    assert _found(root) == []


def test_a_declared_gap_says_it_is_declared(dossier_from) -> None:
    """The value is written as a gap, not missing: the message says so, with its phase."""
    validation = (
        "validation: {stage: process-design, status: in-progress, "
        "protocol: {to-be-provided: '3'}}\n"
    )
    found = _found(_process(dossier_from, "target: 40\n", validation=validation))
    assert [(code, message.split(": ", 1)[1]) for code, _, message in found] == [
        (
            "DOS312",
            "`validation.protocol` is declared to be provided (Phase 3); the dossier is at "
            "Phase 1, expected later",
        )
    ]


def test_documents_show_settings_kinds_phases_and_validation(dossier_from) -> None:
    setting = (
        "range: {low: 50, high: 60}\n"
        "phases:\n  - {period: Day 0 to day 5 ± 1, target: 36.5, tolerance: 0.5}\n"
        "  - {period: From day 5 ± 1, target: 33.0, tolerance: 0.5, "
        "normal_operating_range: {low: 32.5, high: 33.5}}\n"
    )
    validation = (
        "validation:\n  stage: process-design\n  status: in-progress\n"
        "  planned_by_phase: '3'\n  protocol: {to-be-provided: '2'}\n"
    )
    root = _process(dossier_from, setting, validation=validation)
    dossier = validate_folder(root).dossier
    ind = Renderer(dossier, "ind").combined().markdown
    p33 = ind.split("{#ctd-3-2-p-3-3}")[1].split("{#ctd-3-2-p-3-4}")[0]
    assert "Range (kind not stated) 50–60" in p33
    assert "Day 0 to day 5 ± 1: Set point 36.5 ± 0.5" in p33
    assert "From day 5 ± 1: Set point 33.0 ± 0.5, NOR 32.5–33.5" in p33
    assert "Yield (process performance)" in p33
    p35 = ind.split("{#ctd-3-2-p-3-5}")[1].split("{#ctd-3-2-p-4}")[0]
    assert "Process design (stage 1)" in p35
    assert "In progress" in p35 and "Phase 3" in p35
    assert "To be provided (Phase 2)" in p35


def test_the_step_that_adds_the_drug_substance_lists_it(dossier_from) -> None:
    """The unit-operation table names the drug substance where it is added, by its label."""
    text = PROCESS.replace("{SETTING}", "target: 40\n").replace("{VALIDATION}", "")
    text = text.replace("title: Granulation\n", "title: Granulation\nmaterials: [DS-1, MAT-MCC]\n")
    root = dossier_from(files={"process.yaml": text})
    assert not [code for code, _, _ in _found(root) if code != "DOS312"]
    dossier = validate_folder(root).dossier
    ind = Renderer(dossier, "ind").combined().markdown
    p33 = ind.split("{#ctd-3-2-p-3-3}")[1].split("{#ctd-3-2-p-3-4}")[0]
    row = next(line for line in p33.splitlines() if line.startswith("| 1 |"))
    assert "Examplinib" in row and "Microcrystalline cellulose" in row
    assert row.index("Examplinib") < row.index("Microcrystalline cellulose")


def test_a_step_cannot_take_in_the_drug_product(dossier_from) -> None:
    text = PROCESS.replace("{SETTING}", "target: 40\n").replace("{VALIDATION}", "")
    text = text.replace("title: Granulation\n", "title: Granulation\nmaterials: [DP-1]\n")
    root = dossier_from(files={"process.yaml": text})
    lines = (root / "process.yaml").read_text().splitlines()
    assert ("DOS202", lines.index("materials: [DP-1]") + 1) in [
        (code, line) for code, line, _ in _found(root)
    ]
