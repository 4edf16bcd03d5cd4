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

import contextlib
import json
import os
import re
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pycountry
from fhir.resources.bundle import Bundle

from cmc_dossier.diagnostics import Diagnostic, Location
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.exchange.fhir import vocabulary as v
from cmc_dossier.exchange.fhir.terms import UNITS, terms
from cmc_dossier.model.base import FactBase
from cmc_dossier.model.control import AnalyticalMethod, Specification, SpecificationTest
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.product import (
    CQA,
    Address,
    DrugProduct,
    DrugSubstance,
    Organization,
    Site,
)
from cmc_dossier.model.regional import for_region
from cmc_dossier.model.unknowns import known
from cmc_dossier.outputs import replace_file, user_cache
from cmc_dossier.publish.cache import content_key
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
PROFILE = f"{v.IG}/StructureDefinition/"
_COMPARATOR = {">=": ">=", "<=": "<=", ">": ">", "<": "<"}


def uuid_of(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name))


def absent(reason: str = "unknown") -> dict[str, Any]:
    return {"extension": [{"url": v.DATA_ABSENT, "valueCode": reason}]}


def coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


class Unmapped:
    """What went out as text only or absent, with where it comes from; a typed value that
    found no code also gets its place in the fact file (DOS616, for information)."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []
        self.diagnostics: list[Diagnostic] = []

    def add(
        self, fact: str, element: str, value: str, reason: str, where: Location | None = None
    ) -> None:
        item = {"fact": fact, "element": element, "value": value, "reason": reason}
        if item in self.items:  # e.g. the sponsor, which every bundle names
            return
        self.items.append(item)
        if where is not None:
            self.diagnostics.append(
                diagnostic(
                    "DOS616",
                    f"{element}: {value!r} sent as text only ({reason})",
                    where,
                    "listed in not-mapped.json; `dossier explain DOS616` says how a value maps",
                )
            )


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


def _goal(test: SpecificationTest, unmapped: Unmapped, fact_id: str) -> dict[str, Any]:
    """One acceptance criterion: the text as filed, plus its structured value where it has one.

    A limit's `detailQuantity` is bound (required) to the IG's PqcmcUnitsMeasure
    (qualitySpecification.fsh), so a limit in a unit outside it (mg/mL, [IU]/mL...) keeps its
    text only and is listed; the range extension (pq-target-range) binds no unit."""
    parsed = test.parsed_criterion
    unit = parsed.unit if parsed else None
    code = v.UCUM_UNITS.get(unit) if unit else None
    target: dict[str, Any] = {"detailString": test.acceptance_criterion}
    if parsed is None or parsed.form not in ("limit", "range"):
        pass
    elif unit is None:
        unmapped.add(fact_id, f"{test.id} goal.target", test.acceptance_criterion, "no unit")
    elif code is None:
        unmapped.add(fact_id, f"{test.id} goal.target unit", unit, "no UCUM code for this unit")
    elif parsed.form == "range":
        target = {
            "modifierExtension": [
                {
                    "url": f"{PROFILE}pq-target-range",
                    "extension": [
                        {"url": "low", "valueQuantity": _quantity(parsed.low, unit, None)},
                        {"url": "high", "valueQuantity": _quantity(parsed.high, unit, None)},
                    ],
                }
            ]
        }
    elif code not in terms().value_sets[UNITS]:
        unmapped.add(
            fact_id,
            f"{test.id} goal.target unit",
            unit,
            f"UCUM {code} is not in PqcmcUnitsMeasure (required for detailQuantity)",
        )
    else:
        target = {"detailQuantity": _quantity(parsed.value, unit, parsed.comparator)}
    return {
        "id": f"goal-{uuid_of(test.id)[:8]}",
        "description": {"text": test.acceptance_criterion},
        "addresses": [
            {"coding": [coding(v.NCIT, code, display)]} for code, display in v.USAGE[test.usage]
        ],
        "target": [target],
    }


def _reason(category: tuple[str, str]) -> list[dict[str, Any]]:
    """Test category, with its parent category first where the IG's hierarchy has one."""
    level = f"{PROFILE}pq-hierarchical-level-extension"
    parent = v.TEST_CATEGORY_PARENT.get(category[0])
    return [
        {
            "extension": [{"url": level, "valuePositiveInt": number}],
            "coding": [coding(v.NCIT, code, display)],
        }
        for number, (code, display) in enumerate([c for c in (parent, category) if c], 1)
    ]


