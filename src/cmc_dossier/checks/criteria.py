"""Acceptance criteria whose numbers cannot be read with certainty.

A criterion stays as typed; these warnings say why it was not given a structured reading
(so change control reports its changes as "changed", never as tighter or looser).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from pydantic import BaseModel

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.criteria import decimal_commas, parse_criterion
from cmc_dossier.model.dossier import Dossier, Entry

FIELD = "acceptance_criterion"


@cache
def _has_criterion(cls: type[BaseModel]) -> bool:
    return FIELD in cls.model_fields


def _criteria(dossier: Dossier) -> Iterator[tuple[str, Entry, str]]:
    """Each acceptance criterion (of a specification test, an in-process control...).

    Only kinds with the field are asked for it: a model without it answers `getattr` through
    a slow failed lookup, once per fact and item of the dossier."""
    for entry_id, entry in dossier.index.items():
        if _has_criterion(type(entry.value)):
            text = getattr(entry.value, FIELD)
            if isinstance(text, str):
                yield entry_id, entry, text


def check_criteria(dossier: Dossier) -> list[Diagnostic]:
    found = []
    for entry_id, entry, text in _criteria(dossier):
        origin = dossier.origins[entry.fact.id]
        for offset, number in decimal_commas(text):
            found.append(
                diagnostic(
                    "DOS130",
                    f"{entry_id}: '{number}' in criterion '{text}' may use a decimal comma",
                    origin.locate_in_text((*entry.path, FIELD), text, offset),
                    hint=f"write a decimal point ('{number.replace(',', '.')}' if that is "
                    "what is meant); a comma is read only as a thousands separator in groups "
                    "of three ('6,000')",
                )
            )
        parsed = parse_criterion(text)
        spans = parsed.parts if parsed and parsed.form == "multi-part" else (parsed,)
        for span in spans:
            if span and span.low is not None and span.high is not None and span.low > span.high:
                found.append(
                    diagnostic(
                        "DOS131",
                        f"{entry_id}: criterion '{text}' runs from {span.low} down to {span.high}",
                        dossier.locate(entry_id, (FIELD,)),
                        hint="write the lower end first ('low–high'); a reversed range is "
                        "filed as typed but cannot be compared with another criterion",
                    )
                )
    return found
