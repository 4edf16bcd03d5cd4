"""ICH Q12 semantics, fact-aware rules, editorial prose, stale text and trust, on real
temporary git repositories. Expected categories are written out from the regulation text
(cited per test), never read from the rules table."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest
from build_helpers import committed_repo, git
from conftest import run_cli
from test_changes import ALL_CONTEXTS, SPEC, branch, commit, diff_json, edit

CONTEXTS = ("us-ind", "eu-cta", "us-post-approval", "eu-post-approval")
# read from every change: the modality (manifest) and the drug product's sterility
BIOLOGICAL = {"product_class": "biological", "sterility": "sterile"}
CART = BIOLOGICAL  # the worked example: autologous CAR-T cells, a sterile product


def categories(change: dict) -> tuple[str, ...]:
    return tuple(change["impacts"][c]["category"] for c in CONTEXTS)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The example (with its declared established conditions) in all four contexts."""
    repo = committed_repo(tmp_path / "repo")
    edit(repo, "dossier.yaml", "contexts: [us-ind, eu-cta]", ALL_CONTEXTS)
    commit(repo, "all contexts")
    branch(repo)
    return repo


def only(report: dict, change_type: str | None = None) -> dict:
    found = [c for c in report["changes"] if change_type in (None, c["change_type"])]
    assert len(found) == 1, report["changes"]
    return found[0]


# --- 1. established conditions: per kind of change, per context ----------------------------


