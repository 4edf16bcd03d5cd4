"""Whether one acceptance criterion or range is stricter or looser than another.

Used by change control (a new criterion against the old one) and by the checks (a drug
substance limit against the drug product limit for the same attribute; a reported result
against its own criterion).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from cmc_dossier.model.criteria import ParsedCriterion, ReportedResult

Direction = Literal["tightened", "widened", "shifted", "extended", "reduced"]


def criterion_direction(
    before: ParsedCriterion | None, after: ParsedCriterion | None
) -> Direction | None:
    if before is None or after is None or before == after:
        return None  # free text, or the same reading written another way: just "changed"
    if "multi-part" in (before.form, after.form) or before.label != after.label:
        return None  # parts are not weighed against each other: never guessed tighter or wider
    if after.qualitative == "report" and before.form != "qualitative":
        return "widened"
    if before.qualitative == "report" and after.qualitative != "report":
        return "tightened"
    if before.form == "limit" and after.form == "limit" and before.unit == after.unit:
        lower = {">=", ">"}
        equal = "=" in (before.comparator, after.comparator)
        if equal or (before.comparator in lower) != (after.comparator in lower):
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
        if (before.low, before.high) == (after.low, after.high) or _reversed(before, after):
            return None  # "20.0 ± 2.0" rewritten as "18.0–22.0"; or a range written high–low
        return span_direction(before.low, before.high, after.low, after.high)
    return "shifted"


def _reversed(*spans: ParsedCriterion) -> bool:
    return any(s.low is not None and s.high is not None and s.low > s.high for s in spans)


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


def same_unit(criterion: str | None, result: str | None) -> bool:
    """ "%" reads against "% of label claim"; anything else must be written alike."""
    if criterion == result:
        return True
    return bool(criterion and result and criterion.startswith(result + " "))


def meets(criterion: ParsedCriterion | None, result: ReportedResult | None) -> bool | None:
    """Whether a result meets a single limit or range; None where that cannot be read.

    Only single limits and ranges in the result's unit are judged (multi-part, qualitative
    and staged criteria are not); a result "< x" is judged only against an upper limit.
    """
    if criterion is None or result is None or criterion.form not in ("limit", "range"):
        return None
    if not same_unit(criterion.unit, result.unit):
        return None
    if criterion.label and result.label and criterion.label.lower() != result.label.lower():
        return None
    value = result.value
    if criterion.form == "range":
        assert criterion.low is not None and criterion.high is not None
        low, high = sorted((criterion.low, criterion.high))
        if result.below:
            return False if value <= low else None
        return low <= value <= high
    limit, comparator = criterion.value, criterion.comparator
    assert limit is not None
    if result.below:
        return True if comparator in ("<=", "<") and value <= limit else None
    return {
        ">=": value >= limit,
        ">": value > limit,
        "<=": value <= limit,
        "<": value < limit,
        "=": value == limit,
    }[comparator or "="]
