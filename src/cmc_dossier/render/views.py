"""What each CTD section shows: facts selected from the dossier, ready for a template.

Selection lives here, formatting in the templates. A section builder returns the parts of
a section (most have one; analytical procedures have one per method, excipient controls one
per excipient, as the eCTD files them); no part means the facts hold nothing for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, get_args

from cmc_dossier.model.cell_substrates import CellBank, DonorEligibility
from cmc_dossier.model.chain_of_identity import ChainOfIdentity
from cmc_dossier.model.characterisation import Characterisation, Impurity
from cmc_dossier.model.control import (
    AnalyticalMethod,
    Batch,
    ReferenceStandard,
    Specification,
    SpecificationTest,
)
from cmc_dossier.model.dossier import Entry
from cmc_dossier.model.manufacture import (
    HoldTime,
    InProcessControl,
    ManufacturingProcess,
    Material,
    ProcessParameter,
    UnitOperation,
)
from cmc_dossier.model.product import (
    CQA,
    DrugProduct,
    DrugSubstance,
    Narrative,
    Organization,
    QTPPElement,
    Site,
)
from cmc_dossier.model.sections import FactSections, characterisation_home, fact_home
from cmc_dossier.model.stability import AdventitiousAgentSafety, ContainerClosure, StabilityStudy
from cmc_dossier.model.strategy import RetainSamplePlan
from cmc_dossier.model.testing_sites import control_site
from cmc_dossier.model.viral_safety import (
    ICH_Q5A_RULE,
    ModelVirus,
    ViralClearanceStudy,
    overall_reductions,
)
from cmc_dossier.model.vocabulary import HUMAN_OR_ANIMAL, MethodUse
from cmc_dossier.render.outline import slug

DS, DP, SM = "drug-substance", "drug-product", "starting-material"
_DS_ACTIVITIES = {"drug-substance-manufacture", "starting-material-manufacture", "cell-collection"}
_DP_ACTIVITIES = {
    "drug-product-manufacture",
    "labelling-and-packaging",
    "batch-certification",
    "importation",
    "distribution",
}


@dataclass
class Part:
    """One granular piece of a section: its own eCTD file where the eCTD splits the section."""

    context: dict[str, Any]
    label: str | None = None
    folder: str | None = None  # a sub-folder (one per excipient)
    number: int | None = None  # a file-name suffix (one per analytical procedure)


@dataclass
class DossierView(FactSections):
    """The dossier as documents see it: facts grouped, joined and in a stable order."""

    @cached_property
    def method_uses(self) -> dict[str, list[str]]:
        """Per method: its declared uses and those read from the controls that cite it."""
        found: dict[str, set[str]] = defaultdict(set)
        for method in self.all(AnalyticalMethod):
            found[method.id].update(method.uses)
        for specification in self.all(Specification):
            for test in specification.tests:
                if test.usage != "stability":
                    found[test.method].add("release")
        for control in self.all(InProcessControl):
            found[control.method].add("in-process")
        for characterisation in self.all(Characterisation):
            found[characterisation.method].add("characterisation")
        order = get_args(MethodUse)
        return {method: sorted(uses, key=order.index) for method, uses in found.items()}

    @cached_property
    def parameters_affecting(self) -> dict[str, list[ProcessParameter]]:
        """Per quality attribute: the process parameters that affect it."""
        found: dict[str, list[ProcessParameter]] = defaultdict(list)
        for parameter in self.all(ProcessParameter):
            for cqa_id in parameter.affects:
                found[cqa_id].append(parameter)
        return found

    @cached_property
    def controls_of(self) -> dict[str, list[Any]]:
        """Per quality attribute: its in-process controls, then its specification tests."""
        found: dict[str, list[Any]] = defaultdict(list)
        for control in self.all(InProcessControl):
            if control.attribute:
                found[control.attribute].append(control)
        for specification in self.all(Specification):
            for test in specification.tests:
                found[test.attribute].append(test)
        return found

    @cached_property
    def by_operation(self) -> dict[str, dict[str, list[Any]]]:
        grouped: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for parameter in self.all(ProcessParameter):
            grouped[parameter.unit_operation]["parameters"].append(parameter)
        for control in self.all(InProcessControl):
            grouped[control.unit_operation]["controls"].append(control)
        for hold in self.all(HoldTime):
            grouped[hold.after]["holds"].append(hold)
        return grouped

    def operations(self, process: ManufacturingProcess) -> list[UnitOperation]:
        return [self.get(operation_id) for operation_id in process.unit_operations]

    def batches_tested_against(self, specifications: list[Specification]) -> list[Batch]:
        return [batch for s in specifications for batch in self.batches_of(s.id)]

    def stability_grids(self, study: StabilityStudy) -> list[dict[str, Any]]:
        """Per condition and batch: the tests with results and their value per time point."""
        specification = self.get(study.specification)
        grids = []
        for condition in study.conditions:
            for batch_id in study.batches:
                results = [
                    r for r in study.results if r.batch == batch_id and r.condition == condition.key
                ]
                if not results:
                    continue
                tests = [t for t in specification.tests if any(t.id in r.values for r in results)]
                values = {
                    test.id: [
                        next(
                            (r.values.get(test.id) for r in results if r.time_point == point), None
                        )
                        for point in study.time_points
                    ]
                    for test in tests
                }
                grids.append(
                    {
                        "condition": condition,
                        "batch": self.get(batch_id),
                        "tests": tests,
                        "values": values,
                    }
                )
        return grids

    def narratives(self, code: str) -> list[Narrative]:
        return [n for n in self.all(Narrative) if n.section == code]

    def organization(self, site: Site) -> Organization:
        return self.get(site.organization)

    def impd_case(self) -> str:
        manifest = self.dossier.manifest
        return manifest.impd.case if manifest else "full"

    def all_substances(self) -> str:
        """'name, manufacturer' of each drug substance, as ICH M4Q heads 3.2.S."""
        return "; ".join(
            f"{s.name}, " + ", ".join(self.organization(self.get(m)).name for m in s.manufacturers)
            for s in self.all(DrugSubstance)
        )

    def product_name(self) -> str:
        """'name, dosage form', as ICH M4Q heads 3.2.P."""
        return "; ".join(
            p.name if p.dosage_form.lower() in p.name.lower() else f"{p.name}, {p.dosage_form}"
            for p in self.all(DrugProduct)
        )

    def substance_folder(self) -> str:
        substance = _substance(self)
        if substance is None:
            return "substance-1-manufacturer-1"
        manufacturer = self.organization(self.get(substance.manufacturers[0])).name
        return f"{slug(substance.code or substance.name, 24)}-{slug(manufacturer, 24)}"

    def product_folder(self) -> str:
        product = _product(self)
        return slug(product.name, 40) if product else "product-1"

    def site_sections(self, site: Site) -> list[str]:
        """S.2.1 and/or P.3.1: the manufacturer sections whose tables list this site."""
        return [
            code
            for code, activities, stage in (
                ("3.2.S.2.1", _DS_ACTIVITIES, DS),
                ("3.2.P.3.1", _DP_ACTIVITIES, DP),
            )
            if any(row["site"].id == site.id for row in _sites(self, activities, stage))
        ]

    def home(self, entry: Entry) -> str | None:
        """The section where a fact is presented, for citations."""
        value = entry.value
        if isinstance(value, SpecificationTest):
            value = self.specification_of[value.id]
        return _home(self, value)


def _home(view: DossierView, value: Any) -> str | None:
    """The model's home of a fact, except a site: the manufacturer section listing it."""
    if isinstance(value, Site):
        return next(iter(view.site_sections(value)), "3.2.P.3.1")
    return fact_home(view, value)


