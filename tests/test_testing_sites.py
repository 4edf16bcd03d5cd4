"""3.2.S.2.1 and 3.2.P.3.1 list the sites that make or test that material, and what they do."""

from __future__ import annotations

from pathlib import Path

from cmc_dossier.render.documents import Renderer
from cmc_dossier.validation import validate_folder

LAB = (
    "kind: Site\nid: SITE-LAB\nname: Example contract laboratory\norganization: ORG-S\n"
    "address: {lines: [3 Lab Lane], city: Leeds, country: GB}\nactivities: [release-testing]\n"
    "gmp: {status: gmp-certificate}\n"
)
DS_SPEC = (
    "kind: Specification\nid: SPEC-DS\ntitle: DS spec\napplies_to: drug-substance\n"
    "subject: DS-1\nversion: '1'\ntests:\n"
    "  - {id: T-DS-ASSAY, test: DS assay, attribute: CQA-ASSAY, method: M-HPLC, "
    "acceptance_criterion: 98.0–102.0 %}\n"
)


def _section(markdown: str, number: str) -> str:
    start = markdown.index(f" {number} ")
    return markdown[start : markdown.index("\n#", start)]


def _documents(dossier_from, replace: dict[str, str], ds_at: str | None = None) -> str:
    ds_spec = DS_SPEC.replace("tests:", f"tested_at: [{ds_at}]\ntests:") if ds_at else DS_SPEC
    root = dossier_from(
        "small-molecule",
        files={"lab.yaml": LAB, "ds-spec.yaml": ds_spec},
        replace={"performed_at: [SITE-1]": "performed_at: [SITE-1, SITE-LAB]", **replace},
    )
    result = validate_folder(root)
    assert not result.errors, result.errors
    return Renderer(result.dossier, "ind").combined().markdown


DP_AT_LAB = {"tests:\n  - {id: T-ASSAY,": "tested_at: [SITE-LAB]\ntests:\n  - {id: T-ASSAY,"}


def test_a_drug_product_testing_lab_is_not_a_drug_substance_site(dossier_from) -> None:
    markdown = _documents(dossier_from, DP_AT_LAB, ds_at="SITE-1")
    substance, product = _section(markdown, "3.2.S.2.1"), _section(markdown, "3.2.P.3.1")
    assert "Example contract laboratory" not in substance
    assert "| Example contract laboratory |" in product
    assert "| Testing: Assay, Total degradation products, Dissolution |" in product
    # the plant makes both but tests only the drug substance
    assert "| Drug substance manufacture; Testing: DS assay |" in substance
    assert "| Drug product manufacture |" in product


def test_a_test_names_its_own_site_over_the_specification(dossier_from) -> None:
    own_site = {
        "acceptance_criterion: NMT 1.0 %}": "acceptance_criterion: NMT 1.0 %, tested_at: [SITE-1]}"
    }
    markdown = _documents(dossier_from, {**DP_AT_LAB, **own_site}, ds_at="SITE-1")
    product = _section(markdown, "3.2.P.3.1")
    assert "| Drug product manufacture; Testing: Total degradation products |" in product
    assert "| Testing: Assay, Dissolution |" in product


def test_a_shared_method_at_several_sites_names_no_lab_for_either_material(dossier_from) -> None:
    """Undecidable: the laboratory is listed for neither material, and DOS360 says why."""
    root = dossier_from(
        "small-molecule",
        files={"lab.yaml": LAB, "ds-spec.yaml": DS_SPEC},
        replace={"performed_at: [SITE-1]": "performed_at: [SITE-1, SITE-LAB]"},
    )
    result = validate_folder(root)
    markdown = Renderer(result.dossier, "ind").combined().markdown
    substance, product = _section(markdown, "3.2.S.2.1"), _section(markdown, "3.2.P.3.1")
    assert "Example contract laboratory" not in substance + product
    # the HPLC tests are undecided; the dissolution method (one site) still names its lab
    for test in ("DS assay", "Assay", "Total degradation products"):
        assert f"Testing: {test}" not in substance + product
        assert f", {test}" not in substance + product
    warned = [d for d in result.diagnostics if d.code == "DOS360"]
    assert sorted(d.message.split("'")[3] for d in warned) == ["SPEC-DP", "SPEC-DS"]


def test_a_method_at_one_site_tests_every_material_there(dossier_from) -> None:
    root = dossier_from("small-molecule", files={"lab.yaml": LAB, "ds-spec.yaml": DS_SPEC})
    result = validate_folder(root)
    assert not [d for d in result.diagnostics if d.code == "DOS360"]
    markdown = Renderer(result.dossier, "ind").combined().markdown
    assert "Example contract laboratory" not in markdown
    assert "| Drug substance manufacture; Testing: DS assay |" in _section(markdown, "3.2.S.2.1")


def test_a_method_of_one_material_at_two_sites_is_tested_at_both(dossier_from) -> None:
    root = dossier_from(
        "small-molecule",
        files={"lab.yaml": LAB},
        replace={"performed_at: [SITE-1]": "performed_at: [SITE-1, SITE-LAB]"},
    )
    result = validate_folder(root)
    assert not [d for d in result.diagnostics if d.code == "DOS360"]
    product = _section(Renderer(result.dossier, "ind").combined().markdown, "3.2.P.3.1")
    assert "| Example contract laboratory |" in product
    assert "| Testing: Assay, Total degradation products |" in product


def test_a_laboratory_is_listed_with_the_in_process_controls_it_performs() -> None:
    """A contract lab testing the unprocessed bulk (ICH Q5A(R2)) is one of the drug
    substance's sites; the manufacturer's own in-process testing stays its activity."""
    root = Path(__file__).parents[1] / "examples" / "aav-gene-therapy"
    result = validate_folder(root)
    substance = _section(Renderer(result.dossier, "ind").combined().markdown, "3.2.S.2.1")
    [lab] = [line for line in substance.splitlines() if line.startswith("| Corvane")]
    assert (
        "; In-process testing: Mycoplasma in the unprocessed bulk, Adventitious viruses in the "
        "unprocessed bulk (in vitro, 28 days) |" in lab
    )
    [maker] = [line for line in substance.splitlines() if line.startswith("| Halberd")]
    assert "In-process testing |" in maker or "In-process testing;" in maker
    assert "In-process testing:" not in maker
