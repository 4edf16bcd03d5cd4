"""The living CMC roadmap: planned activities joined with the readiness gaps, milestone by
milestone from the dossier's phase to the marketing application (BLA/MAA).

A gap is placed at the first milestone it blocks and matched to what closes it: a planned
activity of the rule's type on the fact (or the fact holding it), a method's lifecycle
reaching the expected status, or a process's validation plan. Three findings come out of
the join: an activity overdue (DOS741), a gap of the next milestone with no plan (DOS742),
an activity due after the milestone that needs it (DOS743).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cmc_dossier.diagnostics.codes import diagnostic
from cmc_dossier.model.control import AnalyticalMethod
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import ManufacturingProcess
from cmc_dossier.model.strategy import PlannedActivity, Waiver
from cmc_dossier.model.unknowns import known
from cmc_dossier.strategy.finding import Finding
from cmc_dossier.strategy.readiness import (
    STATUS_RANK,
    Assessment,
    assess,
    milestone_of,
    next_milestone,
)
from cmc_dossier.strategy.rules import (
    MILESTONE_PHASE,
    MILESTONE_TITLES,
    MILESTONES,
    PHASE_MILESTONE,
)

FINAL = MILESTONES[-1]


@dataclass(frozen=True)
class Gap:
    assessment: Assessment
    closed_by: str | None  # what plans to close it; None: nothing does
    late: PlannedActivity | None = None  # a matching activity due after this milestone


@dataclass(frozen=True)
class Stage:
    """One milestone of the roadmap: the activities due by it and the gaps it opens."""

    milestone: str
    activities: list[PlannedActivity]
    gaps: list[Gap]


@dataclass(frozen=True)
class Roadmap:
    current: str
    as_of: date
    stages: list[Stage]
    dated: list[PlannedActivity]  # due by a date only
    completed: list[PlannedActivity]
    findings: list[Finding]


def _index(milestone: str) -> int:
    return MILESTONES.index(milestone)


def _milestones(current: str) -> list[str]:
    """The current milestone, then each level change up to the marketing application."""
    found = [current]
    while (following := next_milestone(found[-1])) is not None:
        found.append(following)
    return found


def _owners(dossier: Dossier, subject: str) -> set[str]:
    """The fact itself and the fact holding it (a specification for one of its tests)."""
    entry = dossier.index[subject]
    return {subject, entry.fact.id}


def _planned_by_the_facts(dossier: Dossier, gap: Assessment, milestone: str) -> str | None:
    """A method lifecycle or a process validation plan that closes the gap in time."""
    value = dossier.index[gap.subject].value
    phase = MILESTONE_PHASE[milestone]
    if isinstance(value, AnalyticalMethod) and gap.rule.aspect == "method-status":
        planned = value.planned_status(phase)
        expected = gap.rule.expected(milestone)
        if planned is not None and STATUS_RANK[planned] >= STATUS_RANK[expected]:
            return f"method lifecycle: {planned} by {MILESTONE_TITLES[milestone]}"
        validation_by = known(value.validation_planned_at)
        by = PHASE_MILESTONE[validation_by] if validation_by else None
        if by is not None and _index(by) <= _index(milestone):
            return f"method validation planned by {MILESTONE_TITLES[by]}"
    if isinstance(value, ManufacturingProcess) and gap.rule.aspect == "process-validation":
        validation = known(value.validation)
        by = validation.planned_by_phase if validation else None
        if by is not None and _index(PHASE_MILESTONE[by]) <= _index(milestone):
            return f"process validation plan: next stage by {MILESTONE_TITLES[PHASE_MILESTONE[by]]}"
    return None


def roadmap(dossier: Dossier, as_of: date) -> Roadmap:
    """The roadmap from the dossier's phase to the marketing application, as of a date."""
    current = milestone_of(dossier)
    activities = sorted(
        dossier.of_kind(PlannedActivity),
        key=lambda a: (_index(a.target_phase) if a.target_phase else 99, a.target_date or "", a.id),
    )
    open_activities = [a for a in activities if a.status != "completed"]
    findings: list[Finding] = []
    for activity in open_activities:
        overdue_phase = activity.target_phase and _index(activity.target_phase) <= _index(current)
        target_date = activity.target_date  # a month means its end: compare at its precision
        overdue_date = target_date and as_of.isoformat()[: len(target_date)] > target_date
        if overdue_phase or overdue_date:
            due = (
                f"{MILESTONE_TITLES[activity.target_phase]}"
                if overdue_phase and activity.target_phase
                else f"{activity.target_date}"
            )
            findings.append(
                Finding(
                    activity.id,
                    diagnostic(
                        "DOS741",
                        f"{activity.id}: '{activity.title}' is {activity.status} but was due "
                        f"before {due} (the dossier is at {MILESTONE_TITLES[current]}, "
                        f"as of {as_of.isoformat()})",
                        dossier.locate(
                            activity.id, ("target_phase",) if overdue_phase else ("target_date",)
                        ),
                        hint="record the result (status: completed) or move the target to when "
                        "it will really be done, and say what that delays",
                    ),
                )
            )
    stages, seen = [], set()
    following = next_milestone(current)
    # a gap the team accepts at the current milestone (a waiver of its finding) needs no
    # activity before it: the waiver already says the milestone opens with it
    accepted = {(w.code, w.fact) for w in dossier.of_kind(Waiver)}
    for milestone in _milestones(current):
        gaps = []
        for found in assess(dossier, milestone):
            key = (found.rule.id, found.subject)
            if found.met is not False or key in seen:
                continue
            seen.add(key)
            late_ok = milestone == current and (found.code, found.subject) in accepted
            gaps.append(_match(dossier, found, milestone, activities, findings, following, late_ok))
        due = [a for a in open_activities if a.target_phase == milestone]
        stages.append(Stage(milestone, due, gaps))
    later = {s.milestone for s in stages}
    for activity in open_activities:  # due at a milestone between the levels shown
        if activity.target_phase and activity.target_phase not in later:
            stage = next(
                (s for s in stages if _index(s.milestone) >= _index(activity.target_phase)),
                stages[-1],
            )
            stage.activities.append(activity)
    return Roadmap(
        current,
        as_of,
        stages,
        [a for a in open_activities if a.target_phase is None],
        [a for a in activities if a.status == "completed"],
        findings,
    )


