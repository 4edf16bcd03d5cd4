"""Change control on real temporary git repositories: diff, impact, reports, redline, teams."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pypandoc
import pytest
import yaml
from build_helpers import GIT_ENV, committed_repo, git
from conftest import REPO, run_cli

from cmc_dossier.changes.report import COMMENT_LIMIT, MARKER
from cmc_dossier.changes.rules import load_rules

ALL_CONTEXTS = "contexts: [us-ind, eu-cta, us-post-approval, eu-post-approval]"


def commit(repo: Path, message: str, author: str = "Test Author") -> None:
    git(repo, "add", "-A")
    git(
        repo,
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        message,
        f"--author={author} <author@example.org>",
    )


def edit(repo: Path, name: str, old: str, new: str) -> None:
    path = repo / "dossier" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{name}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def diff_json(repo: Path, *args: str) -> dict:
    done = run_cli("diff", "main", "HEAD", "--format", "json", *args, cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


def branch(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "change")


# --- the scenario ----------------------------------------------------------------


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A branch that widens a release criterion, adds a manufacturing site and fixes a typo."""
    repo = committed_repo(tmp_path_factory.mktemp("scenario") / "repo")
    branch(repo)
    edit(
        repo,
        "drug-product/specification.yaml",
        "acceptance_criterion: ≥ 70 %",
        "acceptance_criterion: ≥ 60 %",
    )
    (repo / "dossier" / "sites-munich.yaml").write_text(
        "kind: Site\nid: SITE-CASTELLAN-MUNICH\nname: Castellan Cell Manufacturing GmbH, Munich\n"
        "organization: ORG-CASTELLAN\naddress: {lines: [Musterallee 3], city: Munich, country: DE}\n"
        "activities: [drug-product-manufacture]\ngmp: {status: manufacturing-authorisation}\n",
        encoding="utf-8",
    )
    edit(
        repo,
        "development/cqas.yaml",
        "title: Bacterial endotoxins\n",
        "title: Bacterial endotoxin\n",
    )
    commit(repo, "Widen viability, add Munich, fix a typo", author="Dr. Ana Reviewer")
    return repo


def test_scenario_reports_categories_basis_sections_and_comparability(scenario: Path) -> None:
    report = diff_json(scenario)
    assert report["overall"] == {"us-ind": "information-amendment", "eu-cta": "substantial"}
    by_type = {c["change_type"]: c for c in report["changes"]}
    assert set(by_type) == {"spec-criterion-widened", "site-added", "editorial"}
    widened = by_type["spec-criterion-widened"]
    assert (widened["old"], widened["new"], widened["direction"]) == ("≥ 70 %", "≥ 60 %", "widened")
    assert widened["id"] == "T-DP-VIABILITY"
    assert widened["impacts"]["eu-cta"]["category"] == "substantial"
    assert widened["impacts"]["eu-cta"]["established_condition"] is True  # SPEC-DP declares it
    assert widened["sections"]["ind"][:2] == ["3.2.P.5.1", "3.2.P.5.6"]
    assert widened["sections"]["impd"][0] == "P.5.1"
    assert "non-clinical or clinical bridging" in widened["comparability"]
    site = by_type["site-added"]
    assert site["impacts"]["us-ind"]["category"] == "information-amendment"
    assert "21 CFR 312.31" in site["impacts"]["us-ind"]["basis"]
    assert "Art. 2(2)(13)" in site["impacts"]["eu-cta"]["basis"]
    # a drug product site is presented (and cited) in P.3.1 only
    assert site["sections"] == {"ind": ["3.2.P.3.1"], "impd": ["P.3.1"]}
    typo = by_type["editorial"]
    assert typo["impacts"]["us-ind"]["category"] == "none"
    assert typo["comparability"] == "None expected."


def test_scenario_markdown_comment(scenario: Path) -> None:
    done = run_cli("diff", "main", "HEAD", "--format", "markdown", cwd=scenario)
    text = done.stdout
    assert text.startswith(MARKER)
    assert "- **US IND: Information amendment**" in text
    assert "- **EU CTA: Substantial modification**" in text
    assert "| Viability in VRD\\-019 drug product specification (T\\-DP\\-VIABILITY) |" in text
    assert "<details>" in text and "Comparability evidence expected" in text
    assert len(text) < COMMENT_LIMIT


