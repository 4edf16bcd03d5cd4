"""The facts a rule's `when` columns read: criticality, where a new value lies, a material's
role, how a method or site changed, whether a shelf-life extension follows its protocol and
what the shelf life is of.

Ranges and protocols are read at the base revision: what the filed dossier states decides,
not what the branch claims.
"""

from __future__ import annotations

from typing import Any

from cmc_dossier.changes.facts_diff import FactChange, FieldChange, hours
from cmc_dossier.model.base import Range
from cmc_dossier.model.cell_substrates import CellBank
from cmc_dossier.model.control import AnalyticalMethod, Specification
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import Material, ProcessParameter, UnitOperation
from cmc_dossier.model.product import CQA, DrugProduct, DrugSubstance, Site
from cmc_dossier.model.stability import ContainerClosure, ContainerComponent, StabilityStudy
from cmc_dossier.model.viral_safety import ViralClearanceStudy

# Site activities grouped as the rules read them, most significant first.
_ACTIVITY_CLASSES = (
    ("drug-substance-manufacture", {"drug-substance-manufacture"}),
    ("drug-product-manufacture", {"drug-product-manufacture"}),
    ("starting-material-manufacture", {"starting-material-manufacture", "cell-collection"}),
    ("testing", {"release-testing", "in-process-testing", "stability-testing"}),
    ("batch-certification-or-importation", {"batch-certification", "importation"}),
    ("packaging", {"labelling-and-packaging"}),
    ("storage", {"storage", "cell-bank-storage", "distribution"}),
)
# Fields whose change replaces an analytical procedure rather than editing or moving it.
_METHOD_PRINCIPLE = {"technique", "type", "compendial_reference", "purpose"}


def _within(value: Any, outer: Range | None) -> bool:
    if outer is None:
        return False
    low, high = (value.low, value.high) if isinstance(value, Range) else (value, value)
    low_ok = outer.low is None or (low is not None and low >= outer.low)
    high_ok = outer.high is None or (high is not None and high <= outer.high)
    return low_ok and high_ok


def value_position(old: ProcessParameter, new_value: Any) -> str:
    """Where a parameter's new target or range lies against the ranges filed at the base."""
    if old.normal_operating_range is None and old.proven_acceptable_range is None:
        return "no-range-stated"
    if _within(new_value, old.normal_operating_range):
        return "within-normal-range"
    if _within(new_value, old.proven_acceptable_range):
        return "within-proven-acceptable-range"
    return "beyond-proven-acceptable-range"


def material_role(material: Material) -> str:
    if material.category in ("starting-material", "excipient"):
        return material.category
    return {"high": "critical-raw-material", "low": "non-critical-reagent"}.get(
        material.risk_class, "raw-material"
    )


_BANK_TIERS = {
    "master-cell-bank": "master", "master-virus-seed": "master", "producer-cell-line": "master",
    "working-cell-bank": "working", "working-virus-seed": "working",
}  # fmt: skip


def site_activity(site: Site) -> str:
    activities = set(site.activities)
    return next((name for name, group in _ACTIVITY_CLASSES if activities & group), "other")


def _shelf_life(study: StabilityStudy | None, new: StabilityStudy | None) -> str:
    protocol = study.shelf_life_extension if study else None
    proposed = new.proposed_shelf_life if new else None
    if protocol is None or proposed is None:
        return "outside-extension-protocol"
    within = hours(proposed.period) <= hours(protocol.up_to)
    return "within-extension-protocol" if within else "outside-extension-protocol"


def _stability_subject(subject: str, base: Dossier, head: Dossier) -> str:
    for dossier in (head, base):
        if dossier.get(subject, DrugProduct) is not None:
            return "drug-product"
        if dossier.get(subject, DrugSubstance) is not None:
            return "drug-substance"
    return "other"


def _component(change: FactChange, fc: FieldChange) -> ContainerComponent | None:
    """The container component a field change is about: added, removed or edited in place."""
    for value in (fc.new, fc.old):
        if isinstance(value, ContainerComponent):
            return value
    if len(fc.path) > 1 and isinstance(fc.path[1], int):
        for closure in (change.new, change.old):
            if isinstance(closure, ContainerClosure) and fc.path[1] < len(closure.components):
                return closure.components[fc.path[1]]
    return None


