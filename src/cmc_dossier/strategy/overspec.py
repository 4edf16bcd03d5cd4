"""Over-specification: product-level text and ranges that commit the product to one site.

A filed process description is what every later site, scale and supplier change is
measured against. Makes, models, room numbers and local procedure numbers in it, ranges
filed no wider than they were run, and non-critical parameters declared as established
conditions all turn routine changes into variations. Each warning says what to write
instead and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path

from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.loader import SourceFile, load_source
from cmc_dossier.model.base import FactBase
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import (
    HoldTime,
    InProcessControl,
    ManufacturingProcess,
    ProcessParameter,
    UnitOperation,
)
from cmc_dossier.model.product import Narrative, Organization, Site
from cmc_dossier.model.walk import Path as FieldPath
from cmc_dossier.model.walk import prose
from cmc_dossier.strategy.finding import Finding

VENDORS_FILE = "equipment-vendors.yaml"
# Sections whose prose describes the product's process rather than a site.
PROCESS_SECTIONS = frozenset(
    {"3.2.S.2.2", "3.2.S.2.4", "3.2.S.2.6", "3.2.P.3.3", "3.2.P.3.4", "3.2.P.2.3"}
)
_PROCESS_KINDS = (ManufacturingProcess, UnitOperation, ProcessParameter, InProcessControl, HoldTime)

_MARK = re.compile(r"[®™]")
_MODEL = re.compile(
    r"\b(?:model|cat(?:alogue|alog)?\.?\s*(?:no\.?|number)|part\s*(?:no\.?|number)|P/N|REF)"
    r"\s*[:#]?\s*(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{2,}\b",
    re.IGNORECASE,
)
_SITE_DETAIL = re.compile(
    r"\b(?:room|suite|clean\s?room|corridor|bay|grade\s+[A-D]\s+room)\s+(?=[\w.-]*\d)[A-Z0-9][\w.-]*"
    r"|\bSOP[-\s]?(?=[\w-]*\d)[A-Z0-9][\w-]*"
    r"|\b(?:equipment|asset|instrument)\s+(?:ID|no\.?|number)\s*[:#]?\s*\S+",
    re.IGNORECASE,
)


@cache
def _shipped_vendors() -> tuple[str, ...]:
    path = Path(str(files("cmc_dossier") / "data" / VENDORS_FILE))
    return tuple(_read_vendors(path))


def _read_vendors(path: Path) -> list[str]:
    documents, problems = load_source(SourceFile(path, path.read_text(encoding="utf-8")))
    if problems or not documents:
        raise ValueError(f"{path}: {problems[0].message if problems else 'empty'}")
    return [str(name) for name in documents[0].data["vendors"]]


def vendor_pattern(extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    names = sorted({*_shipped_vendors(), *extra}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def _texts(fact: FactBase) -> Iterator[tuple[FieldPath, str]]:
    """Product-level text of a fact: its prose, plus equipment entries and titles."""
    if isinstance(fact, Narrative):
        if fact.section in PROCESS_SECTIONS:
            yield from prose(fact)
        return
    if not isinstance(fact, _PROCESS_KINDS):
        return
    yield from prose(fact)
    if isinstance(fact, UnitOperation):
        for index, entry in enumerate(fact.equipment):
            yield ("equipment", index), entry
    if isinstance(fact, ProcessParameter | UnitOperation | ManufacturingProcess):
        yield ("title",), fact.title


def _site_names(dossier: Dossier) -> re.Pattern[str] | None:
    """Site names, and the names of the CDMOs and CTOs that run them, as whole phrases."""
    names = {site.name for site in dossier.of_kind(Site)}
    names |= {o.name for o in dossier.of_kind(Organization) if o.role in {"cdmo", "cto"}}
    if not names:
        return None
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in ordered) + r")(?![\w-])")


def check_text(dossier: Dossier, extra_vendors: tuple[str, ...] = ()) -> list[Finding]:
    vendors = vendor_pattern(extra_vendors)
    sites = _site_names(dossier)
    found = []
    for fact in dossier.facts:
        origin = dossier.origins.get(fact.id)
        for path, text in _texts(fact):
            hits: list[tuple[str, re.Match[str]]] = []
            hits += [("DOS710", m) for m in vendors.finditer(text)]
            hits += [("DOS710", m) for m in _MARK.finditer(text)]
            hits += [("DOS710", m) for m in _MODEL.finditer(text)]
            hits += [("DOS711", m) for m in _SITE_DETAIL.finditer(text)]
            if sites is not None:
                hits += [("DOS715", m) for m in sites.finditer(text)]
            seen: set[str] = set()
            for code, match in sorted(hits, key=lambda hit: hit[1].start()):
                if code in seen:
                    continue  # one warning per code and text is enough to act on
                seen.add(code)
                where = origin.locate_in_text(path, text, match.start()) if origin else None
                message = _MESSAGES[code](fact.id, match.group())
                found.append(Finding(fact.id, diagnostic(code, message, where, _HINTS[code])))
    return found


_MESSAGES = {
    "DOS710": lambda fact, text: (
        f"{fact}: product-level text names equipment make or model '{text}'"
    ),
    "DOS711": lambda fact, text: f"{fact}: product-level text holds site-specific detail '{text}'",
    "DOS715": lambda fact, text: (
        f"{fact}: the process description names the site or company '{text}'"
    ),
}
_HINTS = {
    "DOS710": "describe the equipment by class and operating principle (e.g. 'closed automated "
    "cell-processing system', 'gas-permeable static culture vessel') and keep the make and "
    "model in a SiteSpecifics fact of the site; a named model makes every equipment change or "
    "second site a change to the filed process (comparability, site transfer, variations)",
    "DOS711": "rooms, local SOP numbers and equipment IDs belong to the site (SiteSpecifics, "
    "3.2.A.1); in the product description they go stale with every room move or SOP revision "
    "and must be amended in the filing",
    "DOS715": "describe the process independently of the site that runs it today (sites are "
    "listed in S.2.1/P.3.1); a site-bound description must be rewritten for a second site or "
    "a transfer to another CDMO",
}


def check_ranges(dossier: Dossier) -> list[Finding]:
    found = []
    for parameter in dossier.of_kind(ProcessParameter):
        normal, proven = parameter.normal_operating_range, parameter.proven_acceptable_range
        if normal and proven and normal == proven:
            found.append(
                Finding(
                    parameter.id,
                    diagnostic(
                        "DOS712",
                        f"{parameter.id}: normal operating range {normal} equals the proven "
                        f"acceptable range",
                        dossier.locate(parameter.id, ("proven_acceptable_range",)),
                        hint="file the PAR that development or characterisation has shown "
                        "acceptable, wider than the NOR run routinely; a PAR equal to the NOR "
                        "leaves no room for an excursion without a deviation and makes any "
                        "later widening a variation (ICH Q8(R2) glossary: PAR) [S]",
                    ),
                )
            )
        if (
            parameter.criticality == "non-critical"
            and parameter.target is not None
            and normal is None
            and proven is None
        ):
            found.append(
                Finding(
                    parameter.id,
                    diagnostic(
                        "DOS713",
                        f"{parameter.id}: non-critical parameter filed as a target "
                        f"({parameter.target}) with no range",
                        dossier.locate(parameter.id, ("target",)),
                        hint="give the range the process runs within (normal operating range); a "
                        "bare set point reads as the only acceptable value, so ordinary variation "
                        "becomes a departure from the filed process",
                    ),
                )
            )
        if parameter.criticality == "non-critical" and parameter.established_condition:
            found.append(
                Finding(
                    parameter.id,
                    diagnostic(
                        "DOS714",
                        f"{parameter.id}: non-critical parameter declared an established condition",
                        dossier.locate(parameter.id, ("established_condition",)),
                        hint="ICH Q12 (section 3.2.3.1) expects established conditions for "
                        "parameters with a potential impact on quality; a non-critical one "
                        "declared an EC needs a submission for every change; keep it as supportive "
                        "information [S]",
                    ),
                )
            )
    return found