# --- section builders ---------------------------------------------------------------------

Builder = Callable[[DossierView], list[Part]]


def _one(**context: Any) -> list[Part]:
    """A single part, or none when every value in it is empty."""
    return [Part(context)] if any(context.values()) else []


def _substance(view: DossierView) -> DrugSubstance | None:
    return next(iter(view.all(DrugSubstance)), None)


def _product(view: DossierView) -> DrugProduct | None:
    return next(iter(view.all(DrugProduct)), None)


_MANUFACTURER_ACTIVITIES = {"in-process-testing", "stability-testing", "storage"}


def _sites(view: DossierView, activities: set[str], *applies_to: str) -> list[dict[str, Any]]:
    """Sites that make this material or test it, each with what it does for this material.

    A laboratory appears because a test of this material's specifications is done there
    (the test's `tested_at`, the specification's, else the method's sites when they can only
    be this material's), never because its method also serves another material.
    """
    tests_at: dict[str, list[str]] = defaultdict(list)
    for specification in view.specifications(*applies_to):
        for test in specification.tests:
            for site_id in view.testing_sites(specification, test):
                tests_at[site_id].append(test.test)
    controls_at: dict[str, list[str]] = defaultdict(list)
    for stage in applies_to:
        for control in _controls(view, stage)["controls"]:
            if site_id := control_site(view.dossier, control):
                controls_at[site_id].append(control.title)
    rows = []
    for site in view.all(Site):
        makes = [a for a in site.activities if a in activities]
        if not makes and site.id not in tests_at and site.id not in controls_at:
            continue
        extra = _MANUFACTURER_ACTIVITIES if makes else set()
        duties = [a for a in site.activities if a in activities or a in extra]
        rows.append(
            {
                "site": site,
                "activities": duties,
                "tests": tests_at.get(site.id, []),
                # a manufacturer's own in-process testing is its `in-process-testing`
                # activity; a laboratory is listed with the controls it performs
                "controls": [] if makes else controls_at.get(site.id, []),
            }
        )
    return rows