def test_tightening_an_ec_limit_does_not_take_the_relaxation_category(repo: Path) -> None:
    # SPEC-DP declares eu-cta substantial for relaxation, deletion and replacement only.
    edit(repo, SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 75 %")
    commit(repo, "tighten viability")
    change = only(diff_json(repo))
    # CTR Art. 2(2)(13): tightening is not likely to have a substantial impact; 21 CFR
    # 601.12(d): tightening of a specification is a minimal-potential change (annual report);
    # C/2025/5045 Q.II.d.1(a) (ex B.II.d.1.a): tightening of specification limits, type IA.
    assert categories(change) == ("information-amendment", "non-substantial", "annual-report", "IA")
    assert change["impacts"]["eu-cta"]["established_condition"] is False


def test_relaxing_an_ec_limit_takes_the_declared_category_with_both_bases(repo: Path) -> None:
    edit(repo, SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 60 %")
    commit(repo, "widen viability")
    change = only(diff_json(repo))
    eu = change["impacts"]["eu-cta"]
    assert (eu["category"], eu["established_condition"]) == ("substantial", True)
    assert eu["basis"].startswith("Regulation (EU) No 536/2014, Art. 2(2)(13)")
    assert "modified by the established condition of SPEC-DP" in eu["basis"]
    # 601.12(b): relaxing an approved specification is a prior approval supplement
    assert change["impacts"]["us-post-approval"]["category"] == "PAS"
    assert change["impacts"]["us-post-approval"]["established_condition"] is False
    assert "601.12(b)" in change["impacts"]["us-post-approval"]["basis"]


def test_supportive_information_on_an_ec_fact_never_takes_the_ec_category(repo: Path) -> None:
    edit(
        repo, SPEC,
        "us: In line with FDA expectations for somatic cell products;",
        "us: In line with FDA expectations for cell products;",
    )  # fmt: skip
    commit(repo, "reword a justification")
    change = only(diff_json(repo))
    # ICH Q12 Appendix 1: justification of specification (P.5.6) is supportive information
    assert change["change_type"] == "supportive-information-changed"
    assert not any(change["impacts"][c]["established_condition"] for c in CONTEXTS)
    assert change["impacts"]["eu-cta"]["category"] == "non-substantial"


def _old_form_repo(tmp_path: Path) -> Path:
    """The example with one established condition in the old form (one category)."""
    repo = committed_repo(tmp_path / "repo")
    edit(
        repo, SPEC,
        "    us-ind: {relaxation: information-amendment, deletion: information-amendment, "
        "replacement: information-amendment}\n",
        "    us-ind: information-amendment\n",
    )  # fmt: skip
    return repo


def test_old_established_condition_form_is_diagnosed_and_migrated(tmp_path: Path) -> None:
    repo = _old_form_repo(tmp_path)
    done = run_cli("validate", "dossier", cwd=repo)
    assert done.returncode == 1 and "DOS500" in done.stdout
    assert "specification.yaml:14:" in done.stdout and "per kind of change" in done.stdout
    migrated = run_cli("migrate-established-conditions", "dossier", cwd=repo)
    assert "rewrote 1 declaration(s)" in migrated.stdout
    text = (repo / "dossier" / SPEC).read_text(encoding="utf-8")
    assert (
        "    us-ind: {relaxation: information-amendment, deletion: information-amendment, " in text
    )
    assert run_cli("validate", "dossier", cwd=repo).returncode == 0


def test_migration_waits_for_a_run_holding_the_dossier_folder(tmp_path: Path) -> None:
    """An import holds the folder's lock from reading to writing; the migration waits."""
    repo = _old_form_repo(tmp_path)
    holder = os.open(repo / "dossier", os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        waiting = subprocess.Popen(
            [str(Path(sys.executable).parent / "dossier"), "migrate-established-conditions",
             "dossier"],
            cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert waiting.stderr is not None
        said = waiting.stderr.readline()  # blocks until the migration reaches the lock
        assert "waiting for another dossier run" in said, said
        assert waiting.poll() is None
        assert "us-ind: information-amendment\n" in (repo / "dossier" / SPEC).read_text()
    finally:
        os.close(holder)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0 and "rewrote 1 declaration(s)" in out, out + err


def test_migration_changes_only_the_declaration_and_keeps_crlf(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    path = repo / "dossier" / SPEC
    old_form = path.read_bytes().replace(
        b"    us-ind: {relaxation: information-amendment, deletion: information-amendment, "
        b"replacement: information-amendment}\n",
        b"    us-ind: information-amendment\n",
    )
    path.write_bytes(old_form.replace(b"\n", b"\r\n"))
    migrated = run_cli("migrate-established-conditions", "dossier", cwd=repo)
    assert "rewrote 1 declaration(s)" in migrated.stdout
    new = path.read_bytes()
    assert new.count(b"\r\n") == new.count(b"\n") == old_form.count(b"\n")
    changed = [
        (a, b)
        for a, b in zip(
            old_form.split(b"\n"), new.replace(b"\r\n", b"\n").split(b"\n"), strict=True
        )
        if a != b
    ]
    assert changed == [
        (
            b"    us-ind: information-amendment",
            b"    us-ind: {relaxation: information-amendment, deletion: information-amendment, "
            b"replacement: information-amendment}",
        )
    ]


# --- 2. fact-aware rules -----------------------------------------------------------------------

PROCESS = "drug-substance/process.yaml"


def test_non_critical_parameter_moved_within_its_proven_range(repo: Path) -> None:
    # PP-SEEDING-DENSITY is a key (not critical) parameter, NOR 0.8-1.2, PAR 0.5-1.5
    edit(repo, PROCESS, "normal_operating_range: {low: 0.8, high: 1.2}",
         "normal_operating_range: {low: 0.7, high: 1.3}")  # fmt: skip
    commit(repo, "widen NOR within PAR")
    change = only(diff_json(repo))
    assert change["conditions"] == CART | {
        "parameter_criticality": "key",
        "value_position": "within-proven-acceptable-range",
    }
    # ICH Q8(R2)/Q12 3.2.3: operating within an approved range is not a change to the
    # application (21 CFR 601.12(a)); CTR Art. 2(2)(13) not met.
    assert categories(change)[1:] == ("non-substantial", "none", "none")


def test_critical_parameter_beyond_its_proven_range_stays_major(repo: Path) -> None:
    edit(repo, PROCESS, "proven_acceptable_range: {low: 2, high: 10}",
         "proven_acceptable_range: {low: 1, high: 12}")  # fmt: skip
    commit(repo, "widen MOI PAR")
    change = only(diff_json(repo))
    assert change["conditions"]["value_position"] == "beyond-proven-acceptable-range"
    # 601.12(b): substantial potential; C/2025/5045 Q.I.a/Q.II.b: outside approved ranges, II
    assert categories(change)[2:] == ("PAS", "II")


def test_low_risk_reagent_supplier_is_not_classed_like_a_starting_material(repo: Path) -> None:
    text = (repo / "dossier" / "drug-substance" / "materials.yaml").read_text(encoding="utf-8")
    block = text.split("id: MAT-IL2")[1].split("---")[0]
    supplier = next(line for line in block.splitlines() if line.startswith("supplier:"))
    edit(repo, "drug-substance/materials.yaml", "id: MAT-IL2" + block,
         "id: MAT-IL2" + block.replace(supplier, "supplier: Second source"))  # fmt: skip
    commit(repo, "IL-2 supplier")
    change = only(diff_json(repo))
    assert change["conditions"] == CART | {"material_role": "non-critical-reagent"}
    # CTR Art. 2(2)(13): a low-risk reagent is not likely to have a substantial impact
    assert change["impacts"]["eu-cta"]["category"] == "non-substantial"
    assert change["comparability_level"] == "none"


def test_starting_material_change_needs_bridging_assessment(repo: Path) -> None:
    edit(
        repo,
        "drug-substance/materials.yaml",
        "risk_class: high",
        "risk_class: high\nquality_standard: New donor screening standard",
    )
    commit(repo, "leukapheresis standard")
    change = only(diff_json(repo))
    assert change["conditions"] == CART | {"material_role": "starting-material"}
    # 601.12(b): new source material is a prior approval supplement
    assert categories(change) == ("information-amendment", "substantial", "PAS", "II")
    assert change["comparability_level"] == "bridging"


BANKS = "vector/cell-banks-and-plasmids.yaml"


def test_new_master_cell_bank_is_a_prior_approval_change(repo: Path) -> None:
    edit(repo, BANKS, "title: HEK 293T master cell bank OVS-MCB-293T-01\ntype: master-cell-bank",
         "title: HEK 293T master cell bank OVS-MCB-293T-02\ntype: master-cell-bank")  # fmt: skip
    edit(repo, BANKS, "prepared: 2024-02", "prepared: 2026-09")
    commit(repo, "new MCB")
    changes = diff_json(repo)["changes"]  # the new lot name and the banking date
    assert {c["change_type"] for c in changes} == {"material-changed"} and len(changes) == 2
    change = changes[1]
    assert change["conditions"] == CART | {
        "material_role": "cell-bank-or-seed",
        "bank_tier": "master",
    }
    # 21 CFR 312.31(a)(1): new chemistry information -> information amendment; CTR Art.
    # 2(2)(13) with the EU list of substantial quality modifications (active substance
    # manufacturing process); 21 CFR 601.12(b)(2): "establishment of a new master cell bank
    # or seed" needs a prior approval supplement; EU: a biological active substance's new MCB
    # is a type II variation.
    assert categories(change) == ("information-amendment", "substantial", "PAS", "II")
    assert "601.12(b)(2)" in change["impacts"]["us-post-approval"]["basis"]
    assert "B.I.a" in change["impacts"]["eu-post-approval"]["basis"]
    assert change["comparability_level"] == "bridging"


def test_new_working_cell_bank_is_not_classed_like_a_master_bank(repo: Path) -> None:
    text = (repo / "dossier" / BANKS).read_text(encoding="utf-8")
    master = text.split("---\n")[0].split("kind: CellBank\n", 1)[1]
    working = (
        master.replace("id: CB-HEK293T-MCB", "id: CB-HEK293T-WCB")
        .replace("master cell bank OVS-MCB-293T-01", "working cell bank OVS-WCB-293T-01")
        .replace("type: master-cell-bank", "type: working-cell-bank\nderived_from: CB-HEK293T-MCB")
    )
    (repo / "dossier" / BANKS).write_text(text + "---\nkind: CellBank\n" + working, "utf-8")
    commit(repo, "new WCB")
    change = only(diff_json(repo), "material-changed")
    assert change["change"] == "added"
    assert change["conditions"] == CART | {
        "material_role": "cell-bank-or-seed",
        "bank_tier": "working",
    }
    # 21 CFR 601.12(b)(2) names a new *master* bank or seed for prior approval; a working
    # bank from the approved master is below PAS (601.12(c): moderate potential).
    post = change["impacts"]["us-post-approval"]
    assert post["category"] == "CBE-30" and post["basis"].startswith("21 CFR 601.12(c)")
    assert change["impacts"]["eu-post-approval"]["category"] == "IB"
    assert change["comparability_level"] == "quality"


def test_new_test_result_on_a_cell_bank_is_not_a_new_bank(repo: Path) -> None:
    edit(repo, BANKS, "    result: No growth\n    date: 2024-03",
         "    result: No growth\n    date: 2024-03\n  - test: Sterility (retest)\n"
         "    guideline: Ph. Eur. 2.6.1\n    result: No growth\n    date: 2026-03")  # fmt: skip
    commit(repo, "retest")
    change = only(diff_json(repo))
    # ICH Q5D testing of the same bank is characterisation data, not a new bank
    assert change["change_type"] == "supportive-information-changed"
    assert change["impacts"]["us-post-approval"]["category"] != "PAS"


def test_where_a_bank_is_stored_is_not_a_new_bank(repo: Path) -> None:
    text = (repo / "dossier" / BANKS).read_text(encoding="utf-8")
    storage = next(line for line in text.splitlines() if line.startswith("storage:"))
    edit(repo, BANKS, storage, storage + " A third freezer is at the sponsor's store.")
    commit(repo, "third storage location")
    change = only(diff_json(repo))
    # a new storage site of an MCB/WCB: type IA (ex B.I.a.1(k)); not a new bank (601.12(b)(2))
    assert change["change_type"] == "supportive-information-changed"
    assert categories(change)[2:] == ("annual-report", "IA")


def test_method_transferred_to_another_laboratory(repo: Path) -> None:
    edit(repo, "control/methods.yaml", "performed_at: [SITE-CASTELLAN-LEIPZIG]",
         "performed_at: [SITE-TESSALY-LEIDEN]")  # fmt: skip
    commit(repo, "transfer")
    report = diff_json(repo)
    change = report["changes"][0]
    assert change["conditions"] == CART | {"method_change": "transferred"}
    assert change["impacts"]["eu-cta"]["category"] == "non-substantial"


def test_method_technique_replaced(repo: Path) -> None:
    edit(repo, "control/methods.yaml", "technique: Duplex droplet digital PCR",
         "technique: Quantitative PCR")  # fmt: skip
    commit(repo, "replace")
    change = only(diff_json(repo))
    assert change["conditions"] == CART | {"method_change": "replaced"}
    # CTR guidance: a change of test procedure is typically substantial; C/2025/5045 Q.II.d.2
    assert categories(change)[1:] == ("substantial", "CBE-30", "IB")


STABILITY = "stability.yaml"


def _with_extension_protocol(repo: Path) -> None:
    edit(repo, STABILITY, "proposed_shelf_life:\n",
         "shelf_life_extension:\n  reference: STP-019-01 extension plan\n"
         "  up_to: {value: 12, unit: months}\nproposed_shelf_life:\n")  # fmt: skip
    commit(repo, "state the extension plan")
    git(repo, "branch", "-f", "main", "HEAD")


def test_shelf_life_extension_within_the_stated_protocol(repo: Path) -> None:
    _with_extension_protocol(repo)
    edit(repo, STABILITY, "period: {value: 6, unit: months}", "period: {value: 9, unit: months}")
    commit(repo, "extend")
    change = only(diff_json(repo), "shelf-life-extended")
    assert change["conditions"] == CART | {
        "shelf_life_protocol": "within-extension-protocol",
        "stability_subject": "drug-product",
    }
    # 314.70(d)/601.12(d): extension under an approved protocol goes to the annual report;
    # C/2025/5045 Q.II.f.1(b): the finished product's shelf life extended on real-time data,
    # IB (the IA_IN of (b)1 is for non-biological immediate-release film-coated tablets only;
    # an active substance's extension in line with its protocol, Q.I.d.1(a)5, is IA)
    assert categories(change)[2:] == ("annual-report", "IB")
    # in the CTA the team declared its own category for a relaxation of this study: it stands
    assert change["impacts"]["eu-cta"]["category"] == "substantial"
    assert change["impacts"]["eu-cta"]["established_condition"] is True


def test_shelf_life_extension_beyond_the_stated_protocol(repo: Path) -> None:
    _with_extension_protocol(repo)
    edit(repo, STABILITY, "period: {value: 6, unit: months}", "period: {value: 2, unit: years}")
    commit(repo, "extend far")
    change = only(diff_json(repo), "shelf-life-extended")
    assert change["conditions"] == CART | {
        "shelf_life_protocol": "outside-extension-protocol",
        "stability_subject": "drug-product",
    }
    # C/2025/5045 Q.I.d.1(a)4: not in line with an approved protocol, IB
    assert categories(change)[1:] == ("substantial", "PAS", "IB")


def test_site_added_by_activity(repo: Path) -> None:
    edit(repo, "organizations.yaml", "kind: Organization\nid: ORG-VERIDANE",
         "kind: Site\nid: SITE-NEW\nname: New lab\norganization: ORG-CASTELLAN\n"
         "address: {lines: [1 Way], city: Berlin, country: DE}\nactivities: [release-testing]\n"
         "gmp: {status: gmp-certificate}\n---\nkind: Organization\nid: ORG-VERIDANE")  # fmt: skip
    commit(repo, "testing lab")
    change = only(diff_json(repo))
    assert change["conditions"] == CART | {"site_activity": "testing"}
    assert change["impacts"]["eu-cta"]["category"] == "non-substantial"


def test_override_file_can_use_a_condition_column(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    (repo / "impact-rules.yaml").write_text(
        "schema_version: '2'\ntitle: Sponsor rules\nversion: '1.1'\neffective_date: 2026-03-01\n"
        "rules:\n  key-parameter-policy:\n    applies_to: process-parameter-widened\n"
        "    description: Sponsor policy for key parameters\n"
        "    when: {parameter_criticality: [key],\n"
        "           value_position: [within-proven-acceptable-range]}\n"
        "    contexts:\n      eu-cta: {category: substantial, basis: Sponsor SOP-77}\n",
        encoding="utf-8",
    )
    commit(repo, "sponsor rules")
    git(repo, "checkout", "-q", "-B", "change")
    edit(repo, PROCESS, "normal_operating_range: {low: 0.8, high: 1.2}",
         "normal_operating_range: {low: 0.7, high: 1.3}")  # fmt: skip
    commit(repo, "widen NOR")
    report = diff_json(repo)
    change = only(report)
    assert change["impacts"]["eu-cta"] == {
        "category": "substantial", "basis": "Sponsor SOP-77",
        "established_condition": False, "rule": "key-parameter-policy",
    }  # fmt: skip
    assert report["rules"][1] == "Sponsor rules 1.1 (effective 2026-03-01), impact-rules.yaml"


# --- 3. editorial prose ------------------------------------------------------------------------


def test_punctuation_fix_in_a_narrative_is_editorial_everywhere(repo: Path) -> None:
    edit(repo, "narratives/facilities.md", "grade C rooms", "grade C rooms,")
    commit(repo, "comma")
    change = only(diff_json(repo))
    assert change["change_type"] == "editorial"
    # 312.31 needs new information; CTR Art. 2(2)(13) a modification of content
    assert categories(change) == ("none", "none", "none", "none")
    assert change["note"].startswith("editorial: no number, unit, comparator")


def test_changed_number_in_a_narrative_is_not_editorial(repo: Path) -> None:
    edit(repo, "narratives/facilities.md", "grade C rooms", "grade D rooms")
    commit(repo, "grade")
    change = only(diff_json(repo))
    assert change["change_type"] == "supportive-information-changed"
    assert "entity" in change["note"] and "C" in change["note"]


def test_reworded_prose_is_undecidable_and_keeps_the_default(repo: Path) -> None:
    path = repo / "dossier" / "narratives" / "facilities.md"
    text = path.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if len(line.split()) > 6 and line[0].isalpha())
    words = first.split()
    words[2], words[3] = words[3], words[2]
    path.write_text(text.replace(first, " ".join(words), 1), encoding="utf-8")
    commit(repo, "reword")
    change = only(diff_json(repo))
    assert change["change_type"] == "supportive-information-changed"
    assert "cannot judge" in change["note"]


def test_changed_number_in_a_process_description_is_a_process_change(repo: Path) -> None:
    edit(
        repo,
        "drug-substance/process.yaml",
        "About 24 hours after activation",
        "About 48 hours after activation",
    )
    commit(repo, "later transduction")
    change = only(diff_json(repo))
    # M4Q 3.2.S.2.2: the step's description is the filed process, not supportive information
    # (ICH Q12 Appendix 1); CTR Art. 2(2)(13): a change of the manufacturing process
    assert change["change_type"] == "process-changed"
    assert change["impacts"]["eu-cta"]["category"] == "substantial"
    assert "24 hours" in change["note"] and "48 hours" in change["note"]


def test_spelling_fix_in_a_process_description_stays_editorial(repo: Path) -> None:
    edit(
        repo,
        "drug-substance/process.yaml",
        "rocking-motion bioreactor and expanded",
        "rocking-motion bioreactor and expnaded",
    )
    commit(repo, "typo")
    edit(repo, "drug-substance/process.yaml", "expnaded", "expanded")
    commit(repo, "typo fixed")
    report = run_cli("diff", "HEAD~1", "HEAD", "--format", "json", cwd=repo).stdout
    assert '"change_type": "editorial"' in report and "process-changed" not in report


# --- 5. stale text ---------------------------------------------------------------------------


def test_widening_a_limit_lists_the_text_that_still_states_the_old_one(repo: Path) -> None:
    edit(repo, SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 60 %")
    commit(repo, "widen viability")
    report = diff_json(repo)
    found = {(d["code"], Path(d["file"]).name, d["line"]) for d in report["to_check"]}
    assert ("DOS510", "cqas.yaml", 38) in found  # CQA rationale: "viability below 70 %"
    assert ("DOS510", "product.yaml", 152) in found  # DMSO justification
    assert ("DOS510", "product.yaml", 23) in found  # the 3.2.P.2 narrative (optional Markdown)
    assert ("DOS510", "cqas.yaml", 39) in found  # clinical relevance
    assert ("DOS513", "specification.yaml", 8) in found  # SPEC-DP keeps version 1.0
    assert any(code == "DOS511" for code, _, _ in found)  # T-DP-VIABILITY justification unchanged
    markdown = run_cli("diff", "main", "HEAD", "--format", "markdown", cwd=repo).stdout
    assert "### To check" in markdown and "- [ ] `" in markdown
    text = run_cli("diff", "main", "HEAD", cwd=repo).stdout
    assert "cqas.yaml:38:" in text and "warning DOS510" in text


def test_drug_substance_limit_looser_than_the_product_limit(repo: Path) -> None:
    edit(repo, "drug-substance/specification.yaml", "acceptance_criterion: ≥ 80 %",
         "acceptance_criterion: ≥ 65 %")  # fmt: skip
    commit(repo, "widen DS viability")
    codes = {d["code"] for d in diff_json(repo)["to_check"]}
    assert "DOS512" in codes


# --- 8. trust ----------------------------------------------------------------------------------


def test_rules_come_from_the_base_revision(repo: Path) -> None:
    (repo / "impact-rules.yaml").write_text(
        "schema_version: '2'\ntitle: Lenient\nversion: '9'\neffective_date: 2026-01\nrules:\n"
        "  spec-criterion-widened:\n    description: lower\n    change_kind: relaxation\n"
        "    contexts:\n      eu-cta: {category: non-substantial, basis: wishful}\n",
        encoding="utf-8",
    )
    edit(repo, SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 60 %")
    commit(repo, "widen and lower the rules")
    report = diff_json(repo)
    widened = only(report, "spec-criterion-widened")
    assert widened["impacts"]["eu-cta"]["category"] == "substantial"
    rules_change = only(report, "impact-rules-changed")
    assert rules_change["note"] == "the branch's own rules were not used to classify it"
    assert report["rules"] == [
        "cmc-dossier impact rules 2.0 (effective 2026-01-15), shipped with cmc-dossier"
    ]


# --- 9. diff details ---------------------------------------------------------------------------


def test_deleted_test_keeps_its_base_sections(repo: Path) -> None:
    edit(repo, "drug-substance/specification.yaml",
         "  - id: T-DS-CD3\n    test: T-cell purity\n    attribute: CQA-T-CELL-PURITY\n"
         "    method: M-FLOW\n    acceptance_criterion: ≥ 80 % CD3+ of viable CD45+ cells\n"
         "    usage: release\n", "")  # fmt: skip
    commit(repo, "delete a test")
    change = only(diff_json(repo), "spec-test-removed")
    assert change["sections"]["ind"][0] == "3.2.S.4.1"


def test_a_list_change_shows_only_the_changed_item(repo: Path) -> None:
    edit(repo, "organizations.yaml", "activities: [release-testing]",
         "activities: [release-testing, storage]")  # fmt: skip
    commit(repo, "storage too")
    change = only(diff_json(repo))
    assert (change["field"], change["old"], change["new"]) == ("activities", "—", "storage")
    text = run_cli("diff", "main", "HEAD", cwd=repo).stdout
    assert "activities: added storage" in text


def test_no_change_reports_no_category(repo: Path) -> None:
    report = diff_json(repo)
    assert report["changes"] == [] and set(report["overall"].values()) == {None}
    markdown = run_cli("diff", "main", "HEAD", "--format", "markdown", cwd=repo).stdout
    assert "no change, no category" in markdown and "Information amendment" not in markdown


# --- a viral clearance step (ICH Q5A(R2)) --------------------------------------------------


def test_change_of_a_viral_clearance_step_is_major(tmp_path: Path) -> None:
    protein = Path(__file__).parent / "fixtures" / "modalities" / "therapeutic-protein"
    repo = committed_repo(tmp_path / "repo", protein)
    edit(repo, "facts.yaml", "contexts: [us-ind, eu-cta]", ALL_CONTEXTS)
    commit(repo, "all contexts")
    branch(repo)
    for step in ("UO-LOW-PH", "UO-PRODUCTION"):
        edit(repo, "facts.yaml", f"id: {step}\n", f"id: {step}\nequipment: [Single-use vessel]\n")
    commit(repo, "new equipment in two steps")
    changes = {c["id"]: c for c in diff_json(repo)["changes"]}
    clearance, other = changes["UO-LOW-PH"], changes["UO-PRODUCTION"]
    assert clearance["conditions"] == BIOLOGICAL | {
        "viral_clearance_step": "clearance-step"
    }  # VC-LOW-PH
    assert other["conditions"] == BIOLOGICAL | {"viral_clearance_step": "other-step"}
    # 21 CFR 601.12(b)(2): "changes in the virus or adventitious agent removal or
    # inactivation method(s)" need a prior approval supplement; CTR Art. 2(2)(13): viral
    # safety bears on subject safety; ICH Q5E: a clearance step change needs the bridging
    # question asked.
    assert categories(clearance) == ("information-amendment", "substantial", "PAS", "II")
    assert (
        "virus or adventitious agent removal" in clearance["impacts"]["us-post-approval"]["basis"]
    )
    assert clearance["comparability_level"] == "bridging"
    assert "virus" not in other["impacts"]["us-post-approval"]["basis"]


# --- refinements from a regulatory review ----------------------------------------------------

EXAMPLES = Path(__file__).parents[1] / "examples"


def _example_repo(tmp_path: Path, name: str) -> Path:
    repo = committed_repo(tmp_path / "repo", EXAMPLES / name)
    edit(repo, "dossier.yaml", "contexts: [us-ind, eu-cta]", ALL_CONTEXTS)
    commit(repo, "all contexts")
    branch(repo)
    return repo


def test_a_critical_set_point_moved_outside_its_proven_range(repo: Path) -> None:
    edit(
        repo,
        PROCESS,
        "unit: TU per viable T cell\ntarget: 5\n",
        "unit: TU per viable T cell\ntarget: 12\n",
    )
    commit(repo, "MOI 12")
    change = only(diff_json(repo))
    assert change["conditions"]["value_position"] == "beyond-proven-acceptable-range"
    # 601.12(b): operating a critical parameter beyond its approved range is as major as
    # widening that range (PAS); C/2025/5045 Q.I.a: outside approved ranges, type II
    assert categories(change) == ("information-amendment", "substantial", "PAS", "II")


def test_a_parameter_of_a_viral_clearance_step_takes_the_step_category(tmp_path: Path) -> None:
    repo = _example_repo(tmp_path, "aav-gene-therapy")
    lysis = "proven_acceptable_range: {low: %s, high: 4}\naffects_performance: [viral-clearance]"
    edit(repo, "drug-substance/process.yaml", lysis % 1, lysis % 0.25)
    commit(repo, "shorter detergent lysis")
    change = only(diff_json(repo))
    assert change["id"] == "PP-LYSIS-TIME" and change["change_type"] == "process-parameter-widened"
    assert change["conditions"]["viral_clearance_step"] == "clearance-step"
    # 601.12(b)(2): changes in the virus removal or inactivation method(s) need a PAS; the
    # key (not critical) parameter would otherwise be an annual report
    assert categories(change) == ("information-amendment", "substantial", "PAS", "II")


def test_naming_a_new_manufacturer_on_the_product_is_a_new_site(tmp_path: Path) -> None:
    repo = _example_repo(tmp_path, "small-molecule-tablet")
    edit(repo, "drug-product/product.yaml", "manufacturers: [SITE-MARLOWE-CORK]",
         "manufacturers: [SITE-MARLOWE-CORK, SITE-ARDENT-VISP]")  # fmt: skip
    commit(repo, "second tablet site")
    change = only(diff_json(repo))
    assert change["change_type"] == "site-added"
    assert change["conditions"] == {
        "product_class": "chemical", "sterility": "non-sterile",
        "site_activity": "drug-product-manufacture",
    }  # fmt: skip
    # a non-sterile chemical tablet: B.II.b.1(c) type IB in the EU, not the biological II;
    # FDA: PAS unless the site was inspected for this operation (basis says when CBE-30)
    assert categories(change) == ("information-amendment", "substantial", "PAS", "IB")
    assert "CBE-30" in change["impacts"]["us-post-approval"]["basis"]


def test_a_changed_extension_plan_is_a_protocol_change(repo: Path) -> None:
    _with_extension_protocol(repo)
    edit(repo, STABILITY, "up_to: {value: 12, unit: months}", "up_to: {value: 24, unit: months}")
    commit(repo, "longer plan")
    change = only(diff_json(repo))
    # FDA guidance (2004) section X: changes to an approved stability protocol, PAS;
    # C/2025/5045 Q.I.d.1(c): change to an approved stability protocol, IA
    assert change["change_type"] == "stability-protocol-changed"
    assert categories(change)[2:] == ("PAS", "IA")


def test_a_shorter_shelf_life_of_the_product_and_of_the_substance(tmp_path: Path) -> None:
    repo = _example_repo(tmp_path, "small-molecule-tablet")
    edit(repo, STABILITY, "period: {value: 30, unit: months}", "period: {value: 24, unit: months}")
    edit(repo, STABILITY, "period: {value: 18, unit: months}", "period: {value: 12, unit: months}")
    commit(repo, "shorter retest period and shelf life")
    changes = diff_json(repo)["changes"]
    by_subject = {c["conditions"]["stability_subject"]: c for c in changes}
    assert {c["change_type"] for c in changes} == {"shelf-life-reduced"}
    # pre-2026 B.II.f.1(a): a shorter shelf life of the finished product, IA_IN; B.I.d.1(a)1:
    # a shorter re-test period of the active substance, IA
    assert categories(by_subject["drug-product"])[3] == "IA_IN"
    # FDA, Changes to an Approved NDA or ANDA (2004), section X: a shorter expiration dating
    # period for increased assurance is a changes-being-effected supplement
    assert categories(by_subject["drug-product"])[2] == "CBE-0"
    assert categories(by_subject["drug-substance"])[3] == "IA"
    assert "B.I.d.1(a)1" in by_subject["drug-substance"]["impacts"]["eu-post-approval"]["basis"]


def test_case_and_hyphenation_of_a_test_name_are_editorial(repo: Path) -> None:
    edit(repo, SPEC, "test: Appearance", "test: APPEARANCE")
    commit(repo, "case")
    change = only(diff_json(repo))
    assert change["change_type"] == "editorial" and categories(change) == ("none",) * 4


def test_primary_and_secondary_packaging_of_a_sterile_product(repo: Path) -> None:
    product = "drug-product/product.yaml"
    edit(repo, product, "material_of_construction: Ethylene vinyl acetate",
         "material_of_construction: Fluorinated ethylene propylene")  # fmt: skip
    edit(repo, product, "material_of_construction: Aluminium", "material_of_construction: Steel")
    commit(repo, "bag and cassette")
    changes = diff_json(repo)["changes"]
    by_contact = {c["conditions"]["container_contact"]: c for c in changes}
    # C/2025/5045 Q.II.e.1 (ex B.II.e.1(a)3): immediate packaging of a sterile or biological
    # product, type II; 314.70(b)(2)(vi): composition of a product-contact component, PAS
    assert categories(by_contact["product-contact"])[2:] == ("PAS", "II")
    # ex B.II.e.6(b): packaging not in contact with the product, IA (the CTA category is the
    # container closure's declared established condition)
    assert categories(by_contact["no-product-contact"])[2:] == ("annual-report", "IA")