def test_long_reports_are_cut_to_the_comment_limit_with_a_pointer(scenario: Path) -> None:
    from cmc_dossier.changes.facts_diff import diff
    from cmc_dossier.changes.impact import assess
    from cmc_dossier.changes.report import as_markdown
    from cmc_dossier.changes.snapshot import at_revision

    root = scenario / "dossier"
    report = assess(diff(at_revision(root, "main"), at_revision(root, "HEAD")), load_rules())
    cut = as_markdown(report, limit=1800)
    assert len(cut) <= 1800
    assert "more change(s) not shown: see the full report in the `impact-report` artifact" in cut


def test_redline_has_word_tracked_changes_from_the_head_commit(scenario: Path) -> None:
    done = run_cli("redline", "main", "HEAD", "--output", "redline", cwd=scenario)
    assert done.returncode == 0, done.stdout + done.stderr
    docx = scenario / "redline" / "impd" / "impd-quality.docx"
    body = zipfile.ZipFile(docx).read("word/document.xml").decode()
    insertions = re.findall(r"<w:ins [^>]*>", body)
    deletions = re.findall(r"<w:del [^>]*>", body)
    assert insertions and deletions
    assert all(
        'w:author="Dr. Ana Reviewer"' in tag and "2026-11-20T10:00:00" in tag for tag in insertions
    )

    def text(mode: str) -> str:
        return pypandoc.convert_file(str(docx), "plain", extra_args=[f"--track-changes={mode}"])

    accepted, rejected = text("accept"), text("reject")
    assert "≥ 60 %" in accepted and "≥ 60 %" not in rejected
    assert "Munich" in accepted and "Munich" not in rejected
    assert "Bacterial endotoxin " in accepted.replace("\n", " ")
    # untouched text carries no marks: far fewer marks than words in the document
    assert len(insertions) + len(deletions) < 40
    header = zipfile.ZipFile(docx).read("word/header1.xml").decode()
    footer = zipfile.ZipFile(docx).read("word/footer1.xml").decode()
    assert (
        "VRD-019 (autologous anti-CD19 CAR-T cells)" in header
        and "changes from version 0.3 to version 0.3" in header  # document versions, not git
    )
    ids = re.findall(r"<w:(?:ins|del) [^>]*w:id=\"(\d+)\"", body)
    assert len(ids) == len(set(ids)) == len(insertions) + len(deletions)
    assert "Version 0.3 | Commit HEAD (" in footer
    unchanged = scenario / "redline" / "ind" / "m3" / "32-body-data" / "32a-app"
    assert not unchanged.exists()  # documents that did not change get no redline
    # Module 2.3 shows the same specification and sites, so it is redlined too
    qos = scenario / "redline" / "qos" / "module-2-3-quality-overall-summary.docx"
    accepted, rejected = (
        pypandoc.convert_file(str(qos), "plain", extra_args=[f"--track-changes={mode}"])
        for mode in ("accept", "reject")
    )
    assert "≥ 60 %" in accepted and "≥ 60 %" not in rejected and "≥ 70 %" in rejected
    assert "Munich" in accepted and "Munich" not in rejected


# --- every row of the rules table ----------------------------------------------------------

