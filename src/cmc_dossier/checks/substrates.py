"""Cell substrates and viral safety: bank derivation (ICH Q5D), viral clearance (ICH Q5A(R2))."""

from __future__ import annotations

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.cell_substrates import ALLOWED_PARENTS, CELL_CULTURE_ORIGINS, CellBank
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.viral_safety import ViralClearanceStudy, overall_reductions
from cmc_dossier.model.vocabulary import CELL_THERAPIES, ENVELOPED_VECTORS


def check_derivation(dossier: Dossier) -> list[Diagnostic]:
    """Each tier derives from the tier before it: MCB from a cell line, WCB from the MCB..."""
    found = []
    for bank in dossier.of_kind(CellBank):
        if bank.derived_from is None:
            continue
        parent = dossier.get(bank.derived_from, CellBank)
        if parent is None:  # a wrong or unknown reference is DOS201/DOS202
            continue
        allowed = ALLOWED_PARENTS[bank.type]
        if parent.type in allowed and parent.id != bank.id:
            continue
        found.append(
            diagnostic(
                "DOS220",
                f"a {bank.type} cannot be derived from a {parent.type} ('{parent.id}')",
                dossier.locate(bank.id, ("derived_from",)),
                hint="a "
                + bank.type
                + " derives from "
                + (" or ".join(sorted(allowed)) if allowed else "no other bank (omit it)"),
            )
        )
    return found


def _cell_culture_banks(dossier: Dossier) -> list[CellBank]:
    """Production banks of mammalian or insect cells: their products can carry viruses."""
    return [
        bank
        for bank in dossier.of_kind(CellBank)
        if bank.origin in CELL_CULTURE_ORIGINS
        and bank.type in ("master-cell-bank", "working-cell-bank", "producer-cell-line")
    ]


def check_viral_clearance_evaluated(dossier: Dossier) -> list[Diagnostic]:
    """ICH Q5A(R2): a product expressed in mammalian or insect cells needs clearance studies.

    Not expected where the product is the cells themselves or an enveloped viral vector,
    which no inactivation or removal step could spare.
    """
    manifest = dossier.manifest
    if manifest is None or manifest.modality in CELL_THERAPIES:
        return []
    if manifest.viral_vector in ENVELOPED_VECTORS:
        return []
    banks = _cell_culture_banks(dossier)
    if not banks or any(True for _ in dossier.of_kind(ViralClearanceStudy)):
        return []
    bank = banks[0]
    return [
        diagnostic(
            "DOS330",
            f"the product is made in {bank.origin} cells ('{bank.id}') but the dossier has "
            "no viral clearance study",
            dossier.locate(bank.id, ("origin",)),
            hint="add ViralClearanceStudy facts (per step and model virus) for 3.2.A.2",
        )
    ]


def check_clearance_steps(dossier: Dossier) -> list[Diagnostic]:
    """ICH Q5A(R2): clearance should not rest on a single step for any model virus."""
    studies = list(dossier.of_kind(ViralClearanceStudy))
    found = []
    for reduction in overall_reductions(studies):
        if reduction.counted_steps >= 2:
            continue
        first = reduction.steps[0]
        index = first.study.results.index(first.result)
        found.append(
            diagnostic(
                "DOS331",
                f"the overall reduction of '{reduction.virus}' rests on "
                f"{reduction.counted_steps} counted step(s) ({reduction})",
                dossier.locate(first.study.id, ("results", index, "virus")),
                hint="add clearance data for a second step of a different mechanism, or "
                "justify counting a step of 1 log10 or less (`justification_to_count`)",
            )
        )
    return found