def _process_views(view: DossierView, stage: str) -> list[dict[str, Any]]:
    return [
        {
            "process": process,
            "operations": [
                {
                    "operation": op,
                    **{
                        key: view.by_operation.get(op.id, {}).get(key, [])
                        for key in ("parameters", "controls", "holds")
                    },
                }
                for op in view.operations(process)
            ],
        }
        for process in view.processes(stage)
    ]


_RANGE_LABELS = (
    ("control_range", "Control range"),
    ("normal_operating_range", "NOR"),
    ("proven_acceptable_range", "PAR"),
    ("range", "Range (kind not stated)"),
)


def setting_lines(parameter: ProcessParameter) -> list[str]:
    """The set points and ranges of a parameter, each labelled with its kind and period."""
    lines = []
    for period, setting in parameter.settings():
        parts = []
        if setting.target is not None:
            tolerance = f" ± {setting.tolerance}" if setting.tolerance is not None else ""
            parts.append(f"Set point {setting.target}{tolerance}")
        if setting.ratio is not None:
            parts.append(f"Set point {setting.ratio}")
        parts += [
            f"{label} {span}"
            for name, label in _RANGE_LABELS
            if (span := getattr(setting, name)) is not None
        ]
        if parts:
            lines.append((f"{period}: " if period else "") + ", ".join(parts))
    return lines


def _controls(view: DossierView, stage: str) -> dict[str, list[Any]]:
    controls = [c for c in view.all(InProcessControl) if view.stage_of(c.unit_operation) == stage]
    holds = [h for h in view.all(HoldTime) if view.stage_of(h.after) == stage]
    return {"controls": controls, "holds": holds}


def _process_validation(view: DossierView, stage: str) -> list[Part]:
    return _one(processes=[p for p in view.processes(stage) if p.validation is not None])


def _per_method(view: DossierView, applies_to: str) -> list[Part]:
    methods = view.methods_of(view.specifications(applies_to))
    return [Part({"method": m}, label=m.title, number=n) for n, m in enumerate(methods, 1)]


def _stability(view: DossierView, subject_kind: type) -> list[StabilityStudy]:
    return [s for s in view.all(StabilityStudy) if isinstance(view.get(s.subject), subject_kind)]


def _excipients(view: DossierView) -> list[Material]:
    return [m for m in view.all(Material) if m.category == "excipient"]


def _per_novel_excipient(view: DossierView) -> list[Part]:
    """3.2.A.3: one part, and one eCTD folder, per novel excipient (none without one)."""
    return [
        Part({"material": m}, label=m.title, folder=f"32a3-excip-{slug(m.title, 24)}")
        for m in _excipients(view)
        if m.novel
    ]


def _per_excipient(view: DossierView) -> list[Part]:
    return [
        Part({"material": m}, label=m.title, folder=f"excipient-{n}")
        for n, m in enumerate(_excipients(view), 1)
    ]


