"""Review-site pages for the CMC strategy: readiness, gaps, and the traceability per CQA."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import ProcessParameter
from cmc_dossier.model.product import CQA
from cmc_dossier.render.outline import slug
from cmc_dossier.render.text import SITE, escape
from cmc_dossier.site.split import PAGE_BUDGET, split_page
from cmc_dossier.strategy import report, responsibilities, roadmap_report
from cmc_dossier.strategy.findings import Findings
from cmc_dossier.strategy.roadmap import Roadmap, roadmap
from cmc_dossier.strategy.rules import MILESTONE_TITLES
from cmc_dossier.strategy.traceability import controls_by_cqa
from cmc_dossier.vcs import Revision

GAP_CODES = frozenset({"DOS700", "DOS720", "DOS721", "DOS722", "DOS723"})


def _t(value: object) -> str:
    return escape(value, SITE)


def _rows(diagnostics: list[Diagnostic]) -> str:
    if not diagnostics:
        return "None."
    lines = ["| Code | Where | Finding | What to do |", "|---|---|---|---|"]
    lines += [
        f"| {_t(d.code)} | {_t(str(d.location) if d.location else '')} | {_t(d.message)} "
        f"| {_t(d.hint or '')} |"
        for d in diagnostics
    ]
    return "\n".join(lines)


def _readiness_page(code: str) -> str:
    """A section's readiness findings (the readiness page, at the root, links to it so)."""
    return f"readiness/{slug(code, 30)}.md"


def cqa_page(cqa_id: str) -> str:
    return f"gaps/{slug(cqa_id, 60)}.md"


_CARD = (
    'style="border:1px solid {color};border-left:4px solid {color};border-radius:3px;'
    'padding:.3em .5em;margin:.3em 0;font-size:.75rem"'
)


def _card(title: str, detail: str, color: str) -> str:
    return (
        f"<div {_CARD.format(color=color)}><strong>{html.escape(title)}</strong><br>"
        f"{html.escape(detail)}</div>"
    )


# Cards drawn per milestone; the others are counted on one card (every one is listed below
# the timeline): a column of 500 cards is 130 kB of HTML that nobody reads as a picture.
TIMELINE_CARDS = 25


def timeline(plan: Roadmap) -> str:
    """The roadmap drawn offline: one column per milestone, plain HTML and inline CSS."""
    columns = []
    for stage in plan.stages:
        cards = [
            _card(a.title, f"{a.type.replace('-', ' ')}, {a.status}", "#1565c0")
            for a in stage.activities
        ]
        cards += [
            _card(
                g.assessment.rule.title,
                f"{g.assessment.subject}: {g.closed_by or 'nothing planned in time'}",
                "#2e7d32" if g.closed_by else "#c62828",
            )
            for g in stage.gaps
        ]
        if len(cards) > TIMELINE_CARDS:
            more = len(cards) - TIMELINE_CARDS + 1
            cards[TIMELINE_CARDS - 1 :] = [
                _card(f"{more} more", "listed under this milestone below", "#757575")
            ]
        now = " (current)" if stage.milestone == plan.current else ""
        columns.append(
            '<div style="flex:1 1 0;min-width:10rem">'
            f'<h4 style="margin:.2em 0">{html.escape(MILESTONE_TITLES[stage.milestone] + now)}'
            "</h4>" + ("".join(cards) or "<em>Nothing due</em>") + "</div>"
        )
    return (
        '<div class="cmc-roadmap" style="display:flex;gap:.8rem;overflow-x:auto">'
        + "".join(columns)
        + "</div>\n\nBlue: planned activity; green: a gap something plans to close in time; "
        "red: a gap nothing closes in time."
    )


def revision_date(revision: Revision) -> date:
    """The day the site's facts were committed (deterministic per commit), else today."""
    if revision.timestamp and not revision.dirty:
        return datetime.fromtimestamp(revision.timestamp, UTC).date()
    return date.today()


