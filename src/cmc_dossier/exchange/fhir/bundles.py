"""Specifications as PQ/CMC document Bundles (CMCeCTDDocumentSP4151), built with fhir.resources.

One Bundle per Specification fact: Composition (EctdCompositionSP4151) → QualitySpecification
(PlanDefinition: tests as `action`, acceptance criteria as `goal`, original text plus
structured value with UCUM unit), the sponsor as Organization and the subject as a handle
(SubstanceDefinition / MedicinalProductDefinition). What our facts do not hold (approval
status, version date, a UCUM unit for "% CAR+ ...") is sent as data-absent or text only and
listed in not-mapped.json. Identifiers are name-based UUIDs of the fact IDs, so the same
commit gives the same bytes.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fhir.resources.bundle import Bundle

from cmc_dossier.exchange.fhir import vocabulary as v
from cmc_dossier.model.base import FactBase
from cmc_dossier.model.control import AnalyticalMethod, Specification, SpecificationTest
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.product import CQA, DrugProduct, DrugSubstance, Organization
from cmc_dossier.vcs import revision_of

_NAMESPACE = uuid.UUID("6f1c1a52-4d7e-5b1e-9a57-0c3d05513e10")  # fixed: IDs stay stable
_SECTION = {
    "drug-product": ("ich_3.2.p.5.1", "m3.2.p.5.1 specification(s)"),
    "drug-substance": ("ich_3.2.s.4.1", "m3.2.s.4.1 specification"),
    "excipient": ("ich_3.2.p.4", "m3.2.p.4 control of excipients"),
    "intermediate": ("ich_3.2.s.2.3", "m3.2.s.2.3 control of materials"),
    "starting-material": ("ich_3.2.s.2.3", "m3.2.s.2.3 control of materials"),
    "raw-material": ("ich_3.2.s.2.3", "m3.2.s.2.3 control of materials"),
}
_PROFILE = f"{v.IG}/StructureDefinition/"
_COMPARATOR = {">=": ">=", "<=": "<=", ">": ">", "<": "<"}


def _uuid(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name))


def _absent(reason: str = "unknown") -> dict[str, Any]:
    return {"extension": [{"url": v.DATA_ABSENT, "valueCode": reason}]}


def _coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


class _Unmapped:
    """What went out as text only or absent, with where it comes from."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, fact: str, element: str, value: str, reason: str) -> None:
        self.items.append({"fact": fact, "element": element, "value": value, "reason": reason})


def _quantity(value: Any, unit: str, comparator: str | None) -> dict[str, Any]:
    quantity: dict[str, Any] = {
        "value": value,
        "unit": unit,
        "system": v.UCUM,
        "code": v.UCUM_UNITS[unit],
    }
    if comparator in _COMPARATOR:
        quantity["comparator"] = _COMPARATOR[comparator]
    return quantity


def _goal(test: SpecificationTest, unmapped: _Unmapped, fact_id: str) -> dict[str, Any]:
    """One acceptance criterion: the text as filed, plus its structured value where it has one."""
    parsed = test.parsed_criterion
    unit = parsed.unit if parsed else None
    target: dict[str, Any]
    if parsed and parsed.form in ("limit", "range") and (unit is None or unit in v.UCUM_UNITS):
        if unit is None:
            unmapped.add(fact_id, f"{test.id} goal.target", test.acceptance_criterion, "no unit")
            target = {"detailString": test.acceptance_criterion}
        elif parsed.form == "limit":
            target = {"detailQuantity": _quantity(parsed.value, unit, parsed.comparator)}
        else:
            target = {
                "modifierExtension": [
                    {
                        "url": f"{_PROFILE}pq-target-range",
                        "extension": [
                            {"url": "low", "valueQuantity": _quantity(parsed.low, unit, None)},
                            {"url": "high", "valueQuantity": _quantity(parsed.high, unit, None)},
                        ],
                    }
                ]
            }
    else:
        if parsed and parsed.form in ("limit", "range"):
            unmapped.add(
                fact_id, f"{test.id} goal.target unit", str(unit), "no UCUM code for this unit"
            )
        target = {"detailString": test.acceptance_criterion}
    return {
        "id": f"goal-{_uuid(test.id)[:8]}",
        "description": {"text": test.acceptance_criterion},
        "addresses": [
            {"coding": [_coding(v.NCIT, code, display)]} for code, display in v.USAGE[test.usage]
        ],
        "target": [target],
    }


