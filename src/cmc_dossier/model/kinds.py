"""The closed set of fact kinds and the one validator that reads any of them."""

from __future__ import annotations

from typing import Annotated, Union, get_args

from pydantic import Field, TypeAdapter

from cmc_dossier.model.cell_substrates import CellBank, DonorEligibility
from cmc_dossier.model.chain_of_identity import ChainOfIdentity
from cmc_dossier.model.characterisation import Characterisation, Impurity
from cmc_dossier.model.control import AnalyticalMethod, Batch, ReferenceStandard, Specification
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
    Manifest,
    Narrative,
    Organization,
    QTPPElement,
    Site,
)
from cmc_dossier.model.stability import AdventitiousAgentSafety, ContainerClosure, StabilityStudy
from cmc_dossier.model.viral_safety import ModelVirus, ViralClearanceStudy

FactKinds = (
    Manifest,
    Organization,
    Site,
    QTPPElement,
    CQA,
    DrugSubstance,
    DrugProduct,
    Material,
    CellBank,
    DonorEligibility,
    ManufacturingProcess,
    UnitOperation,
    ProcessParameter,
    InProcessControl,
    HoldTime,
    AnalyticalMethod,
    Specification,
    ReferenceStandard,
    Characterisation,
    Impurity,
    Batch,
    StabilityStudy,
    ContainerClosure,
    AdventitiousAgentSafety,
    ChainOfIdentity,
    ModelVirus,
    ViralClearanceStudy,
    Narrative,
)
Fact = Annotated[Union[FactKinds], Field(discriminator="kind")]  # noqa: UP007
FACT_ADAPTER: TypeAdapter[Fact] = TypeAdapter(Fact)
KIND_NAMES: tuple[str, ...] = tuple(
    get_args(cls.model_fields["kind"].annotation)[0] for cls in FactKinds
)
