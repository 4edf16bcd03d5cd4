"""3.2.S.1 as a PQ/CMC document Bundle (CMCeCTDDocument32S10).

Source: the IG's FSH (HL7/FHIR-us-pq-cmc-fda 2.0.0, commit 53d23e9): eCTDComposition.fsh
(CMCeCTDDocument32S10, EctdComposition32S10), DrugSubstanceResources.fsh
(DrugSubstanceNomenclatureStructure, SubstanceNames, UniiAndUniProtCodes), Invariants.fsh
(cmc-when-unii-required, cmc-structure-representation-required). Elements the profile
requires and our facts do not hold (UNII, structure technique and machine-readable
representation) are sent with FHIR's data-absent-reason extension, never with a made-up
value, and listed in not-mapped.json.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

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
from cmc_dossier.model.product import (
    ChemicalStructure,
    DrugSubstance,
    Organization,
    Site,
)
from cmc_dossier.model.unknowns import known

_MOLECULAR_WEIGHT = re.compile(r"(\d+(?:\.\d+)?) ?(g/mol|kDa)")


def _names(dossier: Dossier, substance: DrugSubstance, unmapped: Unmapped) -> list[dict]:
    """Names of a type the IG's closed name slicing defines; the others are listed."""
    names = []
    if substance.code:
        names.append(
            {"name": substance.code, "type": {"coding": [coding(v.NCIT, *v.COMPANY_CODE)]}}
        )
    inn = dossier.manifest.product.inn if dossier.manifest else None
    if inn and len(list(dossier.of_kind(DrugSubstance))) == 1:  # the product's one substance
        names.append({"name": inn, "type": {"coding": [coding(v.NCIT, *v.INN)]}})
    for name in (substance.name, *substance.other_names):
        unmapped.add(
            substance.id,
            "SubstanceDefinition.name",
            name,
            "name type not held (GSRS, INN, USAN, systematic...); the IG's name slicing is closed",
        )
    return names


def _classification(dossier: Dossier, substance: DrugSubstance, unmapped: Unmapped) -> dict:
    modality = dossier.manifest.modality if dossier.manifest else None
    found = v.SUBSTANCE_CLASSIFICATION.get(modality or "")
    if found is None:
        unmapped.add(substance.id, "SubstanceDefinition.classification", str(modality), "no class")
        return absent()
    return {"coding": [coding(v.NCIT, *found)]}


def _codes(substance: DrugSubstance, classification: dict, unmapped: Unmapped) -> list[dict]:
    """UNII (and UniProt for a protein) as required by cmc-when-unii-required: not held."""
    systems = [v.UNII]
    if any(c["code"] == v.PROTEIN for c in classification.get("coding", [])):
        systems.append(v.UNIPROT)
    for system in systems:
        unmapped.add(substance.id, "SubstanceDefinition.code", system, "identifier not held")
    return [{"code": {"coding": [{"system": system, "_code": absent()}]}} for system in systems]


def _representations(chemistry: ChemicalStructure | None) -> list[dict[str, Any]]:
    """structureString slices (C45253) for the SMILES and InChI we hold, as typed."""
    held = [
        (v.STRUCTURE_FORMAT[kind], text)
        for kind, text in (
            ("smiles", chemistry and chemistry.smiles),
            ("inchi", chemistry and chemistry.inchi),
        )
        if text
    ]
    return [
        {
            "type": {"coding": [coding(v.NCIT, *v.STRUCTURE_TEXTUAL)]},
            "representation": text,
            "format": {"coding": [coding(v.NCIT, *format_code)]},
        }
        for format_code, text in held
    ]


def _molecular_weight(substance: DrugSubstance, unmapped: Unmapped) -> dict[str, Any] | None:
    """molecularWeight.amount (value, unit, UCUM code 1..1) where the typed text is one value
    with a unit of the IG's PqcmcUnitsMeasure (extensible); anything else is listed."""
    chemistry, molecule = substance.chemical_structure, substance.molecule
    typed = known(chemistry.molecular_weight if chemistry else None) or known(
        molecule.molecular_weight if molecule else None
    )
    if typed is None:
        return None
    match = _MOLECULAR_WEIGHT.fullmatch(typed.strip())
    if match is None:
        unmapped.add(
            substance.id,
            "SubstanceDefinition.molecularWeight",
            typed,
            "not one value with a unit (g/mol, kDa): sent in no structured form",
        )
        return None
    number, unit = match.groups()
    return {
        "amount": {
            "value": Decimal(number),
            "unit": unit,
            "system": v.UCUM,
            "code": v.MOLECULAR_WEIGHT_UNITS[unit],
        }
    }