def _reason(attribute_type: str, test: SpecificationTest, unmapped: _Unmapped, fact_id: str):
    level = f"{_PROFILE}pq-hierarchical-level-extension"
    category = v.TEST_CATEGORY.get(attribute_type)
    if category is None:
        unmapped.add(fact_id, f"{test.id} action.reason", attribute_type, "no IG test category")
        return [{"extension": [{"url": level, "valuePositiveInt": 1}], "text": test.test}]
    parent = v.TEST_CATEGORY_PARENT.get(category[0])
    reasons = []
    for number, (code, display) in enumerate([c for c in (parent, category) if c], 1):
        reasons.append(
            {
                "extension": [{"url": level, "valuePositiveInt": number}],
                "coding": [_coding(v.NCIT, code, display)],
            }
        )
    return reasons


def _action(dossier: Dossier, test: SpecificationTest, goal_id: str, unmapped, fact_id: str):
    method = dossier.get(test.method, AnalyticalMethod)
    cqa = dossier.get(test.attribute, CQA)
    origin = v.METHOD_ORIGIN[method.type] if method else None
    action: dict[str, Any] = {
        "prefix": "Single Stage",
        "title": test.test,
        "code": {
            "coding": [_coding(v.NCIT, *origin)] if origin else [],
            "text": method.technique if method else test.method,
        },
        "reason": _reason(cqa.attribute_type if cqa else "other", test, unmapped, fact_id),
        "goalId": [goal_id],
    }
    if method is not None:
        action["documentation"] = [
            {"type": "documentation", "label": method.id, "display": method.title}
        ]
    return action


def _organization(dossier: Dossier, unmapped: _Unmapped) -> tuple[str, dict[str, Any]]:
    manifest = dossier.manifest
    sponsor = dossier.get(manifest.sponsor, Organization) if manifest else None
    name = sponsor.name if sponsor else "Sponsor"
    identifier = f"urn:uuid:{_uuid(sponsor.id if sponsor else 'sponsor')}"
    unmapped.add(
        sponsor.id if sponsor else "-", "Organization.contact.address", "", "no address on file"
    )
    resource = {
        "resourceType": "Organization",
        "id": identifier.removeprefix("urn:uuid:"),
        "meta": {"profile": [f"{_PROFILE}cmc-organization"]},
        "identifier": [{"system": v.IDENTIFIER_SYSTEM, "value": identifier}],
        "name": name,
        "contact": [{"address": {"text": name}}],
    }
    return identifier, resource


def _subject(dossier: Dossier, specification: Specification, org: str) -> tuple[str, dict]:
    subject: FactBase | None = dossier.index[specification.subject].fact
    url = f"urn:uuid:{_uuid(specification.subject)}"
    name = subject.label if subject else specification.subject
    if isinstance(subject, DrugProduct):
        resource = {
            "resourceType": "MedicinalProductDefinition",
            "meta": {"profile": [f"{_PROFILE}pqcmc-drug-product-handle"]},
            "name": [{"productName": name}],
            "combinedPharmaceuticalDoseForm": {"text": subject.dosage_form},
            "route": [{"text": subject.route}],
        }
    else:
        profile = (
            "pqcmc-routine-drug-substance"
            if isinstance(subject, DrugSubstance)
            else ("pqcmc-excipient")
        )
        resource = {
            "resourceType": "SubstanceDefinition",
            "meta": {"profile": [f"{_PROFILE}{profile}"]},
            "name": [{"name": name}],
            "manufacturer": [{"reference": org}],
        }
    resource["id"] = url.removeprefix("urn:uuid:")
    return url, resource


