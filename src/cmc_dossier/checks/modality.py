"""Rules that follow from the product's modality and the contexts it is filed in."""

from __future__ import annotations

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.base import CarriesEstablishedCondition
from cmc_dossier.model.control import Specification
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import Material
from cmc_dossier.model.product import CQA
from cmc_dossier.model.stability import AdventitiousAgentSafety
from cmc_dossier.model.vocabulary import CELL_THERAPIES, HUMAN_OR_ANIMAL, INTEGRATING_VECTORS


def _manifest_location(dossier: Dossier, path: tuple[str, ...] = ()) -> Location | None:
    manifest = dossier.manifest
    return dossier.locate(manifest.id, path) if manifest else None


def _release_attribute_types(dossier: Dossier) -> set[str]:
    """Attribute types tested at release of the drug product."""
    types = set()
    for specification in dossier.of_kind(Specification):
        if specification.applies_to != "drug-product":
            continue
        for test in specification.tests:
            cqa = dossier.get(test.attribute, CQA)
            if cqa and test.usage in ("release", "release-and-stability"):
                types.add(cqa.attribute_type)
    return types


def _missing_tests(
    dossier: Dossier, required: dict[str, str], code: str, why: str
) -> list[Diagnostic]:
    tested = _release_attribute_types(dossier)
    missing = [name for attribute, name in required.items() if attribute not in tested]
    if not missing:
        return []
    return [
        diagnostic(
            code,
            f"{why} but the drug product release specification has no "
            + ", ".join(missing)
            + " test",
            _manifest_location(dossier, ("modality",)),
            hint="add release tests whose `attribute` is a CQA with attribute_type "
            + ", ".join(a for a, n in required.items() if n in missing),
        )
    ]


def check_microbial_safety(dossier: Dossier) -> list[Diagnostic]:
    manifest = dossier.manifest
    if manifest is None or manifest.modality not in CELL_THERAPIES:
        return []
    required = {"sterility": "sterility", "mycoplasma": "mycoplasma", "endotoxin": "endotoxin"}
    return _missing_tests(dossier, required, "DOS301", f"the product is an {manifest.modality},")


def check_integrating_vector(dossier: Dossier) -> list[Diagnostic]:
    manifest = dossier.manifest
    if manifest is None or manifest.viral_vector not in INTEGRATING_VECTORS:
        return []
    required = {
        "replication-competent-virus": "replication-competent virus (RCL/RCR)",
        "vector-copy-number": "vector copy number",
    }
    return _missing_tests(
        dossier, required, "DOS302", f"the product is made with a {manifest.viral_vector} vector,"
    )


def check_viral_vector_declared(dossier: Dossier) -> list[Diagnostic]:
    manifest = dossier.manifest
    if (
        manifest is None
        or manifest.modality != "viral-vector-gene-therapy"
        or manifest.viral_vector
    ):
        return []
    return [
        diagnostic(
            "DOS307",
            "a viral-vector gene therapy must name its `viral_vector`",
            _manifest_location(dossier, ("modality",)),
            hint="add `viral_vector:` (aav, lentiviral, gamma-retroviral, adenoviral, hsv, other)",
        )
    ]


def check_adventitious_agents(dossier: Dossier) -> list[Diagnostic]:
    manifest = dossier.manifest
    if manifest is None or any(True for _ in dossier.of_kind(AdventitiousAgentSafety)):
        return []
    biological = [m for m in dossier.of_kind(Material) if m.origin.source in HUMAN_OR_ANIMAL]
    if manifest.modality == "small-molecule" and not biological:
        return []
    reason = (
        f"material '{biological[0].id}' is of {biological[0].origin.source} origin"
        if biological
        else f"the product is a {manifest.modality}"
    )
    return [
        diagnostic(
            "DOS306",
            f"{reason}, but the dossier has no AdventitiousAgentSafety evaluation",
            _manifest_location(dossier, ("modality",)),
            hint="add a fact of kind AdventitiousAgentSafety for 3.2.A.2",
        )
    ]


def check_established_condition_contexts(dossier: Dossier) -> list[Diagnostic]:
    manifest = dossier.manifest
    if manifest is None:
        return []
    found = []
    for fact in dossier.facts:
        holders = [((), fact), *dossier.contents[fact.id].items]
        for path, holder in holders:
            if not isinstance(holder, CarriesEstablishedCondition):
                continue
            condition = holder.established_condition
            if condition is None or condition.reporting is None:
                continue
            for context in condition.reporting.declared():
                if context not in manifest.contexts:
                    found.append(
                        diagnostic(
                            "DOS305",
                            f"established condition gives a category for '{context}', "
                            "which the manifest does not list",
                            dossier.locate(
                                fact.id,
                                (*path, "established_condition", "reporting", context),
                                key=True,
                            ),
                            hint="manifest contexts: " + ", ".join(manifest.contexts),
                        )
                    )
    return found
