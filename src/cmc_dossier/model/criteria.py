"""Acceptance criteria: the text as typed, plus a structured reading where one exists.

The structured form (comparator, decimal value, unit, or a range) lets change control
say whether a new criterion tightens or widens the old one. The text is what is filed
and is never rebuilt from the structured form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Comparator = Literal[">=", "<=", ">", "<", "="]
Qualitative = Literal["conforms", "not-detected", "negative", "absent", "no-growth", "report"]

_NUMBER = r"[-+]?\d+(?:[.,]\d+)?(?:\s*[x×]\s*10\s*\^?\s*(?:[-+−]?\d+)|[eE][-+]?\d+)?"
_POWER = re.compile(r"\s*[x×]\s*10\s*\^?\s*[-+−]?\d+|[eE][-+]?\d+")
_PH = re.compile(r"^\s*pH\s+")
_COMPARATORS: dict[str, Comparator] = {
    "≥": ">=", ">=": ">=", "nlt": ">=", "not less than": ">=", "at least": ">=",
    "≤": "<=", "<=": "<=", "nmt": "<=", "not more than": "<=", "at most": "<=",
    ">": ">", "<": "<", "=": "=",
}  # fmt: skip
_COMPARATOR_PATTERN = "|".join(
    re.escape(word) for word in sorted(_COMPARATORS, key=len, reverse=True)
)
_LIMIT = re.compile(
    rf"^\s*(?P<cmp>{_COMPARATOR_PATTERN})\s*(?P<value>{_NUMBER})\s*(?P<unit>.*?)\s*$",
    re.IGNORECASE,
)
_RANGE = re.compile(
    rf"^\s*(?P<low>{_NUMBER})\s*(?P<unit1>[^\d\s–-][^–]*?)?\s*(?:–|-|to)\s*"
    rf"(?P<high>{_NUMBER})\s*(?P<unit>.*?)\s*$",
    re.IGNORECASE,
)
_QUALITATIVE: tuple[tuple[re.Pattern[str], Qualitative], ...] = (
    (re.compile(r"^(conforms?|complies)\b", re.IGNORECASE), "conforms"),
    (re.compile(r"^not\s+detected\b|^none\s+detected\b|^nd$", re.IGNORECASE), "not-detected"),
    (re.compile(r"^negative\b", re.IGNORECASE), "negative"),
    (re.compile(r"^absent\b", re.IGNORECASE), "absent"),
    (re.compile(r"^no\s+growth\b|^sterile$", re.IGNORECASE), "no-growth"),
    (re.compile(r"^report(ed)?\s+(result|value)s?\b|^for\s+information\b", re.IGNORECASE),
     "report"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ParsedCriterion:
    """A structured reading of a criterion; values are decimal strings as typed."""

    form: Literal["limit", "range", "qualitative"]
    comparator: Comparator | None = None
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str | None = None
    qualitative: Qualitative | None = None


def _decimal(text: str) -> Decimal:
    compact = re.sub(r"\s+", "", text).replace(",", ".").replace("−", "-")
    match = re.fullmatch(r"([-+]?[\d.]+)[x×]10\^?([-+]?\d+)", compact)
    if match:
        return Decimal(f"{match.group(1)}E{match.group(2)}")
    return Decimal(compact)


def parse_criterion(text: str) -> ParsedCriterion | None:
    """The structured form of an acceptance criterion, or None where it is free text."""
    limit = _LIMIT.match(text)
    if limit:
        return ParsedCriterion(
            form="limit",
            comparator=_COMPARATORS[limit.group("cmp").lower()],
            value=_decimal(limit.group("value")),
            unit=limit.group("unit") or None,
        )
    ph = _PH.match(text)
    span = _RANGE.match(text[ph.end() :] if ph else text)
    if span:
        unit = span.group("unit") or (span.group("unit1") or "").strip() or ("pH" if ph else None)
        low_text, high_text = span.group("low"), span.group("high")
        power = _POWER.search(high_text)
        if power and not _POWER.search(low_text):
            low_text += power.group()  # "1.6–2.4 × 10^13": both ends share the power of ten
        return ParsedCriterion(
            form="range", low=_decimal(low_text), high=_decimal(high_text), unit=unit
        )
    for pattern, meaning in _QUALITATIVE:
        if pattern.search(text.strip()):
            return ParsedCriterion(form="qualitative", qualitative=meaning)
    return None
