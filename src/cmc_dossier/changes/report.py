"""The impact report as Markdown (pull-request comment, job summary), JSON and terminal text."""

from __future__ import annotations

import json
from typing import Any

from cmc_dossier.changes.facts_diff import FieldChange
from cmc_dossier.changes.impact import AssessedChange, ImpactReport
from cmc_dossier.render.text import SITE, escape, term
from cmc_dossier.strategy.delta import ReadinessDelta
from cmc_dossier.strategy.rules import MILESTONE_TITLES

COMMENT_LIMIT = 65_536  # GitHub's limit for one comment
MARKER = "<!-- cmc-dossier-impact-report -->"
_CATEGORY_WORDS = {
    "information-amendment": "Information amendment",
    "none": "None",
    "substantial": "Substantial modification",
    "non-substantial": "Non-substantial modification",
    "annual-report": "Annual report",
}


def category_text(category: str) -> str:
    return _CATEGORY_WORDS.get(category, category)


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if hasattr(value, "id") and hasattr(value, "label"):
        return f"{value.label} ({value.id})"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def change_text(item: AssessedChange) -> str:
    """One line saying what changed, as typed on both sides."""
    fc: FieldChange | None = item.field
    if fc is None:
        return f"{item.kind} {item.change}"
    where = ".".join(str(p) for p in fc.path)
    direction = f" ({fc.direction})" if fc.direction else ""
    if fc.old is None:
        return f"{where}: added {_shown(fc.new)}"
    if fc.new is None:
        return f"{where}: removed {_shown(fc.old)}"
    return f"{where}: {_shown(fc.old)} → {_shown(fc.new)}{direction}"


def _t(value: object) -> str:
    return escape(value, SITE)


def _headline(report: ImpactReport, context: str) -> str:
    category, drivers = report.overall[context]
    if not drivers:
        return f"- **{term(context)}: {category_text(category)}** (no changes)"
    first = drivers[0].impacts[context]
    more = f" and {len(drivers) - 1} more" if len(drivers) > 1 else ""
    return (
        f"- **{term(context)}: {category_text(category)}**, driven by "
        f"{_t(drivers[0].label)} ({_t(drivers[0].change_type)}){more}. Basis: {_t(first.basis)}"
    )


def _row(item: AssessedChange, contexts: list[str]) -> str:
    categories = " | ".join(
        category_text(item.impacts[c].category)
        + (" (EC)" if item.impacts[c].established_condition else "")
        for c in contexts
    )
    sections = ", ".join(item.sections.get("ind", [])) or "—"
    return (
        f"| {_t(item.label)} ({_t(item.fact_id)}) | {_t(item.change_type)} | "
        f"{_t(change_text(item))} | {categories} | {_t(sections)} |"
    )


def _details(item: AssessedChange, contexts: list[str]) -> str:
    lines = [
        f"**{_t(item.label)}** ({_t(item.fact_id)}, {_t(item.change_type)}): "
        + _t(change_text(item)),
        "",
    ]
    for context in contexts:
        impact = item.impacts[context]
        lines.append(f"- {term(context)}: {category_text(impact.category)}. {_t(impact.basis)}")
    sections = "; ".join(
        f"{target.upper()} {', '.join(codes)}" for target, codes in item.sections.items() if codes
    )
    lines.append(f"- CTD sections: {_t(sections or 'not presented in a section')}")
    lines.append(f"- Comparability evidence expected: {_t(item.comparability)}")
    return "\n".join(lines)


