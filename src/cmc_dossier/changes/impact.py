"""What each fact change means for the filing, per regulatory context, with its basis."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cmc_dossier.assemble import assemble
from cmc_dossier.changes.conditions import conditions, referenced_ids
from cmc_dossier.changes.facts_diff import FactChange, FactDiff, FieldChange
from cmc_dossier.changes.prose import judge
from cmc_dossier.changes.rules import RuleTable, highest, lowest_reportable
from cmc_dossier.changes.snapshot import Snapshot
from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.model.base import CarriesEstablishedCondition, FactBase
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.product import Manifest
from cmc_dossier.model.walk import identified_items
from cmc_dossier.render.outline import cite, presenting
from cmc_dossier.render.views import DossierView

# What adding or removing a whole fact of a kind means.
_WHOLE_FACT: dict[str, tuple[str, str]] = {
    "Site": ("site-added", "site-removed"),
    "Specification": ("spec-test-added", "spec-test-removed"),
    "AnalyticalMethod": ("analytical-method-changed", "analytical-method-changed"),
    "ProcessParameter": ("process-parameter-changed", "process-parameter-changed"),
    "UnitOperation": ("process-changed", "process-changed"),
    "ManufacturingProcess": ("process-changed", "process-changed"),
    "InProcessControl": ("in-process-control-tightened", "in-process-control-changed"),
    "HoldTime": ("hold-time-extended", "hold-time-reduced"),
    "Material": ("material-changed", "material-changed"),
    "CellBank": ("material-changed", "material-changed"),
    "DonorEligibility": ("material-changed", "material-changed"),
    "ContainerClosure": ("container-closure-changed", "container-closure-changed"),
    "DrugProduct": ("composition-changed", "composition-changed"),
    "DrugSubstance": ("process-changed", "process-changed"),
    "StabilityStudy": ("stability-data-updated", "stability-data-updated"),
    "Batch": ("batch-data-updated", "batch-data-updated"),
    "Manifest": ("administrative", "administrative"),
}
_EDITORIAL_FIELDS = {"title", "name", "label", "test"}
_SUPPORTIVE_FIELDS = {
    "justification", "rationale", "description", "clinical_relevance", "conclusion",
    "commitment", "action", "risk_basis", "risk_class", "remarks", "qualification",
}  # fmt: skip
# Prose that is the filed process description itself (M4Q 3.2.S.2.2 / 3.2.P.3.3: the
# flow of unit operations with their parameters; ICH Q12 Appendix 1 places the ECs of a
# process there), not supportive information about it: a changed number, unit, comparator,
# negation or reference in it is a process change. Undecidable rewording stays supportive,
# with the reason shown.
_DESCRIBES = {"UnitOperation": ("description",)}
# Per kind: field -> change type, for fields that are not editorial or supportive.
_FIELDS: dict[str, dict[str, str]] = {
    "AnalyticalMethod": {
        "status": "method-validation-updated", "status_as_of_phase": "method-validation-updated",
        "validation_summary": "method-validation-updated",
    },
    "UnitOperation": {},
    "ManufacturingProcess": {},
    "Site": {},
    "Material": {},
    # testing results, the number of vials, its history and where it is stored describe the
    # same bank (a new MCB/WCB storage site is type IA, ex B.I.a.1(k)); the age limit is a
    # process limit (ICH Q5D); any other field (a new banking date) makes it a new bank
    "CellBank": {
        "testing": "supportive-information-changed", "size": "supportive-information-changed",
        "history": "supportive-information-changed", "storage": "supportive-information-changed",
        "site": "supportive-information-changed",
        "in_vitro_age_limit": "process-changed",
    },
    "ContainerClosure": {
        "components": "container-closure-changed",
        "applies_to": "container-closure-changed",
    },
    "DrugProduct": {"container_closure": "container-closure-changed"},
    "Batch": {},
}  # fmt: skip
_DEFAULT_BY_KIND = {
    "AnalyticalMethod": "analytical-method-changed",
    "UnitOperation": "process-changed",
    "ManufacturingProcess": "process-changed",
    "Site": "site-changed",
    "Material": "material-changed",
    "CellBank": "material-changed",
    "DonorEligibility": "material-changed",
    "ContainerClosure": "supportive-information-changed",
    "DrugProduct": "composition-changed",
    "Batch": "batch-data-updated",
    "StabilityStudy": "stability-data-updated",
    "Manifest": "administrative",
}
_CRITERION = {"widened": "spec-criterion-widened", "tightened": "spec-criterion-tightened"}
_RANGE = {"widened": "process-parameter-widened", "tightened": "process-parameter-tightened"}
COMPARABILITY = {
    "none": "None expected.",
    "quality": "Quality-level comparability: release testing of post-change batches against the "
    "specification, extended characterisation, in-process controls and stability (ICH Q5E).",
    "bridging": "Quality-level comparability (release testing, extended characterisation, "
    "in-process controls, stability; ICH Q5E), and an assessment of whether non-clinical or "
    "clinical bridging is needed.",
    "justification": "A justification of the specification with batch data and the clinical "
    "experience (ICH Q6A/Q6B); not a Q5E comparability exercise.",
    "justification-and-bridging": "A justification of the specification with batch data and "
    "the clinical experience (ICH Q6A/Q6B), and, the attribute being critical, an assessment "
    "of whether non-clinical or clinical bridging is needed.",
}


def classify(change: FactChange) -> list[tuple[str, FieldChange | None, str | None]]:
    """The change types a fact change amounts to, each with the field it comes from and,
    for prose, why it was judged so."""
    if change.change == "not compared":
        return [("not-compared", None, "the file naming it does not load at one revision")]
    if change.change == "removed" and _proposes_shelf_life(change.old):
        return [("shelf-life-reduced", None, _SHELF_LIFE_REMOVED)]
    if change.change != "changed":
        added, removed = _WHOLE_FACT.get(change.kind, ("supportive-information-changed",) * 2)
        return [(added if change.change == "added" else removed, None, None)]
    found: list[tuple[str, FieldChange | None, str | None]] = []
    for fc in change.fields:
        change_type, note = _field_type(change.kind, fc), None
        texts = fc.prose or ((fc.old, fc.new) if change_type == "editorial" else None)
        if texts is not None and change_type not in ("administrative",):
            judgement = judge(*texts)
            note = judgement.reason
            if judgement.verdict == "editorial":
                change_type = "editorial"
            elif judgement.verdict == "substantive" and fc.name in _DESCRIBES.get(change.kind, ()):
                change_type = _DEFAULT_BY_KIND[change.kind]
            elif change_type == "editorial":
                change_type = _DEFAULT_BY_KIND.get(change.kind, "supportive-information-changed")
        found.append((change_type, fc, note))
    return found


# A removed study that proposed a shelf life takes the claim it supported with it: classified
# as the shelf life reduced (to none), never as supportive stability data.
_SHELF_LIFE_REMOVED = "the study proposing the shelf life (or re-test period) was removed"


def _proposes_shelf_life(fact: FactBase | None) -> bool:
    return getattr(fact, "kind", None) == "StabilityStudy" and bool(
        getattr(fact, "proposed_shelf_life", None)
    )


def _field_type(kind: str, fc: FieldChange) -> str:
    head, name = fc.path[0], fc.name
    if head in ("ownership", "established_condition") or name == "established_condition":
        return "administrative"
    if name in _EDITORIAL_FIELDS and isinstance(fc.old, str) and isinstance(fc.new, str):
        return "editorial"
    if kind in ("Narrative", "QTPPElement", "CQA", "ReferenceStandard", "AdventitiousAgentSafety",
                "Organization"):  # fmt: skip
        return "supportive-information-changed"
    if name in _SUPPORTIVE_FIELDS:
        return "supportive-information-changed"
    if kind == "Specification":
        return _specification_type(fc)
    if kind == "ProcessParameter":
        if name in ("normal_operating_range", "proven_acceptable_range"):
            return _RANGE.get(fc.direction or "", "process-parameter-changed")
        return "process-parameter-changed"
    if kind == "InProcessControl":
        tightened = name == "acceptance_criterion" and fc.direction == "tightened"
        return "in-process-control-tightened" if tightened else "in-process-control-changed"
    if kind == "HoldTime":
        return "hold-time-reduced" if fc.direction == "reduced" else "hold-time-extended"
    if kind == "StabilityStudy" and head == "shelf_life_extension":
        # the plan later extensions are judged against (a changed plan would make the
        # next extension "within protocol")
        return "stability-protocol-changed"
    if kind == "StabilityStudy" and head == "proposed_shelf_life":
        if name == "storage_condition":
            return "storage-condition-changed"
        if fc.old is None or fc.direction == "extended":
            return "shelf-life-extended"
        return "shelf-life-reduced"
    if kind == "Site" and head == "activities":
        return "site-added" if fc.old is None else "site-removed"
    if kind in ("DrugProduct", "DrugSubstance") and head == "manufacturers":
        return "site-added" if fc.old is None else "site-removed"
    return _FIELDS.get(kind, {}).get(str(head)) or _DEFAULT_BY_KIND.get(
        kind, "supportive-information-changed"
    )


def _specification_type(fc: FieldChange) -> str:
    if fc.path[0] != "tests":
        return (
            "spec-criterion-changed" if fc.name in ("applies_to", "subject") else "administrative"
        )
    if len(fc.path) == 2:
        return "spec-test-added" if fc.old is None else "spec-test-removed"
    if fc.name == "acceptance_criterion":
        return _CRITERION.get(fc.direction or "", "spec-criterion-changed")
    if fc.name == "method":
        return "spec-method-changed"
    if fc.name == "attribute":
        return "supportive-information-changed"
    return "spec-criterion-changed"


@dataclass
class Impact:
    category: str
    basis: str
    established_condition: bool = False
    rule: str = ""


@dataclass
class AssessedChange:
    fact_id: str
    kind: str
    label: str
    change: str  # added, removed, changed
    change_type: str
    field: FieldChange | None
    impacts: dict[str, Impact]
    sections: dict[str, list[str]]
    comparability: str
    file: Path | None
    conditions: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    comparability_level: str = "none"


@dataclass
class ImpactReport:
    base: str
    head: str
    contexts: list[str]
    changes: list[AssessedChange]
    overall: dict[str, tuple[str | None, list[AssessedChange]]]
    moved: list[tuple[str, Path, Path]]
    problems: dict[str, list[Any]] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)
    to_check: list[Diagnostic] = field(default_factory=list)
    head_dossier: Dossier | None = None
    base_dossier: Dossier | None = None
    head_texts: dict[Path, bytes] = field(default_factory=dict)  # fact and narrative files
    problems_of_whole_revisions: bool = False  # `--full`: not only the changed files


# Per kind, the references that decide where a fact is presented (its CTD sections).
_PLACING_FIELDS = {
    "Batch": "product",
    "StabilityStudy": "subject",
    "ProcessParameter": "unit_operation",
    "InProcessControl": "unit_operation",
    "HoldTime": "after",
    "Characterisation": "subject",
    "Impurity": "subject",
}


def _placing_ids(fact: FactBase) -> set[str]:
    """The fact's ID and the IDs that place it: a parameter's unit operation, a batch's
    product, a study's subject. Files that mention them hold the rest (a process listing
    the unit operation, batches tested against a specification)."""
    placing = _PLACING_FIELDS.get(type(fact).__name__)
    return {fact.id, getattr(fact, placing)} if placing else {fact.id}


def context_dossier(
    snapshot: Snapshot, contents: dict[Path, bytes], ids: set[str], changed: list[Path]
) -> Dossier:
    """A partial dossier: the changed files, the manifest and the drug product (the rules
    read the modality and sterility), and files that mention these IDs."""
    wanted = {p for p in changed if p in contents}
    encoded = [fact_id.encode() for fact_id in ids]
    always = (b"kind: Manifest", b"kind: DrugProduct")
    for path, content in contents.items():
        if any(kind in content for kind in always) or any(i in content for i in encoded):
            wanted.add(path)
    documents, _ = snapshot.documents(sorted(wanted))
    dossier, _ = assemble(documents, snapshot.root, lambda _path: None)
    return dossier


def _sections(view: DossierView, fact_id: str) -> dict[str, list[str]]:
    codes = view.sections_showing(fact_id)
    return {
        target: list(
            dict.fromkeys(cite(code, target) for code in codes if presenting(code, target))
        )
        for target in ("ind", "impd")
    }


def _changed_test(fact: FactBase | None, fc: FieldChange | None) -> Any:
    """The specification test a field change concerns, if any: the added or removed test
    itself, or the test of the fact whose field changed."""
    if fact is None or fc is None or fc.path[0] != "tests" or len(fc.path) < 2:
        return None
    if len(fc.path) == 2:
        return fc.new if fc.new is not None else fc.old
    return next((item for _, item in identified_items(fact) if item.id == fc.path[1]), None)


def _declared(fact: FactBase | None, test: Any) -> tuple[str, dict[str, dict[str, str]]]:
    """The established condition governing this change, as filed at the base revision: the
    changed specification test's own, else the fact's; its ID and declared categories."""
    for holder in (test, fact):
        if isinstance(holder, CarriesEstablishedCondition) and holder.established_condition:
            reporting = holder.established_condition.reporting
            return str(getattr(holder, "id", "")), reporting.declared() if reporting else {}
    return "", {}


def _impact(
    rules: RuleTable, change_type: str, facts: dict[str, str], context: str,
    holder: str, declared: dict[str, dict[str, str]],
) -> Impact:  # fmt: skip
    selected = rules.select(change_type, facts, context)
    rule = rules.base(change_type)
    category, basis = selected.context.category, selected.context.basis
    kind = rule.change_kind
    if not rule.supportive and kind and kind in declared.get(context, {}):
        declared_category = declared[context][kind]
        return Impact(
            declared_category,
            f"{basis}; modified by the established condition of {holder}, which declares "
            f"{declared_category} for a {kind} in this context (ICH Q12 chapter 3); the rules "
            f"alone give {category}",
            True,
            selected.row,
        )
    if rule.supportive:
        capped = lowest_reportable(context)
        if highest(context, [category, capped]) != capped:
            category, basis = capped, basis + "; capped: supportive information"
    return Impact(category, basis, False, selected.row)


def assess(diff: FactDiff, rules: RuleTable, rules_changed: Path | None = None) -> ImpactReport:
    ids: set[str] = set()
    for change in diff.changes:
        for fact in (change.old, change.new):
            if fact is not None:
                ids |= _placing_ids(fact) | referenced_ids(fact)
    head_texts = diff.head.read(diff.head.text_paths())
    head_contents = {p: c for p, c in head_texts.items() if p.suffix != ".md"}
    base_contents = diff.base.read(diff.base.fact_paths())
    head_dossier = context_dossier(diff.head, head_contents, ids, diff.changed_files)
    base_dossier = context_dossier(diff.base, base_contents, ids, diff.changed_files)
    head_view, base_view = DossierView(head_dossier), DossierView(base_dossier)
    manifest = head_dossier.manifest or base_dossier.manifest
    contexts = list(manifest.contexts) if isinstance(manifest, Manifest) else ["us-ind", "eu-cta"]

    assessed: list[AssessedChange] = []
    for change in diff.changes:
        fact = change.new or change.old
        for change_type, fc, note in classify(change):
            subject_id, label = change.id, str(getattr(fact, "label", change.id))
            test = _changed_test(fact, fc)
            if fc is not None and test is not None:
                subject_id = str(fc.path[1])
                label = f"{getattr(test, 'label', subject_id)} in {label}"
            removed = change.new is None or (test is not None and fc is not None and fc.new is None)
            view = base_view if removed else head_view
            facts = conditions(change, fc, base_dossier, head_dossier)
            filed = change.old or change.new  # the condition as filed at the base decides
            holder, declared = _declared(filed, _changed_test(filed, fc) or test)
            impacts = {
                context: _impact(rules, change_type, facts, context, holder, declared)
                for context in contexts
            }
            level = rules.comparability(change_type, facts)
            assessed.append(
                AssessedChange(
                    subject_id, change.kind, label, change.change,
                    change_type, fc, impacts, _sections(view, subject_id),
                    COMPARABILITY[level], change.new_file or change.old_file, facts, note, level,
                )
            )  # fmt: skip
    if rules_changed is not None:
        impacts = {c: _impact(rules, "impact-rules-changed", {}, c, "", {}) for c in contexts}
        assessed.append(
            AssessedChange(
                str(rules_changed), "ImpactRules", f"Impact rules ({rules_changed})", "changed",
                "impact-rules-changed", None, impacts, {}, COMPARABILITY["none"], rules_changed,
                note="the branch's own rules were not used to classify it",
            )
        )  # fmt: skip
    overall: dict[str, tuple[str | None, list[AssessedChange]]] = {}
    for context in contexts:
        if not assessed:
            overall[context] = (None, [])
            continue
        category = highest(context, [a.impacts[context].category for a in assessed])
        drivers = [a for a in assessed if a.impacts[context].category == category]
        overall[context] = (category, drivers)
    return ImpactReport(
        diff.base.label, diff.head.label, contexts, assessed, overall, diff.moved,
        {"base": diff.base_problems, "head": diff.head_problems}, rules.sources,
        head_dossier=head_dossier, base_dossier=base_dossier, head_texts=head_texts,
    )  # fmt: skip
