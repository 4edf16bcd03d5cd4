"""Controlled terms of the dossier, spelled as regulatory CMC teams write them."""

from __future__ import annotations

from typing import Literal, get_args

Modality = Literal[
    "small-molecule",
    "therapeutic-protein",
    "autologous-cell-therapy",
    "allogeneic-cell-therapy",
    "viral-vector-gene-therapy",
]
CELL_THERAPIES: frozenset[str] = frozenset({"autologous-cell-therapy", "allogeneic-cell-therapy"})

ViralVector = Literal["lentiviral", "gamma-retroviral", "aav", "adenoviral", "hsv", "other"]
INTEGRATING_VECTORS: frozenset[str] = frozenset({"lentiviral", "gamma-retroviral"})
# An enveloped vector product cannot go through steps that inactivate or remove enveloped
# viruses, so a viral clearance evaluation of its process is not expected (ICH Q5A(R2) scope).
ENVELOPED_VECTORS: frozenset[str] = frozenset({"lentiviral", "gamma-retroviral", "hsv"})

Phase = Literal["1", "1/2", "2", "2/3", "3", "marketed"]
PHASE_ORDER: tuple[str, ...] = get_args(Phase)  # earliest first

Context = Literal["us-ind", "eu-cta", "us-post-approval", "eu-post-approval"]
CONTEXTS: tuple[str, ...] = get_args(Context)

# Reporting categories per context, lowest first; the order is what "highest" means.
UsIndCategory = Literal["none", "information-amendment"]
EuCtaCategory = Literal["non-substantial", "substantial"]
UsPostApprovalCategory = Literal["none", "annual-report", "CBE-0", "CBE-30", "PAS"]
EuPostApprovalCategory = Literal["none", "IA", "IA_IN", "IB", "II"]
CATEGORY_ORDER: dict[str, tuple[str, ...]] = {
    "us-ind": get_args(UsIndCategory),
    "eu-cta": get_args(EuCtaCategory),
    "us-post-approval": get_args(UsPostApprovalCategory),
    "eu-post-approval": get_args(EuPostApprovalCategory),
}

ImpdCase = Literal[
    "full",
    "authorised-within-smpc",
    "authorised-outside-smpc",
    "authorised-modified",
    "other-form-authorised-same-mah",
    "substance-authorised-same-manufacturer",
    "substance-authorised-other-manufacturer",
    "previously-submitted",
]

OrganizationRole = Literal["sponsor", "cdmo", "cto", "supplier", "other"]

SiteActivity = Literal[
    "cell-collection",
    "starting-material-manufacture",
    "drug-substance-manufacture",
    "drug-product-manufacture",
    "in-process-testing",
    "release-testing",
    "stability-testing",
    "cell-bank-storage",
    "storage",
    "labelling-and-packaging",
    "batch-certification",
    "importation",
    "distribution",
]

GmpStatus = Literal[
    "gmp-certificate",
    "manufacturing-authorisation",
    "fda-inspected",
    "qp-declaration",
    "audited-by-sponsor",
    "not-yet-inspected",
]

# QTPP aspects for every modality: the considerations ICH Q8(R2) 2.1 lists (intended use,
# route, dosage form, delivery system, strength, container closure, release or dissolution,
# pharmacokinetics, quality criteria) and the rows of the ATMP QTPP table
# (EMA/CAT/22473/2025 style).
QtppAspect = Literal[
    "intended-use",
    "delivery-system",
    "dosage-strength",
    "drug-release",
    "starting-and-raw-materials",
    "manufacturing-process",
    "drug-product-quality-attributes",
    "analytical-methods",
    "stability",
    "container-closure",
    "indication",
    "dosage-form",
    "dosing",
    "route-of-administration",
    "pharmacokinetics",
    "safety",
    "efficacy",
]

LightChain = Literal["kappa", "lambda", "none"]

CqaCategory = Literal[
    "identity",
    "strength",
    "potency",
    "purity-and-impurities",
    "safety",
    "physicochemical",
    "microbiological",
    "general",
]

Criticality = Literal["critical", "potentially-critical", "non-critical"]

