"""`dossier export --format fhir`: SP4151 Bundles valid for FHIR R5 and the PQ/CMC IG's rules.

The profile checks restate the IG's FSH (HL7/FHIR-us-pq-cmc-fda 2.0.0, input/fsh/
eCTDComposition.fsh and qualitySpecification.fsh): required elements, cardinalities, fixed
values and the value sets of the codes we send.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli
from exchange_dossiers import all_dossiers, dossier_ids
from fhir.resources.bundle import Bundle

from cmc_dossier.exchange.fhir import vocabulary as v
from cmc_dossier.exchange.fhir.bundles import fhir_files
from cmc_dossier.model.control import Specification
from cmc_dossier.validation import validate_folder

PROFILE = f"{v.IG}/StructureDefinition/"
# value sets of the IG (Terminologies.fsh) for the codings we emit
SPEC_TYPES = {"C134021", "C134022", "C133931"}
USAGES = {"C134029", "C134030"}
ORIGINS = {"C96164", "C96102", "C96103"}
CATEGORIES = {code for code, _ in v.TEST_CATEGORY.values()} | {
    code for code, _ in v.TEST_CATEGORY_PARENT.values()
}


def _resources(bundle: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def check_sp4151(bundle: dict, specification: Specification) -> None:
    """CMCeCTDDocumentSP4151 → EctdCompositionSP4151 → QualitySpecification."""
    assert bundle["type"] == "document" and bundle["timestamp"]
    assert all(e["fullUrl"] and e["resource"] for e in bundle["entry"])
    urls = {e["fullUrl"] for e in bundle["entry"]}
    resources = _resources(bundle)
    assert bundle["entry"][0]["resource"]["resourceType"] == "Composition"  # document rule
    assert len(resources["Composition"]) == 1 and len(resources["PlanDefinition"]) == 1
    assert len(resources["Organization"]) >= 1
    composition = resources["Composition"][0]
    assert composition["status"] == "final" and composition["title"] and composition["date"]
    assert [c["system"] for c in composition["type"]["coding"]] == [v.SECTION_TYPES]
    assert len(composition["author"]) == 1 and composition["author"][0]["reference"] in urls
    (section,) = composition["section"]
    assert section["title"] and all(e["reference"] in urls for e in section["entry"])
    for organization in resources["Organization"]:
        assert organization["name"] and organization["contact"]
        assert all(i["system"] and i["value"] for i in organization["identifier"])
    plan = resources["PlanDefinition"][0]
    assert plan["meta"]["profile"] == [f"{PROFILE}pqcmc-quality-specification"]
    status = [e for e in plan["extension"] if e["url"].endswith("specification-status-extension")]
    assert len(status) == 1  # ApprovalStatus 1..1
    assert plan["version"] == specification.version and plan["title"] == specification.title
    codings = plan["type"]["coding"]
    assert len(codings) == 2  # DefinitionType + SpecType
    assert {"system": v.PLAN_DEFINITION_TYPE, "code": "workflow-definition"}.items() <= codings[
        0
    ].items()
    assert codings[1]["system"] == v.NCIT and codings[1]["code"] in SPEC_TYPES
    assert plan["subjectReference"]["reference"] in urls
    assert "date" in plan or "_date" in plan  # 1..1, data-absent where not held
    goals = {g["id"]: g for g in plan["goal"]}
    assert len(plan["action"]) == len(specification.tests) >= 1
    for action, test in zip(plan["action"], specification.tests, strict=True):
        assert action["title"] == test.test
        assert len(action["code"]["coding"]) == 1 and action["code"]["text"]
        assert action["code"]["coding"][0]["code"] in ORIGINS
        assert 1 <= len(action["reason"]) <= 2
        for level, reason in enumerate(action["reason"], 1):
            (extension,) = reason["extension"]
            assert extension["valuePositiveInt"] == level
            for coding in reason.get("coding", []):
                assert coding["system"] == v.NCIT and coding["code"] in CATEGORIES
        (goal_id,) = action["goalId"]
        goal = goals[goal_id]
        assert goal["description"]["text"] == test.acceptance_criterion  # original text
        assert goal["addresses"] and all(
            c["code"] in USAGES for a in goal["addresses"] for c in a["coding"]
        )
        assert len(goal["target"]) >= 1
        for target in goal["target"]:
            assert "due" not in target
            quantity = target.get("detailQuantity")
            if quantity is not None:
                assert quantity["system"] == v.UCUM and quantity["unit"] and quantity["code"]
                assert isinstance(quantity["value"], int | float)
            for extension in target.get("modifierExtension", []):
                assert "detailQuantity" not in target and "detailString" not in target
                assert sorted(e["url"] for e in extension["extension"]) == ["high", "low"]


@pytest.mark.parametrize("root", all_dossiers(), ids=dossier_ids())
def test_every_specification_exports_as_a_valid_sp4151_bundle(root: Path) -> None:
    dossier = validate_folder(root).dossier
    files = fhir_files(dossier, root, commit=None)
    specifications = list(dossier.of_kind(Specification))
    assert len(files) == len(specifications) + 1
    for specification in specifications:
        text = files[f"{specification.id}.sp4151.json"]
        Bundle.model_validate_json(text)  # FHIR R5 structure
        check_sp4151(json.loads(text), specification)
    unmapped = json.loads(files["not-mapped.json"])
    assert unmapped["implementation_guide"] == f"{v.IG}|2.0.0"


def test_criteria_carry_structured_values_with_ucum_units() -> None:
    root = Path(__file__).resolve().parent.parent / "dossier"
    bundle = json.loads(
        fhir_files(validate_folder(root).dossier, root, None)["SPEC-DP.sp4151.json"]
    )
    plan = _resources(bundle)["PlanDefinition"][0]
    by_text = {g["description"]["text"]: g["target"][0] for g in plan["goal"]}
    assert by_text["≥ 70 %"]["detailQuantity"] == {
        "value": 70, "comparator": ">=", "unit": "%", "system": v.UCUM, "code": "%"
    }  # fmt: skip
    assert by_text["≤ 0.5 EU/mL"]["detailQuantity"]["code"] == "[EU]/mL"
    assert by_text["Not detected"] == {"detailString": "Not detected"}


def test_export_command_is_byte_identical_and_lists_what_does_not_map(tmp_path: Path) -> None:
    outputs = []
    for name in ("one", "two"):
        done = run_cli("export", "dossier", "--format", "fhir", "--output", str(tmp_path / name))
        assert done.returncode == 0, done.stderr
        outputs.append({p.name: p.read_bytes() for p in (tmp_path / name / "fhir").iterdir()})
    assert outputs[0] == outputs[1]
    unmapped = json.loads(outputs[0]["not-mapped.json"])["not_mapped"]
    reasons = {(item["element"], item["value"]) for item in unmapped}
    assert ("T-DP-RCL action.reason", "replication-competent-virus") in reasons
