"""The impact report as Markdown (pull-request comment, job summary), JSON and terminal text."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel

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


def shown(value: Any) -> str:
    """A value as typed, a fact as its label and ID, a list joined, nothing as a dash."""
    if value is None:
        return "—"
    if hasattr(value, "id") and hasattr(value, "label"):
        return f"{value.label} ({value.id})"
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {shown(item)}" for key, item in value.items() if item is not None)
    if isinstance(value, BaseModel) and type(value).__str__ is BaseModel.__str__:
        return "; ".join(  # its fields as typed, not pydantic's repr
            f"{info.alias or name}: {shown(getattr(value, name))}"
            for name, info in type(value).model_fields.items()
            if getattr(value, name) not in (None, [], {})
        )
    return str(value)


def _problem_scope(report: ImpactReport) -> str:
    """Where the problems counted were looked for: `--full` validates whole revisions."""
    return "at " if report.problems_of_whole_revisions else "in the changed files at "


def change_text(item: AssessedChange) -> str:
    """One line saying what changed, as typed on both sides."""
    fc: FieldChange | None = item.field
    if fc is None:
        return f"{item.kind} {item.change}"
    where = ".".join(str(p) for p in fc.path)
    direction = f" ({fc.direction})" if fc.direction else ""
    if fc.old is None:
        return f"{where}: added {shown(fc.new)}"
    if fc.new is None:
        return f"{where}: removed {shown(fc.old)}"
    return f"{where}: {shown(fc.old)} → {shown(fc.new)}{direction}"


# A bare URL as typed (trailing sentence punctuation is not part of it).
_URL = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]]")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def _t(value: object) -> str:
    """User text for the comment: escaped, URLs as autolinks (their characters taken
    literally, so no escaping backslash shows), and no @mention that would notify anyone."""
    text = str(value)
    parts: list[str] = []
    start = 0
    for url in _URL.finditer(text):
        parts += [_escaped_between(text[start : url.start()]), f"<{url.group()}>"]
        start = url.end()
    parts.append(_escaped_between(text[start:]))
    return _MENTION.sub("@&#8203;", "".join(parts))


def _escaped_between(piece: str) -> str:
    """Escaped text next to a URL, keeping the spaces that separate them."""
    core = piece.strip(" ")
    if not core:
        return piece
    return (
        " " * (len(piece) - len(piece.lstrip(" ")))
        + escape(core, SITE)
        + " " * (len(piece) - len(piece.rstrip(" ")))
    )


def _headline(report: ImpactReport, context: str) -> str:
    category, drivers = report.overall[context]
    if category is None or not drivers:
        return f"- **{term(context)}**: no change, no category"
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
    if item.conditions:
        facts = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in item.conditions.items())
        lines.append(f"- Read from the facts: {_t(facts)}")
    if item.note:
        lines.append(f"- Note: {_t(item.note)}")
    lines.append(f"- Comparability evidence expected: {_t(item.comparability)}")
    return "\n".join(lines)


def _rules_line(report: ImpactReport) -> str:
    return "Impact rules: " + "; ".join(report.rules)


def _to_check(report: ImpactReport) -> list[str]:
    if not report.to_check:
        return []
    lines = ["", f"### To check ({len(report.to_check)})", ""]
    for found in report.to_check:
        lines.append(f"- [ ] `{_t(found.location)}` {found.code}: {_t(found.message)}")
    return lines


def as_markdown(
    report: ImpactReport, limit: int = COMMENT_LIMIT, artifact: str = "impact-report"
) -> str:
    """The pull-request comment; cut to GitHub's limit with a pointer to the full artifact."""
    head = [MARKER, f"## CMC change impact: {_t(report.base)} → {_t(report.head)}", ""]
    head += [_headline(report, context) for context in report.contexts]
    head += ["", _t(_rules_line(report))]
    if report.moved:
        head += ["", f"{len(report.moved)} fact(s) moved to another file without change."]
    for side in ("base", "head"):
        problems = report.problems.get(side) or []
        if problems:
            head += [
                "",
                f"**{len(problems)} validation problem(s) {_problem_scope(report)}{side}**: "
                "the diff shows what could be read.",
            ]
    if not report.changes:
        return "\n".join([*head, "", "No fact changed."]) + "\n"
    head += _to_check(report)
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
            "old": shown(fc.old) if fc else None,
            "new": shown(fc.new) if fc else None,
            "direction": fc.direction if fc else None,
            "impacts": {c: vars(i) for c, i in change.impacts.items()},
            "sections": change.sections,
            "comparability": change.comparability,
            "comparability_level": change.comparability_level,
            "conditions": change.conditions,
            "note": change.note,
            "file": str(change.file) if change.file else None,
        }

    return json.dumps(
        {
            "base": report.base,
            "head": report.head,
            "overall": {c: category for c, (category, _) in report.overall.items()},
            "rules": report.rules,
            "to_check": [d.to_dict() for d in report.to_check],
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
    lines = [f"CMC change impact: {report.base} -> {report.head}", f"  {_rules_line(report)}"]
    for context in report.contexts:
        category, _ = report.overall[context]
        shown = category_text(category) if category else "no change, no category"
        lines.append(f"  {term(context):<18} {shown}")
    for side in ("base", "head"):
        problems = report.problems.get(side) or []
        if problems:
            lines.append(
                f"{len(problems)} validation problem(s) {_problem_scope(report)}{side}: the diff "
                "shows what could be read"
            )
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
        if change.note:
            lines.append(f"    note: {change.note}")
        lines.append(f"    comparability: {change.comparability}")
    if not report.changes:
        lines.append("no fact changed")
    lines += [f"{d.location}: warning {d.code}: {d.message}" for d in report.to_check]
    return "\n".join(lines)