def _category(dossier: Dossier, test: SpecificationTest) -> tuple[str, tuple[str, str] | None]:
    cqa = dossier.get(test.attribute, CQA)
    attribute_type = cqa.attribute_type if cqa else "other"
    return attribute_type, v.TEST_CATEGORY.get(attribute_type)


def _action(
    dossier: Dossier, test: SpecificationTest, category: tuple[str, str], goal_id: str
) -> dict[str, Any]:
    method = dossier.get(test.method, AnalyticalMethod)
    origin = v.METHOD_ORIGIN[method.type] if method else None
    action: dict[str, Any] = {
        "prefix": "Single Stage",
        "title": test.test,
        "code": {
            "coding": [coding(v.NCIT, *origin)] if origin else [],
            "text": method.technique if method else test.method,
        },
        "reason": _reason(category),
        "goalId": [goal_id],
    }
    if method is not None:
        action["documentation"] = [
            {"type": "documentation", "label": method.id, "display": method.title}
        ]
    return action


def _organization(dossier: Dossier, unmapped: Unmapped) -> tuple[str, dict[str, Any]]:
    """The sponsor (the Manifest's), as the document's author."""
    manifest = dossier.manifest
    return organization_entry(
        dossier, dossier.get(manifest.sponsor, Organization) if manifest else None, unmapped
    )


def _site_address(dossier: Dossier, organization: Organization) -> tuple[Site, Address] | None:
    """The address of the organisation's first site (by ID) whose address is on file."""
    sites = sorted(
        (s for s in dossier.of_kind(Site) if s.organization == organization.id),
        key=lambda s: s.id,
    )
    for site in sites:
        if address := known(site.address):
            return site, address
    return None


def _address(dossier: Dossier, organization: Organization | None, unmapped: Unmapped) -> dict:
    """PqAddress (CommonOrganization.fsh) from a Site of the organisation, never invented.

    A Site is premises, so its address is sent as `physical` (the IG's site address is the
    "Physical Address"). What the profile requires and we do not hold goes out data-absent.
    """
    fact = organization.id if organization else "-"
    found = _site_address(dossier, organization) if organization else None
    if found is None:
        unmapped.add(fact, "Organization.contact.address", "", "no Site of it with an address")
        return absent()
    site, address = found
    result: dict[str, Any] = {"type": "physical", "line": address.lines[:2], "city": address.city}
    if len(address.lines) > 2:  # PqAddress line 1..2
        unmapped.add(
            fact,
            "Organization.contact.address.line",
            "; ".join(address.lines[2:]),
            f"the IG allows 2 lines; {site.id} has {len(address.lines)}",
        )
    if postal_code := known(address.postal_code):
        result["postalCode"] = postal_code
    else:
        unmapped.add(fact, "Organization.contact.address.postalCode", "", f"not held ({site.id})")
        result["_postalCode"] = absent()
    country = pycountry.countries.get(alpha_2=address.country)
    if country is None:  # cmc-only-ISO-3166-1-alpha-3: sent as held, listed
        unmapped.add(
            fact,
            "Organization.contact.address.country",
            address.country,
            "no ISO 3166-1 alpha-3 code for this alpha-2 code",
        )
        result["country"] = address.country
    else:
        result["country"] = country.alpha_3
    if result["country"] == "USA":  # addr-state: a US address needs its 2-letter state
        unmapped.add(fact, "Organization.contact.address.state", "", f"not held ({site.id})")
        result["_state"] = absent()
    return result


