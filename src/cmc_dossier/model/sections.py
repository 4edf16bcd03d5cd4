"""Where each fact is presented in the CTD: its home section and every section showing it.

The mapping is part of the model, not of rendering: documents cite it, the review site
links by it, the change impact and the strategy findings name sections with it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

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
from cmc_dossier.model.dossier import Dossier, Entry
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
from cmc_dossier.model.stability import AdventitiousAgentSafety, ContainerClosure, StabilityStudy
from cmc_dossier.model.strategy import RetainSamplePlan
from cmc_dossier.model.testing_sites import testing_sites
from cmc_dossier.model.viral_safety import ModelVirus, ViralClearanceStudy
from cmc_dossier.model.vocabulary import HUMAN_OR_ANIMAL

DS, DP = "drug-substance", "drug-product"


@dataclass
class FactSections:
    """The dossier's facts by kind and the CTD sections that present each of them."""

    dossier: Dossier

    @cached_property
    def _by_kind(self) -> dict[type, list[Any]]:
        grouped: dict[type, list[Any]] = defaultdict(list)
        for fact in self.dossier.facts:
            grouped[type(fact)].append(fact)
        return grouped

    def all(self, cls: type) -> list[Any]:
        return self._by_kind.get(cls, [])

    @cached_property
    def _batches_by_specification(self) -> dict[str, list[Batch]]:
        grouped: dict[str, list[Batch]] = defaultdict(list)
        for batch in self.all(Batch):
            if batch.specification:
                grouped[batch.specification].append(batch)
        return grouped

    def batches_of(self, specification_id: str) -> list[Batch]:
        return self._batches_by_specification.get(specification_id, [])

    @cached_property
    def method_homes(self) -> dict[str, str]:
        """Where each analytical method is described: P.5.2 before S.4.2 before S.2.3."""
        homes: dict[str, str] = {}
        for code, applies_to in (("3.2.P.5.2", DP), ("3.2.S.4.2", DS)):
            for method in self.methods_of(self.specifications(applies_to)):
                homes.setdefault(method.id, code)
        for characterisation in self.all(Characterisation):
            homes.setdefault(characterisation.method, characterisation_home(self, characterisation))
        return homes

    def get(self, fact_id: str) -> Any:
        return self.dossier.index[fact_id].value

    def testing_sites(self, specification: Specification, test: SpecificationTest) -> list[str]:
        """Who performs a test for this material (model.testing_sites); none when that is
        undecided, which DOS360 reports, rather than a laboratory of another material."""
        return testing_sites(self.dossier, specification, test) or []

    @cached_property
    def process_of(self) -> dict[str, ManufacturingProcess]:
        return {
            operation: process
            for process in self.all(ManufacturingProcess)
            for operation in process.unit_operations
        }

    @cached_property
    def specification_of(self) -> dict[str, Specification]:
        return {test.id: spec for spec in self.all(Specification) for test in spec.tests}

    def stage_of(self, operation_id: str) -> str | None:
        process = self.process_of.get(operation_id)
        return process.stage if process else None

    def processes(self, stage: str) -> list[ManufacturingProcess]:
        return [p for p in self.all(ManufacturingProcess) if p.stage == stage]

    def specifications(self, *applies_to: str) -> list[Specification]:
        return [s for s in self.all(Specification) if s.applies_to in applies_to]

    def methods_of(self, specifications: Iterable[Specification]) -> list[AnalyticalMethod]:
        seen: dict[str, AnalyticalMethod] = {}
        for specification in specifications:
            for test in specification.tests:
                # a partial dossier (the impact step reads only changed files) may lack some
                entry = self.dossier.index.get(test.method)
                if entry is not None:
                    seen.setdefault(test.method, entry.value)
        return list(seen.values())

    def site_sections(self, site: Site) -> list[str]:
        """The manufacturer sections that may list a site; the render view knows which do."""
        return ["3.2.S.2.1", "3.2.P.3.1"]

    def sections_showing(self, fact_id: str) -> list[str]:
        """Every CTD section whose content shows this fact, its home first."""
        entry = self.dossier.index.get(fact_id)
        if entry is None:
            return []
        home = self.home(entry)
        codes = [home] if home else []
        value = entry.value
        part = "3.2.P" if home and home.startswith("3.2.P") else "3.2.S"
        if isinstance(value, SpecificationTest | Specification) and home in (
            "3.2.P.5.1",
            "3.2.S.4.1",
        ):
            specification = self.specification_of.get(value.id, value)
            codes.append(f"{part}.5.6" if part == "3.2.P" else "3.2.S.4.5")
            if self.batches_of(specification.id):
                codes.append(f"{part}.5.4" if part == "3.2.P" else "3.2.S.4.4")
            if any(s.specification == specification.id for s in self.all(StabilityStudy)):
                codes.append(f"{part}.8.3" if part == "3.2.P" else "3.2.S.7.3")
        elif isinstance(value, AnalyticalMethod) and home in ("3.2.P.5.2", "3.2.S.4.2"):
            codes.append(home[:-1] + "3")
        elif isinstance(value, Site):
            codes = self.site_sections(value)
        elif isinstance(value, Organization):
            codes = [
                code
                for site in self.all(Site)
                if site.organization == value.id
                for code in self.site_sections(site)
            ] or codes
        elif isinstance(value, CQA):
            codes += ["3.2.S.4.5", "3.2.P.5.6"]
        elif isinstance(value, DrugProduct):
            codes.append("3.2.P.3.2")
        elif isinstance(value, StabilityStudy) and home != "3.2.S.2.3":
            codes += [home[:-1] + "2", home[:-1] + "3"] if home else []
        elif isinstance(value, Material) and value.category == "excipient":
            codes += (
                ["3.2.P.1", "3.2.P.4.5"] if value.origin.source in HUMAN_OR_ANIMAL else ["3.2.P.1"]
            )
        return list(dict.fromkeys(codes))

    def home(self, entry: Entry) -> str | None:
        """The section where a fact is presented, for citations."""
        value = entry.value
        if isinstance(value, SpecificationTest):
            value = self.specification_of[value.id]
        return fact_home(self, value)


