"""Who does what: per site activity and per fact, who maintains, approves, performs and
holds the raw data, derived from ownership and site facts.

Maintains and approves come from the fact's `ownership` (or the manifest's default);
performs from the sites the fact binds (process sites, where a method or test is
performed, where a batch was made, where retains are held) or an activity's
`performed_by`; the raw data stay with the performing site's organisation unless the
site says otherwise (`raw_data_held_by`, as a quality agreement may require; EU GMP
Chapter 7 and 21 CFR 211.180 keep the records with whoever holds them under contract) [U].
"""

from __future__ import annotations

from dataclasses import dataclass

from cmc_dossier.model.base import FactBase
from cmc_dossier.model.control import AnalyticalMethod, Batch, Specification
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import (
    HoldTime,
    InProcessControl,
    ManufacturingProcess,
    ProcessParameter,
    UnitOperation,
)
from cmc_dossier.model.product import DrugProduct, DrugSubstance, Site
from cmc_dossier.model.sections import FactSections
from cmc_dossier.model.stability import StabilityStudy
from cmc_dossier.model.strategy import PlannedActivity, RetainSamplePlan, SiteSpecifics


@dataclass(frozen=True)
class Row:
    """One line of the matrix: a fact or a site activity and who holds each role."""

    subject: str
    title: str
    section: str
    maintains: tuple[str, ...]
    approves: tuple[str, ...]
    performs: tuple[str, ...]  # organisation names
    raw_data: tuple[str, ...]


@dataclass(frozen=True)
class Responsibilities:
    product: str
    activities: list[Row]
    facts: list[Row]


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def performing_sites(view: FactSections, fact: FactBase) -> list[str]:
    """The sites where the work a fact describes is done (IDs, in the facts' order)."""
    operation = None
    if isinstance(fact, UnitOperation):
        operation = fact.id
    elif isinstance(fact, ProcessParameter | InProcessControl):
        operation = fact.unit_operation
    elif isinstance(fact, HoldTime):
        operation = fact.after
    if operation is not None:
        process = view.process_of.get(operation)
        return list(process.sites) if process else []
    if isinstance(fact, ManufacturingProcess):
        return list(fact.sites)
    if isinstance(fact, AnalyticalMethod):
        return list(fact.performed_at)
    if isinstance(fact, Specification):
        return [site for test in fact.tests for site in view.testing_sites(fact, test)]
    if isinstance(fact, StabilityStudy):
        tested = performing_sites(view, view.get(fact.specification))
        stability = [s for s in tested if "stability-testing" in view.get(s).activities]
        return stability or tested
    if isinstance(fact, DrugSubstance | DrugProduct):
        return list(fact.manufacturers)
    if isinstance(fact, Batch):
        return [fact.site]
    if isinstance(fact, RetainSamplePlan):
        return [fact.held_at]
    if isinstance(fact, Site):
        return [fact.id]
    if isinstance(fact, SiteSpecifics):
        return [fact.site]
    return []


def responsibilities(dossier: Dossier) -> Responsibilities:
    view = FactSections(dossier)
    assert dossier.manifest is not None
    default = dossier.manifest.default_ownership

    def name(organization_id: str) -> str:
        return view.get(organization_id).name

    def site_roles(site_ids: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        sites: list[Site] = [view.get(s) for s in dict.fromkeys(site_ids)]
        performs = _unique([name(s.organization) for s in sites])
        raw = _unique([name(s.raw_data_held_by or s.organization) for s in sites])
        return performs, raw

    activities = []
    for site in view.all(Site):
        performs, raw = site_roles([site.id])
        for activity in site.activities:
            activities.append(
                Row(activity, site.name, "3.2.S.2.1 / 3.2.P.3.1", (), (), performs, raw)
            )
    activities.sort(key=lambda row: row.subject)
    facts = []
    for fact in dossier.facts:
        if fact.kind == "Manifest":
            continue
        ownership = fact.ownership or default
        if isinstance(fact, PlannedActivity) and fact.performed_by:
            performs = raw = (name(fact.performed_by),)
        else:
            performs, raw = site_roles(performing_sites(view, fact))
        facts.append(
            Row(
                fact.id,
                fact.label,
                view.home(dossier.index[fact.id]) or "—",
                (name(ownership.maintained_by),),
                tuple(name(o) for o in ownership.approved_by),
                performs,
                raw,
            )
        )
    facts.sort(key=lambda row: (row.section, row.subject))
    return Responsibilities(dossier.manifest.product.name, activities, facts)


def as_markdown(matrix: Responsibilities, escape) -> str:
    """The annex: site activities, then every fact; `escape` makes user text safe."""

    def cells(values: tuple[str, ...]) -> str:
        return escape("; ".join(values) or "—")

    lines = [
        f"# Responsibilities: {escape(matrix.product)}",
        "",
        "Derived from each fact's ownership (maintains, approves), the sites the fact binds "
        "(performs) and each site's raw-data holder.",
        "",
        "## By activity",
        "",
        "| Activity | Site | Performs | Raw data held by |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {escape(r.subject.replace('-', ' '))} | {escape(r.title)} | {cells(r.performs)} "
        f"| {cells(r.raw_data)} |"
        for r in matrix.activities
    ]
    lines += [
        "",
        "## By fact",
        "",
        "| Section | Fact | Maintains | Approves | Performs | Raw data held by |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {escape(r.section)} | {escape(r.subject)}: {escape(r.title)} | {cells(r.maintains)} "
        f"| {cells(r.approves)} | {cells(r.performs)} | {cells(r.raw_data)} |"
        for r in matrix.facts
    ]
    return "\n".join(lines) + "\n"