def organization_entry(
    dossier: Dossier, organization: Organization | None, unmapped: Unmapped
) -> tuple[str, dict[str, Any]]:
    """A CodedOrganization; our Organization facts hold no DUNS or FEI number."""
    name = organization.name if organization else "Sponsor"
    identifier = f"urn:uuid:{uuid_of(organization.id if organization else 'sponsor')}"
    resource = {
        "resourceType": "Organization",
        "id": identifier.removeprefix("urn:uuid:"),
        "meta": {"profile": [f"{PROFILE}cmc-organization"]},
        "identifier": [{"system": v.IDENTIFIER_SYSTEM, "value": identifier}],
        "name": name,
        "contact": [{"address": _address(dossier, organization, unmapped)}],
    }
    return identifier, resource


def _subject(
    dossier: Dossier, specification: Specification, org: str, unmapped: Unmapped
) -> tuple[str, dict]:
    from cmc_dossier.exchange.fhir.product import Coder, product_identity

    subject: FactBase | None = dossier.index[specification.subject].fact
    url = f"urn:uuid:{uuid_of(specification.subject)}"
    name = subject.label if subject else specification.subject
    if isinstance(subject, DrugProduct):
        resource = {
            "resourceType": "MedicinalProductDefinition",
            "meta": {"profile": [f"{PROFILE}pqcmc-drug-product-handle"]},
            **product_identity(dossier, subject, Coder(subject.id, unmapped)),
        }
    else:
        profile = (
            "pqcmc-routine-drug-substance"
            if isinstance(subject, DrugSubstance)
            else ("pqcmc-excipient")
        )
        resource = {
            "resourceType": "SubstanceDefinition",
            "meta": {"profile": [f"{PROFILE}{profile}"]},
            "name": [{"name": name}],
            "manufacturer": [{"reference": org}],
        }
    resource["id"] = url.removeprefix("urn:uuid:")
    return url, resource


def specification_bundle(
    dossier: Dossier, specification: Specification, timestamp: str, unmapped: Unmapped
) -> dict[str, Any] | None:
    org_url, organization = _organization(dossier, unmapped)
    subject_url, subject = _subject(dossier, specification, org_url, unmapped)
    goals, actions = [], []
    for test in specification.tests:
        attribute_type, category = _category(dossier, test)
        if category is None:  # the IG's test category binding is required: never text only
            unmapped.add(
                specification.id,
                f"{test.id} (test left out of the bundle)",
                attribute_type,
                "no IG test category (PqcmcTestCategoryTerminology, required binding)",
            )
            continue
        goal = _goal(test, unmapped, specification.id)
        goals.append(goal)
        actions.append(_action(dossier, test, category, goal["id"]))
    if not actions:
        return None
    spec_type = v.SPECIFICATION_TYPE[specification.applies_to]
    spec_url = f"urn:uuid:{uuid_of(specification.id)}"
    unmapped.add(specification.id, "PlanDefinition.extension[ApprovalStatus]", "", "not held")
    unmapped.add(specification.id, "PlanDefinition.date", "", "version date not held")
    quality_specification = {
        "resourceType": "PlanDefinition",
        "id": spec_url.removeprefix("urn:uuid:"),
        "meta": {"profile": [f"{PROFILE}pqcmc-quality-specification"]},
        "extension": [
            {
                "url": f"{PROFILE}pq-specification-status-extension",
                "valueCodeableConcept": absent(),
            }
        ],
        "identifier": [
            {"system": v.IDENTIFIER_SYSTEM, "value": f"urn:cmc-dossier:{specification.id}"}
        ],
        "version": specification.version,
        "title": specification.title,
        "type": {
            "coding": [
                coding(v.PLAN_DEFINITION_TYPE, "workflow-definition", "Workflow Definition"),
                coding(v.NCIT, *spec_type),
            ]
        },
        "status": "active",
        "subjectReference": {"reference": subject_url},
        "_date": absent(),
        "goal": goals,
        "action": actions,
    }
    section_code, section_display = _SECTION[specification.applies_to]
    composition_url, composition = composition_entry(
        "ectd-composition-sp4151",
        specification.id,
        (section_code, section_display),
        timestamp,
        org_url,
        specification.title,
        [(specification.title, spec_url)],
    )
    return document_bundle(
        specification.id,
        "cmc-ectd-document-sp4151",
        timestamp,
        [
            (composition_url, composition),
            (org_url, organization),
            (spec_url, quality_specification),
            (subject_url, subject),
        ],
    )


