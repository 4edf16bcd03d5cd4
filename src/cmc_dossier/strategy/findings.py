"""All strategy findings of a validated dossier, with the team's waivers applied.

Findings are diagnostics (code, place, hint with basis) like every other check; they run
after validation, on a dossier without errors, and are reported by `dossier validate`,
the review site and the pull-request comment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cmc_dossier.diagnostics import Diagnostic, sort_key
from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.strategy import Waiver
from cmc_dossier.strategy import overspec, retains, traceability
from cmc_dossier.strategy.finding import Finding
from cmc_dossier.strategy.readiness import Assessment, assess
from cmc_dossier.strategy.roadmap import roadmap_findings


def as_finding(dossier: Dossier, found: Assessment) -> Finding:
    rule = found.rule
    return Finding(
        found.subject,
        diagnostic(
            found.code,
            f"{found.subject}: {found.detail} ({rule.title}; {', '.join(found.sections)})",
            dossier.locate(found.subject, found.path),
            hint=f"plan a {rule.activity.replace('-', ' ')} activity; basis: {rule.cited}",
        ),
    )


def readiness_findings(dossier: Dossier) -> list[Finding]:
    """Unmet readiness rules at the dossier's own phase."""
    return [as_finding(dossier, found) for found in assess(dossier) if found.met is False]


Finder = Callable[[Dossier], list[Finding]]
FINDERS: tuple[Finder, ...] = (
    readiness_findings,
    overspec.check_text,
    overspec.check_ranges,
    traceability.check_traceability,
    retains.check_retains,
)


@dataclass(frozen=True)
class Findings:
    active: list[Diagnostic]
    waived: list[tuple[Finding, Waiver]]


def strategy_findings(dossier: Dossier, as_of: date | None = None) -> Findings:
    """Every finding not waived, plus waivers that no longer match any finding; the roadmap
    judges overdue dates as of `as_of` (today by default)."""
    if dossier.manifest is None:
        return Findings([], [])
    waivers = {(w.code, w.fact): w for w in dossier.of_kind(Waiver)}
    active, waived, used = [], [], set()
    everything = [found for finder in FINDERS for found in finder(dossier)]
    for found in [*everything, *roadmap_findings(dossier, as_of)]:
        key = (found.diagnostic.code, found.subject)
        if key in waivers:
            waived.append((found, waivers[key]))
            used.add(key)
        else:
            active.append(found.diagnostic)
    for key, waiver in waivers.items():
        if key not in used:
            active.append(
                diagnostic(
                    "DOS740",
                    f"{waiver.id}: waiver of {waiver.code} on '{waiver.fact}' silences nothing",
                    dossier.locate(waiver.id, ("code",)),
                    hint="the finding is gone (or never applied to that fact); remove the "
                    "waiver so it cannot hide a future finding unseen",
                )
            )
    return Findings(sorted(active, key=sort_key), waived)
