"""Whether a prose change is editorial: it alters no number, unit, comparator, negation,
reference or named entity, and every changed word is a spelling or punctuation fix.

Three answers: editorial (with what changed), substantive (with the tokens that changed) or
undecidable (other words changed: the tool cannot tell whether the meaning did).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

_NUMBER = r"[-+]?\d+(?:[.,]\d+)*(?:\s?[×x]\s?10\^?-?\d+)?"
_UNITS = (
    r"%|°C|°F|K|mg|µg|ug|ng|pg|g|kg|mL|µL|uL|L|mM|µM|nM|M|mol|IU|U|EU|CFU|cfu|TU|vg|GC|cp|"
    r"copies|cells?|h|hours?|min|minutes?|s|days?|weeks?|months?|years?|ppm|rpm|bar|kPa|Pa|"
    r"mOsm/kg|mm|cm|µm|nm|MOI|log10|logs?"
)
_TOKEN = re.compile(
    rf"(?P<quantity>{_NUMBER}(?:\s?(?:{_UNITS})(?:/(?:{_UNITS}))?)?(?![\w]))"
    r"|(?P<comparator>[≤≥<>=±]|\bNMT\b|\bNLT\b|\bnot (?:more|less) than\b|\bat (?:least|most)\b"
    r"|\bmaximum\b|\bminimum\b|\bbelow\b|\babove\b|\bup to\b)"
    r"|(?P<negation>\b(?:not|no|none|never|without|neither|nor|cannot|absent|negative)\b)"
    r"|(?P<reference>\[\[[^\]]+\]\]|\b\d+(?:\.[A-Z0-9]+)+\b"
    r"|\b(?:ICH|Ph\.? ?Eur\.?|USP|CFR|EP)\b[^,;.)]*)"
    r"|(?P<entity>\b[A-Z][A-Za-z0-9]*(?:[-/][A-Za-z0-9]+)*\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
Verdict = Literal["editorial", "substantive", "undecidable"]


@dataclass(frozen=True)
class ProseJudgement:
    verdict: Verdict
    reason: str


def _significant(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    for match in _TOKEN.finditer(text):
        group = match.lastgroup or ""
        value = re.sub(r"\s+", " ", match.group(0)).strip()
        if group == "entity" and (not value[0].isupper() or _sentence_start(text, match.start())):
            continue
        if group in ("comparator", "negation"):  # a unit's case is meaning: mM, mm
            value = value.lower()
        found[f"{group}:{value}"] += 1
    return found


def _sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip(" \t*_>\"'(")
    return not before or before[-1] in ".!?:\n#-|"


def _spelling_only(old: str, new: str) -> bool:
    """Every changed word is a near neighbour of the word it replaced (a typo fix)."""
    a = [w.lower() for w in _WORD.findall(old)]
    b = [w.lower() for w in _WORD.findall(new)]
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag != "replace" or i2 - i1 != j2 - j1:
            return False
        for before, after in zip(a[i1:i2], b[j1:j2], strict=True):
            if SequenceMatcher(a=before, b=after).ratio() < 0.8:
                return False
    return True


def _letters_only(text: str) -> str:
    """Case, spacing and hyphens between letters removed ('Infra-red' -> 'infrared')."""
    return re.sub(r"\s+", " ", _JOINED.sub("", text)).strip().casefold()


_JOINED = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


def _quantities(text: str) -> list[str]:
    """Numbers with their units exactly as written: mM is not mm, Mg is not mg."""
    return [m.group(0) for m in _TOKEN.finditer(text) if m.lastgroup == "quantity"]


def judge(old: str, new: str) -> ProseJudgement:
    if _letters_only(old) == _letters_only(new) and _quantities(old) == _quantities(new):
        return ProseJudgement(
            "editorial",
            "editorial: only case, spacing or hyphenation changed; numbers and units as before",
        )
    before, after = _significant(old), _significant(new)
    if before != after:
        changed = sorted((before - after) + (after - before))
        shown = ", ".join(token.split(":", 1)[1] for token in changed[:5])
        kinds = sorted({token.split(":", 1)[0] for token in changed})
        return ProseJudgement("substantive", f"the text changes {', '.join(kinds)} ({shown})")
    if _spelling_only(old, new):
        return ProseJudgement(
            "editorial",
            "editorial: no number, unit, comparator, negation, reference or named entity "
            "changed; only spelling, punctuation, case or spacing",
        )
    return ProseJudgement(
        "undecidable",
        "wording changed without changing numbers, units, comparators, negations, references "
        "or names; the tool cannot judge whether the meaning changed, so the default category "
        "stands",
    )