def specification_bundle(
    dossier: Dossier, specification: Specification, timestamp: str, unmapped: _Unmapped
) -> dict[str, Any]:
    org_url, organization = _organization(dossier, unmapped)
    subject_url, subject = _subject(dossier, specification, org_url)
    goals, actions = [], []
    for test in specification.tests:
        goal = _goal(test, unmapped, specification.id)
        goals.append(goal)
        actions.append(_action(dossier, test, goal["id"], unmapped, specification.id))
    spec_type = v.SPECIFICATION_TYPE[specification.applies_to]
    spec_url = f"urn:uuid:{_uuid(specification.id)}"
    unmapped.add(specification.id, "PlanDefinition.extension[ApprovalStatus]", "", "not held")
    unmapped.add(specification.id, "PlanDefinition.date", "", "version date not held")
    quality_specification = {
        "resourceType": "PlanDefinition",
        "id": spec_url.removeprefix("urn:uuid:"),
        "meta": {"profile": [f"{_PROFILE}pqcmc-quality-specification"]},
        "extension": [
            {
                "url": f"{_PROFILE}pq-specification-status-extension",
                "valueCodeableConcept": _absent(),
            }
        ],
        "identifier": [
            {"system": v.IDENTIFIER_SYSTEM, "value": f"urn:cmc-dossier:{specification.id}"}
        ],
        "version": specification.version,
        "title": specification.title,
        "type": {
            "coding": [
                _coding(v.PLAN_DEFINITION_TYPE, "workflow-definition", "Workflow Definition"),
                _coding(v.NCIT, *spec_type),
            ]
        },
        "status": "active",
        "subjectReference": {"reference": subject_url},
        "_date": _absent(),
        "goal": goals,
        "action": actions,
    }
    section_code, section_display = _SECTION[specification.applies_to]
    composition_url = f"urn:uuid:{_uuid('composition:' + specification.id)}"
    composition = {
        "resourceType": "Composition",
        "id": composition_url.removeprefix("urn:uuid:"),
        "meta": {"profile": [f"{_PROFILE}ectd-composition-sp4151"]},
        "status": "final",
        "type": {"coding": [_coding(v.SECTION_TYPES, section_code, section_display)]},
        "date": timestamp,
        "author": [{"reference": org_url}],
        "title": specification.title,
        "section": [{"title": specification.title, "entry": [{"reference": spec_url}]}],
    }
    return {
        "resourceType": "Bundle",
        "id": _uuid("bundle:" + specification.id),
        "meta": {"profile": [f"{_PROFILE}cmc-ectd-document-sp4151"]},
        "identifier": {
            "system": v.IDENTIFIER_SYSTEM,
            "value": f"urn:cmc-dossier:{specification.id}",
        },
        "type": "document",
        "timestamp": timestamp,
        "entry": [
            {"fullUrl": url, "resource": resource}
            for url, resource in (
                (composition_url, composition),
                (org_url, organization),
                (spec_url, quality_specification),
                (subject_url, subject),
            )
        ],
    }


def _timestamp(root: Path) -> str:
    seconds = revision_of(root).timestamp if root.exists() else 0
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def fhir_files(dossier: Dossier, root: Path, commit: str | None) -> dict[str, str]:
    """One Bundle per specification, and the list of what did not map."""
    timestamp = _timestamp(root)
    unmapped = _Unmapped()
    files = {}
    for specification in dossier.of_kind(Specification):
        bundle = specification_bundle(dossier, specification, timestamp, unmapped)
        # structural validation against FHIR R5; its JSON keeps decimals as numbers
        files[f"{specification.id}.sp4151.json"] = (
            Bundle.model_validate(bundle).model_dump_json(indent=2) + "\n"
        )
    files["not-mapped.json"] = _dump(
        {
            "implementation_guide": f"{v.IG}|{v.IG_VERSION}",
            "commit": commit,
            "not_mapped": unmapped.items,
        }
    )
    return files


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
