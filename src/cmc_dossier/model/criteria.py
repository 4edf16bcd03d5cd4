"""Acceptance criteria: the text as typed, plus a structured reading where one is certain.

The structured form (comparator, decimal value, unit, a range, or several such parts) lets
change control say whether a new criterion tightens or widens the old one. The text is what
is filed and is never rebuilt from the structured form. Where a reading is not certain the
criterion stays free text (None): a staged dissolution (Q) or content-uniformity (L1/L2)
acceptance, a relative tolerance, a second comparator that is not a separate part. A comma
that may be a decimal comma is never read at all: `decimal_commas` names it for a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal, DecimalException, Inexact, localcontext
from functools import lru_cache
from typing import Literal

Comparator = Literal[">=", "<=", ">", "<", "="]
Qualitative = Literal["conforms", "not-detected", "negative", "absent", "no-growth", "report"]
Form = Literal["limit", "range", "qualitative", "multi-part"]

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_GROUP = "[ \u00a0\u2009\u202f]"  # space, no-break space, thin space, narrow no-break space
_MANTISSA = rf"[-+−]?(?:\d{{1,3}}(?:(?:,|{_GROUP})\d{{3}})+(?!\d)|\d+)(?:\.\d+)?"
_POWER = r"(?:\s*[x×·]\s*10\s*(?:\^\s*[-+−]?\d+|[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|[eE][-+]?\d+)"
_BARE_POWER = r"10\s*(?:\^\s*[-+−]?\d+|[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"  # "≥ 10^6 cells": mantissa 1
_NUMBER = rf"(?:{_BARE_POWER}|{_MANTISSA}{_POWER}?)"

_COMPARATORS: dict[str, Comparator] = {
    "≥": ">=", ">=": ">=", "=>": ">=", "nlt": ">=", "not less than": ">=", "at least": ">=",
    "≤": "<=", "<=": "<=", "=<": "<=", "nmt": "<=", "not more than": "<=", "at most": "<=",
    "less than": "<", "more than": ">", "greater than": ">",
    ">": ">", "<": "<", "=": "=",
}  # fmt: skip
_COMPARATOR = "|".join(re.escape(word) for word in sorted(_COMPARATORS, key=len, reverse=True))
_UNIT = r"(?P<unit>.*?)"
# An optional label before the limit ("HMW: ≤ 3.0 %", "D90 NMT 50 µm"); never a stage or Q.
_LABEL = r"(?:(?P<label>[A-Za-z][\w.+/ -]{0,40}?)\s*:?\s+)??"
_LIMIT = re.compile(
    rf"^{_LABEL}(?P<cmp>{_COMPARATOR})\s*(?P<value>{_NUMBER})\s*{_UNIT}$", re.IGNORECASE
)
_RANGE = re.compile(
    rf"^(?:pH\s+)?(?P<between>between\s+)?(?P<low>{_NUMBER})\s*(?P<unit1>[^\d\s–—-][^–—]*?)?\s*"
    rf"(?:–|—|(?<![eE^])-|\bto\b|(?(between)\band\b|(?!)))\s*(?P<high>{_NUMBER})\s*{_UNIT}$",
    re.IGNORECASE,
)
_PLUS_MINUS = re.compile(
    rf"^(?:pH\s+)?(?P<open>\()?\s*(?P<nominal>{_NUMBER})\s*(?P<unit1>[^\d\s±(+][^±]*?)?\s*"
    rf"(?:±|\+/[-−])\s*(?P<tolerance>{_NUMBER})\s*(?(open)\)(?P<power>{_POWER})?)\s*{_UNIT}$",
    re.IGNORECASE,
)
# A reported result: one number with its unit, optionally labelled ("D90 61 µm") or below a
# limit of quantitation ("< 0.05 %").
_RESULT = re.compile(rf"^{_LABEL}(?P<cmp>[<≤])?\s*(?P<value>{_NUMBER})\s*{_UNIT}$", re.IGNORECASE)
_PH = re.compile(r"^\s*pH\b", re.IGNORECASE)
# Text that may follow a number as its unit although it holds a number or a comparator:
# "CFU/10 mL", "per 10^6 cells", a particle size class "≥ 10 µm", a chapter "<85>".
_UNIT_TOKENS = re.compile(
    rf"/\s*\d+(?:\.\d+)?\s*(?=[^\W\d])|\bper\s+\d+\s*(?=[^\W\d])|{_BARE_POWER}"
    r"|(?:≥|>=|>)\s*\d+\s*µm|<\d+>",
    re.IGNORECASE,
)
# What makes a unit text a second condition: a staged (Q, L1/S2/A1) acceptance, a comparator,
# a conjunction, a tolerance, a time or a temperature; or a number outside brackets that is
# no part of a name (CD3, A280, TCID50 and log10 are names), such as a ratio.
_CONDITION = re.compile(
    rf"\(Q\)|\bQ\b|\b[LSAB][1-3]\b|±|\+/[-−]|;|\b(?:and|or|dissolved)\b|{_COMPARATOR}"
    r"|\d\s*(?:s|sec|min(?:ute)?s?|h|hours?|days?|weeks?|months?|°C)\b",
    re.IGNORECASE,
)
_STRAY_NUMBER = re.compile(r"(?<!\w)\d")
_BRACKETED = re.compile(r"\([^()]*\)")
_SEPARATORS = re.compile(r"\s*(?:;|\n|,\s|\band\b)\s*", re.IGNORECASE)
_QUALITATIVE: tuple[tuple[re.Pattern[str], Qualitative], ...] = (
    (re.compile(r"^(conforms?|complies|meets|corresponds)\b", re.IGNORECASE), "conforms"),
    (re.compile(r"^not\s+detected\b|^none\s+detected\b|^nd$", re.IGNORECASE), "not-detected"),
    (re.compile(r"^negative\b", re.IGNORECASE), "negative"),
    (re.compile(r"^absen(t|ce)\b", re.IGNORECASE), "absent"),
    (re.compile(r"^no\s+growth\b|^sterile$", re.IGNORECASE), "no-growth"),
    (re.compile(r"^report(ed)?(\s+(result|value)s?)?\b|^for\s+information\b", re.IGNORECASE),
     "report"),
)  # fmt: skip
_DECIMAL_COMMA = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*,\d+(?:[.,]\d+)*(?![\d,]|-[^\W\d])")
_EXACT = Context(prec=60, traps=[Inexact])
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_SUPERSCRIPT_POWER = re.compile(r"10([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_SPACE_OR_COMMA = re.compile(r"\s|,")
_TIMES_POWER = re.compile(r"(?:([-+]?[\d.]+)[x×·])?10\^([-+]?\d+)")
_NEGATION = re.compile(r"(?i).*\b(?:not|no)")
_PLAIN_DECIMAL = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True, slots=True)
class ParsedCriterion:
    """A structured reading of a criterion; values are exact decimals (strings in JSON).

    A range written `X ± Y` holds its computed low and high, and keeps `nominal` and
    `tolerance` as typed: their presence says it was written with ±. A multi-part
    criterion (`NLT 80 % and NMT 120 %`) holds its parts, each read on its own.
    """

    form: Form
    comparator: Comparator | None = None
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str | None = None
    qualitative: Qualitative | None = None
    nominal: Decimal | None = None
    tolerance: Decimal | None = None
    label: str | None = None
    parts: tuple[ParsedCriterion, ...] = ()


def decimal_commas(text: str) -> list[tuple[int, str]]:
    """Numbers whose comma may be a decimal comma (`0,5`, `1,25`), with their offsets.

    A comma is read as a thousands separator only in groups of three after a leading group
    that does not start with 0 (`6,000`, `12,500.5`); anything else is ambiguous.
    """
    if "," not in text:  # most texts: nothing to look for
        return []
    return [
        (match.start(), match.group())
        for match in _DECIMAL_COMMA.finditer(text)
        if not _THOUSANDS.fullmatch(match.group())
    ]


def _decimal(text: str) -> Decimal:
    if _PLAIN_DECIMAL.fullmatch(text):  # most numbers: no power, group or minus sign to read
        return Decimal(text)
    exponent = _SUPERSCRIPT_POWER.sub(r"10^\1", text).translate(_SUPERSCRIPTS)
    compact = _SPACE_OR_COMMA.sub("", exponent).replace("−", "-")
    power = _TIMES_POWER.fullmatch(compact)
    if power:
        return Decimal(f"{power.group(1) or '1'}E{power.group(2)}")
    return Decimal(compact)


def _unit(text: str | None) -> str | None:
    """The unit text, or None when it is empty; raises ValueError when it is no unit."""
    unit = (text or "").strip()
    rest = _UNIT_TOKENS.sub("", unit)
    if _CONDITION.search(rest) or _STRAY_NUMBER.search(_BRACKETED.sub("", rest)):
        raise ValueError(unit)
    return unit or None


def _label(text: str | None) -> str | None:
    label = (text or "").strip()
    if _NEGATION.fullmatch(label) or _CONDITION.search(label):
        raise ValueError(label)
    return label or None


def _same_unit(first: str | None, second: str | None) -> str | None:
    """One unit for both ends of a range; a different unit at each end is not read."""
    if first and second and not second.startswith(first):
        raise ValueError(f"{first} / {second}")
    return second or first


def _quantitative(text: str) -> ParsedCriterion | None:
    try:
        return _limit(text) or _plus_minus(text) or _range(text)
    except (ValueError, DecimalException):
        return None


def _limit(text: str) -> ParsedCriterion | None:
    match = _LIMIT.match(text)
    if not match:
        return None
    return ParsedCriterion(
        form="limit",
        comparator=_COMPARATORS[match.group("cmp").lower()],
        value=_decimal(match.group("value")),
        unit=_unit(match.group("unit")),
        label=_label(match.group("label")),
    )


def _plus_minus(text: str) -> ParsedCriterion | None:
    """`20.0 ± 2.0 mg/mL`: exactly 18.0–22.0; a tolerance in another unit is relative, unread."""
    match = _PLUS_MINUS.match(text)
    if not match:
        return None
    nominal_text, tolerance_text = match.group("nominal"), match.group("tolerance")
    power = match.group("power")  # "(2.0 ± 0.4) × 10^13": the power applies to both
    if power:
        nominal_text, tolerance_text = nominal_text + power, tolerance_text + power
    if re.search(_POWER, tolerance_text) and not re.search(_POWER, nominal_text):
        return None  # "2.0 ± 0.4 × 10^13": whether the power applies to 2.0 is not written
    nominal, tolerance = _decimal(nominal_text), _decimal(tolerance_text)
    if tolerance < 0:
        return None
    with localcontext(_EXACT):  # an end that cannot be computed exactly raises: no reading
        low, high = nominal - tolerance, nominal + tolerance
    unit = _same_unit(_unit(match.group("unit1")), _unit(match.group("unit")))
    return ParsedCriterion(
        form="range",
        low=low,
        high=high,
        unit=unit or ("pH" if _PH.match(text) else None),
        nominal=nominal,
        tolerance=tolerance,
    )


def _range(text: str) -> ParsedCriterion | None:
    match = _RANGE.match(text)
    if not match:
        return None
    low_text, high_text = match.group("low"), match.group("high")
    power = re.search(_POWER, high_text)
    if power and not re.search(_POWER, low_text) and not re.fullmatch(_BARE_POWER, low_text):
        low_text += power.group()  # "1.6–2.4 × 10^13": both ends share the power of ten
    unit = _same_unit(_unit(match.group("unit1")), _unit(match.group("unit")))
    return ParsedCriterion(
        form="range",
        low=_decimal(low_text),
        high=_decimal(high_text),
        unit=unit or ("pH" if _PH.match(text) else None),
    )


def _qualitative(text: str) -> ParsedCriterion | None:
    for pattern, meaning in _QUALITATIVE:
        if pattern.search(text):
            return ParsedCriterion(form="qualitative", qualitative=meaning)
    return None


@lru_cache(maxsize=4096)
def parse_criterion(text: str) -> ParsedCriterion | None:
    """The structured form of an acceptance criterion, or None where it is free text.

    Cached: a pure function of the text, read again for every result judged against it
    (50,000 imported results are judged twice against a few dozen criteria)."""
    text = text.strip()
    if not text or decimal_commas(text):
        return None
    whole = _quantitative(text)
    if whole:
        return whole
    pieces = [piece for piece in _SEPARATORS.split(text) if piece]
    quantities = [_quantitative(piece) for piece in pieces]
    if len(pieces) > 1 and any(quantities):
        parts = [q or _qualitative(piece) for q, piece in zip(quantities, pieces, strict=True)]
        if all(parts):
            return ParsedCriterion(form="multi-part", parts=tuple(p for p in parts if p))
        return None
    return _qualitative(text)


@dataclass(frozen=True, slots=True)
class ReportedResult:
    """A single measured value as reported; `below` when reported as "< value" (a LOQ)."""

    value: Decimal
    unit: str | None
    label: str | None
    below: bool = False


@lru_cache(maxsize=16384)
def read_result(text: str) -> ReportedResult | None:
    """The value of a result written as one number and unit, or None (text, several values).

    Cached like `parse_criterion` (a pure function of the text; the result is frozen): the
    same results recur across batches and stability time points."""
    match = _RESULT.match(text.strip())
    if not match or decimal_commas(text):
        return None
    try:
        return ReportedResult(
            value=_decimal(match.group("value")),
            unit=_unit(match.group("unit")),
            label=_label(match.group("label")),
            below=match.group("cmp") is not None,
        )
    except (ValueError, DecimalException):
        return None