SPEC = "drug-product/specification.yaml"
TESSALY_SITE = (
    (REPO / "dossier" / "organizations.yaml")
    .read_text(encoding="utf-8")
    .split("---\nkind: Site\nid: SITE-TESSALY-LEIDEN")[1]
)
TESSALY_SITE = re.sub(  # as in rules_base, which strips declared established conditions
    r"established_condition:\n(?:  .*\n)+",
    "",
    "---\nkind: Site\nid: SITE-TESSALY-LEIDEN" + TESSALY_SITE,
)
PROCESS = "drug-substance/process.yaml"
ROWS: dict[str, list[tuple[str, str, str]]] = {
    "spec-criterion-widened": [(SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 60 %")],
    "spec-criterion-tightened": [(SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 75 %")],
    "spec-criterion-changed": [(SPEC, "acceptance_criterion: ≤ 0.5 EU/mL", "acceptance_criterion: ≤ 5.0 EU/kg")],
    "spec-test-added": [("drug-substance/specification.yaml", "    acceptance_criterion: ≥ 15 % CAR+ of viable CD3+ cells\n    usage: release\n",
                         "    acceptance_criterion: ≥ 15 % CAR+ of viable CD3+ cells\n    usage: release\n  - id: T-DS-MYCO\n    test: Mycoplasma\n    attribute: CQA-MYCOPLASMA\n    method: M-MYCOPLASMA\n    acceptance_criterion: Not detected\n")],
    "spec-test-removed": [("drug-substance/specification.yaml", "  - id: T-DS-CD3\n    test: T-cell purity\n    attribute: CQA-T-CELL-PURITY\n    method: M-FLOW\n    acceptance_criterion: ≥ 80 % CD3+ of viable CD45+ cells\n    usage: release\n", "")],
    "spec-method-changed": [("drug-substance/specification.yaml", "    attribute: CQA-VIABILITY\n    method: M-CELLCOUNT", "    attribute: CQA-VIABILITY\n    method: M-FLOW")],
    "analytical-method-changed": [("control/methods.yaml", "technique: Duplex droplet digital PCR", "technique: Quantitative PCR")],
    "method-validation-updated": [("control/methods.yaml", "dose calculation\ntype: in-house\nstatus: qualified", "dose calculation\ntype: in-house\nstatus: validated")],
    "process-parameter-widened": [(PROCESS, "proven_acceptable_range: {low: 2, high: 10}", "proven_acceptable_range: {low: 1, high: 12}")],
    "process-parameter-tightened": [(PROCESS, "normal_operating_range: {low: 4, high: 6}", "normal_operating_range: {low: 4.5, high: 5.5}")],
    "process-parameter-changed": [(PROCESS, "unit: TU per viable T cell\ntarget: 5\n", "unit: TU per viable T cell\ntarget: 6\n")],
    "process-changed": [(PROCESS, "equipment: [Single-use rocking-motion bioreactor with perfusion]", "equipment: [Stirred-tank bioreactor]")],
    "in-process-control-tightened": [(PROCESS, "acceptance_criterion: ≥ 1.0 × 10^8 viable cells", "acceptance_criterion: ≥ 1.5 × 10^8 viable cells")],
    "in-process-control-changed": [(PROCESS, "attribute: CQA-DOSE\nmethod: M-CELLCOUNT", "attribute: CQA-DOSE\nmethod: M-FLOW")],
    "hold-time-extended": [(PROCESS, "maximum: {value: 48, unit: hours}", "maximum: {value: 72, unit: hours}")],
    "hold-time-reduced": [(PROCESS, "maximum: {value: 48, unit: hours}", "maximum: {value: 36, unit: hours}")],
    "site-added": [("organizations.yaml", "kind: Organization\nid: ORG-VERIDANE", "kind: Site\nid: SITE-NEW\nname: New site\norganization: ORG-CASTELLAN\naddress: {lines: [1 Way], city: Berlin, country: DE}\nactivities: [drug-product-manufacture]\ngmp: {status: gmp-certificate}\n---\nkind: Organization\nid: ORG-VERIDANE")],
    "site-removed": [("organizations.yaml", TESSALY_SITE, "")],
    "site-changed": [("organizations.yaml", "date: 2025-03-12", "date: 2026-03-12")],
    "material-changed": [("drug-substance/materials.yaml", "supplier: Commercial (marketed medicinal product)\norigin:\n  source: recombinant", "supplier: Second commercial source\norigin:\n  source: recombinant")],
    "composition-changed": [("drug-product/product.yaml", "quantity: 45 % (v/v)", "quantity: 40 % (v/v)")],
    "container-closure-changed": [("drug-product/product.yaml", "material_of_construction: Ethylene vinyl acetate", "material_of_construction: Fluorinated ethylene propylene")],
    "shelf-life-extended": [("stability.yaml", "period: {value: 6, unit: months}", "period: {value: 9, unit: months}")],
    "shelf-life-reduced": [("stability.yaml", "period: {value: 6, unit: months}", "period: {value: 3, unit: months}")],
    "storage-condition-changed": [("stability.yaml", "  storage_condition: ≤ −150 °C in the vapour phase of liquid nitrogen", "  storage_condition: ≤ −135 °C in the vapour phase of liquid nitrogen")],
    "supportive-information-changed": [("drug-substance/characterisation.yaml", "Central memory T cells 24–35 %", "Central memory T cells 22–35 %")],
    "batch-data-updated": [("batches.yaml", "T-DP-VIABILITY: 86 %", "T-DP-VIABILITY: 87 %")],
    "stability-protocol-changed": [("stability.yaml", "proposed_shelf_life:\n", "shelf_life_extension:\n  reference: STP-019-01 extension plan\n  up_to: {value: 12, unit: months}\nproposed_shelf_life:\n")],
    "stability-data-updated": [("stability.yaml", "time_points: [\"0\", 1 M, 3 M, 6 M, 9 M, 12 M, 18 M, 24 M]", "time_points: [\"0\", 1 M, 3 M, 6 M, 9 M, 12 M, 18 M, 24 M, 36 M]")],
    "editorial": [("development/cqas.yaml", "title: Bacterial endotoxins\n", "title: Bacterial endotoxin\n")],
    "administrative": [("dossier.yaml", 'document_version: "0.3"', 'document_version: "0.4"')],
}  # fmt: skip
# The classification must not depend on the table: a few rows, written out in full.
KNOWN = {
    "spec-criterion-widened": ("information-amendment", "substantial", "PAS", "II"),
    "spec-criterion-tightened": ("information-amendment", "non-substantial", "annual-report", "IA"),
    "site-added": ("information-amendment", "substantial", "PAS", "II"),
    # CTR Art. 2(2)(13): a correction of wording is no modification of the authorised trial
    "editorial": ("none", "none", "none", "none"),
    "batch-data-updated": ("none", "non-substantial", "annual-report", "none"),
}


@pytest.fixture(scope="module")
def rules_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with all four contexts and no declared established conditions."""
    source = tmp_path_factory.mktemp("rules-source") / "dossier"
    shutil.copytree(REPO / "dossier", source)
    for path in source.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"established_condition:\n(?:  .*\n)+", "", text)
        text = re.sub(r"    established_condition:\n(?:      .*\n)+", "", text)
        path.write_text(text.replace("contexts: [us-ind, eu-cta]", ALL_CONTEXTS), encoding="utf-8")
    return source


def test_every_change_type_has_a_scenario() -> None:
    table = load_rules()
    change_types = sorted(name for name, rule in table.rows.items() if rule.applies_to is None)
    # impact-rules-changed is exercised by test_rules_come_from_the_base_revision, not-compared
    # by test_a_fact_whose_base_file_does_not_load_is_not_compared_never_added
    assert sorted([*ROWS, "impact-rules-changed", "not-compared"]) == change_types


@pytest.mark.parametrize("change_type", sorted(ROWS))
def test_each_rule_row_is_applied(change_type: str, rules_base: Path, tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo", rules_base)
    branch(repo)
    for name, old, new in ROWS[change_type]:
        edit(repo, name, old, new)
    commit(repo, change_type)
    report = diff_json(repo)
    types = {c["change_type"] for c in report["changes"]}
    assert change_type in types, report["changes"]
    change = next(c for c in report["changes"] if c["change_type"] == change_type)
    table = load_rules()
    for context in ("us-ind", "eu-cta", "us-post-approval", "eu-post-approval"):
        impact = change["impacts"][context]
        row = table.rows[impact["rule"]]
        assert table.change_type(impact["rule"]) == change_type
        assert impact["category"] == row.contexts[context].category
        assert impact["basis"].startswith(row.contexts[context].basis)
        assert impact["established_condition"] is False
    if change_type in KNOWN:
        categories = tuple(
            change["impacts"][c]["category"]
            for c in ("us-ind", "eu-cta", "us-post-approval", "eu-post-approval")
        )
        assert categories == KNOWN[change_type]


# --- rules behaviour ----------------------------------------------------------------------


def test_declared_established_condition_wins_over_the_default(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    branch(repo)
    edit(
        repo,
        SPEC,
        "    eu-cta: {relaxation: substantial, deletion: substantial, replacement: substantial}\n",
        "    eu-cta: {relaxation: non-substantial}\n",
    )
    commit(repo, "declare EC category")
    git(repo, "branch", "-f", "main", "HEAD")
    edit(repo, SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 60 %")
    commit(repo, "widen")
    change = diff_json(repo)["changes"][0]
    assert change["impacts"]["eu-cta"]["category"] == "non-substantial"
    assert change["impacts"]["eu-cta"]["established_condition"] is True
    basis = change["impacts"]["eu-cta"]["basis"]
    # the context's own rule first, then what modified it
    assert basis.startswith("Regulation (EU) No 536/2014, Art. 2(2)(13)")
    assert "modified by the established condition of SPEC-DP" in basis and "ICH Q12" in basis


def test_supportive_information_is_capped_and_dossier_rules_override(
    rules_base: Path, tmp_path: Path
) -> None:
    repo = committed_repo(tmp_path / "repo", rules_base)
    (repo / "impact-rules.yaml").write_text(
        "schema_version: '2'\ntitle: Sponsor rules\nversion: '3'\neffective_date: 2026-02-01\nrules:\n"
        "  supportive-information-changed:\n    description: raised on purpose\n    supportive: true\n"
        "    comparability: none\n    contexts:\n      us-post-approval: {category: PAS, basis: local SOP}\n"
        "  spec-criterion-tightened:\n    description: stricter local policy\n    comparability: none\n"
        "    contexts:\n      eu-cta: {category: substantial, basis: local SOP 12}\n",
        encoding="utf-8",
    )
    commit(repo, "rules")
    branch(repo)
    for name, old, new in ROWS["supportive-information-changed"] + ROWS["spec-criterion-tightened"]:
        edit(repo, name, old, new)
    commit(repo, "both")
    changes = {c["change_type"]: c for c in diff_json(repo)["changes"]}
    capped = changes["supportive-information-changed"]["impacts"]["us-post-approval"]
    assert (
        capped["category"] == "annual-report"
        and "capped: supportive information" in capped["basis"]
    )
    overridden = changes["spec-criterion-tightened"]["impacts"]
    assert overridden["eu-cta"] == {
        "category": "substantial",
        "basis": "local SOP 12",
        "established_condition": False,
        "rule": "spec-criterion-tightened",
    }
    assert (
        overridden["us-post-approval"]["category"] == "annual-report"
    )  # not overridden: shipped row


def test_invalid_rules_file_is_a_located_error(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    (repo / "impact-rules.yaml").write_text(
        "schema_version: '2'\ntitle: t\nversion: '1'\neffective_date: 2026-01\nrules:\n"
        "  editorial:\n    description: x\n    comparability: none\n"
        "    contexts:\n      eu-cta: {category: PAS, basis: wrong context}\n",
        encoding="utf-8",
    )
    commit(repo, "rules")
    done = run_cli("diff", "HEAD", "HEAD", cwd=repo)
    assert done.returncode == 1
    assert "impact-rules.yaml:" in done.stderr and "is not a eu-cta category" in done.stderr


# --- git situations ------------------------------------------------------------------------


def test_moved_and_renamed_files_are_not_changes(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    branch(repo)
    (repo / "dossier" / "stability.yaml").rename(
        repo / "dossier" / "drug-product" / "stability-studies.yaml"
    )
    qtpp = repo / "dossier" / "development" / "qtpp.yaml"
    documents = qtpp.read_text(encoding="utf-8").split("\n---\n")
    qtpp.write_text("\n---\n".join(documents[:-1]) + "\n", encoding="utf-8")
    (repo / "dossier" / "development" / "container-qtpp.yaml").write_text(
        documents[-1], encoding="utf-8"
    )
    commit(repo, "reorganise files")
    report = diff_json(repo)
    assert report["changes"] == []
    moved = {m["id"] for m in report["moved"]}
    assert {"STAB-DP-LONG-TERM", "STAB-DP-IN-USE", "QTPP-CONTAINER"} <= moved


def test_non_yaml_files_are_ignored(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    branch(repo)
    (repo / "dossier" / "NOTES.txt").write_text("meeting notes\n", encoding="utf-8")
    commit(repo, "notes")
    assert diff_json(repo)["changes"] == []


def test_fact_files_named_in_upper_case_are_read_and_diffed(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    facts = run_cli("validate", "dossier", "--format", "json", cwd=repo)
    git(repo, "mv", f"dossier/{SPEC}", f"dossier/{SPEC[: -len('.yaml')]}.YAML")
    commit(repo, "upper-case extension")
    renamed = run_cli("validate", "dossier", "--format", "json", cwd=repo)
    assert renamed.returncode == 0, renamed.stdout + renamed.stderr
    assert json.loads(renamed.stdout) == json.loads(facts.stdout)  # the same facts, no finding
    branch(repo)
    spec = repo / "dossier" / f"{SPEC[: -len('.yaml')]}.YAML"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("≥ 70 %", "≥ 75 %"), encoding="utf-8")
    commit(repo, "tighten")
    assert [c["change_type"] for c in diff_json(repo)["changes"]] == ["spec-criterion-tightened"]


def test_unknown_revision_is_a_clear_error(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    done = run_cli("diff", "no-such-branch", cwd=repo)
    assert done.returncode == 1
    assert "unknown revision 'no-such-branch'" in done.stderr and "Traceback" not in done.stderr


def test_shallow_clone_without_the_base_says_how_to_fetch_it(
    scenario: Path, tmp_path: Path
) -> None:
    base = git(scenario, "rev-parse", "main")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "change", f"file://{scenario}", str(clone)],
                   check=True, capture_output=True, env={**GIT_ENV, "PATH": "/usr/bin:/bin"})  # fmt: skip
    done = run_cli("diff", base, "HEAD", cwd=clone)
    assert done.returncode == 1
    assert "not in this shallow clone" in done.stderr and "git fetch --unshallow" in done.stderr


def test_invalid_base_is_reported_and_the_diff_shows_what_it_can(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    edit(repo, SPEC, 'version: "1.0"', 'version: "1.0"\nunknown_field: oops')
    commit(repo, "broken base")
    branch(repo)
    edit(repo, SPEC, 'version: "1.0"\nunknown_field: oops', 'version: "1.0"')
    edit(
        repo,
        "development/cqas.yaml",
        "title: Bacterial endotoxins\n",
        "title: Bacterial endotoxin\n",
    )
    commit(repo, "fix")
    report = diff_json(repo)
    assert [p["code"] for p in report["problems"]["base"]] == ["DOS103"]
    assert {c["change_type"] for c in report["changes"]} >= {"editorial"}
    full = diff_json(repo, "--full")
    assert any(p["code"] == "DOS103" for p in full["problems"]["base"])
    assert full["problems"]["head"] == []


def test_a_fact_whose_base_file_does_not_load_is_not_compared_never_added(
    tmp_path: Path,
) -> None:
    """The base specification has a YAML error; the branch fixes it and widens a criterion.
    Shown as "added", the widening would be a non-substantial added test in the EU."""
    repo = committed_repo(tmp_path / "repo")
    edit(repo, SPEC, 'version: "1.0"', 'version: "1.0"\nbroken: [unclosed')
    commit(repo, "broken base")
    branch(repo)
    edit(repo, SPEC, 'version: "1.0"\nbroken: [unclosed', 'version: "1.0"')
    edit(repo, SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 60 %")
    commit(repo, "fix and widen")
    report = diff_json(repo)
    (change,) = [c for c in report["changes"] if c["id"] == "SPEC-DP"]
    assert change["change"] == "not compared" and change["change_type"] == "not-compared"
    assert change["impacts"]["eu-cta"]["category"] == "substantial"
    assert report["overall"]["eu-cta"] == "substantial"
    (warning,) = [d for d in report["to_check"] if d["code"] == "DOS514"]
    assert "SPEC-DP" in warning["message"] and warning["file"].endswith(SPEC)


def test_a_base_file_that_does_not_load_and_is_deleted_is_said(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    edit(repo, SPEC, 'version: "1.0"', 'version: "1.0"\nbroken: [unclosed')
    commit(repo, "broken base")
    branch(repo)
    (repo / "dossier" / SPEC).unlink()
    commit(repo, "delete the broken file")
    report = diff_json(repo)
    (warning,) = [d for d in report["to_check"] if d["code"] == "DOS514"]
    assert "is not in HEAD" in warning["message"] and warning["file"].endswith(SPEC)


def test_removing_the_study_that_proposes_the_shelf_life_reduces_the_shelf_life(
    tmp_path: Path,
) -> None:
    repo = committed_repo(tmp_path / "repo")
    branch(repo)
    stability = repo / "dossier" / "stability.yaml"
    documents = stability.read_text(encoding="utf-8").split("\n---\n")
    kept = [d for d in documents if "id: STAB-DP-LONG-TERM" not in d]
    assert len(kept) == len(documents) - 1
    stability.write_text("\n---\n".join(kept), encoding="utf-8")
    commit(repo, "drop the long-term study")
    (change,) = [c for c in diff_json(repo)["changes"] if c["id"] == "STAB-DP-LONG-TERM"]
    assert change["change"] == "removed" and change["change_type"] == "shelf-life-reduced"


def test_a_base_without_the_dossier_folder_and_a_submodule_are_said(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    git(repo, "checkout", "-q", "--orphan", "empty")
    git(repo, "rm", "-rq", "--cached", "dossier")
    (repo / "README.md").write_text("Nothing yet\n", encoding="utf-8")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "before the dossier")
    git(repo, "checkout", "-q", "-f", "main")
    other = committed_repo(tmp_path / "other")
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(other),
        "dossier/vendor")  # fmt: skip
    commit(repo, "a vendor's facts as a submodule")
    done = run_cli("diff", "empty", "HEAD", "--format", "json", cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    codes = {d["code"]: d["message"] for d in report["to_check"]}
    assert "no dossier folder" in codes["DOS515"] and "dossier/vendor" in codes["DOS516"]
    text = run_cli("diff", "empty", "HEAD", cwd=repo).stdout
    assert "DOS515" in text and "DOS516" in text


def test_values_are_shown_as_typed_not_as_python_objects() -> None:
    from cmc_dossier.changes.report import shown
    from cmc_dossier.model.stability import ShelfLife

    period = {"value": Decimal("6"), "unit": "months"}
    life = ShelfLife.model_validate({"period": period, "storage_condition": "≤ −150 °C"})
    assert shown(life) == "period: 6 months; storage_condition: ≤ −150 °C"
    assert shown({"a": True, "b": None}) == "a: true"


def test_working_tree_option_compares_uncommitted_edits(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    edit(repo, SPEC, "acceptance_criterion: ≥ 70 %", "acceptance_criterion: ≥ 75 %")
    done = run_cli("diff", "HEAD", "--worktree", "--format", "json", cwd=repo)
    report = json.loads(done.stdout)
    assert report["head"] == "working tree"
    assert [c["change_type"] for c in report["changes"]] == ["spec-criterion-tightened"]


# --- teams and the workflow -----------------------------------------------------------------


def test_codeowners_requests_the_approving_organisations(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    done = run_cli("codeowners", "dossier", "-o", ".github/CODEOWNERS", cwd=repo)
    assert done.returncode == 0, done.stdout
    lines = (repo / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
    owners = dict(line.split(" ", 1) for line in lines if line.startswith("/"))
    assert (
        owners["/dossier/drug-substance/process.yaml"]
        == "@castellan-cdmo/quality @veridane-tx/cmc-regulatory"
    )
    assert owners["/dossier/development/qtpp.yaml"] == "@veridane-tx/cmc-regulatory"
    assert "@tessaly-labs/quality-control" in owners["/dossier/control/methods.yaml"]
    assert owners["/dossier/narratives/facilities.md"] == "@veridane-tx/cmc-regulatory"


def test_codeowners_warns_about_organisations_without_reviewers(tmp_path: Path) -> None:
    from conftest import MODALITIES

    repo = committed_repo(tmp_path / "repo", MODALITIES / "small-molecule")
    done = run_cli("codeowners", "dossier", "-o", "CODEOWNERS", cwd=repo)
    assert "warning DOS404" in done.stdout
    assert "/dossier/facts.yaml" in (repo / "CODEOWNERS").read_text()


WORKFLOW = REPO / ".github" / "workflows" / "dossier.yml"


def test_workflow_passes_zizmor_offline_and_the_workflow_schema() -> None:
    tools = Path(sys.executable).parent  # installed with the dev dependencies
    for persona in ("regular", "auditor"):
        zizmor = subprocess.run(
            [str(tools / "zizmor"), "--offline", "--persona", persona, str(WORKFLOW)],
            capture_output=True,
            text=True,
        )
        assert zizmor.returncode == 0, zizmor.stdout + zizmor.stderr
        assert "No findings" in zizmor.stdout, persona
    schema = subprocess.run(
        [str(tools / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert schema.returncode == 0, schema.stdout + schema.stderr


def test_workflow_is_hardened_and_its_steps_call_the_dossier_cli() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert workflow["permissions"] == {}
    assert list(workflow[True]) == ["pull_request"]  # PyYAML reads the key `on` as True
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "pull_request_target" not in text
    for job in workflow["jobs"].values():
        assert set(job["permissions"]) <= {"contents", "pull-requests"}
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
                if step["uses"].startswith("actions/checkout"):
                    assert step["with"]["persist-credentials"] is False
            if "run" in step:
                assert "${{" not in step["run"]
                for line in step["run"].strip().splitlines():
                    assert line.startswith(
                        ("dossier ", "python -m pip install .", "cat build/impact-report.md")
                    ), line
    artifacts = {
        step["with"]["name"]: step["with"]["path"]
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/upload-artifact")
    }
    assert artifacts["dossier-exports"] == "build/export/"
    assert "dossier export dossier --format fhir --output build/export" in text
    assert workflow["jobs"]["comment"]["permissions"] == {"pull-requests": "write"}
    assert "head.repo.full_name == github.repository" in workflow["jobs"]["comment"]["if"]


def test_workflow_reports_and_comments_when_validation_fails_and_diffs_once() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = {
        step.get("name", step.get("uses", "")): step for step in workflow["jobs"]["review"]["steps"]
    }
    validate = steps["Validate (annotations on the YAML lines)"]
    assert validate["continue-on-error"] is True
    for name in ("Impact report (one diff, Markdown and JSON)", "Review site"):
        assert "!cancelled()" in steps[name]["if"]
    upload = next(s for n, s in steps.items() if n.startswith("actions/upload-artifact"))
    assert "!cancelled()" in upload["if"]
    assert workflow["jobs"]["review"]["steps"][-1]["if"] == "steps.validate.outcome == 'failure'"
    assert "!cancelled()" in workflow["jobs"]["comment"]["if"]
    assert WORKFLOW.read_text(encoding="utf-8").count("dossier diff ") == 1


def test_pre_commit_hook_runs_the_validator(tmp_path: Path) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = hooks
    assert hook["id"] == "dossier-validate" and hook["language"] == "python"
    command, *args = hook["entry"].split() + hook["args"]
    assert command == "dossier"
    done = run_cli(*args, cwd=REPO)
    assert done.returncode == 0 and "0 errors" in done.stdout


class _FakeGitHub:
    """GitHub's issue-comments endpoints on loopback, recording every call."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.comments: list[dict] = [{"id": 7, "body": "an unrelated comment"}]
        self.calls: list[tuple[str, str, str]] = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def _reply(self, payload: object, status: int = 200) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> dict:
                return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

            def do_GET(self) -> None:
                fake.calls.append(("GET", self.path, self.headers["Authorization"]))
                self._reply(fake.comments if "page=1" in self.path else [])

            def do_POST(self) -> None:
                body = self._body()
                fake.calls.append(("POST", self.path, body["body"]))
                fake.comments.append({"id": 99, "body": body["body"]})
                self._reply({"id": 99}, 201)

            def do_PATCH(self) -> None:
                body = self._body()
                fake.calls.append(("PATCH", self.path, body["body"]))
                self._reply({"id": 99})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


def test_comment_is_created_once_then_updated_in_place(scenario: Path, tmp_path: Path) -> None:
    import os

    report = tmp_path / "impact-report.md"
    report.write_text(run_cli("diff", "main", "HEAD", "--format", "markdown", cwd=scenario).stdout)
    github = _FakeGitHub()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 12}}))
    environment = {"GITHUB_API_URL": github.url, "GITHUB_REPOSITORY": "sponsor/dossier",
                   "GITHUB_TOKEN": "t0ken", "GITHUB_EVENT_PATH": str(event)}  # fmt: skip
    saved = {k: os.environ.get(k) for k in environment}
    os.environ.update(environment)
    try:
        first = run_cli("comment", str(report), cwd=tmp_path)
        second = run_cli("comment", str(report), cwd=tmp_path)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        github.server.shutdown()
    assert first.returncode == 0 and first.stdout.strip() == "created comment 99"
    assert second.returncode == 0 and second.stdout.strip() == "updated comment 99"
    methods = [(method, path.split("?")[0]) for method, path, _ in github.calls]
    assert ("POST", "/repos/sponsor/dossier/issues/12/comments") in methods
    assert ("PATCH", "/repos/sponsor/dossier/issues/comments/99") in methods
    assert all(auth == "Bearer t0ken" for method, _, auth in github.calls if method == "GET")
    posted = next(body for method, _, body in github.calls if method == "POST")
    assert posted.startswith(MARKER) and "EU CTA: Substantial modification" in posted