def _match(
    dossier: Dossier,
    found: Assessment,
    milestone: str,
    activities: list[PlannedActivity],
    findings: list[Finding],
    following: str | None,
    late_ok: bool = False,
) -> Gap:
    owners = _owners(dossier, found.subject)
    matching = [a for a in activities if a.type == found.rule.activity and owners & set(a.subjects)]
    in_time = [
        a for a in matching if a.target_phase is None or _index(a.target_phase) <= _index(milestone)
    ]
    if in_time:
        return Gap(found, f"{in_time[0].id} ({in_time[0].status})")
    by_facts = _planned_by_the_facts(dossier, found, milestone)
    if by_facts:
        return Gap(found, by_facts)
    title = MILESTONE_TITLES[milestone]
    if matching:
        late = matching[0]
        if late_ok:
            return Gap(found, None, late)
        findings.append(
            Finding(
                late.id,
                diagnostic(
                    "DOS743",
                    f"{late.id}: '{late.title}' is due by "
                    f"{MILESTONE_TITLES[late.target_phase or FINAL]}, but {title} already "
                    f"needs it: {found.detail}",
                    dossier.locate(late.id, ("target_phase",)),
                    hint=f"bring the activity forward to {title}, or accept that {title} "
                    f"will open with this gap (a Waiver of {found.code} on '{found.subject}' "
                    f"with its reason); basis: {found.rule.cited}",
                ),
            )
        )
        return Gap(found, None, late)
    if milestone == following:
        findings.append(
            Finding(
                found.subject,
                diagnostic(
                    "DOS742",
                    f"{found.subject}: {title} will need this and no activity plans it: "
                    f"{found.detail} ({found.rule.title})",
                    dossier.locate(found.subject, found.path),
                    hint=f"add a PlannedActivity of type {found.rule.activity} naming "
                    f"'{dossier.index[found.subject].fact.id}' with target_phase "
                    f"{milestone}; basis: {found.rule.cited}",
                ),
            )
        )
    return Gap(found, None)


def roadmap_findings(dossier: Dossier, as_of: date | None = None) -> list[Finding]:
    return roadmap(dossier, as_of or date.today()).findings
