"""Our vocabulary → the PQ/CMC IG's codes, and what does not map.

Source of every code: the IG's repository (github.com/HL7/FHIR-us-pq-cmc-fda, commit
53d23e9, input/fsh/Terminologies.fsh value sets and HierarchySupplement.fsh for the
parent of a test subcategory). A value missing here is reported as not mapped and goes
out as text only; nothing is guessed.
"""

from __future__ import annotations

IG = "http://hl7.org/fhir/us/pq-cmc-fda"
IG_VERSION = "2.0.0"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
UCUM = "http://unitsofmeasure.org"
SECTION_TYPES = "http://terminology.hl7.org/CodeSystem/ICHContextOfUse"
PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"  # the IG's $IDsys alias

# PqcmcSpecificationTypeTerminology
SPECIFICATION_TYPE = {
    "drug-product": ("C134021", "Drug Product"),
    "drug-substance": ("C134022", "Drug Substance"),
    "intermediate": ("C133931", "Raw Materials/Excipients/Intermediates/Reagents"),
    "excipient": ("C133931", "Raw Materials/Excipients/Intermediates/Reagents"),
    "starting-material": ("C133931", "Raw Materials/Excipients/Intermediates/Reagents"),
    "raw-material": ("C133931", "Raw Materials/Excipients/Intermediates/Reagents"),
}
# PqcmcTestUsageTerminology
USAGE = {
    "release": [("C134029", "Release")],
    "stability": [("C134030", "Stability")],
    "release-and-stability": [("C134029", "Release"), ("C134030", "Stability")],
}
# PqcmcTestMethodOriginTerminology. A modified compendial method is the sponsor's own
# procedure [U: our reading; the IG defines no "modified" origin].
METHOD_ORIGIN = {
    "compendial": ("C96102", "Compendial"),
    "compendial-modified": ("C96103", "Proprietary"),
    "in-house": ("C96103", "Proprietary"),
}
# PqcmcTestCategoryTerminology: attribute type → (code, display); parents from
# HierarchySupplement.fsh (a subcategory is sent with its category, levels 1 and 2).
TEST_CATEGORY_PARENT = {
    "C205001": ("C60819", "Assay"),
    "C205006": ("C60819", "Assay"),
    "C205018": ("C60819", "Assay"),
    "C205020": ("C60819", "Assay"),
    "C62352": ("C60819", "Assay"),
    "C138990": ("C205026", "Organoleptic"),
    "C134115": ("C134250", "Uniformity"),
    "C16643": ("C18951", "Post-translational Modifications"),
    "C134254": ("C204971", "Impurity"),
    "C134002": ("C204971", "Impurity"),
    "C205014": ("C204971", "Impurity"),
}
_CELL_GENE = ("C205006", "Cell and Gene Therapy Product Characterization Assay")
TEST_CATEGORY = {
    "appearance": ("C138990", "Description/Appearance"),
    "identity": ("C138993", "Identification"),
    "assay": ("C60819", "Assay"),
    "potency": ("C134270", "Potency"),
    "viability": _CELL_GENE,
    "cell-count": _CELL_GENE,
    "cell-purity": _CELL_GENE,
    "transduction-efficiency": _CELL_GENE,
    "vector-copy-number": _CELL_GENE,
    "vector-genome-titre": _CELL_GENE,
    "infectious-titre": _CELL_GENE,
    "empty-full-ratio": _CELL_GENE,
    "sterility": ("C134278", "Sterility"),
    "endotoxin": ("C133983", "Pyrogenicity/Endotoxin"),
    "mycoplasma": ("C205001", "Adventitious Agents (Safety)"),
    "adventitious-agents": ("C205001", "Adventitious Agents (Safety)"),
    "host-cell-dna": ("C205018", "Host Cell DNA"),
    "product-related-impurities": ("C204971", "Impurity"),
    "process-related-impurities": ("C204971", "Impurity"),
    "related-substances": ("C134254", "Impurities/Degradation Products/Related Substances"),
    "residual-solvents": ("C134002", "Residual Solvent"),
    "elemental-impurities": ("C205014", "Elemental Impurity"),
    "glycosylation": ("C16643", "Glycosylation"),
    "dissolution": ("C134253", "Dissolution"),
    "uniformity-of-dosage-units": ("C134115", "Uniformity of Dosage Unit"),
    "particulate-matter": ("C193381", "Foreign and Particulate Matter"),
    "ph": ("C205029", "pH"),
    "osmolality": ("C205027", "Osmolality/Osmolarity"),
    "volume": ("C133961", "Deliverable Volume/Fill Volume"),
    "container-closure-integrity": ("C134249", "Container Closure Integrity"),
    # ICH Q6B 6.1: host cell proteins and residual reagents are process-related impurities;
    # aggregates are product-related impurities; charge variants are judged by a purity
    # profile (product-related substances and impurities) [U: our reading of Q6B].
    "host-cell-protein": ("C204971", "Impurity"),
    "residual-reagent": ("C204971", "Impurity"),
    "aggregates": ("C204971", "Impurity"),
    "charge-variants": ("C62352", "Purity"),
    # A replication-competent virus is a virus contaminating the product, found by an in
    # vitro (cell-amplification) or in vivo test [U: our reading; the IG names no RCV code].
    "replication-competent-virus": ("C205020", "In Vitro or In Vivo Test for Viral Contaminants"),
}
# No IG test category with the same meaning: water-content (Loss on Drying measures
# something else), other. The action.reason binding is required, so such a test is left
# out of the bundle and listed in not-mapped.json; it is never sent with text only.