def _reference_standards(view: DossierView, applies_to: str) -> list[ReferenceStandard]:
    methods = {m.id for m in view.methods_of(view.specifications(applies_to))}
    return [r for r in view.all(ReferenceStandard) if methods & set(r.methods)]


def _materials(view: DossierView) -> list[Part]:
    """Materials other than excipients, with the specifications and lots of those controlled."""
    materials = [m for m in view.all(Material) if m.category != "excipient"]
    specified = [view.get(m.specification) for m in materials if m.specification]
    batches = view.batches_tested_against(specified)
    return _one(
        materials=materials,
        specifications=specified,
        batches=batches,
        banks=view.all(CellBank),
        donors=view.all(DonorEligibility),
        studies=_stability(view, Material),
    )


def _biological_excipients(view: DossierView) -> list[Material]:
    return [m for m in _excipients(view) if m.origin.source in HUMAN_OR_ANIMAL]


def _substance_text(name: str) -> Builder:
    return lambda view: _one(text=getattr(_substance(view), name, None), substance=None)


def _structure(view: DossierView) -> list[Part]:
    """The structure prose, and the substance whose molecule or chemical structure is shown."""
    substance = _substance(view)
    described = substance and (substance.molecule or substance.chemical_structure)
    return _one(
        text=getattr(substance, "structure", None), substance=substance if described else None
    )


def _batch_formula(view: DossierView) -> list[Part]:
    product = _product(view)
    return _one(product=product if product and product.batch_formula else None)


def _closures(applies_to: str) -> Builder:
    return lambda view: _one(
        closures=[c for c in view.all(ContainerClosure) if c.applies_to == applies_to]
    )


def _stability_sections(subject_kind: type) -> dict[str, Builder]:
    def studies(view: DossierView) -> list[StabilityStudy]:
        return _stability(view, subject_kind)

    return {
        "summary": lambda v: _one(studies=studies(v)),
        "commitment": lambda v: _one(studies=[s for s in studies(v) if s.commitment]),
        "data": lambda v: _one(studies=[s for s in studies(v) if s.results]),
    }


def _specification(view: DossierView, applies_to: str) -> list[Part]:
    return _one(specifications=view.specifications(applies_to))


def _batches(view: DossierView, applies_to: str) -> list[Part]:
    """Batch analyses, then the samples retained of those batches (the plan's batches held):
    reviewers read retains next to the batches they come from [U: no CTD heading names
    retained samples; EU GMP Annex 19 and 21 CFR 211.170 set them]."""
    specifications = view.specifications(applies_to)
    return _one(
        specifications=specifications,
        batches=view.batches_tested_against(specifications),
        retains=[
            p
            for p in view.all(RetainSamplePlan)
            if view.home(view.dossier.index[p.id])
            == ("3.2.P.5.4" if applies_to == DP else "3.2.S.4.4")
        ],
    )


def _adventitious_agents(view: DossierView) -> list[Part]:
    studies = view.all(ViralClearanceStudy)
    return _one(
        evaluations=view.all(AdventitiousAgentSafety),
        banks=[b for b in view.all(CellBank) if b.testing and b.type != "plasmid"],
        donors=[d for d in view.all(DonorEligibility) if d.testing],
        viruses=view.all(ModelVirus),
        studies=studies,
        reductions=overall_reductions(studies),
        reduction_rule=ICH_Q5A_RULE if studies else None,
    )


def _characterised(view: DossierView, home: str) -> list[Characterisation]:
    return [c for c in view.all(Characterisation) if characterisation_home(view, c) == home]


def _impurities(view: DossierView, subject_kind: type) -> list[Impurity]:
    return [i for i in view.all(Impurity) if isinstance(view.get(i.subject), subject_kind)]


_DS_STABILITY = _stability_sections(DrugSubstance)
_DP_STABILITY = _stability_sections(DrugProduct)