def composition_entry(
    profile: str,
    fact_id: str,
    section: tuple[str, str],
    timestamp: str,
    author_url: str,
    title: str,
    sections: list[tuple[str, str]],
    *,
    coded_sections: bool = False,
) -> tuple[str, dict[str, Any]]:
    """The document's Composition (ICHContextOfUse code), one section per (title, resource);
    `coded_sections` also sends each title as `section.code.text`, which slices the 3.2.P.1
    Composition's sections."""
    url = f"urn:uuid:{uuid_of(f'composition:{profile}:{fact_id}')}"
    return url, {
        "resourceType": "Composition",
        "id": url.removeprefix("urn:uuid:"),
        "meta": {"profile": [f"{PROFILE}{profile}"]},
        "status": "final",
        "type": {"coding": [coding(v.SECTION_TYPES, *section)]},
        "date": timestamp,
        "author": [{"reference": author_url}],
        "title": title,
        "section": [
            {
                "title": section_title,
                **({"code": {"text": section_title}} if coded_sections else {}),
                "entry": [{"reference": entry_url}],
            }
            for section_title, entry_url in sections
        ],
    }


def document_bundle(
    fact_id: str, profile: str, timestamp: str, entries: list[tuple[str, dict[str, Any]]]
) -> dict[str, Any]:
    """A FHIR document Bundle (Composition first) identified by the fact it comes from."""
    return {
        "resourceType": "Bundle",
        "id": uuid_of(f"bundle:{profile}:{fact_id}"),
        "meta": {"profile": [f"{PROFILE}{profile}"]},
        "identifier": {"system": v.IDENTIFIER_SYSTEM, "value": f"urn:cmc-dossier:{fact_id}"},
        "type": "document",
        "timestamp": timestamp,
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }


def _timestamp(root: Path) -> str:
    seconds = revision_of(root).timestamp if root.exists() else 0
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def fhir_export(
    dossier: Dossier, root: Path, commit: str | None
) -> tuple[dict[str, str], list[Diagnostic]]:
    """One Bundle per specification, drug substance and drug product, what did not map, and
    the typed values sent as text only (DOS616)."""
    from cmc_dossier.exchange.fhir.product import product_bundle
    from cmc_dossier.exchange.fhir.substance import substance_bundle

    dossier = for_region(dossier, "us")  # FDA's PQ/CMC: the US wording of regional text
    timestamp = _STAND_IN  # the commit's time is put in after the cached conversion
    unmapped = Unmapped()
    bundles: dict[str, dict[str, Any] | None] = {}
    for specification in dossier.of_kind(Specification):
        bundle = specification_bundle(dossier, specification, timestamp, unmapped)
        if bundle is None:
            unmapped.add(specification.id, "3.2 specification bundle", "", "no test could map")
        bundles[f"{specification.id}.sp4151.json"] = bundle
    for substance in dossier.of_kind(DrugSubstance):
        bundles[f"{substance.id}.32s10.json"] = substance_bundle(
            dossier, substance, timestamp, unmapped
        )
    for product in dossier.of_kind(DrugProduct):
        bundles[f"{product.id}.32p10.json"] = product_bundle(dossier, product, timestamp, unmapped)
    cache = user_cache("fhir")
    stamp = rf'\g<1>"{_timestamp(root)}"'
    files = {
        name: _STAMPED.sub(stamp, _cached_bundle_json(bundle, cache))
        for name, bundle in bundles.items()
        if bundle is not None
    }
    _forget_unused(cache)
    files["not-mapped.json"] = _dump(
        {
            "implementation_guide": f"{v.IG}|{v.IG_VERSION}",
            "commit": commit,
            "not_mapped": unmapped.items,
        }
    )
    return files, unmapped.diagnostics


