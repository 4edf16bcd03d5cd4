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
from conftest import MODALITIES, REPO, run_cli
from exchange_dossiers import all_dossiers, dossier_ids
from fhir.resources.bundle import Bundle

from cmc_dossier.diagnostics.codes import CODES
from cmc_dossier.exchange.fhir import terms
from cmc_dossier.exchange.fhir import vocabulary as v
from cmc_dossier.exchange.fhir.bundles import fhir_export, fhir_files
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
ORIGINAL_TEXT = "http://hl7.org/fhir/StructureDefinition/originalText"
# FinishedProduct's closed property slices (DrugProductResources.fsh), the required ones
FINISHED_PRODUCT_PROPERTIES = (
    "Product Overall Release Profile", "Product Overall Release Mechanism", "Coating Indicator",
    "Tablet Layer Count", "Tablet Bead Type Count", "Capsule Classification Category",
    "Capsule Constituent Count", "Product Schematic", "Product Weight Type",
    "Product Total Weight Numeric Numerator", "Product Total Weight Numeric Denominator",
    "Total Weight Textual", "Quality Standard", "Sterile Product Indicator",
)  # fmt: skip
REQUIRED_PROPERTIES = (
    "Product Overall Release Profile", "Product Schematic", "Product Weight Type",
    "Product Total Weight Numeric Numerator", "Quality Standard", "Sterile Product Indicator",
)  # fmt: skip
UNITS = set(terms.terms().value_sets[terms.UNITS])
PACKAGING_TYPES = (
    "PackagedProductDefinition.packaging.type (ContainerType)",
    "PackagedProductDefinition.packaging.type (ClosureType)",
)