# Common attributes with a fixed meaning, so rules can recognise a sterility test
# whatever the team calls it.
AttributeType = Literal[
    "appearance",
    "identity",
    "assay",
    "potency",
    "viability",
    "cell-count",
    "cell-purity",
    "transduction-efficiency",
    "vector-copy-number",
    "replication-competent-virus",
    "sterility",
    "mycoplasma",
    "endotoxin",
    "adventitious-agents",
    "residual-reagent",
    "product-related-impurities",
    "process-related-impurities",
    "host-cell-protein",
    "host-cell-dna",
    "aggregates",
    "charge-variants",
    "glycosylation",
    "related-substances",
    "residual-solvents",
    "elemental-impurities",
    "water-content",
    "dissolution",
    "uniformity-of-dosage-units",
    "particulate-matter",
    "ph",
    "osmolality",
    "volume",
    "vector-genome-titre",
    "infectious-titre",
    "empty-full-ratio",
    "container-closure-integrity",
    "other",
]

# Tests that protect the patient from contamination: their methods must be fit for use from
# first-in-human (21 CFR 610.12, 610.30; EU investigational ATMP guideline).
SAFETY_ATTRIBUTES: frozenset[str] = frozenset(
    {"sterility", "mycoplasma", "endotoxin", "adventitious-agents"}
)

MaterialCategory = Literal["starting-material", "raw-material", "excipient", "reagent"]
MaterialOrigin = Literal[
    "human", "animal", "recombinant", "synthetic", "plant", "microbial", "mineral"
]
HUMAN_OR_ANIMAL: frozenset[str] = frozenset({"human", "animal"})
RiskClass = Literal["low", "medium", "high"]

ProcessStage = Literal["drug-substance", "drug-product", "starting-material", "intermediate"]
ParameterCriticality = Literal["critical", "key", "non-critical"]
# Process-performance attributes: outputs of a step that are not product quality attributes
# but show the process works (ICH Q11 examples; viral clearance per ICH Q5A(R2)).
PerformanceAttribute = Literal[
    "yield",
    "step-recovery",
    "viral-clearance",
    "impurity-clearance",
    "cell-growth",
    "cell-viability",
    "productivity",
    "process-duration",
    "bioburden",
    "other",
]
# FDA, Process Validation: General Principles and Practices (2011): stages 1 to 3.
ValidationStage = Literal[
    "process-design", "process-qualification", "continued-process-verification"
]
ValidationStatus = Literal["not-started", "planned", "in-progress", "completed"]
ControlType = Literal["control", "monitoring"]
DurationUnit = Literal["minutes", "hours", "days", "weeks", "months", "years"]

SpecificationSubject = Literal[
    "drug-substance",
    "drug-product",
    "intermediate",
    "excipient",
    "starting-material",
    "raw-material",
]
TestUsage = Literal["release", "stability", "release-and-stability"]
MethodType = Literal["compendial", "compendial-modified", "in-house"]
MethodStatus = Literal["in-development", "qualified", "validated", "verified"]
MethodUse = Literal[
    "release", "in-process", "stability-indicating", "characterisation", "comparability"
]
CHARACTERISATION_USES: frozenset[str] = frozenset({"characterisation", "comparability"})
# Tests of microbial and viral safety: their methods must be validated (or, compendial,
# verified) from first-in-human (21 CFR 610.12, 610.30; EMA/CAT/22473/2025).
SAFETY_ATTRIBUTES: frozenset[str] = frozenset(
    {"sterility", "mycoplasma", "endotoxin", "adventitious-agents"}
)
ReferenceStandardType = Literal[
    "primary", "working", "compendial", "international-standard", "in-house"
]

BatchUse = Literal[
    "development",
    "engineering",
    "toxicology",
    "clinical",
    "stability",
    "process-validation",
    "reference-standard",
]

StudyType = Literal["long-term", "accelerated", "stress", "in-use", "photostability", "transport"]

AgentClass = Literal["viral", "tse", "bacteria-and-fungi", "mycoplasma", "other"]

SectionStatus = Literal["provided", "not-applicable", "to-be-provided"]
