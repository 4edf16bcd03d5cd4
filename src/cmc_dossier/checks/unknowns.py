"""Explicit unknowns, weighed against the product's phase.

Every `to-be-provided` is reported: for information while its `when` lies ahead, as a warning
once it is due (`when` at or before the manifest's phase). Some values are expected at a
given phase whatever `when` says; the rules table below names them, each with its basis, and
there a `not-applicable` counts as missing too. A `not-applicable` elsewhere is the team's
reasoned statement and is listed on the review site's gaps page, not reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cmc_dossier.diagnostics import Diagnostic, Severity
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.base import FactBase
from cmc_dossier.model.control import Specification
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.product import CQA
from cmc_dossier.model.unknowns import ToBeProvided, Unknown
from cmc_dossier.model.vocabulary import PHASE_ORDER, SAFETY_ATTRIBUTES
from cmc_dossier.model.walk import Path

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
_RANK = {_I: 0, _W: 1, _E: 2}
_CODE = {_E: "DOS310", _W: "DOS311", _I: "DOS312"}


@dataclass(frozen=True, slots=True)
class UnknownRule:
    """From each phase named in `from_phase` on, an unknown `field` of `kind` is this severe."""

    kind: str
    field: str  # YAML keys from the fact down, list positions left out
    from_phase: tuple[tuple[str, Severity], ...]
    basis: str
    scope: str | None = None  # a named selection of the facts of `kind` (see _SCOPES)

    def severity(self, phase: str) -> Severity | None:
        found = None
        for start, severity in self.from_phase:
            if PHASE_ORDER.index(phase) >= PHASE_ORDER.index(start):
                found = severity
        return found


RULES: tuple[UnknownRule, ...] = (
    UnknownRule(
        "AnalyticalMethod",
        "status",
        (("1", _E),),
        "safety tests must be fit for use before first-in-human: 21 CFR 610.12 (sterility), "
        "610.30 (mycoplasma); EMA/CAT/852602/2018 (investigational ATMPs), section on the "
        "validation of analytical procedures [U: check the guideline's wording]",
        scope="safety-test-method",
    ),
    UnknownRule(
        "ManufacturingProcess",
        "validation",
        (("1", _I), ("3", _W), ("marketed", _E)),
        "process performance qualification precedes commercial distribution (FDA Process "
        "Validation: General Principles and Practices, 2011); an IND gives phase-appropriate "
        "CMC information (21 CFR 312.23(a)(7)(i)) [S]",
    ),
    UnknownRule(
        "Site",
        "address",
        (("1", _W),),
        "an IND names the manufacturer and its address (21 CFR 312.23(a)(7)(iv)(a)); the IMPD "
        "names each site in S.2.1 and P.3.1 [S]",
    ),
    UnknownRule(
        "Specification",
        "tests.acceptance_criterion",
        (("1", _W),),
        "an IND states the acceptable limits of drug substance and drug product "
        "(21 CFR 312.23(a)(7)(iv)(a), (b)); early phase may state 'report result' [S]",
    ),
)


def _safety_test_methods(dossier: Dossier) -> set[str]:
    """Methods of specification tests of sterility, mycoplasma, endotoxin, adventitious agents."""
    methods = set()
    for specification in dossier.of_kind(Specification):
        for test in specification.tests:
            cqa = dossier.get(test.attribute, CQA)
            if cqa is not None and cqa.attribute_type in SAFETY_ATTRIBUTES:
                methods.add(test.method)
    return methods


_SCOPES: dict[str, Callable[[Dossier], set[str]]] = {
    "safety-test-method": _safety_test_methods,
}


def _field(path: Path) -> str:
    return ".".join(part for part in path if isinstance(part, str))


def _due(unknown: Unknown, phase: str) -> bool:
    expected = unknown.expected_phase if isinstance(unknown, ToBeProvided) else None
    return expected is not None and PHASE_ORDER.index(expected) <= PHASE_ORDER.index(phase)


def _severity(
    fact: FactBase, path: Path, unknown: Unknown, phase: str, scopes: dict[str, set[str]]
) -> tuple[Severity | None, str | None]:
    """The severity of one unknown and the basis of the rule that set it, if any."""
    severity = None if not isinstance(unknown, ToBeProvided) else _W if _due(unknown, phase) else _I
    basis = None
    field = _field(path)
    for rule in RULES:
        if rule.kind != fact.kind or rule.field != field:
            continue
        if rule.scope is not None and fact.id not in scopes[rule.scope]:
            continue
        ruled = rule.severity(phase)
        if ruled is not None and (severity is None or _RANK[ruled] > _RANK[severity]):
            severity, basis = ruled, rule.basis
    return severity, basis


def _absent(dossier: Dossier, phase: str, scopes: dict[str, set[str]]) -> list[Diagnostic]:
    """A value a rule expects that is left out altogether is as unknown as a stated unknown."""
    found = []
    for rule in RULES:
        severity = rule.severity(phase)
        if "." in rule.field or severity is None:
            continue
        for fact in dossier.facts:
            if fact.kind != rule.kind or getattr(fact, rule.field, "") is not None:
                continue
            if rule.scope is not None and fact.id not in scopes[rule.scope]:
                continue
            found.append(
                diagnostic(
                    _CODE[severity],
                    f"{fact.kind} '{fact.id}': `{rule.field}` is not given; the dossier is at "
                    f"Phase {phase}",
                    dossier.locate(fact.id, ("id",)),
                    hint=f"state it, or write `{rule.field}: {{to-be-provided: <phase or "
                    f"date>}}`; basis: {rule.basis}",
                )
            )
    return found


def check_unknowns(dossier: Dossier) -> list[Diagnostic]:
    manifest = dossier.manifest
    if manifest is None:
        return []
    scopes = {name: select(dossier) for name, select in _SCOPES.items()}
    found = _absent(dossier, manifest.phase, scopes)
    for fact, path, unknown in dossier.unknowns():
        severity, basis = _severity(fact, path, unknown, manifest.phase, scopes)
        if severity is None:
            continue
        due = "due at this phase" if severity is not _I else "expected later"
        found.append(
            diagnostic(
                _CODE[severity],
                f"{fact.kind} '{fact.id}': `{_field(path)}` is not stated ({unknown}); "
                f"the dossier is at Phase {manifest.phase}, {due}",
                dossier.locate(fact.id, path),
                hint=f"basis: {basis}" if basis else None,
            )
        )
    return found