def _resources(bundle: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def check_document(
    bundle: dict, profile: str
) -> tuple[dict[str, list[dict]], list[dict], set[str]]:
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
    for section in composition["section"]:
        assert section["title"] and all(e["reference"] in urls for e in section["entry"])
    for organization in resources["Organization"]:
        assert organization["meta"]["profile"] == [f"{PROFILE}cmc-organization"]
        assert organization["name"] and organization["contact"]  # name 1..1, contact 1..*
        for contact in organization["contact"]:
            check_address(contact["address"])
        assert all(i["system"] and i["value"] for i in organization["identifier"])
    return resources, composition["section"], urls


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
    resources, (section,), urls = check_document(bundle, "cmc-ectd-document-32s10")
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


def _coded_in(concept: dict, value_set: str) -> bool:
    """A coding from the IG's value set, or the typed text marked data-absent "as-text"."""
    codings = concept.get("coding", [])
    if not codings:
        (extension,) = concept["extension"]
        return extension == {"url": v.DATA_ABSENT, "valueCode": "as-text"} and bool(concept["text"])
    return all(
        c["system"] == v.NCIT and terms.display(value_set, c["code"]) == c["display"]
        for c in codings
    )


def check_32p10(bundle: dict, dossier, product: DrugProduct, listed: set) -> None:
    """CMCeCTDDocument32P10 → EctdComposition32P10 → DrugProductDescription, FinishedProduct,
    ContainerClosure, DrugProductComponent, ComponentSubstance (eCTDComposition.fsh,
    DrugProductResources.fsh, DrugSubstanceResources.fsh, Invariants.fsh)."""
    resources, sections, _ = check_document(bundle, "cmc-ectd-document-32p10")
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    assert set(resources) <= {
        "Composition", "Organization", "MedicinalProductDefinition",
        "ManufacturedItemDefinition", "PackagedProductDefinition", "Ingredient",
        "SubstanceDefinition",
    }  # fmt: skip
    composition = resources["Composition"][0]
    assert composition["type"]["coding"][0]["code"] == "ich_3.2.p.1"
    # section 3..3, sliced on code.text, in the order of the contains line
    assert [s["code"]["text"] for s in sections] == [
        "Product Description", "Product Composition", "Product Container Closure Description"
    ]  # fmt: skip
    (description_ref,), (finished_ref,) = sections[0]["entry"], sections[1]["entry"]
    description, finished = by_url[description_ref["reference"]], by_url[finished_ref["reference"]]
    containers = [by_url[e["reference"]] for e in sections[2]["entry"]]
    # DrugProductDescription
    assert description["meta"]["profile"] == [f"{PROFILE}pqcmc-drug-product-description"]
    assert description["description"] and "[[" not in description["description"]
    dose_form = description["combinedPharmaceuticalDoseForm"]  # 1..1, required SPL binding
    assert dose_form["text"] == product.dosage_form and _coded_in(dose_form, terms.DOSE_FORM)
    (route,) = description["route"]
    assert route["text"] == product.route and _coded_in(route, terms.ROUTE)
    (name,) = description["name"]  # NonProprietary 1..1 with Scientific and Strength parts
    assert name["productName"] == product.name
    assert name["type"]["coding"][0]["code"] == "C96971"
    parts = {p["type"]["coding"][0]["code"]: p for p in name["part"]}
    assert set(parts) == {"SCI", "STR"} and parts["STR"]["part"] == product.strength
    assert parts["STR"]["type"].get("text") or _absent(parts["STR"]["type"]["_text"])
    # FinishedProduct
    assert finished["meta"]["profile"] == [f"{PROFILE}pqcmc-product-part"]
    assert finished["status"] and finished["manufacturedDoseForm"]["text"] == product.dosage_form
    assert _coded_in(finished["manufacturedDoseForm"], terms.MANUFACTURED_DOSE_FORM)
    properties = [prop["type"]["text"] for prop in finished["property"]]
    assert set(properties) <= set(FINISHED_PRODUCT_PROPERTIES)  # closed slicing
    for required in REQUIRED_PROPERTIES:
        assert properties.count(required) == 1
    sterile = next(p for p in finished["property"] if p["type"]["text"].startswith("Sterile"))
    assert sterile["valueBoolean"] is product.sterile
    (part,) = finished["component"]  # our facts hold the composition per unit, no parts
    part_properties = [prop["type"]["text"] for prop in part["property"]]
    assert part_properties.count("Product Part Identifier") == 1  # PPiD 1..1
    assert part_properties.count("Product Part Release Profile") == 1  # RelsProf 1..1
    assert len(part["constituent"]) == len(product.composition)
    for constituent, component in zip(part["constituent"], product.composition, strict=True):
        typed = str(component.quantity)
        assert constituent["extension"] == [{"url": ORIGINAL_TEXT, "valueString": typed}]
        for amount in constituent.get("amount", []):  # UCUM, from the IG's units
            assert amount["system"] == v.UCUM and amount["code"] in UNITS
            assert typed.startswith(str(amount["value"]))
        if not constituent.get("amount"):
            assert (product.id, f"{component.material} amount") in listed
        functions = constituent["function"]  # Category 1..1, Function 0..1
        assert 1 <= len(functions) <= 2
        assert _coded_in(functions[0], terms.FUNCTION_CATEGORY)
        category = [c["code"] for c in functions[0].get("coding", [])]
        if category == ["C42637"]:  # cmc-ingredient-functions: an excipient's function
            assert len(functions) == 2 and _coded_in(functions[1], terms.EXCIPIENT_FUNCTION)
            assert (
                functions[1].get("coding")
                or (product.id, f"{component.material} constituent.function (Function)") in listed
            )
        if dossier.get(component.material, DrugSubstance):
            assert category == ["C82533"]
        (ingredient_ref,) = constituent["hasIngredient"]
        check_ingredient(by_url, by_url[ingredient_ref["reference"]["reference"]], typed)
    # ContainerClosure
    assert containers
    for container in containers:
        assert container["meta"]["profile"] == [f"{PROFILE}ContainerClosure"]
        assert [r["reference"] for r in container["packageFor"]] == [description_ref["reference"]]
        assert container["description"]
        codes = [c["code"] for c in container["packaging"]["type"].get("coding", [])]
        assert len(codes) <= 2
        assert sum(c in terms.terms().value_sets[terms.CONTAINER_TYPE] for c in codes) <= 1
        assert sum(c in terms.terms().value_sets[terms.CLOSURE_TYPE] for c in codes) <= 1
        assert (
            len(codes) == 2
            or (product.id, PACKAGING_TYPES[0]) in listed
            or (product.id, PACKAGING_TYPES[1]) in listed
        )


def check_ingredient(by_url: dict, ingredient: dict, typed: str) -> None:
    """DrugProductComponent (role required) → ComponentSubstance (class, grade)."""
    assert ingredient["meta"]["profile"] == [f"{PROFILE}pqcmc-component"]
    assert ingredient["status"] and _coded_in(ingredient["role"], terms.FUNCTION_CATEGORY)
    amount = ingredient["substance"]["strength"][0]
    assert amount["textConcentration"] == typed  # Strength Textual 1..1, as typed
    (factors,) = amount["extension"]
    assert factors["url"] == f"{PROFILE}strength-extension"
    for strength in ingredient["substance"]["strength"]:
        quantity = strength.get("concentrationQuantity")
        assert quantity is None or quantity["code"] in UNITS
    substance = by_url[ingredient["substance"]["code"]["reference"]["reference"]]
    assert substance["meta"]["profile"] == [f"{PROFILE}pqcmc-component-substance"]
    (classification,) = substance["classification"]  # 1..1
    codes = [c["code"] for c in classification.get("coding", [])]
    assert codes in ([], *([c] for c in SUBSTANCE_CLASSES)) and (codes or _absent(classification))
    assert substance["grade"]  # 1..*
    for grade in substance["grade"]:
        assert _absent(grade) or _coded_in(grade, terms.QUALITY_STANDARD)


def check_sp4151(bundle: dict, specification: Specification, tests: list) -> None:
    """CMCeCTDDocumentSP4151 → EctdCompositionSP4151 → QualitySpecification."""
    resources, (_,), urls = check_document(bundle, "cmc-ectd-document-sp4151")
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
    for handle in resources.get("MedicinalProductDefinition", []):  # DrugProductHandle
        assert handle["meta"]["profile"] == [f"{PROFILE}pqcmc-drug-product-handle"]
        assert _coded_in(handle["combinedPharmaceuticalDoseForm"], terms.DOSE_FORM)
        assert all(_coded_in(route, terms.ROUTE) for route in handle["route"])
        assert [n["type"]["coding"][0]["code"] for n in handle["name"]] == ["C96971"]
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
            if quantity is not None:  # bound (required) to PqcmcUnitsMeasure
                assert quantity["system"] == v.UCUM and quantity["unit"]
                assert quantity["code"] in UNITS
                assert isinstance(quantity["value"], int | float)
            for extension in target.get("modifierExtension", []):
                assert "detailQuantity" not in target and "detailString" not in target
                assert sorted(e["url"] for e in extension["extension"]) == ["high", "low"]


def _mapped_tests(dossier, specification: Specification) -> list:
    types = {c.id: c.attribute_type for c in dossier.of_kind(CQA)}
    return [t for t in specification.tests if types.get(t.attribute, "other") in v.TEST_CATEGORY]


@pytest.mark.parametrize("root", all_dossiers(), ids=dossier_ids())
def test_every_dossier_exports_valid_sp4151_32s10_and_32p10_bundles(root: Path) -> None:
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
    for product in dossier.of_kind(DrugProduct):
        name = f"{product.id}.32p10.json"
        if name in files:
            check_32p10(json.loads(files[name]), dossier, product, listed)
        else:  # the bundle and its Composition require a ContainerClosure
            assert product.container_closure is None
            assert (product.id, "3.2.P.1 bundle (left out)") in listed


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
    files = fhir_files(validate_folder(root).dossier, root, None)
    unmapped = json.loads(files["not-mapped.json"])["not_mapped"]
    plan = _resources(json.loads(files["SPEC-DP.sp4151.json"]))["PlanDefinition"][0]
    by_text = {g["description"]["text"]: g["target"][0] for g in plan["goal"]}
    assert by_text["≥ 70 %"]["detailQuantity"] == {
        "value": 70, "comparator": ">=", "unit": "%", "system": v.UCUM, "code": "%"
    }  # fmt: skip
    # UCUM has no endotoxin unit ([EU] is the Ehrlich unit): the text only, listed
    assert by_text["≤ 0.5 EU/mL"] == {"detailString": "≤ 0.5 EU/mL"}
    assert by_text["Not detected"] == {"detailString": "Not detected"}
    listed = {(i["element"], i["value"]) for i in unmapped}
    assert ("T-DP-ENDOTOXIN goal.target unit", "EU/mL") in listed


def test_decimals_keep_the_precision_they_were_written_with() -> None:
    """FHIR decimals are exact: "NMT 0.10 %" goes out as 0.10, "98.0–102.0 %" as 98.0."""
    root = REPO / "examples" / "small-molecule-tablet"
    text = fhir_files(validate_folder(root).dossier, root, None)["SPEC-DS.sp4151.json"]
    assert '"value": 98.0,' in text and '"value": 102.0,' in text
    assert '"value": 0.10,' in text and '"value": 0.1,' not in text and '"value": 98,' not in text
    Bundle.model_validate_json(text)  # still a valid R5 bundle


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
    assert ("DP-VRD019", "MedicinalProductDefinition.combinedPharmaceuticalDoseForm") in reasons
    assert {"SPEC-DP.sp4151.json", "DS-VRD019.32s10.json", "DP-VRD019.32p10.json"} <= set(
        outputs[0]
    )


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


def _product_bundle(root: Path) -> tuple[dict[str, list[dict]], list[dict]]:
    dossier = validate_folder(root).dossier
    (product,) = dossier.of_kind(DrugProduct)
    files = fhir_files(dossier, root, None)
    unmapped = json.loads(files["not-mapped.json"])["not_mapped"]
    return _resources(json.loads(files[f"{product.id}.32p10.json"])), unmapped


def _codes(concept: dict) -> list[str]:
    return [c["code"] for c in concept.get("coding", [])]


def test_the_tablet_composition_goes_out_with_the_igs_codes_and_ucum_amounts() -> None:
    resources, unmapped = _product_bundle(REPO / "examples" / "small-molecule-tablet")
    (description,) = resources["MedicinalProductDefinition"]
    dose_form = description["combinedPharmaceuticalDoseForm"]
    assert _codes(dose_form) == ["C42931"]  # TABLET, FILM COATED
    assert _codes(description["route"][0]) == ["C38288"]  # ORAL, from "Oral use"
    (finished,) = resources["ManufacturedItemDefinition"]
    assert _codes(finished["manufacturedDoseForm"]) == ["C154605"]  # Tablet
    constituents = {
        c["extension"][0]["valueString"]: c for c in finished["component"][0]["constituent"]
    }
    filler = constituents["120.0 mg"]
    assert filler["amount"] == [{"value": 120.0, "unit": "mg", "system": v.UCUM, "code": "mg"}]
    assert [_codes(f) for f in filler["function"]] == [["C42637"], ["C42650"]]  # Filler
    api = constituents["111.6 mg (equivalent to 100.0 mg free base)"]
    assert "amount" not in api or api["amount"] == []  # not exactly a quantity: text only
    assert [_codes(f) for f in api["function"]] == [["C82533"]]  # Active Ingredient
    glidant = constituents["3.0 mg"]["function"][1]  # no IG excipient function "Glidant"
    assert glidant == {"extension": [{"url": v.DATA_ABSENT, "valueCode": "as-text"}],
                       "text": "Glidant"}  # fmt: skip
    (container,) = resources["PackagedProductDefinition"]
    assert _codes(container["packaging"]["type"]) == ["C43169", "C96114"]  # BOTTLE, CR plastic
    listed = {(i["element"], i["value"]) for i in unmapped if i["fact"] == "DP-QLN4417"}
    assert ("MAT-SILICA constituent.function (Function)", "Glidant") in listed
    assert ("DS-QLN4417 amount", "111.6 mg (equivalent to 100.0 mg free base)") in listed
    grades = {
        s["description"]: [_codes(g) for g in s["grade"]] for s in resources["SubstanceDefinition"]
    }
    assert grades["Microcrystalline cellulose"] == [["C134007"], ["C134006"]]  # EP, USP-NF


def test_values_without_a_code_go_out_as_text_and_are_listed_never_guessed() -> None:
    resources, unmapped = _product_bundle(REPO / "examples" / "aav-gene-therapy")
    (description,) = resources["MedicinalProductDefinition"]
    dose_form = description["combinedPharmaceuticalDoseForm"]
    assert dose_form == {
        "extension": [{"url": v.DATA_ABSENT, "valueCode": "as-text"}],
        "text": "Solution for infusion (frozen)",
    }
    assert _codes(description["route"][0]) == ["C38276"]  # INTRAVENOUS
    (container,) = resources["PackagedProductDefinition"]
    assert _codes(container["packaging"]["type"]) == ["C43226", "C96139"]  # VIAL, Stopper
    (finished,) = resources["ManufacturedItemDefinition"]
    amounts = [c.get("amount", []) for c in finished["component"][0]["constituent"]]
    assert [{"value": 0.001, "unit": "% (w/v)", "system": v.UCUM, "code": "%{WeightToVolume}"}] in (
        amounts
    )
    listed = {(i["element"], i["value"]) for i in unmapped if i["fact"] == "DP-NRV301"}
    assert (
        "MedicinalProductDefinition.combinedPharmaceuticalDoseForm",
        "Solution for infusion (frozen)",
    ) in listed
    assert ("MAT-PHOSPHATE amount", "10 mM") in listed  # mmol/L is not in PqcmcUnitsMeasure


def test_the_terms_file_is_the_igs_value_sets_and_each_synonym_codes_into_them() -> None:
    data = terms.terms()
    # spot checks against Terminologies.fsh (commit 53d23e9)
    assert data.value_sets[terms.DOSE_FORM]["C42931"] == "TABLET, FILM COATED"
    assert data.value_sets[terms.ROUTE]["C38276"] == "INTRAVENOUS"
    assert data.value_sets[terms.CLOSURE_TYPE]["C96114"] == "Child-resistant, Plastic"
    assert set(data.value_sets[terms.FUNCTION_CATEGORY]) == {"C82533", "C2140", "C42637"}
    for value_set, synonyms in data.synonyms.items():
        for synonym in synonyms:
            assert synonym.code in data.value_sets[value_set] and synonym.basis
    for value_set in data.ignored_words:
        assert value_set in data.value_sets
    assert {"%", "%{VolumeToVolume}", "%{WeightToVolume}", "%{WeightToWeight}"} <= UNITS


@pytest.mark.parametrize(
    ("value_set", "typed", "code"),
    [
        (terms.DOSE_FORM, "tablet, film-coated", "C42931"),
        (terms.DOSE_FORM, "Film-coated tablets", None),  # plural: another word, not guessed
        (terms.DOSE_FORM, "Concentrate for solution for infusion", None),
        (terms.ROUTE, "Subcutaneous use", "C38299"),
        (terms.ROUTE, "Ocular use", None),  # SPL says OPHTHALMIC: a synonym we do not hold
        (terms.EXCIPIENT_FUNCTION, "Colouring agent", "C42656"),  # British spelling
        (terms.EXCIPIENT_FUNCTION, "Glidant", None),
        (terms.QUALITY_STANDARD, "Ph. Eur. 0255", None),  # a monograph, not a standard name
        (terms.CONTAINER_TYPE, "Vial, glass", "C43209"),
    ],
)
def test_a_value_maps_only_when_its_words_name_one_code(
    value_set: str, typed: str, code: str | None
) -> None:
    found = terms.code_for(value_set, typed)
    assert (found[0] if found else None) == code


def test_a_closure_maps_by_its_name_or_with_the_class_of_its_material() -> None:
    assert terms.closure_code("Stopper", "Bromobutyl rubber") == ("C96139", "Stopper")
    assert terms.closure_code("Child-resistant cap", "Polypropylene")[0] == "C96114"
    assert terms.closure_code("Child-resistant cap", "Aluminium")[0] == "C96113"
    assert terms.closure_code("Child-resistant cap", "Glass") is None  # no class: not guessed
    assert terms.closure_code("Screw cap", "Polypropylene") is None


def _edited_tablet(tmp_path: Path, old: str, new: str) -> tuple[Path, Path]:
    """A copy of the tablet example whose product file has one text replaced."""
    root = tmp_path / "tablet"
    shutil.copytree(REPO / "examples" / "small-molecule-tablet", root)
    product = root / "drug-product" / "product.yaml"
    text = product.read_text(encoding="utf-8")
    assert old in text
    product.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root, product


def test_a_material_on_two_composition_lines_is_one_substance_and_two_ingredients(
    tmp_path: Path,
) -> None:
    line = "  - {material: MAT-MCC, function: Filler, quantity: 120.0 mg, "
    second = line.replace("120.0 mg", "20.0 mg").replace("Filler", "Binder").rstrip(", ")
    root, _ = _edited_tablet(tmp_path, line, f"{second}, quality_standard: Ph. Eur.}}\n{line}")
    dossier = validate_folder(root).dossier
    assert not validate_folder(root).errors
    bundle = json.loads(fhir_files(dossier, root, None)["DP-QLN4417.32p10.json"])
    check_document(bundle, "cmc-ectd-document-32p10")  # every fullUrl once
    resources = _resources(bundle)
    assert len(resources["Ingredient"]) == 9
    assert [s["description"] for s in resources["SubstanceDefinition"]].count(
        "Microcrystalline cellulose"
    ) == 1


def test_a_value_without_an_ig_code_is_reported_at_its_line_for_information(
    tmp_path: Path,
) -> None:
    root, product = _edited_tablet(
        tmp_path, "route: Oral use\n", "route: By mouth  # <- DOS616 (SPL says ORAL; not guessed)\n"
    )
    line = next(
        number
        for number, content in enumerate(product.read_text(encoding="utf-8").splitlines(), 1)
        if "# <- DOS616" in content
    )
    done = run_cli("export", str(root), "--format", "fhir", "--output", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    reported = [entry for entry in done.stdout.splitlines() if "DOS616" in entry]
    assert any(
        f"product.yaml:{line}:8: info DOS616: MedicinalProductDefinition.route: 'By mouth'" in r
        for r in reported
    ), reported
    bundle = json.loads((tmp_path / "out" / "fhir" / "DP-QLN4417.32p10.json").read_text())
    (description,) = _resources(bundle)["MedicinalProductDefinition"]
    assert description["route"] == [
        {"extension": [{"url": v.DATA_ABSENT, "valueCode": "as-text"}], "text": "By mouth"}
    ]
    assert CODES["DOS616"].severity == "info" and CODES["DOS616"].explanation


def test_a_line_without_a_quality_standard_takes_its_materials_reported_there(
    tmp_path: Path,
) -> None:
    line = (
        "  - {material: MAT-MCC, function: Filler, quantity: 120.0 mg, "
        "quality_standard: Ph. Eur. / USP-NF}"
    )
    root, _ = _edited_tablet(tmp_path, line, line.split(", quality_standard")[0] + "}")
    dossier = validate_folder(root).dossier
    files, reported = fhir_export(dossier, root, None)
    substances = _resources(json.loads(files["DP-QLN4417.32p10.json"]))["SubstanceDefinition"]
    (cellulose,) = [s for s in substances if s["description"] == "Microcrystalline cellulose"]
    # the material's "Ph. Eur. 0316; USP-NF": a monograph number is no standard's name
    assert [_codes(g) for g in cellulose["grade"]] == [["C134006"]]
    (place,) = [d.location for d in reported if "'Ph. Eur. 0316'" in d.message]
    assert place.file.name == "excipients.yaml" and place.line == 12


def test_bundles_are_cached_by_what_they_are_made_of_not_by_the_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Validating and writing a bundle through fhir.resources is most of the export: a
    bundle made before (another commit, an edit elsewhere) comes from the user's cache with
    this commit's time put in; a damaged entry is made again; the files are the same."""
    from build_helpers import committed_repo, git

    from cmc_dossier.exchange.fhir import bundles

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    made: list[str] = []
    real = bundles._bundle_json
    monkeypatch.setattr(bundles, "_bundle_json", lambda b: made.append(b["id"]) or real(b))
    repo = committed_repo(tmp_path / "repo", MODALITIES / "small-molecule")
    root = repo / "dossier"
    first = fhir_files(validate_folder(root).dossier, root, None)
    assert len(made) == len(first) - 1  # every bundle, not not-mapped.json
    git(repo, "commit", "-q", "--allow-empty", "-m", "later", when="2031-05-06T07:08:09Z")
    made.clear()
    again = fhir_files(validate_folder(root).dossier, root, None)
    assert made == []
    stamped = {name: text.replace("2031-05-06T07:08:09Z", "T") for name, text in again.items()}
    assert "2031-05-06T07:08:09Z" in again["SPEC-DP.sp4151.json"]
    for name, text in first.items():
        bundle = json.loads(text)
        time = bundle.get("timestamp")
        assert stamped[name] == (text.replace(time, "T") if time else text)
    for entry in (tmp_path / "cache" / "cmc-dossier" / "fhir").iterdir():
        entry.write_text("damaged\n{}", encoding="utf-8")
    assert fhir_files(validate_folder(root).dossier, root, None) == again
    assert len(made) == len(first) - 1
