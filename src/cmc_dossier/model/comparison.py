"""Whether one acceptance criterion or range is stricter or looser than another.

Used by change control (a new criterion against the old one) and by the checks (a drug
substance limit against the drug product limit for the same attribute).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from cmc_dossier.model.criteria import ParsedCriterion

Direction = Literal["tightened", "widened", "shifted", "extended", "reduced"]


def criterion_direction(
    before: ParsedCriterion | None, after: ParsedCriterion | None
) -> Direction | None:
    if before is None or after is None:
        return None
    if after.qualitative == "report" and before.form != "qualitative":
        return "widened"
    if before.qualitative == "report" and after.qualitative != "report":
        return "tightened"
    if before.form == "limit" and after.form == "limit" and before.unit == after.unit:
        lower = {">=", ">"}
        if (before.comparator in lower) != (after.comparator in lower):
            return "shifted"
        if before.value == after.value:
            return (
                "tightened"
                if len(after.comparator or "") < len(before.comparator or "")
                else "widened"
            )
        looser = (
            after.value < before.value if before.comparator in lower else after.value > before.value
        )
        return "widened" if looser else "tightened"
    if before.form == "range" and after.form == "range" and before.unit == after.unit:
        return span_direction(before.low, before.high, after.low, after.high)
    return "shifted"


Bound = Decimal | None


def span_direction(old_low: Bound, old_high: Bound, new_low: Bound, new_high: Bound) -> Direction:
    def within(low: Bound, high: Bound, outer_low: Bound, outer_high: Bound) -> bool:
        low_ok = outer_low is None or (low is not None and low >= outer_low)
        high_ok = outer_high is None or (high is not None and high <= outer_high)
        return low_ok and high_ok

    if within(new_low, new_high, old_low, old_high):
        return "tightened"
    if within(old_low, old_high, new_low, new_high):
        return "widened"
    return "shifted"