def _structure(substance: DrugSubstance, unmapped: Unmapped) -> dict[str, Any]:
    """Formula and SMILES/InChI as held; technique (1..1) and, when no SMILES or InChI is
    held, the required representation are sent data-absent and listed."""
    chemistry = substance.chemical_structure
    unmapped.add(substance.id, "SubstanceDefinition.structure.technique", "", "not held")
    structure: dict[str, Any] = {"technique": [{"_text": absent()}]}
    if formula := known(chemistry.molecular_formula if chemistry else None):
        structure["molecularFormula"] = formula
    representations = _representations(chemistry)
    if not representations:
        unmapped.add(
            substance.id,
            "SubstanceDefinition.structure.representation",
            "structure (prose)" if substance.structure else "",
            "no SMILES/InChI/sequence or structure file held; prose is not a representation",
        )
        representations = [
            {
                "type": {"coding": [coding(v.NCIT, *v.STRUCTURE_TEXTUAL)]},
                "_representation": absent(),
                "format": absent(),
            }
        ]
    structure["representation"] = representations
    _list_unprofiled(substance, unmapped)
    return structure


def _list_unprofiled(substance: DrugSubstance, unmapped: Unmapped) -> None:
    """What we hold and the IG's DrugSubstanceNomenclatureStructure has no element for."""
    chemistry, molecule = substance.chemical_structure, substance.molecule
    if chemistry and (stereochemistry := known(chemistry.stereochemistry)):
        unmapped.add(
            substance.id,
            "SubstanceDefinition.structure.stereochemistry",
            stereochemistry,
            "no element in the IG's profile (structure.stereochemistry not profiled)",
        )
    if chemistry and (polymorph := known(chemistry.polymorph)):
        unmapped.add(
            substance.id,
            "SubstanceDefinition.relationship (Polymorph)",
            polymorph,
            "PolymorphicForm requires a name typed Generic, GSRS or ISBT-128 "
            "(ShortSetSubstanceNames, closed): a solid-form designation is none",
        )
    if molecule:
        for field in (
            "format",
            "isotype",
            "light_chain",
            "expression_system",
            "glycosylation",
            "sequence_reference",
        ):
            if (value := known(getattr(molecule, field))) is not None:
                unmapped.add(
                    substance.id, f"molecule.{field}", str(value), "no element in the IG's profile"
                )


def _manufacturer(dossier: Dossier, substance: DrugSubstance, unmapped: Unmapped) -> tuple:
    """The organisation of the first manufacturing site (the profile allows one)."""
    sites = [dossier.get(s, Site) for s in substance.manufacturers]
    organizations = [dossier.get(s.organization, Organization) for s in sites if s]
    first = organizations[0] if organizations else None
    for other in {o.id for o in organizations if o} - {first.id if first else ""}:
        unmapped.add(substance.id, "SubstanceDefinition.manufacturer", other, "1..1 in the IG")
    return organization_entry(dossier, first, unmapped)


def substance_bundle(
    dossier: Dossier, substance: DrugSubstance, timestamp: str, unmapped: Unmapped
) -> dict[str, Any] | None:
    """CMCeCTDDocument32S10 for one drug substance; None when no name of an IG type is held."""
    names = _names(dossier, substance, unmapped)
    if not names:
        unmapped.add(
            substance.id, "3.2.S.1 bundle (left out)", "", "no name of a type the IG defines"
        )
        return None
    organization_url, organization = _manufacturer(dossier, substance, unmapped)
    author_url, author = organization_entry(
        dossier,
        dossier.get(dossier.manifest.sponsor, Organization) if dossier.manifest else None,
        unmapped,
    )
    classification = _classification(dossier, substance, unmapped)
    weight = _molecular_weight(substance, unmapped)
    substance_url = f"urn:uuid:{uuid_of('32s10:' + substance.id)}"
    definition = {
        "resourceType": "SubstanceDefinition",
        "id": substance_url.removeprefix("urn:uuid:"),
        "meta": {"profile": [f"{PROFILE}pqcmc-drug-substance-nomenclature-structure"]},
        "classification": [classification],
        "manufacturer": [{"reference": organization_url}],
        "code": _codes(substance, classification, unmapped),
        **({"molecularWeight": [weight]} if weight else {}),
        "structure": _structure(substance, unmapped),
        "name": names,
    }
    composition_url, composition = composition_entry(
        "ectd-composition-32s10",
        substance.id,
        v.SECTION_32S1,
        timestamp,
        author_url,
        f"General information: {substance.name}",
        [(substance.name, substance_url)],
    )
    entries = [(composition_url, composition), (author_url, author)]
    if organization_url != author_url:
        entries.append((organization_url, organization))
    entries.append((substance_url, definition))
    return document_bundle(substance.id, "cmc-ectd-document-32s10", timestamp, entries)