# Units as our criteria write them → UCUM (only exact, unambiguous spellings). Endotoxin
# units (EU/mL) have none: UCUM's [EU] is the Ehrlich unit, as the IG's PqcmcUnitsMeasure
# itself displays it (Terminologies.fsh), so an EU limit keeps its text only.
UCUM_UNITS = {
    "%": "%",
    "mg": "mg",
    "g": "g",
    "µg": "ug",
    "mg/mL": "mg/mL",
    "µg/mL": "ug/mL",
    "ng/mL": "ng/mL",
    "pg/mL": "pg/mL",
    "mL": "mL",
    "IU/mL": "[IU]/mL",
    "ppm": "[ppm]",
    "°C": "Cel",
    "mOsm/kg": "mosm/kg",
    "min": "min",
    "h": "h",
}

# 3.2.S.1 (DrugSubstanceResources.fsh, Terminologies.fsh)
UNII = "http://fdasis.nlm.nih.gov"  # the IG's $UNII alias
UNIPROT = "http://terminology.hl7.org/NamingSystem/UniProt"
SECTION_32S1 = ("ich_3.2.s.1", "m3.2.s.1 general information")
COMPANY_CODE = ("C203354", "Company ID/Code")  # name[comp]
INN = ("C142585", "INN")  # name[inn]; the Manifest's INN, when the product has one substance
STRUCTURE_TEXTUAL = ("C45253", "Structure Textual")  # PqcmcRepresentationTypes
# PqcmcChemicalStructureDataFileTypeTerminology (structureString.format, required binding)
STRUCTURE_FORMAT = {
    "smiles": ("C54684", "SMILES"),
    "inchi": ("C54683", "InChI File (small molecule)"),
}
# molecularWeight.amount: PqcmcUnitsMeasure (extensible) has {kDa} "kiloDalton" but no
# g/mol; g/mol is sent as its UCUM code, which the extensible binding allows.
MOLECULAR_WEIGHT_UNITS = {"g/mol": "g/mol", "kDa": "{kDa}"}
PROTEIN = "C17021"
# SubstanceClassification (ISO 11238 substance classes) by our modality: a small-molecule
# active is a chemical, a therapeutic protein a protein, cells a structurally diverse
# substance (the IG's own commented-out subclass "Structurally Diverse Substance - Cell
# therapy"). A viral vector's class is not settled here [U]: sent as data-absent.
SUBSTANCE_CLASSIFICATION = {
    "small-molecule": ("C48807", "Chemical"),
    "therapeutic-protein": (PROTEIN, "Protein"),
    "autologous-cell-therapy": ("C103206", "Structurally Diverse Substance"),
    "allogeneic-cell-therapy": ("C103206", "Structurally Diverse Substance"),
}
