"""Readiness reports, the validator's strategy findings and the strategy site pages."""

from __future__ import annotations

import json

from conftest import REPO, run_cli
from test_strategy_codes import CASES

from cmc_dossier.site.pages import site_for


def test_the_car_t_example_is_ready_for_phase_1_and_shows_what_phase_3_needs() -> None:
    now = run_cli("readiness", "dossier", "--format", "json")
    assert now.returncode == 0, now.stderr
    report = json.loads(now.stdout)
    assert report["milestone"] == "1"
    assert not [gap for s in report["sections"] for gap in s["does_not_meet"]]
    later = json.loads(run_cli("readiness", "dossier", "--phase", "3", "-f", "json").stdout)
    gaps = {(g["code"], g["subject"]) for s in later["sections"] for g in s["does_not_meet"]}
    # potency is 'Report result' at Phase 1, which Phase 3 no longer allows
    assert ("DOS701", "T-DP-POTENCY") in gaps
    assert ("DOS700", "M-FLOW") in gaps  # qualified, validated expected for confirmatory trials
    needs = {g["code"] for s in later["sections"] for g in s["next_milestone_needs"]}
    assert "DOS704" in needs  # PPQ before the marketing application


def test_validate_reports_strategy_findings_unless_asked_not_to(dossier_from) -> None:
    case = CASES["DOS712"]
    root = dossier_from(case.base, case.files, case.replace)
    shown = run_cli("validate", str(root), "--format", "github")
    assert shown.returncode == 0  # warnings do not fail validation
    assert "title=DOS712" in shown.stdout
    hidden = run_cli("validate", str(root), "--no-strategy")
    assert "DOS712" not in hidden.stdout


def test_readiness_refuses_an_invalid_dossier(dossier_from) -> None:
    root = dossier_from(replace={"modality: small-molecule": "modality: pill"})
    result = run_cli("readiness", str(root))
    assert result.returncode == 1
    assert "DOS104" in result.stderr
    assert "Traceback" not in result.stderr


def test_site_has_readiness_gaps_and_per_cqa_pages(dossier_from) -> None:
    root = dossier_from(files=CASES["DOS721"].files)
    site = site_for(root)
    assert "Validation of Analytical Procedures |" in site.pages["readiness.md"]
    assert "DOS721" in site.pages["gaps/index.md"]
    assert "DOS721" in site.pages["gaps/cqa-water.md"]
    assert "DOS721" not in site.pages["gaps/cqa-assay.md"]
    assert "DOS721" in site.pages["diagnostics.md"]


def test_example_site_pages_exist() -> None:
    site = site_for(REPO / "dossier")
    assert "Readiness for **Phase 1**" in site.pages["readiness.md"]
    assert "gaps/cqa-potency.md" in site.pages
