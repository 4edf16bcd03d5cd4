"""`dossier export --format fhir`: SP4151 Bundles valid for FHIR R5 and the PQ/CMC IG's rules.

The profile checks restate the IG's FSH (HL7/FHIR-us-pq-cmc-fda 2.0.0, input/fsh/
eCTDComposition.fsh and qualitySpecification.fsh): required elements, cardinalities, fixed
values and the value sets of the codes we send.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pycountry
import pytest
from conftest import MODALITIES, run_cli
from exchange_dossiers import all_dossiers, dossier_ids
from fhir.resources.bundle import Bundle

from cmc_dossier.exchange.fhir import vocabulary as v
from cmc_dossier.exchange.fhir.bundles import fhir_files
from cmc_dossier.model.control import Specification
from cmc_dossier.model.product import CQA, DrugProduct, DrugSubstance, Organization
from cmc_dossier.validation import validate_folder

PROFILE = f"{v.IG}/StructureDefinition/"
# value sets of the IG (Terminologies.fsh) for the codings we emit
SPEC_TYPES = {"C134021", "C134022", "C133931"}
USAGES = {"C134029", "C134030"}
ORIGINS = {"C96164", "C96102", "C96103"}
# PqcmcTestCategoryTerminology, as listed in Terminologies.fsh (codes we may send)
CATEGORIES = {code for code, _ in v.TEST_CATEGORY.values()} | {
    code for code, _ in v.TEST_CATEGORY_PARENT.values()
}
IG_TEST_CATEGORIES = {
    "C60819", "C205001", "C205018", "C205020", "C62352", "C205006", "C134249", "C134250",
    "C134115", "C133961", "C205026", "C138990", "C138993", "C134253", "C193381", "C205027",
    "C205029", "C134270", "C133983", "C134278", "C18951", "C16643", "C204971", "C205014",
    "C134254", "C134002",
}  # fmt: skip
SUBSTANCE_CLASSES = {"C48807", "C45305", "C706", "C48803", "C17021", "C103206"}
REPRESENTATION_TYPES = {"C54273", "C103240", "C45253"}
# PqcmcChemicalStructureDataFileTypeTerminology
STRUCTURE_FORMATS = {"C54683", "C133997", "C133910", "C49039", "C133996", "C54684", "C85435"}
# name slices of SubstanceNames: sys, sub, brand, gsrs, usp, comp, cas, inn, usan, iupac, isbt
NAME_CODES = "C203357 C97054 C71898 C203355 C203358 C203354 C54682 C142585 C96973 C203356 C95517"
NAME_TYPES = {(v.NCIT, code) for code in NAME_CODES.split()}
ALPHA_3 = {country.alpha_3 for country in pycountry.countries}


def _resources(bundle: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def check_document(bundle: dict, profile: str) -> tuple[dict[str, list[dict]], dict, set[str]]:
    """What every CMC eCTD document Bundle and its Composition require (eCTDComposition.fsh)."""
    assert bundle["meta"]["profile"] == [f"{PROFILE}{profile}"]
    assert bundle["type"] == "document" and bundle["timestamp"]
    assert all(e["fullUrl"] and e["resource"] for e in bundle["entry"])
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert len(urls) == len(bundle["entry"])
    resources = _resources(bundle)
    assert bundle["entry"][0]["resource"]["resourceType"] == "Composition"  # document rule
    assert len(resources["Composition"]) == 1
    assert len(resources["Organization"]) >= 1
    composition = resources["Composition"][0]
    assert composition["status"] == "final" and composition["title"] and composition["date"]
    assert [c["system"] for c in composition["type"]["coding"]] == [v.SECTION_TYPES]
    assert len(composition["author"]) == 1 and composition["author"][0]["reference"] in urls
    (section,) = composition["section"]
    assert section["title"] and all(e["reference"] in urls for e in section["entry"])
    for organization in resources["Organization"]:
        assert organization["meta"]["profile"] == [f"{PROFILE}cmc-organization"]
        assert organization["name"] and organization["contact"]  # name 1..1, contact 1..*
        for contact in organization["contact"]:
            check_address(contact["address"])
        assert all(i["system"] and i["value"] for i in organization["identifier"])
    return resources, section, urls


def check_address(address: dict) -> None:
    """PqAddress (CommonOrganization.fsh), or the whole address data-absent."""
    if _absent(address):
        return
    assert address["type"] in {"postal", "physical", "both"}  # type 1..1
    assert 1 <= len(address["line"]) <= 2 and address["city"]  # line 1..2, city 1..1
    assert address.get("postalCode") or _absent(address["_postalCode"])  # 1..1
    assert address["country"] in ALPHA_3  # cmc-only-ISO-3166-1-alpha-3
    if address["country"] == "USA":  # addr-state (state 2 letters), not held by our facts
        assert len(address.get("state", "")) == 2 or _absent(address["_state"])


def _absent(element: dict) -> bool:
    return [e["url"] for e in element.get("extension", [])] == [v.DATA_ABSENT]


def check_32s10(bundle: dict, substance: DrugSubstance) -> None:
    """CMCeCTDDocument32S10 → EctdComposition32S10 → DrugSubstanceNomenclatureStructure."""
    resources, section, urls = check_document(bundle, "cmc-ectd-document-32s10")
    assert set(resources) == {"Composition", "Organization", "SubstanceDefinition"}  # closed
    composition = resources["Composition"][0]
    assert composition["type"]["coding"][0]["code"] == "ich_3.2.s.1"
    (definition,) = resources["SubstanceDefinition"]
    assert [e["reference"] for e in section["entry"]] == [f"urn:uuid:{definition['id']}"]
    assert definition["meta"]["profile"] == [
        f"{PROFILE}pqcmc-drug-substance-nomenclature-structure"
    ]
    (classification,) = definition["classification"]  # 1..1, SubstanceClassification
    codes = [c["code"] for c in classification.get("coding", [])]
    assert codes in ([], *([c] for c in SUBSTANCE_CLASSES)) and (codes or _absent(classification))
    (manufacturer,) = definition["manufacturer"]  # 1..1 CodedOrganization
    assert manufacturer["reference"] in urls
    systems = {c["system"] for code in definition["code"] for c in code["code"]["coding"]}
    if set(codes) & {"C48807", "C45305", "C706", "C48803"}:  # cmc-when-unii-required
        assert v.UNII in systems
    if codes == [v.PROTEIN]:
        assert v.UNIPROT in systems
    structure = definition["structure"]  # 1..1
    for weight in definition.get("molecularWeight", []):  # 0..1, amount.code 1..1 (UCUM)
        assert len(definition["molecularWeight"]) == 1
        assert weight["amount"]["system"] == v.UCUM and weight["amount"]["code"]
    (technique,) = structure["technique"]  # 1..1, text only: text 1..1
    assert technique.get("text") or _absent(technique["_text"])
    representations = structure["representation"]  # 1..*, file or string required
    assert any(r["type"]["coding"][0]["code"] in {"C45253", "C103240"} for r in representations)
    for representation in representations:
        assert representation["type"]["coding"][0]["code"] in REPRESENTATION_TYPES
        for format_coding in representation.get("format", {}).get("coding", []):
            assert format_coding["code"] in STRUCTURE_FORMATS  # required binding
        if representation["type"]["coding"][0]["code"] == "C45253":  # format, text 1..1
            assert representation.get("format", {}).get("coding") or _absent(
                representation["format"]
            )
            assert representation.get("representation") or _absent(
                representation["_representation"]
            )
    assert definition["name"]  # 1..*, closed slicing on type: every name has a known type
    for name in definition["name"]:
        (name_type,) = name["type"]["coding"]
        assert name["name"] and (name_type["system"], name_type["code"]) in NAME_TYPES
    assert sum(bool(n.get("preferred")) for n in definition["name"]) < 2  # cmc-name-preferred
    names = {n["name"] for n in definition["name"]}
    assert substance.code is None or substance.code in names


def check_sp4151(bundle: dict, specification: Specification, tests: list) -> None:
    """CMCeCTDDocumentSP4151 → EctdCompositionSP4151 → QualitySpecification."""
    resources, _, urls = check_document(bundle, "cmc-ectd-document-sp4151")
    assert len(resources["PlanDefinition"]) == 1
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
    assert len(plan["action"]) == len(tests) >= 1  # action 1..*
    for action, test in zip(plan["action"], tests, strict=True):
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


def _mapped_tests(dossier, specification: Specification) -> list:
    types = {c.id: c.attribute_type for c in dossier.of_kind(CQA)}
    return [t for t in specification.tests if types.get(t.attribute, "other") in v.TEST_CATEGORY]


@pytest.mark.parametrize("root", all_dossiers(), ids=dossier_ids())
def test_every_dossier_exports_valid_sp4151_and_32s10_bundles(root: Path) -> None:
    dossier = validate_folder(root).dossier
    files = fhir_files(dossier, root, commit=None)
    unmapped = json.loads(files["not-mapped.json"])
    assert unmapped["implementation_guide"] == f"{v.IG}|2.0.0"
    listed = {(i["fact"], i["element"]) for i in unmapped["not_mapped"]}
    for text in files.values():
        if text is not files["not-mapped.json"]:
            Bundle.model_validate_json(text)  # FHIR R5 structure
    for specification in dossier.of_kind(Specification):
        tests = _mapped_tests(dossier, specification)
        for test in specification.tests:
            if test not in tests:  # left out, never sent with text only
                assert (specification.id, f"{test.id} (test left out of the bundle)") in listed
        name = f"{specification.id}.sp4151.json"
        assert (name in files) == bool(tests)
        if tests:
            check_sp4151(json.loads(files[name]), specification, tests)
    for substance in dossier.of_kind(DrugSubstance):
        name = f"{substance.id}.32s10.json"
        if name in files:
            check_32s10(json.loads(files[name]), substance)
        else:
            assert (substance.id, "3.2.S.1 bundle (left out)") in listed
    for product in dossier.of_kind(DrugProduct):  # 3.2.P.1: FinishedProduct not satisfiable
        assert (product.id, "3.2.P.1 bundle (not exported)") in listed
    assert not any(name.endswith(".32p10.json") for name in files)


def test_codes_sent_are_in_the_ig_value_set() -> None:
    assert CATEGORIES <= IG_TEST_CATEGORIES
    assert {c for c, _ in v.SUBSTANCE_CLASSIFICATION.values()} <= SUBSTANCE_CLASSES


def test_a_test_without_an_ig_category_is_left_out_and_listed(tmp_path: Path) -> None:
    root = tmp_path / "small-molecule"
    shutil.copytree(MODALITIES / "small-molecule", root)
    facts = root / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "attribute_type: related-substances", "attribute_type: water-content"
        ),
        encoding="utf-8",
    )
    dossier = validate_folder(root).dossier
    files = fhir_files(dossier, root, None)
    specification = dossier.get("SPEC-DP", Specification)
    tests = _mapped_tests(dossier, specification)
    assert 1 <= len(tests) < len(specification.tests)
    bundle = json.loads(files["SPEC-DP.sp4151.json"])
    check_sp4151(bundle, specification, tests)
    plan = _resources(bundle)["PlanDefinition"][0]
    assert all("coding" in r for a in plan["action"] for r in a["reason"])  # never text only
    unmapped = json.loads(files["not-mapped.json"])["not_mapped"]
    assert any(i["value"] == "water-content" and "left out" in i["element"] for i in unmapped)
    # the substance: INN from the Manifest (one substance), classification from the modality
    substance = json.loads(files["DS-1.32s10.json"])
    (definition,) = _resources(substance)["SubstanceDefinition"]
    assert definition["classification"][0]["coding"][0]["code"] == "C48807"
    assert {n["name"] for n in definition["name"]} == {"examplinib"}


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
    reasons = {(item["fact"], item["element"]) for item in unmapped}
    assert ("DS-VRD019", "SubstanceDefinition.code") in reasons
    assert ("DP-VRD019", "3.2.P.1 bundle (not exported)") in reasons
    assert {"SPEC-DP.sp4151.json", "DS-VRD019.32s10.json"} <= set(outputs[0])


def _organization(files: dict[str, str], name: str) -> dict:
    bundle = json.loads(files[name])
    (organization,) = _resources(bundle)["Organization"]
    return organization


def test_the_sponsor_address_comes_from_its_site_never_from_its_name(tmp_path: Path) -> None:
    root = tmp_path / "small-molecule"
    shutil.copytree(MODALITIES / "small-molecule", root)
    facts = root / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace(
            "address: {lines: [1 Example Road], city: Cambridge, country: GB}",
            "address: {lines: [Building 4, 1 Example Road, Science Park], city: Cambridge, "
            "postal_code: CB4 0WS, country: GB}",
        ),
        encoding="utf-8",
    )
    files = fhir_files(validate_folder(root).dossier, root, None)
    address = _organization(files, "SPEC-DP.sp4151.json")["contact"][0]["address"]
    assert address == {
        "type": "physical",
        "line": ["Building 4", "1 Example Road"],
        "city": "Cambridge",
        "postalCode": "CB4 0WS",
        "country": "GBR",
    }
    unmapped = json.loads(files["not-mapped.json"])["not_mapped"]
    assert {
        "fact": "ORG-S",
        "element": "Organization.contact.address.line",
        "value": "Science Park",
        "reason": "the IG allows 2 lines; SITE-1 has 3",
    } in unmapped


def test_a_sponsor_without_a_site_address_is_data_absent_and_listed() -> None:
    root = Path(__file__).resolve().parent.parent / "dossier"
    dossier = validate_folder(root).dossier
    files = fhir_files(dossier, root, None)
    organization = _organization(files, "SPEC-DP.sp4151.json")
    assert organization["name"] == dossier.get(dossier.manifest.sponsor, Organization).name
    assert _absent(organization["contact"][0]["address"])
    assert organization["name"] not in json.dumps(organization["contact"])  # never the name
    unmapped = json.loads(files["not-mapped.json"])["not_mapped"]
    assert (dossier.manifest.sponsor, "Organization.contact.address") in {
        (i["fact"], i["element"]) for i in unmapped
    }


def test_a_us_site_without_postal_code_or_state_sends_them_data_absent() -> None:
    root = MODALITIES / "therapeutic-protein"
    files = fhir_files(validate_folder(root).dossier, root, None)
    address = _organization(files, "SPEC-DP.sp4151.json")["contact"][0]["address"]
    assert address["country"] == "USA" and address["line"] == ["2 Example Street"]
    assert _absent(address["_state"]) and _absent(address["_postalCode"])
    listed = {i["element"] for i in json.loads(files["not-mapped.json"])["not_mapped"]}
    assert {
        "Organization.contact.address.state",
        "Organization.contact.address.postalCode",
    } <= listed


def _substance(files: dict[str, str], name: str) -> dict:
    (definition,) = _resources(json.loads(files[name]))["SubstanceDefinition"]
    return definition


def test_the_tablet_substance_sends_its_smiles_inchi_and_formula_as_typed() -> None:
    root = Path(__file__).resolve().parent.parent / "examples" / "small-molecule-tablet"
    dossier = validate_folder(root).dossier
    (substance,) = dossier.of_kind(DrugSubstance)
    chemistry = substance.chemical_structure
    files = fhir_files(dossier, root, None)
    structure = _substance(files, f"{substance.id}.32s10.json")["structure"]
    assert structure["molecularFormula"] == chemistry.molecular_formula
    sent = {
        r["format"]["coding"][0]["code"]: r["representation"] for r in structure["representation"]
    }
    assert sent == {"C54684": chemistry.smiles, "C54683": chemistry.inchi}  # SMILES, InChI
    listed = {
        (i["element"], i["value"]) for i in json.loads(files["not-mapped.json"])["not_mapped"]
    }
    # two values without a unit: no structured weight; polymorph and stereochemistry listed
    assert ("SubstanceDefinition.molecularWeight", chemistry.molecular_weight) in listed
    assert ("SubstanceDefinition.relationship (Polymorph)", chemistry.polymorph) in listed
    assert ("SubstanceDefinition.structure.stereochemistry", chemistry.stereochemistry) in listed
    assert ("SubstanceDefinition.structure.representation", "") not in listed


def test_a_molecular_weight_with_a_unit_goes_out_as_a_ucum_quantity() -> None:
    root = MODALITIES / "small-molecule"
    files = fhir_files(validate_folder(root).dossier, root, None)
    definition = _substance(files, "DS-1.32s10.json")
    assert definition["molecularWeight"] == [
        {"amount": {"value": 363.42, "unit": "g/mol", "system": v.UCUM, "code": "g/mol"}}
    ]