def test_comment_without_github_settings_is_a_usage_error(tmp_path: Path) -> None:
    report = tmp_path / "r.md"
    report.write_text("x")
    done = run_cli("comment", str(report), cwd=tmp_path)
    assert done.returncode == 2 and "cannot post" in done.stderr


def test_an_edited_narrative_file_is_a_change_of_its_narrative(tmp_path: Path) -> None:
    repo = committed_repo(tmp_path / "repo")
    branch(repo)
    edit(repo, "narratives/facilities.md", "grade C rooms", "grade D rooms")
    commit(repo, "facility text")
    [change] = diff_json(repo)["changes"]
    assert (change["id"], change["change_type"]) == ("N-A-1", "supportive-information-changed")
    assert change["old"].startswith("narratives/facilities.md (") and "lines after" in change["new"]
    assert change["sections"]["ind"] == ["3.2.A.1"]


def test_a_value_with_a_vertical_bar_stays_in_its_cell_in_the_redline() -> None:
    """A typed "|" is escaped in a table cell; the redline's spans kept splitting at it, so
    pandoc saw a broken span and an extra column."""
    from cmc_dossier.changes.redline import redline
    from cmc_dossier.publish.docx import READER

    table = "| Test | Criterion |\n|---|---|\n| Assay | {} |\n"
    marked = redline(table.format(r"A\|B \\"), table.format(r"A\|C \\"), "QA", "2026-11-24")
    document = json.loads(pypandoc.convert_text(marked, "json", format=READER))
    (block,) = document["blocks"]
    body = block["c"][4][0][3]  # the table body's rows
    (row,) = body
    cells = [cell[4] for cell in row[1]]
    assert len(cells) == 2
    spans = [inline for block in cells[1] for inline in block["c"] if inline["t"] == "Span"]
    texts = {span["c"][0][1][0]: pypandoc.convert_text(
        json.dumps({**document, "blocks": [{"t": "Plain", "c": span["c"][1]}]}), "plain",
        format="json").strip() for span in spans}  # fmt: skip
    assert texts == {"deletion": "A|B", "insertion": "A|C"}  # the same escaped "\\" after