def fact_home(view: FactSections, value: Any) -> str | None:
    if isinstance(value, Narrative):
        return value.section
    if isinstance(value, Organization | Site):
        return "3.2.P.3.1"
    if isinstance(value, QTPPElement | CQA):
        return "3.2.P.2"
    if isinstance(value, DrugSubstance):
        return "3.2.S.1.1"
    if isinstance(value, DrugProduct):
        return "3.2.P.1"
    if isinstance(value, Material):
        return "3.2.P.4.1" if value.category == "excipient" else "3.2.S.2.3"
    if isinstance(value, CellBank | DonorEligibility):
        return "3.2.S.2.3"
    if isinstance(value, ManufacturingProcess):
        return {DS: "3.2.S.2.2", DP: "3.2.P.3.3"}.get(value.stage, "3.2.S.2.3")
    if isinstance(value, UnitOperation | ProcessParameter):
        operation = value.id if isinstance(value, UnitOperation) else value.unit_operation
        return {DS: "3.2.S.2.2", DP: "3.2.P.3.3"}.get(view.stage_of(operation) or "", "3.2.S.2.3")
    if isinstance(value, InProcessControl | HoldTime):
        operation = value.unit_operation if isinstance(value, InProcessControl) else value.after
        return {DS: "3.2.S.2.4", DP: "3.2.P.3.4"}.get(view.stage_of(operation) or "", "3.2.S.2.3")
    if isinstance(value, Specification):
        return {DS: "3.2.S.4.1", DP: "3.2.P.5.1", "excipient": "3.2.P.4.1"}.get(
            value.applies_to, "3.2.S.2.3"
        )
    if isinstance(value, AnalyticalMethod):
        return view.method_homes.get(value.id, "3.2.S.2.3")
    if isinstance(value, ChainOfIdentity):
        return "3.2.P.3.3"
    if isinstance(value, Characterisation):
        return characterisation_home(view, value)
    if isinstance(value, Impurity):
        return "3.2.P.5.5" if isinstance(view.get(value.subject), DrugProduct) else "3.2.S.3.2"
    if isinstance(value, Batch):
        subject = view.dossier.index[value.product].value
        return {DrugSubstance: "3.2.S.4.4", DrugProduct: "3.2.P.5.4"}.get(
            type(subject), "3.2.S.2.3"
        )
    if isinstance(value, RetainSamplePlan):
        subject = view.dossier.index[value.subject].value
        excipient = isinstance(subject, Material) and subject.category == "excipient"
        return "3.2.P.5.4" if isinstance(subject, DrugProduct) or excipient else "3.2.S.4.4"
    if isinstance(value, StabilityStudy):
        subject = view.dossier.index[value.subject].value
        if isinstance(subject, Material):
            return "3.2.S.2.3"
        return "3.2.P.8.1" if isinstance(subject, DrugProduct) else "3.2.S.7.1"
    if isinstance(value, ContainerClosure):
        return "3.2.P.7" if value.applies_to == DP else "3.2.S.6"
    if isinstance(value, ReferenceStandard):
        return "3.2.P.6"
    if isinstance(value, AdventitiousAgentSafety | ModelVirus | ViralClearanceStudy):
        return "3.2.A.2"
    return None


def characterisation_home(view: FactSections, characterisation: Characterisation) -> str:
    """A drug substance (or its material) is characterised in S.3.1, the product in P.2."""
    return "3.2.P.2" if isinstance(view.get(characterisation.subject), DrugProduct) else "3.2.S.3.1"
