"""Review-site pages for the CMC strategy: readiness, gaps, and the traceability per CQA."""

from __future__ import annotations

from cmc_dossier.diagnostics import Diagnostic
from cmc_dossier.model.dossier import Dossier
from cmc_dossier.model.manufacture import ProcessParameter
from cmc_dossier.model.product import CQA
from cmc_dossier.render.outline import slug
from cmc_dossier.render.text import SITE, escape
from cmc_dossier.strategy import report
from cmc_dossier.strategy.findings import Findings
from cmc_dossier.strategy.traceability import controls_by_cqa

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


def cqa_page(cqa_id: str) -> str:
    return f"gaps/{slug(cqa_id, 60)}.md"


def strategy_pages(pages: dict[str, str], nav: list, dossier: Dossier, found: Findings) -> None:
    """Readiness, gaps and one traceability page per CQA (the matrix filtered by CQA)."""
    current = report.readiness(dossier)
    waived = "\n".join(
        f"- {_t(f.diagnostic.code)} on {_t(f.subject)}: {_t(w.reason)} ({_t(w.id)})"
        for f, w in found.waived
    )
    pages["readiness.md"] = (
        "# Phase readiness\n\n"
        + report.as_markdown(current, escape=_t)
        + "\n\n## Other strategy findings\n\n"
        + _rows([d for d in found.active if d.code not in GAP_CODES and d.code >= "DOS710"])
        + "\n\n## Waived findings\n\n"
        + (waived or "None.")
        + "\n"
    )
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
    nav.append(
        {
            "CMC strategy": [
                {"Readiness": "readiness.md"},
                {"Gaps": "gaps/index.md"},
                *({c.id: cqa_page(c.id)} for c in cqas),
            ]
        }
    )
