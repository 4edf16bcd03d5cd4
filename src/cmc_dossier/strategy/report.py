"""The readiness report: per CTD section, what meets the milestone, what does not, and what
the next milestone will need, as terminal text, Markdown or JSON."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from cmc_dossier.model.ctd import SECTION_BY_CODE
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.strategy.readiness import Assessment, assess, milestone_of, next_milestone
from cmc_dossier.strategy.rules import MILESTONE_TITLES


@dataclass(frozen=True)
class SectionReadiness:
    code: str
    meets: list[Assessment]
    gaps: list[Assessment]
    unknown: list[Assessment]
    next_needs: list[Assessment]


@dataclass(frozen=True)
class Readiness:
    milestone: str
    next: str | None
    sections: list[SectionReadiness]

    @property
    def gaps(self) -> list[Assessment]:
        return [gap for section in self.sections for gap in section.gaps]


def _key(assessment: Assessment) -> tuple[str, str]:
    return (assessment.rule.id, assessment.subject)


def readiness(dossier: Dossier, milestone: str | None = None) -> Readiness:
    """Assess at a milestone (the dossier's own by default) and at the one after it."""
    at = milestone or milestone_of(dossier)
    now = assess(dossier, at)
    after = next_milestone(at)
    unmet_now = {_key(a) for a in now if a.met is False}
    later = [a for a in (assess(dossier, after) if after else []) if a.met is False]
    later = [a for a in later if _key(a) not in unmet_now]
    grouped: dict[str, dict[str, list[Assessment]]] = defaultdict(lambda: defaultdict(list))
    for found in now:
        bucket = {True: "meets", False: "gaps", None: "unknown"}[found.met]
        for code in found.sections:
            grouped[code][bucket].append(found)
    for found in later:
        for code in found.sections:
            grouped[code]["next_needs"].append(found)
    order = list(SECTION_BY_CODE)
    sections = [
        SectionReadiness(code, g["meets"], g["gaps"], g["unknown"], g["next_needs"])
        for code, g in sorted(grouped.items(), key=lambda item: order.index(item[0]))
    ]
    return Readiness(at, after, sections)


def section_title(code: str) -> str:
    section = SECTION_BY_CODE.get(code)
    return f"{code} {section.title}" if section else code


def _line(found: Assessment) -> str:
    return f"{found.detail} [{found.rule.id}; {found.code}]"


def as_text(report: Readiness) -> str:
    lines = [f"Readiness for {MILESTONE_TITLES[report.milestone]}"]
    for section in report.sections:
        lines.append(f"\n{section_title(section.code)}")
        for label, items in (
            ("meets", section.meets),
            ("does not meet", section.gaps),
            ("cannot assess", section.unknown),
            (
                f"{MILESTONE_TITLES[report.next]} will need" if report.next else "",
                section.next_needs,
            ),
        ):
            lines += [f"  {label}: {_line(found)}" for found in items]
    gaps = len({_key(g) for g in report.gaps})
    lines.append(f"\n{gaps} gap{'s' * (gaps != 1)} at {MILESTONE_TITLES[report.milestone]}")
    return "\n".join(lines)


def section_list(codes: tuple[str, ...]) -> str:
    return ", ".join(codes)


def cell(text: str) -> str:
    """User text made safe for one Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


COLUMNS = ("Meets", "Does not meet", "Cannot assess", "Next milestone needs")


def as_markdown(report: Readiness, escape=cell, listed: Callable[[str], str] | None = None) -> str:
    """A table per section; `escape` makes user text safe for the Markdown dialect used.
    With `listed`, a cell shows how many assessments it holds, linked to the page
    `listed(code)` that lists them (`section_as_markdown`): a specification section's cell
    holds one per test, thousands in a large dossier."""
    title = MILESTONE_TITLES[report.milestone]
    upcoming = MILESTONE_TITLES[report.next] if report.next else None
    lines = [
        f"Readiness for **{escape(title)}**"
        + (f"; the last column shows what {escape(upcoming)} will add." if upcoming else "."),
        "",
        "| CTD section | " + " | ".join(COLUMNS) + " |",
        "|---|---|---|---|---|",
    ]
    for section in report.sections:
        columns = (section.meets, section.gaps, section.unknown, section.next_needs)
        cells = [
            (f"[{len(items)}]({listed(section.code)})" if listed else "<br>".join(
                escape(_line(found)) for found in items
            )) if items else "—"
            for items in columns
        ]  # fmt: skip
        lines.append(f"| {escape(section_title(section.code))} | " + " | ".join(cells) + " |")
    basis = {found.rule.id: found.rule for s in report.sections
             for found in (*s.meets, *s.gaps, *s.unknown, *s.next_needs)}  # fmt: skip
    lines += [
        "",
        "Rules applied and their basis ([V] verified, [S] secondary, [U] unverified):",
        "",
    ]
    lines += [f"- `{rule_id}`: {escape(rule.cited)}" for rule_id, rule in sorted(basis.items())]
    return "\n".join(lines)


def section_as_markdown(report: Readiness, section: SectionReadiness, escape=cell) -> str:
    """One section's assessments as a list per column of the table, under its heading."""
    lists = []
    for column, items in zip(
        COLUMNS, (section.meets, section.gaps, section.unknown, section.next_needs), strict=True
    ):
        if column == COLUMNS[-1] and report.next:
            column = f"{MILESTONE_TITLES[report.next]} will need"
        if items:
            lists.append(
                f"## {escape(column)}\n\n" + "\n".join(f"- {escape(_line(f))}" for f in items)
            )
    return "\n\n".join(lists)


def as_json(report: Readiness) -> str:
    def item(found: Assessment) -> dict[str, object]:
        return {
            "rule": found.rule.id,
            "code": found.code,
            "subject": found.subject,
            "detail": found.detail,
            "basis": found.rule.cited,
        }

    return json.dumps(
        {
            "milestone": report.milestone,
            "next_milestone": report.next,
            "sections": [
                {
                    "section": s.code,
                    "meets": [item(f) for f in s.meets],
                    "does_not_meet": [item(f) for f in s.gaps],
                    "cannot_assess": [item(f) for f in s.unknown],
                    "next_milestone_needs": [item(f) for f in s.next_needs],
                }
                for s in report.sections
            ],
        },
        indent=2,
        ensure_ascii=False,
    )