def strategy_pages(
    pages: dict[str, str], nav: list, dossier: Dossier, found: Findings, as_of: date
) -> None:
    """Readiness, roadmap, gaps and one traceability page per CQA (the matrix by CQA)."""
    current = report.readiness(dossier)
    plan = roadmap(dossier, as_of)
    assert dossier.manifest is not None
    title, body = roadmap_report.as_markdown(plan, dossier.manifest.product.name, escape=_t).split(
        "\n\n", 1
    )
    pages.update(split_page("roadmap.md", title, body.rstrip("\n"), intro=timeline(plan)))
    heading, body = responsibilities.as_markdown(
        responsibilities.responsibilities(dossier), _t
    ).split("\n\n", 1)
    pages.update(split_page("responsibilities.md", heading, body.rstrip("\n"), label_column=1))
    waived = "\n".join(
        f"- {_t(f.diagnostic.code)} on {_t(f.subject)}: {_t(w.reason)} ({_t(w.id)})"
        for f, w in found.waived
    )
    others = (
        "## Other strategy findings\n\n"
        + _rows([d for d in found.active if d.code not in GAP_CODES and d.code >= "DOS710"])
        + "\n\n## Waived findings\n\n"
        + (waived or "None.")
        + "\n"
    )
    readiness = f"# Phase readiness\n\n{report.as_markdown(current, _t)}\n\n{others}"
    if len(readiness.encode("utf-8")) > PAGE_BUDGET:  # a page per section lists its findings
        table = report.as_markdown(current, _t, _readiness_page)
        readiness = f"# Phase readiness\n\n{table}\n\n{others}"
        for section in current.sections:
            title = _t(report.section_title(section.code))
            body = report.section_as_markdown(current, section, _t)
            pages.update(
                split_page(_readiness_page(section.code), f"# Phase readiness: {title}", body)
            )
    pages["readiness.md"] = readiness
    gaps = [d for d in found.active if d.code in GAP_CODES]
    controls = controls_by_cqa(dossier)
    parameters: dict[str, list[str]] = {}
    for parameter in dossier.of_kind(ProcessParameter):
        for cqa_id in parameter.affects:
            parameters.setdefault(cqa_id, []).append(parameter.id)
    cqas = list(dossier.of_kind(CQA))
    index = "\n".join(
        f"- [{_t(c.id)}: {_t(c.title)}]({cqa_page(c.id).removeprefix('gaps/')})" for c in cqas
    )
    pages["gaps/index.md"] = (
        "# Traceability gaps\n\nQTPP elements that reach no attribute, critical attributes "
        "without a control, critical parameters without a control, methods whose status is "
        "below the phase, and dead ends.\n\n"
        + _rows(gaps)
        + "\n\n## Filter by quality attribute\n\n"
        + index
        + "\n"
    )
    for cqa in cqas:
        mentions = [d for d in gaps if f"'{cqa.id}'" in d.message or f" {cqa.id}" in d.message]
        pages[cqa_page(cqa.id)] = (
            f"# {_t(cqa.id)}: {_t(cqa.title)}\n\n"
            f"- **Criticality:** {_t(cqa.criticality)}\n"
            f"- **From QTPP:** {_t(', '.join(cqa.derived_from))}\n"
            f"- **Process parameters:** {_t(', '.join(parameters.get(cqa.id, [])) or '—')}\n"
            f"- **Controls:** {_t(', '.join(controls.get(cqa.id, [])) or '—')}\n\n"
            "## Gaps\n\n" + _rows(mentions) + "\n"
        )
    # The CQA pages are reached from the gaps page: listed in the navigation, which every
    # page carries, they made each page 0.5 MB of HTML at 1,500 CQAs (10,000 facts).
    nav.append(
        {
            "CMC strategy": [
                {"Readiness": "readiness.md"},
                {"Roadmap": "roadmap.md"},
                {"Responsibilities": "responsibilities.md"},
                {"Gaps": "gaps/index.md"},
            ]
        }
    )
