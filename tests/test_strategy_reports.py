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
    assert r"| PROC\-DP: VRD" in site.pages["responsibilities.md"]


def test_the_car_t_roadmap_joins_plans_with_the_gaps_of_each_milestone(tmp_path) -> None:
    done = run_cli("roadmap", "dossier", "--as-of", "2026-06-01", "-f", "json")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert [m["milestone"] for m in plan["milestones"]] == ["1", "2", "3", "marketing-application"]
    gaps = {(m["milestone"], g["subject"]): g["closed_by"] for m in plan["milestones"]
            for g in m["gaps"]}  # fmt: skip
    assert gaps[("3", "T-DP-POTENCY")] == "PA-POTENCY-LIMIT (planned)"
    assert gaps[("3", "M-FLOW")] == "method validation planned by Phase 2"  # 8b's field
    assert gaps[("marketing-application", "PROC-DS")] == "PA-PPQ (planned)"
    unplanned = [subject for (_, subject), closed in gaps.items() if closed is None]
    # 'Report result' at Phase 3 (drug substance, vector), and nothing plans a limit
    assert unplanned == [
        "T-DS-VIABLE-COUNT",
        "T-LVV-PHYSICAL-TITRE",
        "T-LVV-HCP",
        "T-LVV-PLASMID",
    ]
    docx = tmp_path / "roadmap.docx"
    written = run_cli("roadmap", "dossier", "--as-of", "2026-06-01", "-f", "docx", "-o", str(docx))
    assert written.returncode == 0, written.stderr
    import zipfile

    body = zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")
    assert "PA-POTENCY-LIMIT" in body and "Marketing application (BLA/MAA)" in body


def test_an_activity_due_by_a_month_is_overdue_only_after_that_month(dossier_from) -> None:
    from datetime import date

    from cmc_dossier.strategy.roadmap import roadmap
    from cmc_dossier.validation import validate_folder

    activity = (
        "kind: PlannedActivity\nid: PA-1\ntitle: Extend stability\ntype: stability-extension\n"
        "target_date: 2026-03\nunlocks: 18-month shelf life.\n"
    )
    dossier = validate_folder(dossier_from(files={"plan.yaml": activity})).dossier
    codes = lambda day: [f.diagnostic.code for f in roadmap(dossier, day).findings]  # noqa: E731
    assert "DOS741" not in codes(date(2026, 3, 31))
    assert "DOS741" in codes(date(2026, 4, 1))


def test_roadmap_runs_on_every_modality_fixture() -> None:
    from conftest import MODALITIES

    for folder in sorted(MODALITIES.iterdir()):
        done = run_cli("roadmap", str(folder), "--as-of", "2026-01-01", "-f", "markdown")
        assert done.returncode == 0, (folder.name, done.stderr)
        assert "## Marketing application (BLA/MAA)" in done.stdout


def test_site_roadmap_page_draws_the_timeline_offline() -> None:
    pages = site_for(REPO / "dossier").pages
    page = pages["roadmap.md"]
    assert page.startswith("# CMC roadmap")
    assert 'class="cmc-roadmap"' in page and "<script" not in page and "http" not in page
    assert "Potency acceptance criterion from clinical and engineering batch data" in page


def test_the_pull_request_comment_says_when_a_change_moves_readiness(tmp_path) -> None:
    from build_helpers import committed_repo
    from conftest import MODALITIES

    repo = committed_repo(tmp_path / "repo", MODALITIES / "small-molecule")
    facts = repo / "dossier" / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "status: qualified\n", "status: in-development\n", 1
        ),
        encoding="utf-8",
    )
    done = run_cli("diff", "HEAD", "--worktree", "--format", "markdown", cwd=repo)
    assert done.returncode == 0, done.stderr
    section = done.stdout.split("### Phase readiness", 1)[1].replace("\\", "")
    assert "**No longer met** (DOS700, 3.2.P.5.3)" in section
    assert "Assay and degradation products by HPLC is in-development" in section
    unchanged = run_cli("diff", "HEAD", "HEAD", "--format", "markdown", cwd=repo)
    assert "### Phase readiness" not in unchanged.stdout
