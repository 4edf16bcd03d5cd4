"""3.2.P.1 as a PQ/CMC document Bundle (CMCeCTDDocument32P10), coded only where it maps.

Source: the IG's FSH (HL7/FHIR-us-pq-cmc-fda 2.0.0, commit 53d23e9): eCTDComposition.fsh
(CMCeCTDDocument32P10, EctdComposition32P10), DrugProductResources.fsh
(DrugProductDescription, FinishedProduct, ContainerClosure, AmountRatio),
DrugSubstanceResources.fsh (DrugProductComponent, ComponentSubstance, StrengthExtension) and
Invariants.fsh (cmc-ingredient-functions). Dose form, route, container and closure type,
component function and quality standard are coded through terms.py; quantities go out as
UCUM only when the typed text is exactly a number and a unit, and always keep the text as
typed. What is not held or does not map is sent as text or with FHIR's data-absent-reason
and listed in not-mapped.json.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from cmc_dossier.diagnostics import Location
from cmc_dossier.exchange.fhir import terms as t
from cmc_dossier.exchange.fhir import vocabulary as v
from cmc_dossier.exchange.fhir.bundles import (
    PROFILE,
    Unmapped,
    absent,
    coding,
    composition_entry,
    document_bundle,
    organization_entry,
    uuid_of,
)
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import Material
from cmc_dossier.model.product import Component, DrugProduct, DrugSubstance, Organization
from cmc_dossier.model.prose import PROSE_REFERENCE, quotable_fields
from cmc_dossier.model.stability import ContainerClosure
from cmc_dossier.model.unknowns import known

SECTION_32P1 = ("ich_3.2.p.1", "m3.2.p.1 description and composition of the drug product")
ORIGINAL_TEXT = "http://hl7.org/fhir/StructureDefinition/originalText"
NONPROPRIETARY_NAME = ("C96971", "Nonproprietary Name")
NAME_PART = "http://terminology.hl7.org/CodeSystem/v3-EntityNamePartQualifierR2"
ACTIVE, ADJUVANT, INACTIVE = "C82533", "C2140", "C42637"
MASS = "C168628"
# Percent units of the IG's PqcmcPercentageUnits, as our quantities write them.
PERCENT_UNITS = {
    "%": "%",
    "% (w/w)": "%{WeightToWeight}",
    "% (w/v)": "%{WeightToVolume}",
    "% (v/v)": "%{VolumeToVolume}",
}
MASS_UNITS = {"mg", "g", "µg", "kg", "ng"}
_QUANTITY = re.compile(r"(\d+(?:\.\d+)?) ?(\S.*)")
# FinishedProduct properties the profile requires (1..1 or 1..*) and our facts do not hold.
_PROPERTIES_NOT_HELD = (
    ("Product Overall Release Profile", "valueCodeableConcept"),
    ("Product Schematic", "valueAttachment"),
    ("Product Weight Type", "valueCodeableConcept"),
    ("Product Total Weight Numeric Numerator", "valueQuantity"),
    ("Quality Standard", "valueCodeableConcept"),
)


def plain(dossier: Dossier, text: str) -> str:
    """Prose with its references as the reader sees them: a fact's label, a quoted value,
    a section code (the IND numbering, which is FDA's)."""

    def resolve(match: re.Match[str]) -> str:
        target, field = match.group(1), match.group(2)
        entry = dossier.index.get(target)
        if target.startswith("3.2.") or entry is None:
            return target
        if field is not None:
            return quotable_fields(entry.value).get(field, target)
        return str(getattr(entry.value, "label", target))

    return PROSE_REFERENCE.sub(resolve, text).strip()


class Coder:
    """Codes one product's typed values, listing each one that does not map."""

    def __init__(self, fact_id: str, unmapped: Unmapped) -> None:
        self.fact_id = fact_id
        self.unmapped = unmapped

    def concept(self, value_set: str, typed: str, element: str, where: Location) -> dict[str, Any]:
        """A CodeableConcept: the IG's coding and the typed text, or the text alone marked
        data-absent "as-text" (the binding is required) and listed."""
        found = t.code_for(value_set, typed)
        if found is None:
            self.not_mapped(element, typed, f"no unambiguous code in {value_set}", where)
            return {"extension": absent("as-text")["extension"], "text": typed}
        return {"coding": [coding(t.terms().system, *found)], "text": typed}

    def not_mapped(
        self, element: str, value: str, reason: str, where: Location | None = None
    ) -> None:
        self.unmapped.add(self.fact_id, element, value, reason, where)

    def not_held(self, element: str) -> None:
        self.unmapped.add(self.fact_id, element, "", "not held by our facts")


def quantity(typed: str) -> dict[str, Any] | None:
    """A UCUM Quantity when the text is exactly a number and a unit of the IG's
    PqcmcUnitsMeasure (value, unit as typed, UCUM code); None otherwise."""
    match = _QUANTITY.fullmatch(typed.strip())
    if match is None:
        return None
    number, unit = match.groups()
    code = PERCENT_UNITS.get(unit) or v.UCUM_UNITS.get(unit)
    if code is None or code not in t.terms().value_sets[t.UNITS]:
        return None
    return {"value": Decimal(number), "unit": unit, "system": v.UCUM, "code": code}


def _is_percent(amount: dict[str, Any]) -> bool:
    return amount["code"] in PERCENT_UNITS.values()


def product_identity(dossier: Dossier, product: DrugProduct, coder: Coder) -> dict[str, Any]:
    """What DrugProductHandle and DrugProductDescription share (DosageForm,
    RouteOfAdministration, ProprietaryAndNonProprietaryNames): the dose form and route coded
    where they map, and the product's name as its nonproprietary name with the INN as the
    scientific part [U: our reading; an investigational product's name is no trademark]."""
    inn = dossier.manifest.product.inn if dossier.manifest else None
    scientific: dict[str, Any] = {"type": {"coding": [{"system": NAME_PART, "code": "SCI"}]}}
    if inn:
        scientific["part"] = inn
    else:
        coder.not_held("MedicinalProductDefinition.name.part (scientific name: the INN)")
        scientific["_part"] = absent()
    strength_of: dict[str, Any] = {"text": inn} if inn else {"_text": absent()}
    strength = {
        "part": product.strength,
        "type": {"coding": [{"system": NAME_PART, "code": "STR"}], **strength_of},
    }
    return {
        "combinedPharmaceuticalDoseForm": coder.concept(
            t.DOSE_FORM,
            product.dosage_form,
            "MedicinalProductDefinition.combinedPharmaceuticalDoseForm",
            dossier.locate(product.id, ("dosage_form",)),
        ),
        "route": [
            coder.concept(
                t.ROUTE,
                product.route,
                "MedicinalProductDefinition.route",
                dossier.locate(product.id, ("route",)),
            ),
        ],
        "name": [
            {
                "productName": product.name,
                "type": {"coding": [coding(v.NCIT, *NONPROPRIETARY_NAME)]},
                "part": [scientific, strength],
            }
        ],
    }


def _description(
    dossier: Dossier, product: DrugProduct, coder: Coder
) -> tuple[str, dict[str, Any]]:
    """DrugProductDescription: the description and the product's identity."""
    url = f"urn:uuid:{uuid_of('32p10:description:' + product.id)}"
    return url, {
        "resourceType": "MedicinalProductDefinition",
        "id": url.removeprefix("urn:uuid:"),
        "meta": {"profile": [f"{PROFILE}pqcmc-drug-product-description"]},
        "identifier": [{"system": v.IDENTIFIER_SYSTEM, "value": f"urn:cmc-dossier:{product.id}"}],
        "description": plain(dossier, product.description),
        **product_identity(dossier, product, coder),
    }


def _property(label: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"type": {"text": label}, **value}


def _finished_product(
    dossier: Dossier,
    product: DrugProduct,
    constituents: list[dict[str, Any]],
    coder: Coder,
) -> tuple[str, dict[str, Any]]:
    """FinishedProduct: one product part holding every component, as our facts describe the
    composition per unit without parts; what the profile requires and we do not hold
    (release profile, schematic, weights, quality standard, the part's type and share) goes
    out data-absent and listed."""
    url = f"urn:uuid:{uuid_of('32p10:finished:' + product.id)}"
    dose_form = t.code_for(t.DOSE_FORM, product.dosage_form)
    manufactured = t.manufactured_dose_form(dose_form[0]) if dose_form else None
    if manufactured is None:  # a dose form without an SPL code is reported once, above
        coder.not_mapped(
            "ManufacturedItemDefinition.manufacturedDoseForm",
            product.dosage_form,
            "no PqcmcManufacturedDoseFormTerminology code for this dose form",
            dossier.locate(product.id, ("dosage_form",)) if dose_form else None,
        )
    properties = []
    for label, value_type in _PROPERTIES_NOT_HELD:
        coder.not_held(f"ManufacturedItemDefinition.property ({label})")
        properties.append(_property(label, {value_type: absent()}))
    properties.append(_property("Sterile Product Indicator", {"valueBoolean": product.sterile}))
    for element in ("component.type", "component.amount (percent)", "property (Release Profile)"):
        coder.not_held(f"ManufacturedItemDefinition.{element}")
    part = {
        "type": absent(),
        "amount": [absent()],
        "property": [
            _property("Product Part Identifier", {"valueCodeableConcept": {"text": product.id}}),
            _property("Product Part Release Profile", {"valueCodeableConcept": absent()}),
        ],
        "constituent": constituents,
    }
    return url, {
        "resourceType": "ManufacturedItemDefinition",
        "id": url.removeprefix("urn:uuid:"),
        "meta": {"profile": [f"{PROFILE}pqcmc-product-part"]},
        "status": "active",
        "name": product.name,
        "manufacturedDoseForm": (
            {"coding": [coding(v.NCIT, *manufactured)], "text": product.dosage_form}
            if manufactured
            else {"extension": absent("as-text")["extension"], "text": product.dosage_form}
        ),
        "property": properties,
        "component": [part],
    }


def _category(dossier: Dossier, component: Component) -> tuple[str, str] | None:
    """Active Ingredient for a drug substance; for a material, Adjuvant where its function
    says so, else Inactive Ingredient for an excipient (the IG's function categories)."""
    if dossier.get(component.material, DrugSubstance) is not None:
        return ACTIVE, t.display(t.FUNCTION_CATEGORY, ACTIVE)
    named = t.code_for(t.FUNCTION_CATEGORY, component.function)
    if named and named[0] == ADJUVANT:
        return named
    material = dossier.get(component.material, Material)
    if material is not None and material.category == "excipient":
        return INACTIVE, t.display(t.FUNCTION_CATEGORY, INACTIVE)
    return None


def _functions(
    dossier: Dossier, component: Component, line: int, coder: Coder
) -> list[dict[str, Any]]:
    """constituent.function: the category (1..1) and, for an excipient, its function, which
    cmc-ingredient-functions requires coded; the typed function is always kept as text."""
    element = f"{component.material} constituent.function"
    where = dossier.locate(coder.fact_id, ("composition", line, "function"))
    category = _category(dossier, component)
    if category is None:
        coder.not_mapped(f"{element} (Category)", component.function, "no function category", where)
        return [{"extension": absent("as-text")["extension"], "text": component.function}]
    functions = [{"coding": [coding(v.NCIT, *category)], "text": component.function}]
    if category[0] == INACTIVE:
        functions.append(
            coder.concept(t.EXCIPIENT_FUNCTION, component.function, f"{element} (Function)", where)
        )
    return functions


def _amounts(
    dossier: Dossier, component: Component, line: int, coder: Coder
) -> tuple[str | None, list[dict[str, Any]]]:
    """The quantity as typed, and the UCUM amount where it parses exactly."""
    typed = known(component.quantity)
    if typed is None:
        coder.not_held(f"{component.material} quantity")
        return None, []
    parsed = quantity(typed)
    if parsed is None:
        coder.not_mapped(
            f"{component.material} amount",
            typed,
            "not exactly a number and a unit of PqcmcUnitsMeasure",
            dossier.locate(coder.fact_id, ("composition", line, "quantity")),
        )
        return typed, []
    if not _is_percent(parsed):
        coder.not_held(f"{component.material} amount (percent of the product)")
    return typed, [parsed]


def _grade(dossier: Dossier, component: Component, line: int, coder: Coder) -> list[dict[str, Any]]:
    """ComponentSubstance.grade (1..*): each standard of "Ph. Eur. / USP-NF" that maps."""
    material = dossier.get(component.material, Material)
    element = "SubstanceDefinition.grade"
    if typed := known(component.quality_standard):  # this product's line, else the material's
        where = dossier.locate(coder.fact_id, ("composition", line, "quality_standard"))
    elif material is not None and (typed := known(material.quality_standard)):
        where = dossier.locate(material.id, ("quality_standard",))
    else:
        coder.not_held(f"{component.material} {element}")
        return [absent()]
    grades = []
    for standard in re.split(r"\s+/\s+|;\s*", typed):
        found = t.code_for(t.QUALITY_STANDARD, standard)
        if found is None:
            coder.not_mapped(
                f"{component.material} {element}", standard, "no IG quality standard", where
            )
        elif found not in grades:
            grades.append(found)
    if not grades:
        return [{"extension": absent("as-text")["extension"], "text": typed}]
    return [{"coding": [coding(v.NCIT, *grade)], "text": typed} for grade in grades]


def _component_substance(
    dossier: Dossier, component: Component, line: int, coder: Coder
) -> tuple[str, dict[str, Any]]:
    """ComponentSubstance: the material's class, grade and title; UNII and a name of a type
    the IG's closed name slicing defines are not held (data-absent, listed)."""
    url = f"urn:uuid:{uuid_of('32p10:substance:' + component.material)}"
    fact = dossier.index[component.material].fact
    substance = isinstance(fact, DrugSubstance)
    modality = dossier.manifest.modality if dossier.manifest else ""
    found = v.SUBSTANCE_CLASSIFICATION.get(modality) if substance else None
    if found is None:
        coder.not_held(f"{component.material} SubstanceDefinition.classification")
    coder.not_held(f"{component.material} SubstanceDefinition.code (UNII)")
    coder.not_held(f"{component.material} SubstanceDefinition.name (typed: GSRS, generic)")
    return url, {
        "resourceType": "SubstanceDefinition",
        "id": url.removeprefix("urn:uuid:"),
        "meta": {"profile": [f"{PROFILE}pqcmc-component-substance"]},
        "description": str(getattr(fact, "label", component.material)),
        "classification": [{"coding": [coding(v.NCIT, *found)]} if found else absent()],
        "grade": _grade(dossier, component, line, coder),
        "code": [{"code": {"coding": [{"system": v.UNII, "_code": absent()}]}}],
        "name": [{"_name": absent(), "type": absent()}],
    }


def _ingredient(
    line: int,
    component: Component,
    typed: str | None,
    amounts: list[dict[str, Any]],
    role: dict[str, Any],
    urls: tuple[str, str],
    coder: Coder,
) -> tuple[str, dict[str, Any]]:
    """DrugProductComponent: role, the substance and its strength per unit (the text as
    typed; the UCUM quantity where it parses; strength type Mass for a mass unit)."""
    description_url, substance_url = urls
    url = f"urn:uuid:{uuid_of(f'32p10:ingredient:{coder.fact_id}:{line}:{component.material}')}"
    amount: dict[str, Any] = {}
    percent: list[dict[str, Any]] = []
    for parsed in amounts:
        if _is_percent(parsed):
            percent.append({"concentrationQuantity": parsed})
        else:
            amount["concentrationQuantity"] = parsed
    if typed is not None:
        amount["textConcentration"] = typed
    mass = any(a["unit"] in MASS_UNITS for a in amounts)
    if not mass:
        coder.not_held(f"{component.material} Ingredient.substance.strength (strength type)")
    amount["extension"] = [
        {
            "url": f"{PROFILE}strength-extension",
            "valueCodeableConcept": (
                {"coding": [coding(v.NCIT, MASS, t.display(t.STRENGTH_TYPE, MASS))]}
                if mass
                else absent()
            ),
        }
    ]
    return url, {
        "resourceType": "Ingredient",
        "id": url.removeprefix("urn:uuid:"),
        "meta": {"profile": [f"{PROFILE}pqcmc-component"]},
        "status": "active",
        "for": [{"reference": description_url}],
        "role": role,
        "substance": {
            "code": {"reference": {"reference": substance_url}},
            "strength": [amount, *percent],
        },
    }


def _container_closure(
    dossier: Dossier, closure: ContainerClosure, description_url: str, coder: Coder
) -> tuple[str, dict[str, Any]]:
    """ContainerClosure: the description, and the container and closure types from the
    components whose names (and material) map; unmapped ones stay in the description."""
    url = f"urn:uuid:{uuid_of('32p10:container:' + closure.id)}"
    container = next(
        (
            found
            for part in closure.components
            if (found := t.code_for(t.CONTAINER_TYPE, part.name))
        ),
        None,
    )
    closure_type = next(
        (
            found
            for part in closure.components
            if (found := t.closure_code(part.name, known(part.material_of_construction)))
        ),
        None,
    )
    names = "; ".join(part.name for part in closure.components)
    codings = []
    for kind, found in (("ContainerType", container), ("ClosureType", closure_type)):
        if found is None:
            coder.not_mapped(
                f"PackagedProductDefinition.packaging.type ({kind})",
                names,
                "no component's name maps to the IG's list",
                dossier.locate(closure.id, ("components",), key=True),
            )
        else:
            codings.append(coding(v.NCIT, *found))
    packaging_type: dict[str, Any] = {"text": closure.title}
    if codings:
        packaging_type["coding"] = codings
    else:
        packaging_type["extension"] = absent("as-text")["extension"]
    return url, {
        "resourceType": "PackagedProductDefinition",
        "id": url.removeprefix("urn:uuid:"),
        "meta": {"profile": [f"{PROFILE}ContainerClosure"]},
        "packageFor": [{"reference": description_url}],
        "description": plain(dossier, closure.description),
        "packaging": {"type": packaging_type},
    }


def product_bundle(
    dossier: Dossier, product: DrugProduct, timestamp: str, unmapped: Unmapped
) -> dict[str, Any] | None:
    """CMCeCTDDocument32P10 for one drug product; None (listed) without a ContainerClosure,
    which the bundle and its Composition require."""
    closure_id = known(product.container_closure)
    closure = dossier.get(closure_id, ContainerClosure) if closure_id else None
    if closure is None:
        unmapped.add(product.id, "3.2.P.1 bundle (left out)", "", "no ContainerClosure fact")
        return None
    coder = Coder(product.id, unmapped)
    author_url, author = organization_entry(
        dossier,
        dossier.get(dossier.manifest.sponsor, Organization) if dossier.manifest else None,
        unmapped,
    )
    description_url, description = _description(dossier, product, coder)
    constituents: list[dict[str, Any]] = []
    components: dict[str, dict[str, Any]] = {}
    for line, component in enumerate(product.composition):
        typed, amounts = _amounts(dossier, component, line, coder)
        functions = _functions(dossier, component, line, coder)
        substance_url, substance = _component_substance(dossier, component, line, coder)
        ingredient_url, ingredient = _ingredient(
            line, component, typed, amounts, functions[0], (description_url, substance_url), coder
        )
        constituent: dict[str, Any] = {
            "amount": amounts,
            "function": functions,
            "hasIngredient": [{"reference": {"reference": ingredient_url}}],
        }
        if typed is not None:
            constituent["extension"] = [{"url": ORIGINAL_TEXT, "valueString": typed}]
        constituents.append(constituent)
        components[ingredient_url] = ingredient
        components.setdefault(substance_url, substance)  # a material on two lines: once
    finished_url, finished = _finished_product(dossier, product, constituents, coder)
    container_url, container = _container_closure(dossier, closure, description_url, coder)
    composition_url, composition = composition_entry(
        "ectd-composition-32p10",
        product.id,
        SECTION_32P1,
        timestamp,
        author_url,
        f"Description and composition: {product.name}",
        [
            ("Product Description", description_url),
            ("Product Composition", finished_url),
            ("Product Container Closure Description", container_url),
        ],
        coded_sections=True,
    )
    entries = [
        (composition_url, composition),
        (author_url, author),
        (description_url, description),
        (finished_url, finished),
        (container_url, container),
        *components.items(),
    ]
    return document_bundle(product.id, "cmc-ectd-document-32p10", timestamp, entries)
