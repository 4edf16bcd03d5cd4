"""Cell substrates: the derivation chain of cell banks, seeds and plasmids (ICH Q5D)."""

from __future__ import annotations

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.cell_substrates import ALLOWED_PARENTS, CellBank
from cmc_dossier.model.dossier import Dossier


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