def _clearance_step(operation_id: str, base: Dossier, head: Dossier) -> str:
    """Whether a viral clearance study (at either revision) names the step."""
    studied = any(
        study.unit_operation == operation_id
        for dossier in (base, head)
        for study in dossier.of_kind(ViralClearanceStudy)
    )
    return "clearance-step" if studied else "other-step"


def conditions(
    change: FactChange, fc: FieldChange | None, base: Dossier, head: Dossier
) -> dict[str, str]:
    """The values of the rule columns for one field change (absent where they do not apply)."""
    old, new = change.old, change.new
    fact = new or old
    found: dict[str, str] = {}
    manifest = head.manifest or base.manifest
    if manifest is not None:
        chemical = manifest.modality == "small-molecule"
        found["product_class"] = "chemical" if chemical else "biological"
    products = list(head.of_kind(DrugProduct)) or list(base.of_kind(DrugProduct))
    if products:
        found["sterility"] = "sterile" if any(p.sterile for p in products) else "non-sterile"
    if isinstance(fact, ProcessParameter):
        found["parameter_criticality"] = fact.criticality
        if isinstance(old, ProcessParameter) and fc is not None and fc.new is not None:
            found["value_position"] = value_position(old, fc.new)
        # a parameter of a virus removal or inactivation step is an operating condition
        # of that step (shown only there: every other parameter would say "other-step")
        if _clearance_step(fact.unit_operation, base, head) == "clearance-step":
            found["viral_clearance_step"] = "clearance-step"
    elif isinstance(fact, Material):
        found["material_role"] = material_role(fact)
    elif isinstance(fact, CellBank):
        found["material_role"] = "cell-bank-or-seed"
        found["bank_tier"] = _BANK_TIERS.get(fact.type, "other")
    elif isinstance(fact, AnalyticalMethod):
        names = {str(f.path[0]) for f in change.fields} if change.change == "changed" else set()
        if change.change != "changed" or names & _METHOD_PRINCIPLE:
            found["method_change"] = "replaced"
        elif fc is not None and fc.path[0] == "performed_at":
            found["method_change"] = "transferred"
        else:
            found["method_change"] = "edited"
    elif isinstance(fact, UnitOperation):
        found["viral_clearance_step"] = _clearance_step(fact.id, base, head)
    elif isinstance(fact, Site):
        found["site_activity"] = site_activity(fact)
    elif isinstance(fact, DrugSubstance | DrugProduct) and fc and fc.path[0] == "manufacturers":
        # naming a site as the material's manufacturer is adding that manufacturing activity
        found["site_activity"] = (
            "drug-product-manufacture"
            if isinstance(fact, DrugProduct)
            else "drug-substance-manufacture"
        )
    elif isinstance(fact, StabilityStudy):
        found["shelf_life_protocol"] = _shelf_life(
            old if isinstance(old, StabilityStudy) else None,
            new if isinstance(new, StabilityStudy) else None,
        )
        found["stability_subject"] = _stability_subject(fact.subject, base, head)
    elif isinstance(fact, ContainerClosure) and fc is not None and fc.path[0] == "components":
        component = _component(change, fc)
        if component is not None:
            contact = "product-contact" if component.product_contact else "no-product-contact"
            found["container_contact"] = contact
    elif isinstance(fact, Specification) and fc is not None and fc.path[0] == "tests":
        test = next((t for t in fact.tests if t.id == fc.path[1]), None)
        if test is None and isinstance(old, Specification):
            test = next((t for t in old.tests if t.id == fc.path[1]), None)
        cqa = head.get(test.attribute, CQA) or base.get(test.attribute, CQA) if test else None
        if cqa is not None:
            found["attribute_criticality"] = cqa.criticality
    return found


def referenced_ids(fact: Any) -> set[str]:
    """IDs a fact's conditions and comparability need: its CQAs, materials and methods."""
    ids: set[str] = set()
    if isinstance(fact, ProcessParameter):
        ids |= set(fact.affects)
    if isinstance(fact, Specification):
        ids |= {t.attribute for t in fact.tests}
    return ids
