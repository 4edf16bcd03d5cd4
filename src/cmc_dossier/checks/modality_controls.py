"""Controls each modality needs, each rule with the guideline it comes from.

Tags as in the project's domain reference: [S] a secondary summary was checked, [U] the
rule is domain knowledge not yet checked against the guideline's own text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.chain_of_identity import ChainOfIdentity
from cmc_dossier.model.characterisation import Impurity
from cmc_dossier.model.control import Specification, SpecificationTest
from cmc_dossier.model.criteria import parse_criterion
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.product import CQA, DrugProduct, DrugSubstance
from cmc_dossier.model.unknowns import known
from cmc_dossier.model.vocabulary import CELL_THERAPIES

_RELEASE = ("release", "release-and-stability")


@dataclass(frozen=True, slots=True)
class Requirement:
    attribute_type: str
    name: str
    basis: str


# Sterile products: sterility (21 CFR 211.167(a); 610.12 for biologics; Ph. Eur. 2.6.1) and
# bacterial endotoxins (ICH Q6A 3.3.2.3 / Q6B 6.2 parenterals; Ph. Eur. 2.6.14) [U].
STERILE_PRODUCT = (
    Requirement("sterility", "sterility", "21 CFR 211.167(a), 610.12; Ph. Eur. 2.6.1"),
    Requirement("endotoxin", "bacterial endotoxins", "ICH Q6A/Q6B; Ph. Eur. 2.6.14"),
)
# Proteins: process-related impurities (ICH Q6B 6.1 and 2.3; Q5A(R2) for DNA) [U].
PROTEIN_IMPURITIES = (
    Requirement("host-cell-protein", "host-cell protein", "ICH Q6B 6.1"),
    Requirement("host-cell-dna", "host-cell DNA", "ICH Q6B 6.1"),
    Requirement("residual-reagent", "process reagents (e.g. leached Protein A)", "ICH Q6B 6.1"),
)
# Small molecules: ICH Q6A 3.2, Q3A(R2)/Q3B(R2), Q3C, Q3D [U].
SMALL_MOLECULE_IMPURITIES = (
    Requirement("related-substances", "related substances", "ICH Q3A(R2)/Q3B(R2), Q6A"),
    Requirement("residual-solvents", "residual solvents", "ICH Q3C"),
    Requirement("elemental-impurities", "elemental impurities", "ICH Q3D"),
)


def _specification_tests(dossier: Dossier, *applies_to: str) -> Iterator[SpecificationTest]:
    """Tests of these specifications, with drug substance tests a product spec includes."""
    for specification in dossier.of_kind(Specification):
        if specification.applies_to not in applies_to:
            continue
        yield from specification.tests
        for test_id in specification.includes:
            entry = dossier.index.get(test_id)
            if entry and isinstance(entry.value, SpecificationTest):
                yield entry.value


def _attribute_type(dossier: Dossier, test: SpecificationTest) -> str | None:
    cqa = dossier.get(test.attribute, CQA)
    return cqa.attribute_type if cqa else None


def _manifest_location(dossier: Dossier) -> Location | None:
    manifest = dossier.manifest
    return dossier.locate(manifest.id, ("modality",)) if manifest else None


def _missing(requirements: tuple[Requirement, ...], controlled: set[str]) -> list[Requirement]:
    return [r for r in requirements if r.attribute_type not in controlled]


def _report(
    code: str, why: str, missing: list[Requirement], location: Location | None, hint: str
) -> list[Diagnostic]:
    if not missing:
        return []
    names = ", ".join(f"{r.name} ({r.basis})" for r in missing)
    return [diagnostic(code, f"{why} but has no control of {names}", location, hint=hint)]


def check_sterile_products(dossier: Dossier) -> list[Diagnostic]:
    """A sterile product is released against sterility and endotoxins (cell products: DOS301)."""
    manifest = dossier.manifest
    if manifest is None or manifest.modality in CELL_THERAPIES:
        return []
    products = [p for p in dossier.of_kind(DrugProduct) if p.sterile]
    if not products:
        return []
    released = {
        _attribute_type(dossier, t)
        for t in _specification_tests(dossier, "drug-product")
        if t.usage in _RELEASE
    }
    product = products[0]
    return _report(
        "DOS334",
        f"drug product '{product.id}' is sterile",
        _missing(STERILE_PRODUCT, released),
        dossier.locate(product.id, ("sterile",))
        if "sterile" in product.model_fields_set
        else dossier.locate(product.id),
        "add release tests whose CQA has attribute_type sterility and endotoxin, or set "
        "`sterile: false` if the product is not sterile",
    )


def _controlled(dossier: Dossier) -> set[str]:
    """Attribute types tested on the substance or product, or controlled by an Impurity fact
    with controls or a rationale for not testing (e.g. clearance, a Q3D risk assessment)."""
    found = {
        _attribute_type(dossier, t)
        for t in _specification_tests(dossier, "drug-substance", "drug-product", "intermediate")
    }
    found |= {i.attribute_type for i in dossier.of_kind(Impurity) if i.controls or i.rationale}
    return {t for t in found if t}


def check_impurity_controls(dossier: Dossier) -> list[Diagnostic]:
    """Proteins: HCP, host-cell DNA, reagents. Small molecules: Q3A/B, Q3C, Q3D impurities."""
    manifest = dossier.manifest
    if manifest is None:
        return []
    rules = {
        "therapeutic-protein": ("DOS335", PROTEIN_IMPURITIES),
        "small-molecule": ("DOS336", SMALL_MOLECULE_IMPURITIES),
    }
    if manifest.modality not in rules:
        return []
    code, requirements = rules[manifest.modality]
    return _report(
        code,
        f"the product is a {manifest.modality.replace('-', ' ')}",
        _missing(requirements, _controlled(dossier)),
        _manifest_location(dossier),
        "add specification tests whose CQA has that attribute_type, or an Impurity fact of "
        "that attribute_type with its controls or the rationale for not testing",
    )


# ICH Q3A(R2) Attachment 1 (drug substance) and Q3B(R2) Attachment 1 (degradation products
# in the drug product): qualification threshold by maximum daily dose, as (upper bound of
# the band in mg/day, whether the bound is inclusive, percent, daily intake in mg or None);
# the lower of percent and intake applies. Q3A [U, domain reference section 7]; Q3B bands
# [S, FDA Q3B(R2) slide transcription].
Q3A_QUALIFICATION = (
    (Decimal(2000), True, Decimal("0.15"), Decimal("1.0")),
    (None, True, Decimal("0.05"), None),
)
Q3B_QUALIFICATION = (
    (Decimal(10), False, Decimal("1.0"), Decimal("0.05")),
    (Decimal(100), True, Decimal("0.5"), Decimal("0.2")),
    (Decimal(2000), True, Decimal("0.2"), Decimal("3")),
    (None, True, Decimal("0.15"), None),
)


def qualification_threshold(dose_mg: Decimal, drug_product: bool) -> Decimal:
    """The ICH Q3A/Q3B qualification threshold in percent for a maximum daily dose."""
    for bound, inclusive, percent, intake in (
        Q3B_QUALIFICATION if drug_product else Q3A_QUALIFICATION
    ):
        if bound is None or dose_mg < bound or (inclusive and dose_mg == bound):
            return percent if intake is None else min(percent, intake / dose_mg * 100)
    raise AssertionError("the last band is open")  # pragma: no cover


def _impurity_limit(dossier: Dossier, impurity: Impurity) -> tuple[str, tuple[str, ...]] | None:
    """The limit as typed and where it is written: the impurity's own, else its test's."""
    if known(impurity.limit):
        return str(impurity.limit), ("limit",)
    for control in impurity.controls:
        entry = dossier.index.get(control)
        if entry and isinstance(entry.value, SpecificationTest):
            criterion = known(entry.value.acceptance_criterion)
            if criterion:
                return criterion, ("controls", impurity.controls.index(control))
    return None


def check_qualification_thresholds(dossier: Dossier) -> list[Diagnostic]:
    """A small-molecule impurity limited above the ICH Q3A/Q3B qualification threshold."""
    manifest = dossier.manifest
    if manifest is None or manifest.modality != "small-molecule":
        return []
    doses = [known(p.maximum_daily_dose) for p in dossier.of_kind(DrugProduct)]
    dose = next((d for d in doses if d is not None), None)
    if dose is None:
        return []
    found = []
    for impurity in dossier.of_kind(Impurity):
        if impurity.scope != "individual" or impurity.qualification is not None:
            continue
        if impurity.attribute_type != "related-substances":
            continue
        limit = _impurity_limit(dossier, impurity)
        parsed = parse_criterion(limit[0]) if limit else None
        if limit is None or parsed is None or parsed.form != "limit":
            continue
        if parsed.comparator not in ("<=", "<") or (parsed.unit or "").strip() != "%":
            continue
        in_product = dossier.get(impurity.subject, DrugSubstance) is None
        threshold = qualification_threshold(dose.milligrams, in_product)
        if parsed.value is None or parsed.value <= threshold:
            continue
        guideline = "ICH Q3B(R2)" if in_product else "ICH Q3A(R2)"
        found.append(
            diagnostic(
                "DOS337",
                f"impurity '{impurity.id}' is limited to {limit[0]}, above the {guideline} "
                f"qualification threshold of {threshold.normalize():f} % for a maximum "
                f"daily dose of {dose}",
                dossier.locate(impurity.id, limit[1]),
                hint="give `qualification` (how the level is qualified: toxicology batches, "
                "metabolite, literature), or tighten the limit",
            )
        )
    return found


def check_chain_of_identity(dossier: Dossier) -> list[Diagnostic]:
    """An autologous product needs chain-of-identity and custody controls (FDA CAR T cell
    guidance, 2024; EudraLex Vol. 4 Part IV, traceability) [S]."""
    manifest = dossier.manifest
    if manifest is None or manifest.modality != "autologous-cell-therapy":
        return []
    if any(c.scope == "autologous" for c in dossier.of_kind(ChainOfIdentity)):
        return []
    return [
        diagnostic(
            "DOS338",
            "the product is autologous, but the dossier has no chain-of-identity and custody "
            "controls",
            _manifest_location(dossier),
            hint="add a ChainOfIdentity fact: patient identifiers, labelling, identity checks "
            "and each shipment with its conditions and qualified shipper",
        )
    ]