def as_markdown(
    report: ImpactReport, limit: int = COMMENT_LIMIT, artifact: str = "impact-report"
) -> str:
    """The pull-request comment; cut to GitHub's limit with a pointer to the full artifact."""
    head = [MARKER, f"## CMC change impact: {_t(report.base)} → {_t(report.head)}", ""]
    head += [_headline(report, context) for context in report.contexts]
    if report.moved:
        head += ["", f"{len(report.moved)} fact(s) moved to another file without change."]
    for side in ("base", "head"):
        problems = report.problems.get(side) or []
        if problems:
            head += [
                "",
                f"**{len(problems)} validation problem(s) at {side}**: "
                "the diff shows what could be read.",
            ]
    if not report.changes:
        return "\n".join([*head, "", "No fact changed."]) + "\n"
    columns = " | ".join(term(c) for c in report.contexts)
    table = ["", f"### Changes ({len(report.changes)})", "",
             f"| Fact | Change type | What changed | {columns} | IND sections |",
             "|---|---|---|" + "---|" * len(report.contexts) + "---|"]  # fmt: skip
    rows = [_row(item, report.contexts) for item in report.changes]
    details = [_details(item, report.contexts) for item in report.changes]
    for kept in range(len(rows), -1, -1):
        body = table + rows[:kept]
        cut = len(rows) - kept
        if cut:
            body += [
                "",
                f"… {cut} more change(s) not shown: "
                f"see the full report in the `{artifact}` artifact.",
            ]
        shown_details = details[:kept]
        body += ["", "<details><summary>Basis, sections and comparability per change</summary>", "",
                 "\n\n".join(shown_details), "", "</details>"]  # fmt: skip
        text = "\n".join([*head, *body]) + "\n"
        if len(text) <= limit:
            return text
    return "\n".join(head) + "\n"


def readiness_markdown(delta: ReadinessDelta) -> str:
    """One section of the pull-request comment when the change moves phase readiness."""
    if not delta.changed:
        return ""
    lines = ["", "### Phase readiness", ""]
    if delta.base_milestone != delta.head_milestone:
        lines.append(
            f"The phase moves from {_t(MILESTONE_TITLES[delta.base_milestone])} to "
            f"{_t(MILESTONE_TITLES[delta.head_milestone])}."
        )
    lines += [
        f"- {label} ({_t(found.code)}, {_t(', '.join(found.sections))}): {_t(found.detail)}"
        for label, items in (("**No longer met**", delta.opened), ("Now met", delta.closed))
        for found in items
    ]
    return "\n".join(lines) + "\n"


def as_json(report: ImpactReport) -> str:
    def item(change: AssessedChange) -> dict[str, Any]:
        fc = change.field
        return {
            "id": change.fact_id,
            "kind": change.kind,
            "label": change.label,
            "change": change.change,
            "change_type": change.change_type,
            "field": ".".join(str(p) for p in fc.path) if fc else None,
            "old": _shown(fc.old) if fc else None,
            "new": _shown(fc.new) if fc else None,
            "direction": fc.direction if fc else None,
            "impacts": {c: vars(i) for c, i in change.impacts.items()},
            "sections": change.sections,
            "comparability": change.comparability,
            "file": str(change.file) if change.file else None,
        }

    return json.dumps(
        {
            "base": report.base,
            "head": report.head,
            "overall": {c: category for c, (category, _) in report.overall.items()},
            "changes": [item(c) for c in report.changes],
            "moved": [{"id": i, "from": str(a), "to": str(b)} for i, a, b in report.moved],
            "problems": {
                side: [d.to_dict() for d in found] for side, found in report.problems.items()
            },
        },
        indent=2,
        ensure_ascii=False,
    )


def as_text(report: ImpactReport) -> str:
    lines = [f"CMC change impact: {report.base} -> {report.head}"]
    for context in report.contexts:
        category, _ = report.overall[context]
        lines.append(f"  {term(context):<18} {category_text(category)}")
    for change in report.changes:
        lines.append(
            f"- {change.label} ({change.fact_id}) [{change.change_type}] {change_text(change)}"
        )
        for context in report.contexts:
            impact = change.impacts[context]
            lines.append(
                f"    {term(context):<18} {category_text(impact.category)}: {impact.basis}"
            )
        if any(change.sections.values()):
            lines.append(
                "    sections: "
                + "; ".join(f"{t.upper()} {', '.join(c)}" for t, c in change.sections.items())
            )
        lines.append(f"    comparability: {change.comparability}")
    if not report.changes:
        lines.append("no fact changed")
    return "\n".join(lines)
