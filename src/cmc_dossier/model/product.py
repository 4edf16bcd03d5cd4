"""Who and what: the manifest, organisations, sites, QTPP, CQAs, substance, product, prose."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from cmc_dossier.model.base import (
    CarriesEstablishedCondition,
    Citation,
    CountryCode,
    FactBase,
    Flag,
    IsoDate,
    Markdown,
    Number,
    Ownership,
    Ref,
    StrictModel,
    Text,
    require_one_of,
)
from cmc_dossier.model.ctd import SECTION_BY_CODE, SectionCode
from cmc_dossier.model.unknowns import OrUnknown
from cmc_dossier.model.vocabulary import (
    AttributeType,
    Context,
    CqaCategory,
    Criticality,
    GmpStatus,
    ImpdCase,
    LightChain,
    Modality,
    OrganizationRole,
    Phase,
    QtppAspect,
    SectionStatus,
    SiteActivity,
    ViralVector,
)

SUPPORTED_SCHEMA_VERSIONS = ("1",)


class ProductIdentity(StrictModel):
    name: Text
    code: Text
    inn: Text | None = None


class ImpdSettings(StrictModel):
    case: ImpdCase = "full"


class DocumentControl(StrictModel):
    """The cover and document-control table of the Word and PDF documents; each entry
    optional, and an application number not yet assigned is an explicit unknown."""

    ind_number: OrUnknown(Text) | None = Field(
        default=None, description="IND number FDA assigned (US); {to-be-provided: ...} before"
    )
    eu_ct_number: OrUnknown(Text) | None = Field(
        default=None, description="EU CT number CTIS assigned (EU); {to-be-provided: ...} before"
    )
    ind_document_number: OrUnknown(Text) | None = Field(
        default=None, description="The sponsor's document number of the Module 3 document"
    )
    impd_document_number: OrUnknown(Text) | None = Field(
        default=None, description="The sponsor's document number of the IMPD"
    )
    date: IsoDate | None = Field(
        default=None, description="The documents' date; without it, the date of the commit built"
    )
    status: Text | None = Field(default=None, description="e.g. Draft, For review, Final")


class Manifest(FactBase):
    """The dossier as a whole: product, modality, phase and the contexts it is filed in."""

    kind: Literal["Manifest"]
    schema_version: Text = Field(description="Schema version of the fact files, e.g. 1")
    product: ProductIdentity
    modality: Modality
    viral_vector: ViralVector | None = Field(
        default=None, description="Vector carrying the transgene (gene therapy, modified cells)"
    )
    phase: Phase
    contexts: list[Context] = Field(min_length=1)
    sponsor: Ref("Organization")
    default_ownership: Ownership
    document_version: Text = "0.1"
    document_control: DocumentControl = DocumentControl()
    ind_paper_size: Literal["a4", "letter"] = Field(
        default="a4", description="Page size of the US IND documents; the IMPD is always A4"
    )
    impd: ImpdSettings = ImpdSettings()

    @property
    def label(self) -> str:
        return self.product.name


GitHubHandle = Annotated[
    str, Field(pattern=r"^@[A-Za-z0-9-]+(/[A-Za-z0-9._-]+)?$", description="@user or @org/team")
]


class Organization(FactBase):
    kind: Literal["Organization"]
    name: Text
    role: OrganizationRole
    country: CountryCode
    description: Markdown | None = None
    reviewers: list[GitHubHandle] = Field(
        default=[],
        description="GitHub users or teams who review changes this organisation approves",
    )

    @property
    def label(self) -> str:
        return self.name


class Address(StrictModel):
    lines: list[Text] = Field(min_length=1)
    city: Text
    postal_code: OrUnknown(Text) | None = None
    country: CountryCode


class GmpEvidence(StrictModel):
    status: OrUnknown(GmpStatus)
    authority: OrUnknown(Text) | None = None
    reference: OrUnknown(Text) | None = None
    date: OrUnknown(IsoDate) | None = None


class Site(FactBase, CarriesEstablishedCondition):
    """A manufacturing or testing site (an established condition under ICH Q12 P.3.1)."""

    kind: Literal["Site"]
    name: Text
    organization: Ref("Organization")
    address: OrUnknown(Address)
    activities: list[SiteActivity] = Field(min_length=1)
    gmp: OrUnknown(GmpEvidence)
    fei: OrUnknown(Text) | None = Field(default=None, description="FDA Establishment Identifier")
    raw_data_held_by: Ref("Organization") | None = Field(
        default=None,
        description="Who keeps the raw data of the work done here, where not the site's own "
        "organisation (a quality agreement may send them to the sponsor)",
    )

    @property
    def label(self) -> str:
        return self.name


class QTPPElement(FactBase):
    kind: Literal["QTPPElement"]
    aspect: QtppAspect
    title: Text
    target: OrUnknown(Markdown)
    source: OrUnknown(Citation) = Field(description="Source of the information or justification")


class CQA(FactBase):
    """A quality attribute; of the drug product unless `subject` names a material or substance."""

    kind: Literal["CQA"]
    title: Text
    subject: Ref("DrugSubstance", "DrugProduct", "Material") | None = None
    category: CqaCategory
    attribute_type: AttributeType = "other"
    derived_from: list[Ref("QTPPElement")] = Field(min_length=1)
    criticality: OrUnknown(Criticality)
    rationale: OrUnknown(Markdown)
    clinical_relevance: Markdown | None = None


class ProteinMolecule(StrictModel):
    """A therapeutic protein's molecule (ICH Q6B 6.1.1), values as typed."""

    format: OrUnknown(Text) = Field(description="e.g. 'Humanised IgG1 monoclonal antibody'")
    isotype: OrUnknown(Text) | None = Field(default=None, description="e.g. IgG1, IgG4 S228P")
    light_chain: OrUnknown(LightChain) | None = None
    expression_system: OrUnknown(Text) = Field(description="e.g. 'CHO-K1 cells'")
    glycosylation: OrUnknown(Markdown) | None = Field(
        default=None, description="Sites and main glycoforms, e.g. N-glycan at Asn297"
    )
    molecular_weight: OrUnknown(Text) | None = Field(default=None, description="e.g. 148 kDa")
    sequence_reference: Text | None = Field(
        default=None, description="Where the amino acid sequence is given"
    )