_DECIMAL = "\0decimal:"  # a NUL cannot be in a fact's text (DOS019)
_DECIMAL_JSON = re.compile(r'"\\u0000decimal:([^"\\]+)\\u0000"')


# Validating and writing a bundle through fhir.resources is most of the export (3.3 s of
# CPU for the 500 bundles of a 10k-fact dossier), so each bundle's JSON is cached by the
# bundle as built (plain data) and the library's version. The commit's time is not part of
# it: bundles are built with a stand-in instant, replaced in the JSON afterwards, so a new
# commit or an edit elsewhere converts nothing again.
_STAND_IN = "1901-02-03T04:05:06Z"  # a valid FHIR instant no dossier states
_STAMPED = re.compile(r'("(?:timestamp|date)": )"1901-02-03T04:05:06Z"')
_CACHE_FORMAT = "fhir-bundle-1"  # bump when _bundle_json writes differently
_UNUSED_DAYS = 30  # a cached bundle not read for this long is deleted


def _typed(value: object) -> str:
    """A value JSON has no type for (a Decimal as typed), named with its type for the key."""
    return f"{type(value).__name__}:{value}"


def _cached_bundle_json(bundle: dict[str, Any], cache: Path) -> str:
    """`_bundle_json` of the bundle, from the user's cache when made before (each entry
    carries its digest, so a damaged one is made again)."""
    built = json.dumps(bundle, sort_keys=True, ensure_ascii=False, default=_typed)
    path = cache / content_key(built, _CACHE_FORMAT, version("fhir.resources"))
    try:
        digest, _, text = path.read_text(encoding="utf-8").partition("\n")
        if digest == content_key(text):
            os.utime(path)  # in use: kept
            return text
    except (OSError, UnicodeDecodeError):
        pass
    text = _bundle_json(bundle)
    replace_file(path, f"{content_key(text)}\n{text}".encode())
    return text


def _forget_unused(cache: Path) -> None:
    limit = time.time() - _UNUSED_DAYS * 86400
    for entry in cache.iterdir() if cache.is_dir() else ():
        with contextlib.suppress(OSError):
            if entry.stat().st_mtime < limit:
                entry.unlink()


def _bundle_json(bundle: dict[str, Any]) -> str:
    """The bundle validated against FHIR R5 (fhir.resources) and written as its JSON, with
    each decimal as the dossier wrote it: FHIR decimals keep their precision ("1.10" is
    not 1.1), which the library's float serialisation drops."""
    dumped = Bundle.model_validate(bundle).model_dump(mode="json", by_alias=True, exclude_none=True)
    text = json.dumps(_exact_decimals(dumped, bundle), indent=2, ensure_ascii=False)
    return _DECIMAL_JSON.sub(r"\1", text) + "\n"


def _exact_decimals(dumped: Any, built: Any) -> Any:
    """`dumped` with each number that `built` holds as a Decimal marked for its exact text."""
    if isinstance(built, Decimal) and isinstance(dumped, int | float):
        return f"{_DECIMAL}{built}\0"
    if isinstance(dumped, dict) and isinstance(built, dict):
        return {key: _exact_decimals(value, built.get(key)) for key, value in dumped.items()}
    if isinstance(dumped, list) and isinstance(built, list) and len(dumped) == len(built):
        return [_exact_decimals(value, inner) for value, inner in zip(dumped, built, strict=True)]
    return dumped


def fhir_files(dossier: Dossier, root: Path, commit: str | None) -> dict[str, str]:
    return fhir_export(dossier, root, commit)[0]


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"