SECTION_BUILDERS: dict[str, tuple[str, Builder]] = {
    "3.2.S.1.1": ("nomenclature", lambda v: _one(substance=_substance(v))),
    "3.2.S.1.2": ("structure", _structure),
    "3.2.S.1.3": ("structure", _substance_text("general_properties")),
    "3.2.S.2.1": ("manufacturers", lambda v: _one(sites=_sites(v, _DS_ACTIVITIES, DS, SM))),
    "3.2.S.2.2": ("process", lambda v: _one(processes=_process_views(v, DS), chains=[])),
    "3.2.S.2.3": ("materials", _materials),
    "3.2.S.2.4": ("critical-steps", lambda v: _one(**_controls(v, DS))),
    "3.2.S.2.5": ("process-validation", lambda v: _process_validation(v, DS)),
    "3.2.S.3.1": ("characterisation", lambda v: _one(results=_characterised(v, "3.2.S.3.1"))),
    "3.2.S.3.2": ("impurities", lambda v: _one(impurities=_impurities(v, DrugSubstance))),
    "3.2.S.4.1": ("specification", lambda v: _specification(v, DS)),
    "3.2.S.4.2": ("procedure", lambda v: _per_method(v, DS)),
    "3.2.S.4.3": ("validation", lambda v: _per_method(v, DS)),
    "3.2.S.4.4": ("batch-analyses", lambda v: _batches(v, DS)),
    "3.2.S.4.5": ("justification", lambda v: _specification(v, DS)),
    "3.2.S.5": ("reference-standards", lambda v: _one(standards=_reference_standards(v, DS))),
    "3.2.S.6": ("container-closure", _closures(DS)),
    "3.2.S.7.1": ("stability-summary", _DS_STABILITY["summary"]),
    "3.2.S.7.2": ("stability-commitment", _DS_STABILITY["commitment"]),
    "3.2.S.7.3": ("stability-data", _DS_STABILITY["data"]),
    "3.2.P.1": ("description-composition", lambda v: _one(product=_product(v))),
    "3.2.P.2": (
        "pharmaceutical-development",
        lambda v: _one(
            qtpp=v.all(QTPPElement),
            cqas=v.all(CQA),
            results=_characterised(v, "3.2.P.2"),
            methods=v.all(AnalyticalMethod),
        ),
    ),
    "3.2.P.3.1": ("manufacturers", lambda v: _one(sites=_sites(v, _DP_ACTIVITIES, DP))),
    "3.2.P.3.2": ("batch-formula", _batch_formula),
    "3.2.P.3.3": (
        "process",
        lambda v: _one(processes=_process_views(v, DP), chains=v.all(ChainOfIdentity)),
    ),
    "3.2.P.3.4": ("critical-steps", lambda v: _one(**_controls(v, DP))),
    "3.2.P.3.5": ("process-validation", lambda v: _process_validation(v, DP)),
    "3.2.P.4.1": ("excipient-specification", _per_excipient),
    "3.2.P.4.2": ("excipient-procedures", _per_excipient),
    "3.2.P.4.3": ("excipient-validation", _per_excipient),
    "3.2.P.4.4": ("excipient-justification", _per_excipient),
    "3.2.P.4.5": ("excipients-origin", lambda v: _one(materials=_biological_excipients(v))),
    "3.2.P.5.1": ("specification", lambda v: _specification(v, DP)),
    "3.2.P.5.2": ("procedure", lambda v: _per_method(v, DP)),
    "3.2.P.5.3": ("validation", lambda v: _per_method(v, DP)),
    "3.2.P.5.4": ("batch-analyses", lambda v: _batches(v, DP)),
    "3.2.P.5.5": ("impurities", lambda v: _one(impurities=_impurities(v, DrugProduct))),
    "3.2.P.5.6": ("justification", lambda v: _specification(v, DP)),
    "3.2.P.6": ("reference-standards", lambda v: _one(standards=_reference_standards(v, DP))),
    "3.2.P.7": ("container-closure", _closures(DP)),
    "3.2.P.8.1": ("stability-summary", _DP_STABILITY["summary"]),
    "3.2.P.8.2": ("stability-commitment", _DP_STABILITY["commitment"]),
    "3.2.P.8.3": ("stability-data", _DP_STABILITY["data"]),
    "3.2.A.2": ("adventitious-agents", _adventitious_agents),
    "3.2.A.3": ("novel-excipient", _per_novel_excipient),
}  # fmt: skip