class ChemicalStructure(StrictModel):
    """A small molecule's structure (ICH Q6A, CTD 3.2.S.1.2 and 3.2.S.1.3), values as typed."""

    molecular_formula: OrUnknown(Text)
    molecular_weight: OrUnknown(Text) = Field(description="As typed, e.g. '453.52 g/mol'")
    stereochemistry: OrUnknown(Text) | None = Field(
        default=None, description="e.g. 'single (S)-enantiomer' or 'achiral'"
    )
    smiles: Text | None = None
    inchi: Text | None = Field(default=None, pattern=r"^InChI=")
    polymorph: OrUnknown(Text) | None = Field(default=None, description="Solid form, e.g. Form I")


class DrugSubstance(FactBase):
    kind: Literal["DrugSubstance"]
    name: Text
    code: Text | None = None
    other_names: list[Text] = []
    description: Markdown
    structure: Markdown | None = None
    molecule: ProteinMolecule | None = None
    chemical_structure: ChemicalStructure | None = None
    general_properties: Markdown | None = None
    manufacturers: list[Ref("Site")] = Field(min_length=1)

    @property
    def label(self) -> str:
        return self.name


class Component(StrictModel):
    material: Ref("Material", "DrugSubstance")
    function: Text
    quantity: OrUnknown(Text) = Field(description="Amount per unit as typed, e.g. '7.5 % (v/v)'")
    quality_standard: OrUnknown(Citation) | None = None


class BatchFormula(StrictModel):
    batch_size: OrUnknown(Text)
    components: list[Component] = Field(min_length=1)


class Formulation(StrictModel):
    """The formulation as a reviewer reads it in P.1, values as typed."""

    ph: OrUnknown(Text) | None = Field(default=None, description="e.g. '6.0 ± 0.3'")
    buffer: OrUnknown(Text) | None = Field(default=None, description="e.g. '20 mM histidine'")
    concentration: OrUnknown(Text) | None = Field(default=None, description="e.g. '20.0 mg/mL'")
    fill_volume: OrUnknown(Text) | None = Field(default=None, description="Nominal, e.g. 5.0 mL")
    overfill: OrUnknown(Text) | None = Field(
        default=None, description="e.g. '0.3 mL to allow withdrawal of the labelled volume'"
    )


_MILLIGRAMS = {"µg": Decimal("0.001"), "mg": Decimal(1), "g": Decimal(1000)}


class DailyDose(StrictModel):
    """Maximum daily dose of the drug substance: what ICH Q3A/Q3B thresholds depend on."""

    value: Number
    unit: Literal["µg", "mg", "g"]

    @property
    def milligrams(self) -> Decimal:
        return (
            self.value * {"µg": Decimal("0.001"), "mg": Decimal(1), "g": Decimal(1000)}[self.unit]
        )

    def __str__(self) -> str:
        return f"{self.value} {self.unit}/day"


class DrugProduct(FactBase, CarriesEstablishedCondition):
    kind: Literal["DrugProduct"]
    name: Text
    dosage_form: Text
    route: Text
    strength: Text
    description: Markdown
    formulation: Formulation | None = None
    composition: list[Component] = Field(min_length=1)
    batch_formula: BatchFormula | None = None
    container_closure: OrUnknown(Ref("ContainerClosure")) | None = None
    manufacturers: list[Ref("Site")] = Field(min_length=1)
    sterile: Flag = True
    maximum_daily_dose: OrUnknown(DailyDose) | None = Field(
        default=None, description="Of the drug substance; sets the ICH Q3A/Q3B thresholds"
    )

    @property
    def label(self) -> str:
        return self.name


class Narrative(FactBase):
    """Prose for one CTD section, or an explicit statement that it is not applicable yet."""

    kind: Literal["Narrative"]
    section: SectionCode
    title: Text | None = None
    status: SectionStatus = "provided"
    body: Markdown | None = None
    file: Text | None = Field(default=None, description="Markdown file, relative to this YAML")
    reason: Markdown | None = None
    expected: Text | None = Field(default=None, description="When the content will be provided")

    @model_validator(mode="after")
    def _content_fits_status(self) -> Narrative:
        if self.status == "provided":
            require_one_of(self, "body", "file")
        elif self.status == "not-applicable" and self.reason is None:
            raise PydanticCustomError(
                "missing_conditional", "a not-applicable section needs a `reason`"
            )
        elif self.status == "to-be-provided" and self.expected is None:
            raise PydanticCustomError(
                "missing_conditional", "a to-be-provided section needs `expected` (when)"
            )
        return self

    @property
    def label(self) -> str:
        return self.title or SECTION_BY_CODE[self.section].title
