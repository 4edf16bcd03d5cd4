"""Chain of identity and custody of an autologous product, from collection to infusion.

An autologous product must reach the patient it came from: each container carries the
patient's identifiers, each hand-over and each shipment is controlled and recorded (FDA CAR T
cell guidance, 2024; EU GMP for ATMPs, EudraLex Vol. 4 Part IV, traceability).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cmc_dossier.model.base import FactBase, Markdown, Ref, StrictModel, Text
from cmc_dossier.model.unknowns import OrUnknown


class IdentityCheck(StrictModel):
    """A point where the identity of the material is verified against its paperwork."""

    step: Text = Field(description="e.g. 'Receipt of apheresis material', 'Before infusion'")
    unit_operation: Ref("UnitOperation") | None = None
    check: Text = Field(description="What is compared, and by whom")


class ShippingLeg(StrictModel):
    """One shipment: what, from where to where, in what conditions, in which shipper."""

    leg: Text = Field(description="e.g. 'Apheresis centre to manufacturing site'")
    material: Ref("Material", "DrugSubstance", "DrugProduct")
    condition: Text = Field(description="As typed, e.g. '2–8 °C', '≤ −150 °C (LN2 vapour)'")
    shipper: OrUnknown(Text) = Field(description="Shipper type or model")
    qualification: OrUnknown(Text) = Field(
        description="How the shipper was qualified, e.g. summer and winter profiles, report"
    )
    maximum_duration: OrUnknown(Text) | None = None
    monitoring: Text | None = Field(
        default=None, description="e.g. 'continuous temperature logger'"
    )


class ChainOfIdentity(FactBase):
    """How an autologous product stays matched to its patient and under control."""

    kind: Literal["ChainOfIdentity"]
    title: Text
    patient_identifiers: list[Text] = Field(
        min_length=1, description="Identifiers on every label, e.g. 'COI number', 'date of birth'"
    )
    identifier_standard: Text | None = Field(default=None, description="e.g. 'ISBT 128'")
    labelling: Markdown = Field(description="What each container's label carries at each stage")
    identity_checks: list[IdentityCheck] = Field(min_length=1)
    custody: Markdown | None = Field(
        default=None, description="Hand-overs, records and the system that keeps them"
    )
    shipping: list[ShippingLeg] = Field(min_length=1)
    segregation: Markdown | None = Field(
        default=None, description="How one patient's material is kept apart from another's"
    )
    scope: Literal["autologous", "allogeneic"] = "autologous"
