"""The roadmap as a document (Markdown, then DOCX through pandoc), as text and as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from cmc_dossier.model.strategy import PlannedActivity
from cmc_dossier.strategy.report import cell, section_list
from cmc_dossier.strategy.roadmap import Gap, Roadmap
from cmc_dossier.strategy.rules import MILESTONE_TITLES

Escape = Callable[[str], str]


def _due(activity: PlannedActivity) -> str:
    phase = MILESTONE_TITLES[activity.target_phase] if activity.target_phase else ""
    return " or ".join(part for part in (phase, activity.target_date or "") if part)


def _activity_rows(activities: list[PlannedActivity], escape: Escape) -> list[str]:
    if not activities:
        return ["None."]
    rows = [
        "| Activity | Type | Concerns | Due by | Status | Unlocks |",
        "|---|---|---|---|---|---|",
    ]
    rows += [
        "| "
        + " | ".join(
            escape(text)
            for text in (
                f"{a.id}: {a.title}",
                a.type.replace("-", " "),
                ", ".join(a.subjects) or "—",
                _due(a) or "—",
                a.status,
                a.unlocks,
            )
        )
        + " |"
        for a in activities
    ]
    return rows


def _closed_by(gap: Gap) -> str:
    if gap.closed_by:
        return gap.closed_by
    if gap.late:
        return f"not in time: {gap.late.id} is due by {_due(gap.late)}"
    return "nothing planned"


def _gap_rows(gaps: list[Gap], escape: Escape) -> list[str]:
    if not gaps:
        return ["None."]
    rows = ["| CTD sections | Gap | Closed by | Rule |", "|---|---|---|---|"]
    rows += [
        "| "
        + " | ".join(
            escape(text)
            for text in (
                section_list(g.assessment.sections),
                g.assessment.detail,
                _closed_by(g),
                f"{g.assessment.rule.id} ({g.assessment.code})",
            )
        )
        + " |"
        for g in gaps
    ]
    return rows


def as_markdown(roadmap: Roadmap, product: str, escape: Escape = cell) -> str:
    """One part per milestone: the activities due by it and the readiness gaps it opens."""
    lines = [
        f"# CMC roadmap: {escape(product)}",
        "",
        f"As of {roadmap.as_of.isoformat()} the dossier is at "
        f"{escape(MILESTONE_TITLES[roadmap.current])}. Each milestone lists the planned "
        "activities due by it and the readiness rules it adds that the facts do not meet yet, "
        "with what closes each of them.",
    ]
    for stage in roadmap.stages:
        title = MILESTONE_TITLES[stage.milestone]
        now = " (current)" if stage.milestone == roadmap.current else ""
        lines += ["", f"## {escape(title)}{now}", "", "Activities due:", ""]
        lines += _activity_rows(stage.activities, escape)
        lines += ["", "Readiness gaps:", ""]
        lines += _gap_rows(stage.gaps, escape)
    lines += ["", "## Activities due by a date", "", *_activity_rows(roadmap.dated, escape)]
    lines += ["", "## Completed activities", "", *_activity_rows(roadmap.completed, escape)]
    rules = {g.assessment.rule.id: g.assessment.rule for s in roadmap.stages for g in s.gaps}
    if rules:
        lines += ["", "## Basis of the readiness rules", ""]
        lines += [f"- `{rule_id}`: {escape(rule.cited)}" for rule_id, rule in sorted(rules.items())]
    return "\n".join(lines) + "\n"


def as_text(roadmap: Roadmap, product: str) -> str:
    lines = [f"CMC roadmap for {product}, as of {roadmap.as_of.isoformat()}"]
    for stage in roadmap.stages:
        now = " (current)" if stage.milestone == roadmap.current else ""
        lines.append(f"\n{MILESTONE_TITLES[stage.milestone]}{now}")
        lines += [f"  due: {a.id} {a.title} [{a.type}, {a.status}]" for a in stage.activities]
        lines += [
            f"  gap: {g.assessment.detail} -> {_closed_by(g)} [{g.assessment.rule.id}]"
            for g in stage.gaps
        ]
    lines += [f"\ndue by date: {a.id} {a.title} ({a.target_date})" for a in roadmap.dated]
    lines += [f"completed: {a.id} {a.title}" for a in roadmap.completed]
    return "\n".join(lines)


def as_json(roadmap: Roadmap) -> str:
    def activity(a: PlannedActivity) -> dict[str, object]:
        return {
            "id": a.id,
            "type": a.type,
            "target_phase": a.target_phase,
            "target_date": a.target_date,
            "status": a.status,
            "subjects": a.subjects,
        }

    return json.dumps(
        {
            "as_of": roadmap.as_of.isoformat(),
            "current_milestone": roadmap.current,
            "milestones": [
                {
                    "milestone": s.milestone,
                    "activities": [activity(a) for a in s.activities],
                    "gaps": [
                        {
                            "rule": g.assessment.rule.id,
                            "code": g.assessment.code,
                            "subject": g.assessment.subject,
                            "sections": list(g.assessment.sections),
                            "detail": g.assessment.detail,
                            "closed_by": g.closed_by,
                            "late_activity": g.late.id if g.late else None,
                        }
                        for g in s.gaps
                    ],
                }
                for s in roadmap.stages
            ],
            "dated": [activity(a) for a in roadmap.dated],
            "completed": [activity(a) for a in roadmap.completed],
        },
        indent=2,
        ensure_ascii=False,
    )
