"""Whether a reported result lies outside its acceptance criterion, from the parsed criterion.

Only clear cases are judged: a numeric result in the criterion's own unit (also "< 0.10"
style results, read as the interval they state) against a limit or range, and a
qualitative result that says the opposite of a qualitative criterion. Anything else is
not judged (None), never guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from cmc_dossier.model.criteria import ParsedCriterion

# A result written as a plain number and its unit ("< 0.10 EU/mL", "90 %").
PLAIN_RESULT = re.compile(
    r"^\s*(?P<cmp>≤|≥|<=|>=|<|>)?\s*(?P<value>[-+]?(?:\d+(?:\.\d+)?|\.\d+))\s*(?P<unit>.*?)\s*$"
)
_CONTRARY = {
    "conforms": r"^(does\s+not\s+conform|not\s+conform|non-?conform|fails?)\b",
    "not-detected": r"^(detected|positive|present)\b",
    "negative": r"^(positive|detected)\b",
    "absent": r"^(present|detected)\b",
    "no-growth": r"^(growth|positive|not\s+sterile)\b",
}
_INFINITY = Decimal("Infinity")


def decimals(value: Decimal | None) -> int:
    """Digits after the decimal point as written (Decimal keeps them)."""
    if value is None:
        return 0
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _unit(text: str | None) -> str:
    return " ".join((text or "").split())


def _interval(parsed: ParsedCriterion) -> tuple[Decimal, Decimal, bool, bool] | None:
    """low, high, and whether each end is excluded."""
    if parsed.form == "range" and parsed.low is not None and parsed.high is not None:
        return parsed.low, parsed.high, False, False
    if parsed.form != "limit" or parsed.value is None:
        return None
    return {
        ">=": (parsed.value, _INFINITY, False, False),
        ">": (parsed.value, _INFINITY, True, False),
        "<=": (-_INFINITY, parsed.value, False, False),
        "<": (-_INFINITY, parsed.value, False, True),
        "=": (parsed.value, parsed.value, False, False),
    }[parsed.comparator or "="]


def outside(criterion: ParsedCriterion | None, result: str) -> bool | None:
    """True when the result cannot meet the criterion; False or None (not judged) otherwise."""
    if criterion is None:
        return None
    if criterion.form == "qualitative":
        contrary = _CONTRARY.get(criterion.qualitative or "")
        if contrary is None:
            return None
        return bool(re.match(contrary, result.strip(), re.IGNORECASE)) or None
    bounds = _interval(criterion)
    match = PLAIN_RESULT.match(result)
    if bounds is None or match is None or _unit(match.group("unit")) != _unit(criterion.unit):
        return None
    low, high, low_open, high_open = bounds
    value = Decimal(match.group("value"))
    comparator = match.group("cmp")
    if comparator in ("<", "≤", "<="):  # anything up to the value: outside only above the range
        return value < low or (value == low and (low_open or comparator == "<"))
    if comparator in (">", "≥", ">="):
        return value > high or (value == high and (high_open or comparator == ">"))
    below = value < low or (value == low and low_open)
    above = value > high or (value == high and high_open)
    return below or above
